import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import { deployGovernanceWithVotersFixture, DRIVER_RIDE, giveRide } from "../fixtures/governance";
import { param, ride, startedRide, usd } from "../fixtures/market";
import { call, execute, passAndQueue, proposal, runProposal, VoteType, type Proposal } from "../helpers/governance";
import type { RideMarket } from "../../typechain-types";

async function feeProposal(market: RideMarket, feeBps: number): Promise<Proposal> {
  return proposal([await call(market, "setParameter", [param("feeBps"), feeBps])], `Set the fee to ${feeBps} bps`);
}

describe("Governance: drivers vote the fee", function () {
  it("gives drivers self-delegated votes for the RIDE they earned from rides", async function () {
    const { token, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    for (const [i, d] of drivers.entries()) {
      expect(await token.delegates(d.address)).to.equal(d.address);
      expect(await token.getVotes(d.address)).to.equal(DRIVER_RIDE[i]);
    }
  });

  it("lowers the fee from 5% to 3% through propose, vote, queue and execute", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const p = await feeProposal(market, 300);
    await passAndQueue(governor, drivers[0], p, [
      { voter: drivers[0], support: VoteType.For },
      { voter: drivers[1], support: VoteType.For },
    ]);
    await expect(execute(governor, p)).to.emit(market, "ParameterChanged").withArgs(param("feeBps"), 500n, 300n);
    expect((await market.parameter(param("feeBps"))).value).to.equal(300n);
  });

  it("charges the new 3% fee on the next ride", async function () {
    const { governor, market, riders, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    await runProposal(governor, drivers[0], await feeProposal(market, 300), [
      { voter: drivers[0], support: VoteType.For },
    ]);
    const id = await startedRide(market, riders[1], drivers[0], { maxFare: usd("20") });
    await expect(market.connect(riders[1]).confirmRide(id, 5))
      .to.emit(market, "RideFinalized")
      .withArgs(id, drivers[0].address, usd("19.4"), usd("0.3"), usd("0.3"), ride("20"));
  });

  it("keeps the 5% fee on a ride accepted before the change", async function () {
    const { governor, market, riders, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const p = await feeProposal(market, 300);
    await passAndQueue(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
    const id = await startedRide(market, riders[1], drivers[0], { maxFare: usd("20") });
    await execute(governor, p);
    await expect(market.connect(riders[1]).confirmRide(id, 5))
      .to.emit(market, "RideFinalized")
      .withArgs(id, drivers[0].address, usd("19"), usd("0.5"), usd("0.5"), ride("20"));
  });

  it("fails at execution with ParameterOutOfBounds when a passed proposal sets the fee above 10%", async function () {
    const { governor, market, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const p = await feeProposal(market, 1_001);
    await passAndQueue(governor, drivers[0], p, [
      { voter: drivers[0], support: VoteType.For },
      { voter: drivers[1], support: VoteType.For },
    ]);
    await expect(execute(governor, p))
      .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
      .withArgs(param("feeBps"), 1_001n, 0n, 1_000n);
  });

  it("pays the treasury share to the address a passed proposal names", async function () {
    const { governor, market, tusd, drivers, others } = await loadFixture(deployGovernanceWithVotersFixture);
    // The voters fixture's rides paid 15.50 tUSD in fees; half of it, 7.75, is the treasury's,
    // and one period's outflow limit lets a vote spend a tenth of that.
    const amount = usd("0.775");
    const p = proposal(
      [await call(market, "withdrawTreasury", [others[0].address, amount])],
      "Pay the treasury share to the cooperative's account",
    );
    await passAndQueue(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
    await expect(governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash)).to.changeTokenBalances(
      tusd,
      [market, others[0]],
      [-amount, amount],
    );
  });

  it("changes a governor setting through the timelock", async function () {
    const { governor, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const p = proposal([await call(governor, "setVotingPeriod", [20 * 60])], "Vote for 20 minutes");
    await passAndQueue(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
    await expect(execute(governor, p))
      .to.emit(governor, "VotingPeriodSet")
      .withArgs(10n * 60n, 20n * 60n);
  });

  it("fails at execution with GovernorSettingOutOfBounds when a passed proposal sets quorum to 0%", async function () {
    const { governor, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    const p = proposal([await call(governor, "updateQuorumNumerator", [0])], "Drop the quorum");
    await passAndQueue(governor, drivers[0], p, [{ voter: drivers[0], support: VoteType.For }]);
    await expect(execute(governor, p))
      .to.be.revertedWithCustomError(governor, "GovernorSettingOutOfBounds")
      .withArgs(param("quorumPercent"), 0n, 1n, 50n);
  });

  it("lets a driver who joins later earn votes for the next proposal", async function () {
    const { token, market, riders, drivers } = await loadFixture(deployGovernanceWithVotersFixture);
    await giveRide(market, riders[1], drivers[2], usd("40"));
    await market.connect(drivers[2]).claimRewards();
    expect(await token.getVotes(drivers[2].address)).to.equal(DRIVER_RIDE[2] + ride("40"));
  });
});
