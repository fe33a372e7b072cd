import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployGovernanceWithVotersFixture, giveRide, type GovernanceFixture } from "../fixtures/governance";
import { fundRidersAndDrivers, param, ride, usd } from "../fixtures/market";
import { call, execute, passAndQueue, proposal, VoteType, type Proposal } from "../helpers/governance";

/**
 * Issue 13, scenario 1, against the deployed suite: honest holders with 310 RIDE all vote
 * against; one farming driver and two throw-away riders farm 400 RIDE within the pair caps
 * (two riders x 200 tUSD of fare x 1 RIDE per tUSD), paying 20 tUSD of fees, and pass a
 * treasury spend to themselves. Before the outflow limit the whole 17.75 tUSD treasury went
 * in one vote and the farmer ended +3.38 tUSD; now a vote spends at most a tenth of it.
 */
interface Farm {
  f: GovernanceFixture;
  driver: HardhatEthersSigner;
  riders: HardhatEthersSigner[];
  wealthBefore: bigint;
}

/** Everything the farmer's three addresses own in tUSD: wallets, market credits and stake, revenue. */
async function wealth(f: GovernanceFixture, who: HardhatEthersSigner[]): Promise<bigint> {
  let total = 0n;
  for (const w of who) {
    total += await f.tusd.balanceOf(w.address);
    total += await f.market.creditOf(w.address);
    total += (await f.market.getAccount(w.address)).stake;
    total += await f.token.claimableRevenue(w.address);
  }
  return total;
}

async function farmFixture(): Promise<Farm> {
  const f = await deployGovernanceWithVotersFixture();
  const [driver, r1, r2] = f.others;
  await fundRidersAndDrivers(f.tusd, f.market, [r1, r2], [driver]);
  const wealthBefore = await wealth(f, [driver, r1, r2]);
  for (const r of [r1, r2]) {
    await giveRide(f.market, r, driver, usd("100"));
    await giveRide(f.market, r, driver, usd("100"));
  }
  await f.market.connect(driver).claimRewards();
  return { f, driver, riders: [r1, r2], wealthBefore };
}

async function spendProposal(f: GovernanceFixture, to: string, amount: bigint): Promise<Proposal> {
  return proposal([await call(f.market, "withdrawTreasury", [to, amount])], `Spend ${amount} of the treasury`);
}

/** The farmer votes for, every honest holder against: 400 RIDE against 310. */
async function capture(farm: Farm, p: Proposal): Promise<void> {
  const { f, driver } = farm;
  await passAndQueue(f.governor, driver, p, [
    { voter: driver, support: VoteType.For },
    ...f.drivers.map((d) => ({ voter: d, support: VoteType.Against })),
  ]);
}

describe("Governance: a farmed majority cannot capture at a profit (issue 13, scenario 1)", function () {
  it("lets the farmer mint a 56% majority of 400 RIDE for 20 tUSD of fees", async function () {
    const { f, driver, riders, wealthBefore } = await loadFixture(farmFixture);
    expect(await f.token.getVotes(driver.address)).to.equal(ride("400"));
    expect(await f.token.totalSupply()).to.equal(ride("710"));
    // The fares came back to the farmer's driver; only the 5% fee left (less its own revenue share).
    const paid = wealthBefore - (await wealth(f, [driver, ...riders]));
    // 20 tUSD of fees less its share of its own 10 tUSD of holders' fees, deposited ride by
    // ride: 2.5 x (100/410 + 200/510 + 300/610 + 400/710) = 4.228 tUSD.
    expect(paid).to.be.greaterThan(usd("15.77"));
    expect(paid).to.be.lessThan(usd("15.78"));
    expect((await f.market.totals()).treasuryPending).to.equal(usd("17.75"));
  });

  it("refuses the issue's whole-treasury drain at execution with TreasuryOutflowLimit", async function () {
    const farm = await loadFixture(farmFixture);
    const { f, driver } = farm;
    const p = await spendProposal(f, driver.address, usd("17.75"));
    await capture(farm, p);
    await expect(execute(f.governor, p))
      .to.be.revertedWithCustomError(f.market, "TreasuryOutflowLimit")
      .withArgs(usd("17.75"), usd("1.775"));
  });

  it("leaves the farmer poorer than it started after the largest spend a vote can pass", async function () {
    const farm = await loadFixture(farmFixture);
    const { f, driver, riders, wealthBefore } = farm;
    const p = await spendProposal(f, driver.address, usd("1.775"));
    await capture(farm, p);
    await execute(f.governor, p);
    const net = (await wealth(f, [driver, ...riders])) - wealthBefore;
    // Paid 20 tUSD of fees; got back 4.228 of its own holders' fees and a tenth of the
    // treasury (1.775): net -13.997 tUSD, against +3.38 when one vote took the whole treasury.
    expect(net).to.be.lessThan(-usd("13.99"));
    expect(net).to.be.greaterThan(-usd("14"));
  });

  it("refuses the fee capture 5% -> 10% in one vote with ParameterChangeTooLarge", async function () {
    const farm = await loadFixture(farmFixture);
    const { f } = farm;
    const p = proposal([await call(f.market, "setParameter", [param("feeBps"), 1_000])], "Fee to 10%");
    await capture(farm, p);
    await expect(execute(f.governor, p))
      .to.be.revertedWithCustomError(f.market, "ParameterChangeTooLarge")
      .withArgs(param("feeBps"), 500, 1_000, 250);
  });

  it("refuses two steps of the holders' share in one proposal with ParameterChangeTooSoon", async function () {
    const farm = await loadFixture(farmFixture);
    const { f } = farm;
    const p = proposal(
      [
        await call(f.market, "setParameter", [param("holdersShareBps"), 7_500]),
        await call(f.market, "setParameter", [param("holdersShareBps"), 10_000]),
      ],
      "Holders' share to 100% in two calls",
    );
    await capture(farm, p);
    const at = (await time.latest()) + 10;
    await time.setNextBlockTimestamp(at);
    await expect(execute(f.governor, p))
      .to.be.revertedWithCustomError(f.market, "ParameterChangeTooSoon")
      .withArgs(param("holdersShareBps"), BigInt(at) + (await f.market.PARAMETER_COOLDOWN()));
  });
});
