import { expect } from "chai";
import fc from "fast-check";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { deployMarketFixture, param, requestRide, setParam, usd, type MarketFixture } from "../fixtures/market";
import { bounds, split, type ParamName } from "./model/coop";

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_125);
const BOUNDS = bounds(1_000_000n);
const NAMES = Object.keys(BOUNDS) as ParamName[];

/** Sets fee and holders' share, then has a fresh rider-driver pair drive a ride of `fare` to confirmation. */
async function confirmedRide(f: MarketFixture, fare: bigint, feeBps: bigint, holdersShareBps: bigint, i: number) {
  const { market, token, governance, riders, drivers } = f;
  await setParam(market, governance, "feeBps", feeBps);
  await setParam(market, governance, "holdersShareBps", holdersShareBps);
  const rider = riders[i % riders.length];
  const driver = drivers[i % drivers.length];
  const id = await requestRide(market, rider, { maxFare: fare });
  await market.connect(driver).acceptRide(id, fare);
  await market.connect(driver).startRide(id);
  const creditBefore = await market.creditOf(driver.address);
  const before = await market.totals();
  const beforeDeposited = (await token.revenueTotals()).deposited;
  const unsentBefore = await market.unsentRevenue();
  await market.connect(rider).confirmRide(id, 5);
  // The holders' part stays in the market (owed) until RIDE collects it: send it, then count.
  const kept = (await market.unsentRevenue()) - unsentBefore;
  await market.sendRevenue();
  const after = await market.totals();
  const afterDeposited = (await token.revenueTotals()).deposited;
  return {
    driver: (await market.creditOf(driver.address)) - creditBefore,
    holders: afterDeposited - beforeDeposited,
    treasury: after.treasuryPending - before.treasuryPending,
    owedBefore: before.owed,
    owedAfter: after.owed,
    kept,
  };
}

describe("Security: governed bounds and fee-split rounding, fuzzed", function () {
  describe("setParameter at, past and within every hard bound", function () {
    for (const name of NAMES) {
      const [min, max] = BOUNDS[name];

      // One change moves at most a quarter of the range: the bounds are reached in steps.
      it(`accepts ${name} at its upper bound ${max}, stepping there`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        await setParam(market, governance, name, max);
        expect((await market.parameter(param(name)))[0]).to.equal(max);
      });

      it(`accepts ${name} at its lower bound ${min}, stepping there`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        await setParam(market, governance, name, min);
        expect((await market.parameter(param(name)))[0]).to.equal(min);
      });

      it(`refuses ${name} one past its upper bound with ParameterOutOfBounds`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        await expect(market.connect(governance).setParameter(param(name), max + 1n))
          .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
          .withArgs(param(name), max + 1n, min, max);
      });

      if (min > 0n) {
        it(`refuses ${name} one below its lower bound with ParameterOutOfBounds`, async function () {
          const { market, governance } = await loadFixture(deployMarketFixture);
          await expect(market.connect(governance).setParameter(param(name), min - 1n))
            .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
            .withArgs(param(name), min - 1n, min, max);
        });
      }

      it(`refuses ${name} from anyone but governance with NotGovernance`, async function () {
        const { market, deployer } = await loadFixture(deployMarketFixture);
        await expect(market.connect(deployer).setParameter(param(name), min))
          .to.be.revertedWithCustomError(market, "NotGovernance")
          .withArgs(deployer.address);
      });
    }

    it("refuses an unknown parameter name with ParameterUnknown", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await expect(market.connect(governance).setParameter(param("feeBPS"), 1n))
        .to.be.revertedWithCustomError(market, "ParameterUnknown")
        .withArgs(param("feeBPS"));
    });

    it("stores random in-bound values within one step, refuses the rest, for every parameter", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      const cooldown = await market.PARAMETER_COOLDOWN();
      const value = fc.oneof(fc.bigInt(0n, 2n ** 20n), fc.bigInt(0n, 2n ** 70n), fc.bigInt(0n, 2n ** 256n - 1n));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...NAMES), value, async (name, v) => {
          const [min, max] = BOUNDS[name];
          const [old] = await market.parameter(param(name));
          const step = (max - min) / 4n;
          const tx = market.connect(governance).setParameter(param(name), v);
          if (v < min || v > max) {
            await expect(tx)
              .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
              .withArgs(param(name), v, min, max);
          } else if ((v > old ? v - old : old - v) > step) {
            await expect(tx)
              .to.be.revertedWithCustomError(market, "ParameterChangeTooLarge")
              .withArgs(param(name), old, v, step);
          } else {
            await expect(tx).to.emit(market, "ParameterChanged").withArgs(param(name), old, v);
            expect((await market.parameter(param(name)))[0]).to.equal(v);
            await time.increase(cooldown);
          }
        }),
        { seed: SEED, numRuns: 150 },
      );
    });
  });

  describe("the fee split of a confirmed ride", function () {
    const table: [bigint, bigint, bigint][] = [];
    for (const fare of [1n, 3n, 9_999n, 10_001n]) {
      for (const [fee, share] of [
        [1_000n, 5_000n],
        [333n, 3_333n],
        [1n, 9_999n],
        [0n, 10_000n],
      ] as const) {
        table.push([fare, fee, share]);
      }
    }
    for (const [fare, feeBps, share] of table) {
      it(`conserves every unit of a ${fare}-unit fare at ${feeBps} bps, holders ${share} bps`, async function () {
        const f = await loadFixture(deployMarketFixture);
        const got = await confirmedRide(f, fare, feeBps, share, 0);
        const want = split(fare, feeBps, share);
        expect([got.driver, got.holders, got.treasury]).to.deep.equal([want.driver, want.holders, want.treasury]);
        expect(got.driver + got.holders + got.treasury).to.equal(fare);
        expect(got.kept).to.equal(got.holders); // kept in the market until sent
        expect(got.owedAfter).to.equal(got.owedBefore - got.holders); // the holders' part left for RIDE
      });
    }

    it("conserves every unit at random fares, fees and holders' shares, and never takes more than 10%", async function () {
      const f = await loadFixture(deployMarketFixture);
      let i = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.bigInt(1n, 20_000n), fc.bigInt(1n, usd("100"))),
          fc.bigInt(0n, 1_000n),
          fc.bigInt(0n, 10_000n),
          async (fare, feeBps, share) => {
            i += 1;
            const got = await confirmedRide(f, fare, feeBps, share, i);
            expect(got.driver + got.holders + got.treasury, `fare ${fare}`).to.equal(fare);
            expect((got.holders + got.treasury) * 10n <= fare, `fee of fare ${fare}`).to.equal(true);
            expect(got.kept, `kept of fare ${fare}`).to.equal(got.holders);
            expect(got.owedAfter).to.equal(got.owedBefore - got.holders); // the holders' part left for RIDE
            expect(await f.tusd.balanceOf(await f.market.getAddress())).to.equal(got.owedAfter);
          },
        ),
        { seed: SEED, numRuns: 40 },
      );
    });
  });
});
