import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMarketFixture, param, ride, TEST_PARAMS, usd } from "../fixtures/market";

/** Every governed parameter and its hard bound, as MarketParams writes them. */
const BOUNDS: readonly { name: string; min: bigint; max: bigint }[] = [
  { name: "feeBps", min: 0n, max: 1_000n },
  { name: "holdersShareBps", min: 0n, max: 10_000n },
  { name: "rewardPerToken", min: 0n, max: ride("10") },
  { name: "gracePeriod", min: 0n, max: 15n * 60n },
  { name: "pickupWindow", min: 5n * 60n, max: 2n * 3600n },
  { name: "noShowWindow", min: 2n * 60n, max: 3600n },
  { name: "confirmWindow", min: 10n * 60n, max: 7n * 86400n },
  { name: "rideWindow", min: 3600n, max: 2n * 86400n },
  { name: "minStake", min: usd("1"), max: usd("10000") },
  { name: "cancellationFee", min: 0n, max: usd("50") },
  { name: "noShowPenalty", min: 0n, max: usd("100") },
  { name: "pairFareCap", min: 0n, max: usd("10000") },
  { name: "driverFareCap", min: 0n, max: usd("100000") },
  { name: "minFare", min: usd("0.1"), max: usd("50") },
];

describe("RideMarket: parameters", function () {
  describe("setParameter", function () {
    for (const { name, min, max } of BOUNDS) {
      it(`accepts ${name} at its min ${min} and its max ${max}`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        const [old] = await market.parameter(param(name));
        await expect(market.connect(governance).setParameter(param(name), min))
          .to.emit(market, "ParameterChanged")
          .withArgs(param(name), old, min);
        expect(await market.parameter(param(name))).to.deep.equal([min, min, max]);
        await expect(market.connect(governance).setParameter(param(name), max))
          .to.emit(market, "ParameterChanged")
          .withArgs(param(name), min, max);
        expect(await market.parameter(param(name))).to.deep.equal([max, min, max]);
      });

      it(`refuses ${name} one past its max with ParameterOutOfBounds`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        await expect(market.connect(governance).setParameter(param(name), max + 1n))
          .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
          .withArgs(param(name), max + 1n, min, max);
      });

      // A minimum of 0 has nothing below it in a uint256.
      if (min > 0n) {
        it(`refuses ${name} one below its min with ParameterOutOfBounds`, async function () {
          const { market, governance } = await loadFixture(deployMarketFixture);
          await expect(market.connect(governance).setParameter(param(name), min - 1n))
            .to.be.revertedWithCustomError(market, "ParameterOutOfBounds")
            .withArgs(param(name), min - 1n, min, max);
        });
      }
    }

    it("reverts with ParameterUnknown for a name it does not know", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await expect(market.connect(governance).setParameter(param("feeBPS"), 1))
        .to.be.revertedWithCustomError(market, "ParameterUnknown")
        .withArgs(param("feeBPS"));
    });

    it("reverts with NotGovernance for the deployer", async function () {
      const { market, deployer } = await loadFixture(deployMarketFixture);
      await expect(market.connect(deployer).setParameter(param("feeBps"), 100))
        .to.be.revertedWithCustomError(market, "NotGovernance")
        .withArgs(deployer.address);
    });

    it("reverts with NotGovernance for a driver and for the court", async function () {
      const { market, drivers, court } = await loadFixture(deployMarketFixture);
      for (const caller of [drivers[0], court]) {
        await expect(market.connect(caller).setParameter(param("feeBps"), 100))
          .to.be.revertedWithCustomError(market, "NotGovernance")
          .withArgs(caller.address);
      }
    });
  });

  describe("parameter", function () {
    it("returns the value and the hard bounds", async function () {
      const { market } = await loadFixture(deployMarketFixture);
      expect(await market.parameter(param("feeBps"))).to.deep.equal([BigInt(TEST_PARAMS.feeBps), 0n, 1_000n]);
      expect(await market.parameter(param("minStake"))).to.deep.equal([usd("50"), usd("1"), usd("10000")]);
    });

    it("reverts with ParameterUnknown for a name it does not know", async function () {
      const { market } = await loadFixture(deployMarketFixture);
      await expect(market.parameter(param("nope")))
        .to.be.revertedWithCustomError(market, "ParameterUnknown")
        .withArgs(param("nope"));
    });
  });

  describe("parameters", function () {
    it("reflects a change in the grouped structs", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await market.connect(governance).setParameter(param("pickupWindow"), 600);
      await market.connect(governance).setParameter(param("noShowPenalty"), usd("7"));
      await market.connect(governance).setParameter(param("pairFareCap"), usd("300"));
      const [p, a, c] = await market.parameters();
      expect([p.pickupWindow, a.noShowPenalty, c.pairFareCap]).to.deep.equal([600n, usd("7"), usd("300")]);
    });
  });
});
