import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import {
  acceptedRide,
  completedRide,
  deployMarketFixture,
  expectConserved,
  reason,
  RideState,
  startedRide,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

const CONFIRM_WINDOW = BigInt(TEST_PARAMS.confirmWindow);
const RIDE_WINDOW = BigInt(TEST_PARAMS.rideWindow);
const REWARD_20 = 20n * 10n ** 18n;

describe("RideMarket: the ride", function () {
  describe("markArrived", function () {
    it("records the arrival and emits DriverArrived", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).markArrived(id))
        .to.emit(market, "DriverArrived")
        .withArgs(id, drivers[0].address);
      expect((await market.getRide(id)).stamp).to.equal(BigInt(await time.latest()));
    });

    it("reverts with AlreadyArrived the second time", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await expect(market.connect(drivers[0]).markArrived(id))
        .to.be.revertedWithCustomError(market, "AlreadyArrived")
        .withArgs(id);
    });

    it("reverts with NotDriver for the rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).markArrived(id))
        .to.be.revertedWithCustomError(market, "NotDriver")
        .withArgs(id, riders[0].address);
    });

    it("reverts with RideWrongState once the ride started", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).markArrived(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Accepted);
    });
  });

  describe("startRide", function () {
    it("moves Accepted to Started and emits RideStarted", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).startRide(id))
        .to.emit(market, "RideStarted")
        .withArgs(id, drivers[0].address);
      expect((await market.getRide(id)).state).to.equal(RideState.Started);
    });

    it("reverts with NotDriver for another driver", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[1]).startRide(id))
        .to.be.revertedWithCustomError(market, "NotDriver")
        .withArgs(id, drivers[1].address);
    });

    it("reverts with RideWrongState once already started", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).startRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Accepted);
    });
  });

  describe("completeRide", function () {
    it("starts the confirmation window and emits RideCompleted with its end", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      const at = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(at);
      await expect(market.connect(drivers[0]).completeRide(id))
        .to.emit(market, "RideCompleted")
        .withArgs(id, drivers[0].address, BigInt(at) + CONFIRM_WINDOW);
      expect((await market.getRide(id)).state).to.equal(RideState.Completed);
    });

    it("frees the driver's active ride while the stake stays locked", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await completedRide(market, riders[0], drivers[0]);
      const acc = await market.getAccount(drivers[0].address);
      expect([acc.activeRide, acc.openRides]).to.deep.equal([0n, 1n]);
      const next = await acceptedRide(market, riders[1], drivers[0]);
      expect((await market.getAccount(drivers[0].address)).activeRide).to.equal(next);
    });

    it("reverts with NotDriver for the rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).completeRide(id))
        .to.be.revertedWithCustomError(market, "NotDriver")
        .withArgs(id, riders[0].address);
    });

    it("reverts with RideWrongState before pickup", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).completeRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Accepted, RideState.Started);
    });
  });

  describe("confirmRide", function () {
    it("finalizes a Started ride with the rating and accrues RIDE", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await startedRide(market, riders[0], drivers[0]);
      const tx = market.connect(riders[0]).confirmRide(id, 4);
      await expect(tx).to.emit(market, "Rated").withArgs(id, riders[0].address, drivers[0].address, 4);
      await expect(tx)
        .to.emit(market, "RideFinalized")
        .withArgs(id, drivers[0].address, usd("19"), usd("0.5"), usd("0.5"), REWARD_20);
      expect((await market.getRide(id)).state).to.equal(RideState.Finalized);
      expect((await market.getAccount(drivers[0].address)).activeRide).to.equal(0n);
      expect((await market.rewardsOf(drivers[0].address)).accrued).to.equal(REWARD_20);
      await expectConserved(f);
    });

    it("finalizes a Completed ride and releases the stake lock", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.emit(market, "RideFinalized")
        .withArgs(id, drivers[0].address, usd("19"), usd("0.5"), usd("0.5"), REWARD_20);
      expect((await market.getAccount(drivers[0].address)).openRides).to.equal(0n);
    });

    it("reverts with NotRider for the driver", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).confirmRide(id, 5))
        .to.be.revertedWithCustomError(market, "NotRider")
        .withArgs(id, drivers[0].address);
    });

    for (const rating of [0, 6]) {
      it(`reverts with InvalidRating for a rating of ${rating}`, async function () {
        const { market, riders, drivers } = await loadFixture(deployMarketFixture);
        const id = await startedRide(market, riders[0], drivers[0]);
        await expect(market.connect(riders[0]).confirmRide(id, rating))
          .to.be.revertedWithCustomError(market, "InvalidRating")
          .withArgs(rating);
      });
    }

    it("reverts with RideWrongState before pickup", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Accepted, RideState.Started);
    });

    it("reverts with RideWrongState the second time: nobody confirms twice", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).confirmRide(id, 5);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Finalized, RideState.Started);
    });
  });

  describe("finalizeRide", function () {
    it("reverts with WindowNotPassed at the window's end itself", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      const opensAt = (await market.getRide(id)).stamp + CONFIRM_WINDOW;
      await time.setNextBlockTimestamp(opensAt);
      await expect(market.connect(others[0]).finalizeRide(id))
        .to.be.revertedWithCustomError(market, "WindowNotPassed")
        .withArgs(id, opensAt);
    });

    it("lets anyone pay the driver after the window, with no RIDE", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers, others } = f;
      const id = await completedRide(market, riders[0], drivers[0]);
      await time.increaseTo((await market.getRide(id)).stamp + CONFIRM_WINDOW);
      await expect(market.connect(others[0]).finalizeRide(id))
        .to.emit(market, "RideFinalized")
        .withArgs(id, drivers[0].address, usd("19"), usd("0.5"), usd("0.5"), 0n);
      expect(await market.creditOf(drivers[0].address)).to.equal(usd("19"));
      expect((await market.rewardsOf(drivers[0].address)).accrued).to.equal(0n);
      expect((await market.totals()).earned).to.equal(0n);
      await expectConserved(f);
    });

    it("reverts with RideWrongState the second time: nobody finalizes twice", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await time.increase(CONFIRM_WINDOW + 1n);
      await market.finalizeRide(id);
      await expect(market.finalizeRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Finalized, RideState.Completed);
    });

    it("reverts with RideWrongState for a confirm after a keeper finalized", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await time.increase(CONFIRM_WINDOW + 1n);
      await market.finalizeRide(id);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Finalized, RideState.Started);
    });

    it("reverts with RideWrongState for a ride the driver never completed", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await time.increase(CONFIRM_WINDOW + 1n);
      await expect(market.finalizeRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Completed);
    });
  });

  describe("reclaimAbandoned", function () {
    it("reverts with WindowNotPassed within the ride window", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      const opensAt = (await market.getRide(id)).stamp + RIDE_WINDOW;
      await time.setNextBlockTimestamp(opensAt);
      await expect(market.reclaimAbandoned(id))
        .to.be.revertedWithCustomError(market, "WindowNotPassed")
        .withArgs(id, opensAt);
    });

    it("lets anyone refund the rider after the ride window and frees the driver", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers, others } = f;
      const id = await startedRide(market, riders[0], drivers[0]);
      await time.increaseTo((await market.getRide(id)).stamp + RIDE_WINDOW);
      const tx = market.connect(others[0]).reclaimAbandoned(id);
      await expect(tx)
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("abandoned"), others[0].address, usd("20"), 0n);
      await expect(tx).to.emit(market, "Credited").withArgs(riders[0].address, usd("20"), usd("20"));
      const acc = await market.getAccount(drivers[0].address);
      expect([acc.activeRide, acc.openRides]).to.deep.equal([0n, 0n]);
      await expectConserved(f);
    });

    it("reverts with RideWrongState for a completed ride", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await time.increase(RIDE_WINDOW + 1n);
      await expect(market.reclaimAbandoned(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Completed, RideState.Started);
    });
  });
});
