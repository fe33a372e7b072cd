import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import {
  acceptedRide,
  deployMarketFixture,
  expectConserved,
  reason,
  requestRide,
  RideState,
  startedRide,
  TEST_AMOUNTS,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

const GRACE = BigInt(TEST_PARAMS.gracePeriod); // 120 s
const PICKUP = BigInt(TEST_PARAMS.pickupWindow);
const NO_SHOW = BigInt(TEST_PARAMS.noShowWindow);
const RIDE_WINDOW = BigInt(TEST_PARAMS.rideWindow);
const FEE = BigInt(TEST_AMOUNTS.cancellationFee); // 3 tUSD
const PENALTY = BigInt(TEST_AMOUNTS.noShowPenalty); // 5 tUSD
const NOTICE = 60n;

/** Issue 13, scenario 3: arrivals that mean something. Each `it` is an attack that must lose. */
describe("RideMarket: arrivals (issue 13, scenario 3)", function () {
  describe("ARRIVAL_NOTICE", function () {
    it("is one minute, below the shortest no-show window", async function () {
      const { market } = await loadFixture(deployMarketFixture);
      expect(await market.ARRIVAL_NOTICE()).to.equal(NOTICE);
    });
  });

  describe("markArrived within the pickup window", function () {
    it("is accepted at the pickup window's last second", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.setNextBlockTimestamp((await market.getRide(id)).stamp + PICKUP);
      await expect(market.connect(drivers[0]).markArrived(id))
        .to.emit(market, "DriverArrived")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with WindowPassed one second after the pickup window", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      const closesAt = (await market.getRide(id)).stamp + PICKUP;
      await time.setNextBlockTimestamp(closesAt + 1n);
      await expect(market.connect(drivers[0]).markArrived(id))
        .to.be.revertedWithCustomError(market, "WindowPassed")
        .withArgs(id, closesAt);
    });

    it("records the seconds from acceptance to arrival in the ride", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      const acceptedAt = (await market.getRide(id)).stamp;
      await time.setNextBlockTimestamp(acceptedAt + 300n);
      await market.connect(drivers[0]).markArrived(id);
      const r = await market.getRide(id);
      expect([r.stamp, r.minRating]).to.deep.equal([acceptedAt + 300n, 300n]);
    });
  });

  describe("attack: a late driver front-runs cancelDriverNoShow with markArrived", function () {
    it("loses: the arrival reverts and the rider gets the fare plus the penalty", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      const opensAt = (await market.getRide(id)).stamp + PICKUP;
      // The driver's arrival lands first in the block that opens the rider's claim.
      await time.setNextBlockTimestamp(opensAt + 1n);
      await expect(market.connect(drivers[0]).markArrived(id))
        .to.be.revertedWithCustomError(market, "WindowPassed")
        .withArgs(id, opensAt);
      await expect(market.connect(riders[0]).cancelDriverNoShow(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("driver-no-show"), riders[0].address, usd("20") + PENALTY, 0n);
      expect((await market.getAccount(drivers[0].address)).stake).to.equal(usd("100") - PENALTY);
      await expectConserved(f);
    });
  });

  describe("attack: a driver marks arrival at once to take the cancellation fee", function () {
    it("loses: the rider still cancels free within ARRIVAL_NOTICE of the arrival", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.setNextBlockTimestamp((await market.getRide(id)).stamp + NOTICE);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, usd("20"), 0n);
      expect(await market.creditOf(drivers[0].address)).to.equal(0n);
      await expectConserved(f);
    });

    it("charges the fee once ARRIVAL_NOTICE passed after the arrival, within the grace period", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.setNextBlockTimestamp((await market.getRide(id)).stamp + NOTICE + 1n);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, usd("20") - FEE, FEE);
    });

    it("does not extend the grace period by an arrival late in it", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      const acceptedAt = (await market.getRide(id)).stamp;
      await time.setNextBlockTimestamp(acceptedAt + GRACE - 10n);
      await market.connect(drivers[0]).markArrived(id);
      await time.setNextBlockTimestamp(acceptedAt + GRACE + 1n);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("rider"), riders[0].address, usd("20") - FEE, FEE);
    });
  });

  describe("attack: a driver front-runs the rider's acceptOffer with acceptRide at the max fare", function () {
    it("loses: acceptRide reverts with RideHasOffers once an offer was made", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await market.connect(drivers[1]).makeOffer(id, usd("12"), (await time.latest()) + 600);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "RideHasOffers")
        .withArgs(id);
    });

    it("leaves the rider's pick standing: acceptOffer matches at the offered fare", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await market.connect(drivers[1]).makeOffer(id, usd("12"), (await time.latest()) + 600);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20"))).to.be.revertedWithCustomError(
        market,
        "RideHasOffers",
      );
      await expect(market.connect(riders[0]).acceptOffer(id, drivers[1].address, usd("12")))
        .to.emit(market, "RideAccepted")
        .withArgs(id, drivers[1].address, usd("12"), TEST_PARAMS.feeBps, usd("8"));
    });

    it("closes acceptRide even for the driver who made the offer", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await market.connect(drivers[1]).makeOffer(id, usd("12"), (await time.latest()) + 600);
      await expect(market.connect(drivers[1]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "RideHasOffers")
        .withArgs(id);
    });
  });

  describe("rating a ride cancelled by the other party's fault", function () {
    it("lets the rider rate the driver after a driver no-show", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(PICKUP + 1n);
      await market.connect(riders[0]).cancelDriverNoShow(id);
      await expect(market.connect(riders[0]).rate(id, 1))
        .to.emit(market, "Rated")
        .withArgs(id, riders[0].address, drivers[0].address, 1);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([100n, 1n]);
    });

    it("reverts with AlreadyRated for the rider's second rating of a no-show", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(PICKUP + 1n);
      await market.connect(riders[0]).cancelDriverNoShow(id);
      await market.connect(riders[0]).rate(id, 1);
      await expect(market.connect(riders[0]).rate(id, 1))
        .to.be.revertedWithCustomError(market, "AlreadyRated")
        .withArgs(id, riders[0].address);
    });

    it("reverts with NotWronged for the no-show driver rating the rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(PICKUP + 1n);
      await market.connect(riders[0]).cancelDriverNoShow(id);
      await expect(market.connect(drivers[0]).rate(id, 1))
        .to.be.revertedWithCustomError(market, "NotWronged")
        .withArgs(id, drivers[0].address);
    });

    it("lets the driver rate the rider after a rider no-show, as a rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.increase(NO_SHOW + 1n);
      await market.connect(drivers[0]).cancelRiderNoShow(id);
      await expect(market.connect(drivers[0]).rate(id, 2))
        .to.emit(market, "Rated")
        .withArgs(id, drivers[0].address, riders[0].address, 2);
      expect(await market.riderRating(riders[0].address)).to.deep.equal([200n, 1n]);
      expect(await market.averageRating(riders[0].address)).to.deep.equal([0n, 0n]);
    });

    it("reverts with NotWronged for the rider of a rider no-show", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await time.increase(NO_SHOW + 1n);
      await market.connect(drivers[0]).cancelRiderNoShow(id);
      await expect(market.connect(riders[0]).rate(id, 1))
        .to.be.revertedWithCustomError(market, "NotWronged")
        .withArgs(id, riders[0].address);
    });

    it("lets the driver rate the rider after a cancellation that paid the fee", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(GRACE + 1n);
      await market.connect(riders[0]).cancelRide(id);
      await expect(market.connect(drivers[0]).rate(id, 3))
        .to.emit(market, "Rated")
        .withArgs(id, drivers[0].address, riders[0].address, 3);
    });

    it("reverts with NotWronged for the driver after a free cancellation", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).cancelRide(id);
      await expect(market.connect(drivers[0]).rate(id, 1))
        .to.be.revertedWithCustomError(market, "NotWronged")
        .withArgs(id, drivers[0].address);
    });

    it("lets the rider rate the driver of an abandoned ride", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await time.increase(RIDE_WINDOW + 1n);
      await market.reclaimAbandoned(id);
      await expect(market.connect(riders[0]).rate(id, 1))
        .to.emit(market, "Rated")
        .withArgs(id, riders[0].address, drivers[0].address, 1);
    });

    it("reverts with NotWronged for the named driver of a request cancelled before matching", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0], { driver: drivers[0].address });
      await market.connect(riders[0]).cancelRide(id);
      expect((await market.getRide(id)).state).to.equal(RideState.Cancelled);
      await expect(market.connect(drivers[0]).rate(id, 1))
        .to.be.revertedWithCustomError(market, "NotWronged")
        .withArgs(id, drivers[0].address);
    });
  });
});
