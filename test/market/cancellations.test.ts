import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import {
  acceptedRide,
  deployMarketFixture,
  expectConserved,
  fund,
  reason,
  RideState,
  setParam,
  startedRide,
  TEST_AMOUNTS,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

const GRACE = BigInt(TEST_PARAMS.gracePeriod);
const PICKUP = BigInt(TEST_PARAMS.pickupWindow);
const NO_SHOW = BigInt(TEST_PARAMS.noShowWindow);
const FEE = BigInt(TEST_AMOUNTS.cancellationFee); // 3 tUSD
const PENALTY = BigInt(TEST_AMOUNTS.noShowPenalty); // 5 tUSD
const KEEPER_DELAY = 24n * 60n * 60n;

describe("RideMarket: cancellations", function () {
  describe("cancelRide (Accepted)", function () {
    it("is free within the grace period and frees the driver", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.setNextBlockTimestamp((await market.getRide(id)).stamp + GRACE);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, usd("20"), 0n);
      const acc = await market.getAccount(drivers[0].address);
      expect([acc.activeRide, acc.openRides]).to.deep.equal([0n, 0n]);
      expect((await market.getRide(id)).state).to.equal(RideState.Cancelled);
      await expectConserved(f);
    });

    it("credits the cancellation fee to the driver after the grace period", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.setNextBlockTimestamp((await market.getRide(id)).stamp + GRACE + 1n);
      const tx = market.connect(riders[0]).cancelRide(id);
      await expect(tx)
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, usd("20") - FEE, FEE);
      await expect(tx).to.emit(market, "Credited").withArgs(drivers[0].address, FEE, FEE);
      await expectConserved(f);
    });

    it("charges the fee once ARRIVAL_NOTICE passed after the arrival, even within the grace period", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.setNextBlockTimestamp((await market.getRide(id)).stamp + (await market.ARRIVAL_NOTICE()) + 1n);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, usd("20") - FEE, FEE);
    });

    it("gives the driver at most the fare when the fare is below the fee", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0], { maxFare: usd("2") });
      await time.increase(GRACE + 1n);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, 0n, usd("2"));
    });

    it("reverts with NotRider for the driver", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).cancelRide(id))
        .to.be.revertedWithCustomError(market, "NotRider")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with RideWrongState once the ride started", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Accepted);
    });
  });

  describe("cancelDriverNoShow", function () {
    it("reverts with WindowNotPassed for the rider until the pickup window passed", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      const opensAt = (await market.getRide(id)).stamp + PICKUP;
      await time.setNextBlockTimestamp(opensAt);
      await expect(market.connect(riders[0]).cancelDriverNoShow(id))
        .to.be.revertedWithCustomError(market, "WindowNotPassed")
        .withArgs(id, opensAt);
    });

    it("refunds the rider in full plus the penalty from the driver's stake", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increaseTo((await market.getRide(id)).stamp + PICKUP);
      const tx = market.connect(riders[0]).cancelDriverNoShow(id);
      await expect(tx)
        .to.emit(market, "StakePenalized")
        .withArgs(drivers[0].address, id, PENALTY, usd("100") - PENALTY);
      await expect(tx)
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("driver-no-show"), riders[0].address, usd("20") + PENALTY, 0n);
      expect(await market.creditOf(riders[0].address)).to.equal(usd("20") + PENALTY);
      const acc = await market.getAccount(drivers[0].address);
      expect([acc.stake, acc.activeRide, acc.openRides]).to.deep.equal([usd("95"), 0n, 0n]);
      await expectConserved(f);
    });

    it("takes at most the driver's whole stake", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, governance, riders, others } = f;
      const driver = others[0];
      await fund(tusd, market, driver, usd("100"));
      await market.connect(driver).registerDriver(usd("50"));
      await setParam(market, governance, "noShowPenalty", usd("100"));
      const id = await acceptedRide(market, riders[0], driver);
      await time.increase(PICKUP + 1n);
      await expect(market.connect(riders[0]).cancelDriverNoShow(id))
        .to.emit(market, "StakePenalized")
        .withArgs(driver.address, id, usd("50"), 0n);
      await expectConserved(f);
    });

    it("reverts with WindowNotPassed for a stranger until KEEPER_DELAY more passed", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      const opensAt = (await market.getRide(id)).stamp + PICKUP + KEEPER_DELAY;
      await time.setNextBlockTimestamp(opensAt);
      await expect(market.connect(others[0]).cancelDriverNoShow(id))
        .to.be.revertedWithCustomError(market, "WindowNotPassed")
        .withArgs(id, opensAt);
    });

    it("lets a stranger cancel after KEEPER_DELAY more, the rider still refunded", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increaseTo((await market.getRide(id)).stamp + PICKUP + KEEPER_DELAY);
      await expect(market.connect(others[0]).cancelDriverNoShow(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("driver-no-show"), others[0].address, usd("20") + PENALTY, 0n);
      expect(await market.creditOf(riders[0].address)).to.equal(usd("20") + PENALTY);
    });

    it("reverts with AlreadyArrived once the driver arrived", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.increase(PICKUP + 1n);
      await expect(market.connect(riders[0]).cancelDriverNoShow(id))
        .to.be.revertedWithCustomError(market, "AlreadyArrived")
        .withArgs(id);
    });

    it("reverts with RideWrongState once the ride started", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await time.increase(PICKUP + 1n);
      await expect(market.connect(riders[0]).cancelDriverNoShow(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Accepted);
    });
  });

  describe("cancelRiderNoShow", function () {
    it("reverts with NotArrived before the driver arrived", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(NO_SHOW + 1n);
      await expect(market.connect(drivers[0]).cancelRiderNoShow(id))
        .to.be.revertedWithCustomError(market, "NotArrived")
        .withArgs(id);
    });

    it("reverts with WindowNotPassed for the driver within the no-show window", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      const opensAt = (await market.getRide(id)).stamp + NO_SHOW;
      await time.setNextBlockTimestamp(opensAt);
      await expect(market.connect(drivers[0]).cancelRiderNoShow(id))
        .to.be.revertedWithCustomError(market, "WindowNotPassed")
        .withArgs(id, opensAt);
    });

    it("credits the driver the cancellation fee and the rider the rest", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.increaseTo((await market.getRide(id)).stamp + NO_SHOW);
      const tx = market.connect(drivers[0]).cancelRiderNoShow(id);
      await expect(tx)
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider-no-show"), drivers[0].address, usd("20") - FEE, FEE);
      await expect(tx).to.emit(market, "Credited").withArgs(drivers[0].address, FEE, FEE);
      await expect(tx)
        .to.emit(market, "Credited")
        .withArgs(riders[0].address, usd("20") - FEE, usd("20") - FEE);
      await expectConserved(f);
    });

    it("reverts with WindowNotPassed for a stranger until KEEPER_DELAY more passed", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      const opensAt = (await market.getRide(id)).stamp + NO_SHOW + KEEPER_DELAY;
      await time.setNextBlockTimestamp(opensAt);
      await expect(market.connect(others[0]).cancelRiderNoShow(id))
        .to.be.revertedWithCustomError(market, "WindowNotPassed")
        .withArgs(id, opensAt);
    });

    it("lets a stranger cancel after KEEPER_DELAY more", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.increaseTo((await market.getRide(id)).stamp + NO_SHOW + KEEPER_DELAY);
      await expect(market.connect(others[0]).cancelRiderNoShow(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider-no-show"), others[0].address, usd("20") - FEE, FEE);
    });

    it("reverts with RideWrongState once the ride started", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await market.connect(drivers[0]).startRide(id);
      await expect(market.connect(drivers[0]).cancelRiderNoShow(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Accepted);
    });
  });
});
