import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  completedRide,
  confirmedRide,
  deployMarketFixture,
  finalizedRide,
  RideState,
  startedRide,
} from "../fixtures/market";

describe("RideMarket: ratings", function () {
  describe("rate", function () {
    it("lets the rider rate the driver once after a keeper finalized", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await finalizedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).rate(id, 4))
        .to.emit(market, "Rated")
        .withArgs(id, riders[0].address, drivers[0].address, 4);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([400n, 1n]);
    });

    it("lets the driver rate the rider once", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).rate(id, 3))
        .to.emit(market, "Rated")
        .withArgs(id, drivers[0].address, riders[0].address, 3);
      expect(await market.averageRating(riders[0].address)).to.deep.equal([300n, 1n]);
    });

    it("reverts with AlreadyRated for a rider who rated when confirming", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "AlreadyRated")
        .withArgs(id, riders[0].address);
    });

    it("reverts with AlreadyRated for a rider's second rating", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await finalizedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).rate(id, 4);
      await expect(market.connect(riders[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "AlreadyRated")
        .withArgs(id, riders[0].address);
    });

    it("reverts with AlreadyRated for a driver's second rating", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).rate(id, 4);
      await expect(market.connect(drivers[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "AlreadyRated")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with NotParty for a stranger", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0]);
      await expect(market.connect(others[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "NotParty")
        .withArgs(id, others[0].address);
    });

    it("reverts with RideWrongState before finalization (Started)", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Started, RideState.Finalized);
    });

    it("reverts with RideWrongState before finalization (Completed)", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Completed, RideState.Finalized);
    });

    for (const rating of [0, 6]) {
      it(`reverts with InvalidRating for a rating of ${rating}`, async function () {
        const { market, riders, drivers } = await loadFixture(deployMarketFixture);
        const id = await confirmedRide(market, riders[0], drivers[0]);
        await expect(market.connect(drivers[0]).rate(id, rating))
          .to.be.revertedWithCustomError(market, "InvalidRating")
          .withArgs(rating);
      });
    }

    it("reverts with RideUnknown for a ride that does not exist", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).rate(99, 5))
        .to.be.revertedWithCustomError(market, "RideUnknown")
        .withArgs(99);
    });
  });

  describe("averageRating", function () {
    it("is (0, 0) for someone never rated", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([0n, 0n]);
    });

    it("is the mean times 100, rounded down", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0], {}, 5);
      await confirmedRide(market, riders[1], drivers[0], {}, 4);
      await confirmedRide(market, riders[2], drivers[0], {}, 4);
      // (5 + 4 + 4) * 100 / 3 = 433.33 -> 433
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([433n, 3n]);
    });
  });
});
