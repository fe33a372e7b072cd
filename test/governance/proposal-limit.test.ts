import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import { deployGovernanceWithVotersFixture } from "../fixtures/governance";
import { param } from "../fixtures/market";
import {
  call,
  castVotes,
  propose,
  proposal,
  proposalId,
  ProposalState,
  toVotingEnd,
  toVotingStart,
  VoteType,
  type Proposal,
} from "../helpers/governance";
import type { RideMarket } from "../../typechain-types";

async function feeProposal(market: RideMarket, fee: number, description: string): Promise<Proposal> {
  return proposal([await call(market, "setParameter", [param("feeBps"), fee])], description);
}

/** Issue 13, scenario 5: proposals that cannot be front-run and killed, nor flooded by one account. */
describe("Governance: one live proposal per proposer (issue 13, scenario 5)", function () {
  it("records a proposer's latest proposal", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const { id } = await propose(governor, drivers[0], await feeProposal(market, 300, "Fee 3%"));
    expect(await governor.latestProposal(drivers[0].address)).to.equal(id);
  });

  it("reverts with ProposerHasLiveProposal for a second proposal while the first is Pending", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const { id } = await propose(governor, drivers[0], await feeProposal(market, 300, "Fee 3%"));
    const second = await feeProposal(market, 400, "Fee 4%");
    await expect(
      governor.connect(drivers[0]).propose(second.targets, second.values, second.calldatas, second.description),
    )
      .to.be.revertedWithCustomError(governor, "ProposerHasLiveProposal")
      .withArgs(drivers[0].address, id);
  });

  it("reverts with ProposerHasLiveProposal while the first is Active", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const { id } = await propose(governor, drivers[0], await feeProposal(market, 300, "Fee 3%"));
    await toVotingStart(governor, id);
    expect(await governor.state(id)).to.equal(ProposalState.Active);
    const second = await feeProposal(market, 400, "Fee 4%");
    await expect(
      governor.connect(drivers[0]).propose(second.targets, second.values, second.calldatas, second.description),
    )
      .to.be.revertedWithCustomError(governor, "ProposerHasLiveProposal")
      .withArgs(drivers[0].address, id);
  });

  it("accepts the proposer's next proposal once the vote on the first is over", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const { id } = await propose(governor, drivers[0], await feeProposal(market, 300, "Fee 3%"));
    await toVotingStart(governor, id);
    await castVotes(governor, id, [{ voter: drivers[0], support: VoteType.For }]);
    await toVotingEnd(governor, id);
    const second = await feeProposal(market, 400, "Fee 4%");
    await expect(
      governor.connect(drivers[0]).propose(second.targets, second.values, second.calldatas, second.description),
    ).to.emit(governor, "ProposalCreated");
    expect(await governor.latestProposal(drivers[0].address)).to.equal(await proposalId(governor, second));
  });

  it("accepts the proposer's next proposal after it cancelled the first", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const first = await feeProposal(market, 300, "Fee 3%");
    await propose(governor, drivers[0], first);
    await governor.connect(drivers[0]).cancel(first.targets, first.values, first.calldatas, first.descriptionHash);
    const second = await feeProposal(market, 400, "Fee 4%");
    await expect(
      governor.connect(drivers[0]).propose(second.targets, second.values, second.calldatas, second.description),
    ).to.emit(governor, "ProposalCreated");
  });

  it("does not limit another proposer", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    await propose(governor, drivers[0], await feeProposal(market, 300, "Fee 3%"));
    const other = await feeProposal(market, 400, "Fee 4%");
    await expect(
      governor.connect(drivers[1]).propose(other.targets, other.values, other.calldatas, other.description),
    ).to.emit(governor, "ProposalCreated");
  });

  describe("attack: a holder at the threshold front-runs an honest proposal and cancels it", function () {
    it("loses against a #proposer= description: the copy reverts with GovernorRestrictedProposer", async function () {
      const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
      const honest = await feeProposal(market, 300, `Fee 3% #proposer=${drivers[0].address}`);
      await expect(
        governor.connect(drivers[1]).propose(honest.targets, honest.values, honest.calldatas, honest.description),
      )
        .to.be.revertedWithCustomError(governor, "GovernorRestrictedProposer")
        .withArgs(drivers[1].address);
      const { id } = await propose(governor, drivers[0], honest);
      expect(await governor.state(id)).to.equal(ProposalState.Pending);
    });
  });
});
