import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { hexlify, toUtf8Bytes, zeroPadBytes, ZeroAddress, keccak256 } from "ethers";
import {
  acceptedRide,
  deployMarketFixture,
  expectConserved,
  reason,
  requestParams,
  requestRide,
  RideState,
  signPermit,
  usd,
} from "../fixtures/market";
import { areaTopic, cellToBytes6 } from "../../src/geo";

/** Raw bytes6 of any ASCII text, bypassing the client-side check. */
const rawCell = (text: string): string => zeroPadBytes(hexlify(toUtf8Bytes(text)), 6);
const DAY = 24 * 60 * 60;

describe("RideMarket: requests", function () {
  describe("requestRide", function () {
    it("escrows the max fare and emits RideRequested with every field", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, riders, drivers } = f;
      const commitment = keccak256(toUtf8Bytes("route"));
      const req = await requestParams({ maxFare: usd("25"), minRating: 350, driver: drivers[1].address, commitment });
      const tx = market.connect(riders[0]).requestRide(req);
      await expect(tx)
        .to.emit(market, "RideRequested")
        .withArgs(
          1n,
          riders[0].address,
          areaTopic("wydm6v"),
          cellToBytes6("wydm6v"),
          cellToBytes6("wydq8e"),
          commitment,
          usd("25"),
          req.expiresAt,
          350,
          drivers[1].address,
        );
      await expect(tx).to.changeTokenBalances(tusd, [riders[0], market], [-usd("25"), usd("25")]);
      await expectConserved(f);
    });

    it("indexes the pickup area so drivers can filter on areaTopic(cell)", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await requestRide(market, riders[0], { pickupCell: "wydm6v" });
      await requestRide(market, riders[1], { pickupCell: "wydm7k" });
      await requestRide(market, riders[2], { pickupCell: "u4pru" });
      const events = await market.queryFilter(market.filters.RideRequested(undefined, undefined, areaTopic("wydm6v")));
      expect(events.map((e) => e.args.rideId)).to.deep.equal([1n]);
      const seoul = await market.queryFilter(market.filters.RideRequested(undefined, undefined, areaTopic("wydm7")));
      expect(seoul.map((e) => e.args.rideId)).to.deep.equal([2n]);
    });

    it("stores the request with the expiry in stamp and the driver filter", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const req = await requestParams({ driver: drivers[0].address, minRating: 400 });
      await market.connect(riders[0]).requestRide(req);
      const r = await market.getRide(1);
      expect([r.rider, r.fare, r.driver, r.state, r.minRating, r.stamp]).to.deep.equal([
        riders[0].address,
        usd("20"),
        drivers[0].address,
        BigInt(RideState.Requested),
        400n,
        BigInt(req.expiresAt),
      ]);
    });

    it("accepts a precision-5 cell", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).requestRide(await requestParams({ pickupCell: "wydm6" })))
        .to.emit(market, "RideRequested")
        .withArgs(
          1n,
          riders[0].address,
          areaTopic("wydm6"),
          cellToBytes6("wydm6"),
          cellToBytes6("wydq8e"),
          (v: string) => v.length === 66,
          usd("20"),
          (v: bigint) => v > 0n,
          0,
          ZeroAddress,
        );
    });

    it("reverts with FareZero for a zero max fare", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(
        market.connect(riders[0]).requestRide(await requestParams({ maxFare: 0n })),
      ).to.be.revertedWithCustomError(market, "FareZero");
    });

    it("reverts with FareTooLarge above the uint96 maximum", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const max = 2n ** 96n - 1n;
      await expect(market.connect(riders[0]).requestRide(await requestParams({ maxFare: max + 1n })))
        .to.be.revertedWithCustomError(market, "FareTooLarge")
        .withArgs(max + 1n, max);
    });

    for (const bad of ["wydma6", "WYDM6V", "wydm", "wyd m6", "wydmi1", ""]) {
      it(`reverts with InvalidCell for the pickup cell "${bad}"`, async function () {
        const { market, riders } = await loadFixture(deployMarketFixture);
        const req = { ...(await requestParams()), pickupCell: rawCell(bad) };
        await expect(market.connect(riders[0]).requestRide(req))
          .to.be.revertedWithCustomError(market, "InvalidCell")
          .withArgs(rawCell(bad));
      });
    }

    it("reverts with InvalidCell for a bad drop-off cell", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const req = { ...(await requestParams()), dropoffCell: rawCell("wydqo8") };
      await expect(market.connect(riders[0]).requestRide(req))
        .to.be.revertedWithCustomError(market, "InvalidCell")
        .withArgs(rawCell("wydqo8"));
    });

    it("reverts with InvalidExpiry for an expiry not after now", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const now = (await time.latest()) + 10;
      const req = { ...(await requestParams()), expiresAt: now };
      await time.setNextBlockTimestamp(now);
      await expect(market.connect(riders[0]).requestRide(req))
        .to.be.revertedWithCustomError(market, "InvalidExpiry")
        .withArgs(now, now + 1, now + DAY);
    });

    it("reverts with InvalidExpiry for an expiry past one day", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const now = (await time.latest()) + 10;
      const req = { ...(await requestParams()), expiresAt: now + DAY + 1 };
      await time.setNextBlockTimestamp(now);
      await expect(market.connect(riders[0]).requestRide(req))
        .to.be.revertedWithCustomError(market, "InvalidExpiry")
        .withArgs(now + DAY + 1, now + 1, now + DAY);
    });

    it("accepts an expiry of exactly one day", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const now = (await time.latest()) + 10;
      const req = { ...(await requestParams()), expiresAt: now + DAY };
      await time.setNextBlockTimestamp(now);
      await expect(market.connect(riders[0]).requestRide(req)).to.emit(market, "RideRequested");
    });

    it("reverts with InvalidMinRating for a minimum rating above 500", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).requestRide(await requestParams({ minRating: 501 })))
        .to.be.revertedWithCustomError(market, "InvalidMinRating")
        .withArgs(501, 500);
    });

    it("accepts a minimum rating of exactly 500", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).requestRide(await requestParams({ minRating: 500 }))).to.emit(
        market,
        "RideRequested",
      );
    });
  });

  describe("requestRideWithPermit", function () {
    it("escrows the fare with a signed permit and no prior approval", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, others } = f;
      const rider = others[0];
      await tusd.connect(rider).faucet(usd("100"));
      const req = await requestParams();
      const deadline = BigInt((await time.latest()) + 3600);
      const { v, r, s } = await signPermit(tusd, rider, await market.getAddress(), usd("20"), deadline);
      const tx = market.connect(rider).requestRideWithPermit(req, deadline, v, r, s);
      await expect(tx).to.emit(market, "RideRequested");
      await expect(tx).to.changeTokenBalances(tusd, [rider, market], [-usd("20"), usd("20")]);
      expect(await tusd.allowance(rider.address, await market.getAddress())).to.equal(0n);
      await expectConserved(f);
    });

    it("still succeeds when someone front-ran the same permit", async function () {
      const { market, tusd, others } = await loadFixture(deployMarketFixture);
      const [rider, frontRunner] = others;
      await tusd.connect(rider).faucet(usd("100"));
      const req = await requestParams();
      const deadline = BigInt((await time.latest()) + 3600);
      const marketAddress = await market.getAddress();
      const { v, r, s } = await signPermit(tusd, rider, marketAddress, usd("20"), deadline);
      await tusd.connect(frontRunner).permit(rider.address, marketAddress, usd("20"), deadline, v, r, s);
      await expect(market.connect(rider).requestRideWithPermit(req, deadline, v, r, s))
        .to.emit(market, "RideRequested")
        .withArgs(
          1n,
          rider.address,
          areaTopic("wydm6v"),
          cellToBytes6("wydm6v"),
          cellToBytes6("wydq8e"),
          req.commitment,
          usd("20"),
          req.expiresAt,
          0,
          ZeroAddress,
        );
    });

    it("reverts with the token's allowance error when the permit is bad and nothing is approved", async function () {
      const { market, tusd, others } = await loadFixture(deployMarketFixture);
      const rider = others[0];
      await tusd.connect(rider).faucet(usd("100"));
      const deadline = BigInt((await time.latest()) + 3600);
      const marketAddress = await market.getAddress();
      // Signed for a smaller amount than the request's max fare: the permit fails, no allowance.
      const { v, r, s } = await signPermit(tusd, rider, marketAddress, usd("1"), deadline);
      await expect(market.connect(rider).requestRideWithPermit(await requestParams(), deadline, v, r, s))
        .to.be.revertedWithCustomError(tusd, "ERC20InsufficientAllowance")
        .withArgs(marketAddress, 0n, usd("20"));
    });
  });

  describe("cancelRide (Requested)", function () {
    it("credits the rider the full escrow and emits RideCancelled", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders } = f;
      const id = await requestRide(market, riders[0]);
      const tx = market.connect(riders[0]).cancelRide(id);
      await expect(tx).to.emit(market, "RideCancelled").withArgs(id, reason("rider"), riders[0].address, usd("20"), 0n);
      await expect(tx).to.emit(market, "Credited").withArgs(riders[0].address, usd("20"), usd("20"));
      expect((await market.getRide(id)).state).to.equal(RideState.Cancelled);
      await expectConserved(f);
    });

    it("reverts with NotRider for anyone else", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await expect(market.connect(drivers[0]).cancelRide(id))
        .to.be.revertedWithCustomError(market, "NotRider")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with RideUnknown for a ride that does not exist", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).cancelRide(99))
        .to.be.revertedWithCustomError(market, "RideUnknown")
        .withArgs(99);
    });

    it("reverts with RideWrongState when the ride was already cancelled", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await market.connect(riders[0]).cancelRide(id);
      await expect(market.connect(riders[0]).cancelRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Cancelled, RideState.Accepted);
    });
  });

  describe("expireRequest", function () {
    it("reverts with RideNotExpired at the expiry itself", async function () {
      const { market, riders, others } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      const expiresAt = (await market.getRide(id)).stamp;
      await time.setNextBlockTimestamp(expiresAt);
      await expect(market.connect(others[0]).expireRequest(id))
        .to.be.revertedWithCustomError(market, "RideNotExpired")
        .withArgs(id, expiresAt);
    });

    it("lets anyone cancel after the expiry and credits the rider", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, riders, others } = f;
      const id = await requestRide(market, riders[0]);
      await time.increaseTo((await market.getRide(id)).stamp);
      const tx = market.connect(others[0]).expireRequest(id);
      await expect(tx)
        .to.emit(market, "RideCancelled")
        .withArgs(id, reason("expired"), others[0].address, usd("20"), 0n);
      await expect(tx).to.emit(market, "Credited").withArgs(riders[0].address, usd("20"), usd("20"));
      await expectConserved(f);
    });

    it("reverts with RideWrongState once the request was accepted", async function () {
      const { market, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await time.increase(DAY);
      await expect(market.connect(others[0]).expireRequest(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Accepted, RideState.Requested);
    });
  });
});
