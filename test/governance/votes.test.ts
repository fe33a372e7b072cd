import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { deployGovernanceWithVotersFixture, DRIVER_RIDE } from "../fixtures/governance";
import { param, ride } from "../fixtures/market";
import { call, propose, proposal, signBallot, toVotingStart, VoteType } from "../helpers/governance";

/** Voters fixture with driver 0's fee proposal open for votes. */
async function openProposalFixture() {
  const f = await loadFixture(deployGovernanceWithVotersFixture);
  const p = proposal([await call(f.market, "setParameter", [param("feeBps"), 300])], "Set the fee to 3%");
  const { id } = await propose(f.governor, f.drivers[0], p);
  return { ...f, p, id };
}

/** Driver 1 put its 100 RIDE in a flash lender before the proposal; the vote is open. */
async function flashLoanFixture() {
  const f = await loadFixture(deployGovernanceWithVotersFixture);
  const lender = await ethers.deployContract("RideFlashLender", [await f.token.getAddress(), 0]);
  await f.token.connect(f.drivers[1]).transfer(await lender.getAddress(), ride("100"));
  const borrower = await ethers.deployContract("FlashVoteBorrower", [
    await lender.getAddress(),
    await f.governor.getAddress(),
    await f.token.getAddress(),
  ]);
  const p = proposal([await call(f.market, "setParameter", [param("feeBps"), 300])], "Set the fee to 3%");
  const { id } = await propose(f.governor, f.drivers[0], p);
  await toVotingStart(f.governor, id);
  return { ...f, lender, borrower, id };
}

describe("Governance: voting power at the snapshot", function () {
  describe("castVote", function () {
    it("counts the voter's RIDE at the snapshot", async function () {
      const { governor, drivers, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      await expect(governor.connect(drivers[1]).castVote(id, VoteType.For))
        .to.emit(governor, "VoteCast")
        .withArgs(drivers[1].address, id, VoteType.For, DRIVER_RIDE[1], "");
    });

    it("reverts with GovernorAlreadyCastVote on a second vote", async function () {
      const { governor, drivers, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      await governor.connect(drivers[1]).castVote(id, VoteType.For);
      await expect(governor.connect(drivers[1]).castVote(id, VoteType.Against))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(drivers[1].address);
    });

    it("gives zero weight to RIDE received after the snapshot", async function () {
      const { governor, token, drivers, others, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      await token.connect(drivers[1]).transfer(others[0].address, ride("100"));
      await token.connect(others[0]).delegate(others[0].address);
      await expect(governor.connect(others[0]).castVote(id, VoteType.For))
        .to.emit(governor, "VoteCast")
        .withArgs(others[0].address, id, VoteType.For, 0n, "");
    });

    it("keeps the snapshot weight of a holder who sold after the snapshot", async function () {
      const { governor, token, drivers, others, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      await token.connect(drivers[1]).transfer(others[0].address, ride("100"));
      await expect(governor.connect(drivers[1]).castVote(id, VoteType.For))
        .to.emit(governor, "VoteCast")
        .withArgs(drivers[1].address, id, VoteType.For, DRIVER_RIDE[1], "");
    });
  });

  describe("flash loans", function () {
    it("gives zero weight to RIDE borrowed in a flash loan, though the borrower holds the votes", async function () {
      const { borrower, id } = await loadFixture(flashLoanFixture);
      await expect(borrower.borrowAndVote(id, ride("100"), VoteType.For))
        .to.emit(borrower, "FlashVoted")
        .withArgs(id, ride("100"), ride("100"), 0n);
    });

    it("leaves the tally unchanged after a flash-loan vote", async function () {
      const { governor, borrower, id } = await loadFixture(flashLoanFixture);
      await borrower.borrowAndVote(id, ride("100"), VoteType.For);
      expect(await governor.proposalVotes(id)).to.deep.equal([0n, 0n, 0n]);
    });

    it("takes the loan back in the same transaction", async function () {
      const { token, lender, borrower, id } = await loadFixture(flashLoanFixture);
      await expect(borrower.borrowAndVote(id, ride("100"), VoteType.For)).to.changeTokenBalances(
        token,
        [lender, borrower],
        [0n, 0n],
      );
    });

    it("reverts with FlashLenderAmountTooLarge beyond the lender's balance", async function () {
      const { lender, borrower, id } = await loadFixture(flashLoanFixture);
      await expect(borrower.borrowAndVote(id, ride("101"), VoteType.For))
        .to.be.revertedWithCustomError(lender, "FlashLenderAmountTooLarge")
        .withArgs(ride("101"), ride("100"));
    });
  });

  describe("castVoteBySig", function () {
    it("counts a signed ballot relayed by anyone with the signer's snapshot weight", async function () {
      const { governor, drivers, others, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      const signature = await signBallot(governor, drivers[0], id, VoteType.For);
      await expect(governor.connect(others[0]).castVoteBySig(id, VoteType.For, drivers[0].address, signature))
        .to.emit(governor, "VoteCast")
        .withArgs(drivers[0].address, id, VoteType.For, DRIVER_RIDE[0], "");
    });

    it("reverts with GovernorInvalidSignature when a signed ballot is replayed", async function () {
      const { governor, drivers, others, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      const signature = await signBallot(governor, drivers[0], id, VoteType.For);
      await governor.connect(others[0]).castVoteBySig(id, VoteType.For, drivers[0].address, signature);
      await expect(governor.connect(others[0]).castVoteBySig(id, VoteType.For, drivers[0].address, signature))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidSignature")
        .withArgs(drivers[0].address);
    });

    it("reverts with GovernorInvalidSignature when the relayer changes the support", async function () {
      const { governor, drivers, others, id } = await openProposalFixture();
      await toVotingStart(governor, id);
      const signature = await signBallot(governor, drivers[0], id, VoteType.For);
      await expect(governor.connect(others[0]).castVoteBySig(id, VoteType.Against, drivers[0].address, signature))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidSignature")
        .withArgs(drivers[0].address);
    });
  });
});
