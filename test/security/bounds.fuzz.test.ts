import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMarketFixture, param, requestRide, usd, type MarketFixture } from "../fixtures/market";
import { bounds, split, type ParamName } from "./model/coop";

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_125);
const BOUNDS = bounds(1_000_000n);
const NAMES = Object.keys(BOUNDS) as ParamName[];

/** Sets fee and holders' share, then has a fresh rider-driver pair drive a ride of `fare` to confirmation. */
async function confirmedRide(f: MarketFixture, fare: bigint, feeBps: bigint, holdersShareBps: bigint, i: number) {
  const { market, governance, riders, drivers } = f;
  await market.connect(governance).setParameter(param("feeBps"), feeBps);
  await market.connect(governance).setParameter(param("holdersShareBps"), holdersShareBps);
  const rider = riders[i % riders.length];
  const driver = drivers[i % drivers.length];
  const id = await requestRide(market, rider, { maxFare: fare });
  await market.connect(driver).acceptRide(id, fare);
  await market.connect(driver).startRide(id);
  const creditBefore = await market.creditOf(driver.address);
  const before = await market.totals();
  await market.connect(rider).confirmRide(id, 5);
  const after = await market.totals();
  return {
    driver: (await market.creditOf(driver.address)) - creditBefore,
    holders: after.holdersPending - before.holdersPending,
    treasury: after.treasuryPending - before.treasuryPending,
    owedBefore: before.owed,
    owedAfter: after.owed,
  };
}

describe("Security: governed bounds and fee-split rounding, fuzzed", function () {
  describe("setParameter at, past and within every hard bound", function () {
    for (const name of NAMES) {
      const [min, max] = BOUNDS[name];

      it(`accepts ${name} at its upper bound ${max}`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        const [old] = await market.parameter(param(name));
        await expect(market.connect(governance).setParameter(param(name), max))
          .to.emit(market, "ParameterChanged")
          .withArgs(param(name), old, max);
        expect((await market.parameter(param(name)))[0]).to.equal(max);
      });

      it(`accepts ${name} at its lower bound ${min}`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        const [old] = await market.parameter(param(name));
        await expect(market.connect(governance).setParameter(param(name), min))
          .to.emit(market, "ParameterChanged")
          .withArgs(param(name), old, min);
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

    it("stores random in-bound values and refuses random out-of-bound ones, for every parameter", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      const value = fc.oneof(fc.bigInt(0n, 2n ** 20n), fc.bigInt(0n, 2n ** 70n), fc.bigInt(0n, 2n ** 256n - 1n));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...NAMES), value, async (name, v) => {
          const [min, max] = BOUNDS[name];
          const tx = market.connect(governance).setParameter(param(name), v);
          if (v < min || v > max) {
            await expect(tx)
              .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
              .withArgs(param(name), v, min, max);
          } else {
            await expect(tx).to.emit(market, "ParameterChanged");
            expect((await market.parameter(param(name)))[0]).to.equal(v);
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
        expect(got.owedAfter).to.equal(got.owedBefore);
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
            expect(got.owedAfter).to.equal(got.owedBefore);
            expect(await f.tusd.balanceOf(await f.market.getAddress())).to.equal(got.owedAfter);
          },
        ),
        { seed: SEED, numRuns: 40 },
      );
    });
  });
});
