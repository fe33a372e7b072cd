import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployGovernanceWithVotersFixture, DRIVER_RIDE, TEST_GOVERNANCE } from "../fixtures/governance";
import { param, ride } from "../fixtures/market";
import {
  call,
  castVotes,
  propose,
  proposal,
  proposeAndVote,
  ProposalState,
  queue,
  toVotingEnd,
  toVotingStart,
  VoteType,
  type Proposal,
} from "../helpers/governance";
import type { CoopGovernor, RideMarket, TimelockController } from "../../typechain-types";

/** Governor's bitmap of proposal states, as in GovernorUnexpectedProposalState. */
const stateBitmap = (...states: ProposalState[]): string =>
  ethers.toBeHex(
    states.reduce((acc, s) => acc | (1n << BigInt(s)), 0n),
    32,
  );

async function feeProposal(market: RideMarket, description = "Set the fee to 3%"): Promise<Proposal> {
  return proposal([await call(market, "setParameter", [param("feeBps"), 300])], description);
}

/** The id the timelock gives a proposal the governor queued (salt: governor address xor description hash). */
async function timelockOperationId(timelock: TimelockController, governor: CoopGovernor, p: Proposal): Promise<string> {
  const salt = ethers.toBeHex((BigInt(await governor.getAddress()) << 96n) ^ BigInt(p.descriptionHash), 32);
  return timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, salt);
}

async function proposeAsDriver0(): Promise<{
  governor: CoopGovernor;
  market: RideMarket;
  timelock: TimelockController;
  drivers: HardhatEthersSigner[];
  others: HardhatEthersSigner[];
  p: Proposal;
  id: bigint;
}> {
  const f = await loadFixture(deployGovernanceWithVotersFixture);
  const p = await feeProposal(f.market);
  const { id } = await propose(f.governor, f.drivers[0], p);
  return { ...f, p, id };
}

describe("Governance: proposals, thresholds and quorum", function () {
  describe("proposal threshold", function () {
    it("reverts with GovernorInsufficientProposerVotes for a holder below the threshold", async function () {
      const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
      const p = await feeProposal(market);
      await expect(governor.connect(drivers[2]).propose(p.targets, p.values, p.calldatas, p.description))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(drivers[2].address, DRIVER_RIDE[2], TEST_GOVERNANCE.proposalThreshold);
    });

    it("reverts with GovernorInsufficientProposerVotes for an account that holds no votes", async function () {
      const { governor, market, others } = await loadFixture(deployGovernanceWithVotersFixture);
      const p = await feeProposal(market);
      await expect(governor.connect(others[0]).propose(p.targets, p.values, p.calldatas, p.description))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(others[0].address, 0n, TEST_GOVERNANCE.proposalThreshold);
    });

    it("does not count RIDE held without delegation towards the threshold", async function () {
      const { governor, market, token, drivers, others } = await loadFixture(deployGovernanceWithVotersFixture);
      await token.connect(drivers[0]).transfer(others[0].address, ride("100"));
      const p = await feeProposal(market);
      await expect(governor.connect(others[0]).propose(p.targets, p.values, p.calldatas, p.description))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(others[0].address, 0n, TEST_GOVERNANCE.proposalThreshold);
    });

    it("accepts a proposal from a holder at or above the threshold", async function () {
      const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
      const p = await feeProposal(market);
      await expect(governor.connect(drivers[1]).propose(p.targets, p.values, p.calldatas, p.description)).to.emit(
        governor,
        "ProposalCreated",
      );
    });
  });

  describe("quorum", function () {
    it("is 4% of the RIDE supply at the snapshot", async function () {
      const { governor, id } = await proposeAsDriver0();
      await toVotingStart(governor, id);
      expect(await governor.quorum(await governor.proposalSnapshot(id))).to.equal(ride("12.4"));
    });

    it("defeats a proposal whose votes stay below quorum", async function () {
      const { governor, drivers, id } = await proposeAsDriver0();
      await toVotingStart(governor, id);
      await castVotes(governor, id, [{ voter: drivers[2], support: VoteType.For }]);
      await toVotingEnd(governor, id);
      expect(await governor.state(id)).to.equal(ProposalState.Defeated);
    });

    it("reverts with GovernorUnexpectedProposalState when queuing a defeated proposal", async function () {
      const { governor, p, id } = await proposeAsDriver0();
      await toVotingStart(governor, id);
      await toVotingEnd(governor, id);
      await expect(queue(governor, p))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(id, ProposalState.Defeated, stateBitmap(ProposalState.Succeeded));
    });

    it("defeats a proposal with more votes against than for", async function () {
      const { governor, drivers, id } = await proposeAsDriver0();
      await toVotingStart(governor, id);
      await castVotes(governor, id, [
        { voter: drivers[0], support: VoteType.Against },
        { voter: drivers[1], support: VoteType.For },
      ]);
      await toVotingEnd(governor, id);
      expect(await governor.state(id)).to.equal(ProposalState.Defeated);
    });

    it("extends the vote by the late-quorum extension when quorum is first reached at the deadline", async function () {
      const { governor, drivers, id } = await proposeAsDriver0();
      const deadline = await governor.proposalDeadline(id);
      await time.setNextBlockTimestamp(deadline);
      const extended = deadline + BigInt(TEST_GOVERNANCE.lateQuorumExtension);
      await expect(governor.connect(drivers[1]).castVote(id, VoteType.For))
        .to.emit(governor, "ProposalExtended")
        .withArgs(id, extended);
    });
  });

  describe("cancel", function () {
    it("lets the proposer cancel its own proposal before the vote starts", async function () {
      const { governor, drivers, p, id } = await proposeAsDriver0();
      await expect(governor.connect(drivers[0]).cancel(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.emit(governor, "ProposalCanceled")
        .withArgs(id);
    });

    it("reverts with GovernorUnableToCancel when another holder cancels a proposal", async function () {
      const { governor, drivers, p, id } = await proposeAsDriver0();
      await expect(governor.connect(drivers[1]).cancel(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(id, drivers[1].address);
    });

    it("reverts with GovernorUnableToCancel when the proposer cancels after the vote started", async function () {
      const { governor, drivers, p, id } = await proposeAsDriver0();
      await toVotingStart(governor, id);
      await expect(governor.connect(drivers[0]).cancel(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with AccessControlUnauthorizedAccount when a holder cancels a queued operation in the timelock", async function () {
      const { governor, timelock, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
      const p = await feeProposal(market);
      await proposeAndVote(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
      await queue(governor, p);
      const opId = await timelockOperationId(timelock, governor, p);
      await expect(timelock.connect(drivers[0]).cancel(opId))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(drivers[0].address, await timelock.CANCELLER_ROLE());
    });
  });

  describe("timelock delay", function () {
    it("reverts with TimelockUnexpectedOperationState when executing before the delay", async function () {
      const { governor, timelock, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
      const p = await feeProposal(market);
      await proposeAndVote(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
      await queue(governor, p);
      const readyBitmap = ethers.toBeHex(1n << 2n, 32); // OperationState.Ready
      await expect(governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(await timelockOperationId(timelock, governor, p), readyBitmap);
    });

    it("sets the eta to the queue time plus the timelock delay", async function () {
      const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
      const p = await feeProposal(market);
      const { id } = await proposeAndVote(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
      await queue(governor, p);
      expect(await governor.proposalEta(id)).to.equal(BigInt((await time.latest()) + TEST_GOVERNANCE.timelockDelay));
    });
  });

  describe("proposal spam", function () {
    it("reverts with GovernorUnexpectedProposalState when the same proposal is submitted twice", async function () {
      const { governor, drivers, p, id } = await proposeAsDriver0();
      await expect(governor.connect(drivers[1]).propose(p.targets, p.values, p.calldatas, p.description))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(id, ProposalState.Pending, ethers.ZeroHash);
    });

    it("bounds the accounts that can propose at once by the supply over the threshold", async function () {
      const { governor, token, market, drivers, others } = await loadFixture(deployGovernanceWithVotersFixture);
      // Driver 0's 200 RIDE split four ways reach the 50 RIDE threshold four times, never a fifth.
      const accounts = others.slice(0, 5);
      for (const a of accounts.slice(0, 4)) {
        await token.connect(drivers[0]).transfer(a.address, ride("50"));
        await token.connect(a).delegate(a.address);
      }
      await token.connect(accounts[4]).delegate(accounts[4].address);
      for (const [i, a] of accounts.slice(0, 4).entries()) {
        const p = await feeProposal(market, `spam ${i}`);
        await governor.connect(a).propose(p.targets, p.values, p.calldatas, p.description);
      }
      const fifth = await feeProposal(market, "spam 4");
      await expect(
        governor.connect(accounts[4]).propose(fifth.targets, fifth.values, fifth.calldatas, fifth.description),
      )
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(accounts[4].address, 0n, TEST_GOVERNANCE.proposalThreshold);
    });
  });
});
