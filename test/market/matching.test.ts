import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { ZeroAddress } from "ethers";
import {
  acceptedRide,
  confirmedRide,
  deployMarketFixture,
  expectConserved,
  requestRide,
  RideState,
  setParam,
  startedRide,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

describe("RideMarket: matching", function () {
  describe("acceptRide", function () {
    it("matches the driver at the rider's fare with the current fee", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.emit(market, "RideAccepted")
        .withArgs(id, drivers[0].address, usd("20"), 500, 0n);
      const r = await market.getRide(id);
      expect([r.state, r.driver, r.feeBps]).to.deep.equal([BigInt(RideState.Accepted), drivers[0].address, 500n]);
      const acc = await market.getAccount(drivers[0].address);
      expect([acc.activeRide, acc.openRides]).to.deep.equal([id, 1n]);
    });

    it("reverts with FareMismatch when the fare is not the rider's", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("19")))
        .to.be.revertedWithCustomError(market, "FareMismatch")
        .withArgs(id, usd("19"), usd("20"));
    });

    it("reverts with RideExpired after the request's expiry", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const expiresAt = (await market.getRide(id)).stamp;
      await time.increaseTo(expiresAt);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "RideExpired")
        .withArgs(id, expiresAt);
    });

    it("reverts with DriverNotRegistered for someone who is not a driver", async function () {
      const { market, riders, others } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await expect(market.connect(others[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "DriverNotRegistered")
        .withArgs(others[0].address);
    });

    it("reverts with DriverNotAllowed for a driver other than the one the rider named", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0], { driver: drivers[0].address });
      await expect(market.connect(drivers[1]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "DriverNotAllowed")
        .withArgs(id, drivers[1].address, drivers[0].address);
    });

    it("lets the named driver accept", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0], { driver: drivers[0].address });
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.emit(market, "RideAccepted")
        .withArgs(id, drivers[0].address, usd("20"), 500, 0n);
    });

    it("reverts with DriverNotAllowed when the rider would drive itself", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await market.connect(riders[0]).registerDriver(usd("50"));
      const id = await requestRide(market, riders[0]);
      await expect(market.connect(riders[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "DriverNotAllowed")
        .withArgs(id, riders[0].address, ZeroAddress);
    });

    it("reverts with DriverRatingTooLow for an unrated driver when a minimum is set", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0], { minRating: 100 });
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "DriverRatingTooLow")
        .withArgs(drivers[0].address, 0n, 100n);
    });

    it("reverts with DriverRatingTooLow for a driver rated below the minimum", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[1], drivers[0], {}, 3);
      const id = await requestRide(market, riders[0], { minRating: 301 });
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "DriverRatingTooLow")
        .withArgs(drivers[0].address, 300n, 301n);
    });

    it("accepts a driver rated exactly at the minimum", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[1], drivers[0], {}, 3);
      const id = await requestRide(market, riders[0], { minRating: 300 });
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20"))).to.emit(market, "RideAccepted");
    });

    it("reverts with DriverBusy when the driver has an active ride", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const first = await startedRide(market, riders[0], drivers[0]);
      const id = await requestRide(market, riders[1]);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "DriverBusy")
        .withArgs(drivers[0].address, first);
    });

    it("reverts with StakeBelowMinimum when penalties ate the stake", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      await setParam(market, governance, "noShowPenalty", usd("60"));
      const first = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(Number(TEST_PARAMS.pickupWindow) + 1);
      await market.connect(riders[0]).cancelDriverNoShow(first);
      const id = await requestRide(market, riders[1]);
      await expect(market.connect(drivers[0]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "StakeBelowMinimum")
        .withArgs(drivers[0].address, usd("40"), usd("50"));
    });

    it("reverts with RideWrongState for a second driver: exactly one wins", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[1]).acceptRide(id, usd("20")))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Accepted, RideState.Requested);
      expect((await market.getRide(id)).driver).to.equal(drivers[0].address);
    });
  });

  describe("makeOffer", function () {
    it("records the offer and emits OfferMade", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const until = (await time.latest()) + 300;
      await expect(market.connect(drivers[0]).makeOffer(id, usd("15"), until))
        .to.emit(market, "OfferMade")
        .withArgs(id, drivers[0].address, usd("15"), until);
      const offer = await market.getOffer(id, drivers[0].address);
      expect([offer.fare, offer.expiresAt]).to.deep.equal([usd("15"), BigInt(until)]);
    });

    it("reverts with FareTooLarge for an offer at the max fare", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const until = (await time.latest()) + 300;
      await expect(market.connect(drivers[0]).makeOffer(id, usd("20"), until))
        .to.be.revertedWithCustomError(market, "FareTooLarge")
        .withArgs(usd("20"), usd("20") - 1n);
    });

    it("reverts with FareZero for a zero offer", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const until = (await time.latest()) + 300;
      await expect(market.connect(drivers[0]).makeOffer(id, 0, until)).to.be.revertedWithCustomError(
        market,
        "FareZero",
      );
    });

    it("reverts with InvalidExpiry for an offer expiring now", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const latest = (await market.getRide(id)).stamp;
      const now = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(now);
      await expect(market.connect(drivers[0]).makeOffer(id, usd("15"), now))
        .to.be.revertedWithCustomError(market, "InvalidExpiry")
        .withArgs(now, now + 1, latest);
    });

    it("reverts with InvalidExpiry for an offer outliving the request", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const latest = (await market.getRide(id)).stamp;
      const now = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(now);
      await expect(market.connect(drivers[0]).makeOffer(id, usd("15"), latest + 1n))
        .to.be.revertedWithCustomError(market, "InvalidExpiry")
        .withArgs(latest + 1n, now + 1, latest);
    });

    it("reverts with DriverNotRegistered for someone who is not a driver", async function () {
      const { market, riders, others } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const until = (await time.latest()) + 300;
      await expect(market.connect(others[0]).makeOffer(id, usd("15"), until))
        .to.be.revertedWithCustomError(market, "DriverNotRegistered")
        .withArgs(others[0].address);
    });
  });

  describe("acceptOffer", function () {
    async function offered() {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, drivers } = f;
      const id = await requestRide(market, riders[0]);
      const until = (await time.latest()) + 300;
      await market.connect(drivers[0]).makeOffer(id, usd("15"), until);
      return { ...f, id, until };
    }

    it("matches at the offered fare and credits the escrow above it to the rider at once", async function () {
      const f = await offered();
      const { market, riders, drivers, id } = f;
      const tx = market.connect(riders[0]).acceptOffer(id, drivers[0].address, usd("15"));
      await expect(tx).to.emit(market, "RideAccepted").withArgs(id, drivers[0].address, usd("15"), 500, usd("5"));
      await expect(tx).to.emit(market, "Credited").withArgs(riders[0].address, usd("5"), usd("5"));
      const r = await market.getRide(id);
      expect([r.state, r.fare]).to.deep.equal([BigInt(RideState.Accepted), usd("15")]);
      expect((await market.getOffer(id, drivers[0].address)).expiresAt).to.equal(0n);
      await expectConserved(f);
    });

    it("reverts with NotRider for anyone but the rider", async function () {
      const { market, drivers, id } = await offered();
      await expect(market.connect(drivers[0]).acceptOffer(id, drivers[0].address, usd("15")))
        .to.be.revertedWithCustomError(market, "NotRider")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with OfferUnknown for a driver who made no offer", async function () {
      const { market, riders, drivers, id } = await offered();
      await expect(market.connect(riders[0]).acceptOffer(id, drivers[1].address, usd("15")))
        .to.be.revertedWithCustomError(market, "OfferUnknown")
        .withArgs(id, drivers[1].address);
    });

    it("reverts with OfferExpired after the offer's expiry", async function () {
      const { market, riders, drivers, id, until } = await offered();
      await time.increaseTo(until);
      await expect(market.connect(riders[0]).acceptOffer(id, drivers[0].address, usd("15")))
        .to.be.revertedWithCustomError(market, "OfferExpired")
        .withArgs(id, drivers[0].address, until);
    });

    it("reverts with FareMismatch when the fare is not the offer's (bait and switch)", async function () {
      const { market, riders, drivers, id } = await offered();
      await expect(market.connect(riders[0]).acceptOffer(id, drivers[0].address, usd("14")))
        .to.be.revertedWithCustomError(market, "FareMismatch")
        .withArgs(id, usd("14"), usd("15"));
    });

    it("reverts with DriverBusy when the driver took another ride since offering", async function () {
      const { market, riders, drivers, id } = await offered();
      const other = await acceptedRide(market, riders[1], drivers[0]);
      await expect(market.connect(riders[0]).acceptOffer(id, drivers[0].address, usd("15")))
        .to.be.revertedWithCustomError(market, "DriverBusy")
        .withArgs(drivers[0].address, other);
    });
  });

  describe("the fee is fixed at accept", function () {
    it("pays the fee in force when the ride was accepted, not the one set later", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await setParam(market, governance, "feeBps", 1000);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.emit(market, "RideFinalized")
        .withArgs(id, drivers[0].address, usd("19"), usd("0.5"), usd("0.5"), 20n * 10n ** 18n);
    });

    it("applies the new fee to rides accepted after the change", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      await setParam(market, governance, "feeBps", 1000);
      const id = await startedRide(market, riders[0], drivers[0]);
      expect((await market.getRide(id)).feeBps).to.equal(1000n);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.emit(market, "RideFinalized")
        .withArgs(id, drivers[0].address, usd("18"), usd("1"), usd("1"), 20n * 10n ** 18n);
    });
  });
});
