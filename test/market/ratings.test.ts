import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import {
  completedRide,
  confirmedRide,
  deployMarketFixture,
  finalizedRide,
  RideState,
  setParam,
  startedRide,
  usd,
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
      expect(await market.riderRating(riders[0].address)).to.deep.equal([300n, 1n]);
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

  // Issue 13, scenario 4: ratings that cost something.
  describe("minFare", function () {
    it("is 1 tUSD at deployment", async function () {
      const { market } = await loadFixture(deployMarketFixture);
      expect((await market.parameter(ethers.encodeBytes32String("minFare")))[0]).to.equal(usd("1"));
    });

    it("does not count a confirmation's rating below it, nor accrue RIDE", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0], { maxFare: usd("1") - 1n });
      const tx = market.connect(riders[0]).confirmRide(id, 5);
      await expect(tx).not.to.emit(market, "Rated");
      await expect(tx)
        .to.emit(market, "RideFinalized")
        .withArgs(id, drivers[0].address, usd("1") - 1n - 49_999n, 24_999n, 25_000n, 0n);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([0n, 0n]);
    });

    it("counts a confirmation's rating at exactly the minimum", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0], { maxFare: usd("1") });
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.emit(market, "Rated")
        .withArgs(id, riders[0].address, drivers[0].address, 5);
    });

    it("reverts rate with FareBelowMinimum below it", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0]);
      await setParam(market, governance, "minFare", usd("21"));
      await expect(market.connect(drivers[0]).rate(id, 5))
        .to.be.revertedWithCustomError(market, "FareBelowMinimum")
        .withArgs(id, usd("20"), usd("21"));
    });

    it("defeats the one-unit wash: 35 one-unit rides leave a 1.00 driver at 1.00", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[1], drivers[0], {}, 1);
      for (let i = 0; i < 35; i++) await confirmedRide(market, riders[0], drivers[0], { maxFare: 1n }, 5);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([100n, 1n]);
    });
  });

  describe("one counterparty, one counted rating", function () {
    it("replaces a rater's earlier rating of the same driver instead of adding to it", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[1], drivers[0], {}, 1);
      for (let i = 0; i < 5; i++) await confirmedRide(market, riders[0], drivers[0], {}, 5);
      // (1 + 5) / 2, not (1 + 5 * 5) / 6
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([300n, 2n]);
      expect(await market.ratingOf(riders[0].address, drivers[0].address, true)).to.equal(5n);
    });

    it("counts a later lower rating in place of the earlier one", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0], {}, 5);
      await confirmedRide(market, riders[0], drivers[0], {}, 2);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([200n, 1n]);
    });

    it("replaces a driver's earlier rating of the same rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await market.connect(drivers[0]).rate(await confirmedRide(market, riders[0], drivers[0]), 1);
      await market.connect(drivers[0]).rate(await confirmedRide(market, riders[0], drivers[0]), 4);
      expect(await market.riderRating(riders[0].address)).to.deep.equal([400n, 1n]);
      expect(await market.ratingOf(drivers[0].address, riders[0].address, false)).to.equal(4n);
    });
  });

  describe("a pair's ratings and reward cap in one slot", function () {
    it("keeps the rider's rating of the driver apart from the driver's rating of the rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0], {}, 2);
      await market.connect(drivers[0]).rate(id, 4);
      expect(await market.ratingOf(riders[0].address, drivers[0].address, true)).to.equal(2n);
      expect(await market.ratingOf(drivers[0].address, riders[0].address, false)).to.equal(4n);
      await confirmedRide(market, riders[0], drivers[0], {}, 5);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([500n, 1n]);
      expect(await market.riderRating(riders[0].address)).to.deep.equal([400n, 1n]);
    });

    it("keeps the rider's rating when the pair's rewarded fare is written beside it", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0], { maxFare: usd("20") }, 3);
      await confirmedRide(market, riders[0], drivers[0], { maxFare: usd("20") }, 4);
      expect((await market.pairEpoch(riders[0].address, drivers[0].address)).fare).to.equal(usd("40"));
      expect(await market.ratingOf(riders[0].address, drivers[0].address, true)).to.equal(4n);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([400n, 1n]);
    });
  });

  describe("separate rider and driver averages", function () {
    it("keeps 1-star ratings a driver receives as a rider out of its driver average", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0], {}, 5);
      // drivers[0] rides with drivers[1] and is rated 1 as a rider.
      const id = await confirmedRide(market, drivers[0], drivers[1], {}, 5);
      await market.connect(drivers[1]).rate(id, 1);
      expect(await market.averageRating(drivers[0].address)).to.deep.equal([500n, 1n]);
      expect(await market.riderRating(drivers[0].address)).to.deep.equal([100n, 1n]);
    });

    it("is (0, 0) for a rider never rated", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      expect(await market.riderRating(riders[0].address)).to.deep.equal([0n, 0n]);
    });
  });
});
