import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CoopToken } from "../../typechain-types";
import { deployGovernanceWithVotersFixture, giveRide, type GovernanceFixture } from "../fixtures/governance";
import { fundRidersAndDrivers, ride, TEST_PARAMS, usd } from "../fixtures/market";

/**
 * Issue 13, scenario 1, priced: RIDE is sold for fees at no less than 1.25 times the most one
 * RIDE can fetch (its share of the treasury and a year of holders' revenue, diluted by RIDE
 * issued at the observed rate), so a farmer with any number of fresh addresses pays more in
 * fees than what it farms is worth. See docs/TOKEN.md, "What RIDE costs".
 */
const WEEK = 7n * 24n * 3600n;
const UNPRICED = (1n << 64n) - 1n;
const BPS = 10_000n;
const UNIT = 1_000_000n; // one tUSD
const FEE_BPS = BigInt(TEST_PARAMS.feeBps);
const HORIZON = 52n;

function sqrt(x: bigint): bigint {
  if (x < 2n) return x;
  let r = BigInt(Math.floor(Math.sqrt(Number(x))));
  while (r * r > x) r -= 1n;
  while ((r + 1n) * (r + 1n) <= x) r += 1n;
  return r;
}

/** The contract's documented bound on what one whole RIDE fetches (docs/TOKEN.md). */
function boundValue(treasury: bigint, weeklyRevenue: bigint, weeklyIssue: bigint, shares: bigint): bigint {
  const h = HORIZON - 1n;
  return (
    ((treasury + weeklyRevenue) * 10n ** 18n) / shares +
    (weeklyRevenue * h * 10n ** 18n) / sqrt(shares * (shares + weeklyIssue * h))
  );
}

/**
 * The simulation's valuation of `amount` RIDE (src/sim/adversaries.ts `rideValue`): its share of
 * the treasury plus a year of weekly revenue, each week shared with the RIDE issued until then.
 */
function fetchValue(amount: bigint, treasury: bigint, weeklyRevenue: bigint, weeklyIssue: bigint, shares: bigint) {
  let value = (treasury * amount) / shares;
  for (let w = 0n; w < HORIZON; w++) value += (weeklyRevenue * amount) / (shares + weeklyIssue * w);
  return value;
}

/** The simulation's rates: holders' revenue and RIDE issued a week, over the whole history. */
async function honestRates(f: GovernanceFixture & { deployedAt: bigint }) {
  const elapsed = BigInt(await time.latest()) - f.deployedAt;
  const [deposited] = await f.token.revenueTotals();
  return { weeklyRevenue: (deposited * WEEK) / elapsed, weeklyIssue: ((await shares(f.token)) * WEEK) / elapsed };
}

async function nextEpoch(): Promise<void> {
  const now = BigInt(await time.latest());
  await time.increaseTo((now / WEEK + 1n) * WEEK);
}

async function shares(token: CoopToken): Promise<bigint> {
  return (await token.totalSupply()) + (await token.totalPending());
}

/** A confirmed ride's reward and, when it set the epoch's price, RIDE's appraisal. */
async function rideAndAppraisal(
  f: GovernanceFixture,
  rider: HardhatEthersSigner,
  driver: HardhatEthersSigner,
  fare: bigint,
): Promise<{
  reward: bigint;
  appraisal?: { value: bigint; weeklyRevenue: bigint; weeklyIssue: bigint; shares: bigint; ridePerToken: bigint };
}> {
  const { market, token } = f;
  const before = (await market.rewardsOf(driver.address)).accrued;
  const id = await giveRide(market, rider, driver, fare);
  const reward = (await market.rewardsOf(driver.address)).accrued - before;
  const block = await ethers.provider.getBlockNumber();
  const events = await token.queryFilter(token.filters.Appraised(), block, block);
  expect(id).to.be.greaterThan(0n);
  if (events.length === 0) return { reward };
  const [value, weeklyRevenue, weeklyIssue, s, ridePerToken] = events[0].args;
  return { reward, appraisal: { value, weeklyRevenue, weeklyIssue, shares: s, ridePerToken } };
}

/** The voters fixture (310 RIDE from honest rides in the deployment's epoch), a week later. */
async function pricedFixture(): Promise<GovernanceFixture & { deployedAt: bigint }> {
  const f = await deployGovernanceWithVotersFixture();
  const receipt = await f.token.deploymentTransaction()!.wait();
  const deployedAt = BigInt((await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
  await nextEpoch();
  return { ...f, deployedAt };
}

describe("RideMarket: RIDE is sold at its appraisal (issue 13, scenario 1)", function () {
  describe("the price", function () {
    it("applies no price in the deployment's epoch: the fixed rate alone", async function () {
      const f = await loadFixture(deployGovernanceWithVotersFixture);
      const [, ridePerFee] = await f.market.rewardPrice();
      expect(ridePerFee).to.equal(UNPRICED);
      // 310 tUSD of honest fares earned 310 RIDE at 1 RIDE per tUSD.
      expect(await shares(f.token)).to.equal(ride("310"));
    });

    it("appraises RIDE at the first rewarded ride of a new epoch from the rates since deployment", async function () {
      const f = await loadFixture(pricedFixture);
      const sharesBefore = await shares(f.token);
      const [deposited] = await f.token.revenueTotals();
      const { appraisal } = await rideAndAppraisal(f, f.riders[0], f.drivers[1], usd("10"));
      // The treasury as the ride left it: its own fee is in (finalization books it first).
      const { treasuryPending } = await f.market.totals();
      const at = BigInt(await time.latest());
      const elapsed = at - f.deployedAt;
      expect(appraisal).to.not.equal(undefined);
      const a = appraisal!;
      // Rates over the whole history (no mark is a week old yet): 15.50 tUSD of fees, half to holders.
      expect(deposited).to.equal(usd("7.75"));
      // What flows to holders' claims: their revenue and the treasury's growth (from zero).
      expect(a.weeklyRevenue).to.equal(((deposited + treasuryPending) * WEEK) / elapsed);
      expect(a.weeklyIssue).to.equal((sharesBefore * WEEK) / elapsed);
      expect(a.shares).to.equal(sharesBefore);
      expect(a.value).to.equal(boundValue(treasuryPending, a.weeklyRevenue, a.weeklyIssue, sharesBefore));
      expect(a.ridePerToken).to.equal((UNIT * 1_000_000n) / ((a.value * 12_500n) / BPS));
      expect((await f.market.rewardPrice()).ridePerFee).to.equal(a.ridePerToken);
    });

    it("never appraises below what the simulation says RIDE fetches", async function () {
      const f = await loadFixture(pricedFixture);
      const { appraisal } = await rideAndAppraisal(f, f.riders[0], f.drivers[1], usd("10"));
      const { treasuryPending } = await f.market.totals();
      const rates = await honestRates(f);
      const fetched = fetchValue(ride("1"), treasuryPending, rates.weeklyRevenue, rates.weeklyIssue, appraisal!.shares);
      expect(appraisal!.value).to.be.greaterThanOrEqual(fetched);
    });

    it("gives a ride the RIDE its fee buys at the price when that is below the fixed rate", async function () {
      const f = await loadFixture(pricedFixture);
      const { reward, appraisal } = await rideAndAppraisal(f, f.riders[0], f.drivers[1], usd("10"));
      const fee = (usd("10") * FEE_BPS) / BPS;
      const bought = (fee * appraisal!.ridePerToken * 10n ** 12n) / UNIT;
      expect(bought).to.be.lessThan(ride("10"));
      expect(reward).to.equal(bought);
    });

    it("keeps the epoch's price for its later rides", async function () {
      const f = await loadFixture(pricedFixture);
      const first = await rideAndAppraisal(f, f.riders[0], f.drivers[1], usd("10"));
      const second = await rideAndAppraisal(f, f.riders[1], f.drivers[2], usd("10"));
      expect(second.appraisal).to.equal(undefined);
      expect(second.reward).to.equal(first.reward);
    });

    it("reads the rates since a mark at least a week old: a quiet window chosen by the caller prices nothing cheaper", async function () {
      const f = await loadFixture(pricedFixture);
      // The farmer sets the price at the epoch's last second (the newer mark moves there)...
      const now = BigInt(await time.latest());
      await time.increaseTo((now / WEEK + 1n) * WEEK - 60n);
      await rideAndAppraisal(f, f.riders[0], f.drivers[1], usd("10"));
      const [deposited] = await f.token.revenueTotals();
      const { treasuryPending } = await f.market.totals();
      // ...and farms in the next epoch's first seconds, after a quiet minute.
      await nextEpoch();
      const { appraisal } = await rideAndAppraisal(f, f.riders[1], f.drivers[2], usd("10"));
      const elapsed = BigInt(await time.latest()) - f.deployedAt;
      // The rates come from the older mark (deployment), not from the quiet minute.
      // (This ride's own treasury fee is booked before the appraisal reads the treasury.)
      const fee = (usd("10") * FEE_BPS) / BPS;
      const treasuryFee = fee - (fee * BigInt(TEST_PARAMS.holdersShareBps)) / BPS;
      expect(appraisal!.weeklyRevenue).to.equal(((deposited + treasuryPending + treasuryFee) * WEEK) / elapsed);
      expect(appraisal!.weeklyRevenue).to.be.greaterThan(0n);
    });
  });

  describe("the farmer", function () {
    /**
     * One farming driver and ten fresh riders, each ride at the pair cap (200 tUSD), a week
     * after 310 RIDE of honest rides: 2,000 tUSD of fares, 100 tUSD of fees.
     */
    async function farm(f: GovernanceFixture & { deployedAt: bigint }) {
      const [driver, ...riders] = f.others.slice(0, 11);
      await fundRidersAndDrivers(f.tusd, f.market, riders, [driver]);
      // The honest history's rates, before the farm adds its own.
      const rates = await honestRates(f);
      let farmed = 0n;
      let appraisal;
      for (const r of riders) {
        const out = await rideAndAppraisal(f, r, driver, usd("200"));
        farmed += out.reward;
        appraisal ??= out.appraisal;
      }
      const fees = (usd("2000") * FEE_BPS) / BPS;
      const { treasuryPending } = await f.market.totals();
      const s = await shares(f.token);
      expect(appraisal).to.not.equal(undefined);
      return { driver, farmed, fees, rates, treasuryPending, shares: s };
    }

    it("pays more in fees than its RIDE and its revenue share can fetch", async function () {
      const f = await loadFixture(pricedFixture);
      const out = await farm(f);
      const value = fetchValue(
        out.farmed,
        out.treasuryPending,
        out.rates.weeklyRevenue,
        out.rates.weeklyIssue,
        out.shares,
      );
      const revenue = await f.token.claimableRevenue(out.driver.address);
      expect(value + revenue).to.be.lessThan(out.fees);
    });

    it("would have farmed at a profit at the fixed rate: 1 RIDE per tUSD of fare", async function () {
      const f = await loadFixture(pricedFixture);
      const out = await farm(f);
      const fixed = ride("2000");
      const sharesAtFixed = out.shares - out.farmed + fixed;
      const value = fetchValue(
        fixed,
        out.treasuryPending,
        out.rates.weeklyRevenue,
        out.rates.weeklyIssue,
        sharesAtFixed,
      );
      // Even before any revenue share comes back, 2,000 RIDE fetch more than the 100 tUSD paid.
      expect(value).to.be.greaterThan(out.fees);
    });
  });
});
