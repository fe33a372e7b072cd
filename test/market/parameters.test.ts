import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { deployMarketFixture, param, ride, setParam, TEST_PARAMS, usd } from "../fixtures/market";

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
      // One change moves a quarter of the range at most, once per cooldown: steps reach the bounds.
      it(`accepts ${name} at its min ${min} and its max ${max}, in steps`, async function () {
        const { market, governance } = await loadFixture(deployMarketFixture);
        await setParam(market, governance, name, min);
        expect(await market.parameter(param(name))).to.deep.equal([min, min, max]);
        await setParam(market, governance, name, max);
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

  describe("bounded change per vote (issue 13)", function () {
    it("moves feeBps by a full step, a quarter of its range, with ParameterChanged", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await expect(market.connect(governance).setParameter(param("feeBps"), 750))
        .to.emit(market, "ParameterChanged")
        .withArgs(param("feeBps"), 500, 750);
    });

    it("refuses feeBps 5% -> 10% in one change with ParameterChangeTooLarge", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await expect(market.connect(governance).setParameter(param("feeBps"), 1_000))
        .to.be.revertedWithCustomError(market, "ParameterChangeTooLarge")
        .withArgs(param("feeBps"), 500, 1_000, 250);
    });

    it("refuses a step down past a quarter of the range with ParameterChangeTooLarge", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await expect(market.connect(governance).setParameter(param("holdersShareBps"), 2_499))
        .to.be.revertedWithCustomError(market, "ParameterChangeTooLarge")
        .withArgs(param("holdersShareBps"), 5_000, 2_499, 2_500);
    });

    it("records when a parameter changed", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      expect(await market.parameterChangedAt(param("feeBps"))).to.equal(0n);
      await market.connect(governance).setParameter(param("feeBps"), 600);
      expect(await market.parameterChangedAt(param("feeBps"))).to.equal(BigInt(await time.latest()));
    });

    it("refuses a second change within PARAMETER_COOLDOWN with ParameterChangeTooSoon", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await market.connect(governance).setParameter(param("feeBps"), 600);
      const allowedAt = BigInt(await time.latest()) + (await market.PARAMETER_COOLDOWN());
      await time.setNextBlockTimestamp(allowedAt - 1n);
      await expect(market.connect(governance).setParameter(param("feeBps"), 700))
        .to.be.revertedWithCustomError(market, "ParameterChangeTooSoon")
        .withArgs(param("feeBps"), allowedAt);
    });

    it("accepts the next change once the cooldown passed", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await market.connect(governance).setParameter(param("feeBps"), 600);
      const allowedAt = BigInt(await time.latest()) + (await market.PARAMETER_COOLDOWN());
      await time.setNextBlockTimestamp(allowedAt);
      await expect(market.connect(governance).setParameter(param("feeBps"), 700))
        .to.emit(market, "ParameterChanged")
        .withArgs(param("feeBps"), 600, 700);
    });

    it("keeps each parameter's cooldown its own", async function () {
      const { market, governance } = await loadFixture(deployMarketFixture);
      await market.connect(governance).setParameter(param("feeBps"), 600);
      await expect(market.connect(governance).setParameter(param("holdersShareBps"), 6_000))
        .to.emit(market, "ParameterChanged")
        .withArgs(param("holdersShareBps"), 5_000, 6_000);
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
