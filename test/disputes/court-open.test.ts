import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import { RideState, acceptedRide, requestRide, usd } from "../fixtures/market";
import { DisputeStatus, deployDisputesFixture, openedDispute } from "../fixtures/disputes";

describe("DisputeCourt: opening and evidence", function () {
  describe("openDispute", function () {
    it("freezes a started ride, takes the dispute fee and queues the draw for the next epoch", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { court, market, tusd, riders, drivers, pool } = fx;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).startRide(id);
      const tx = court.connect(riders[0]).openDispute(id);
      await expect(tx)
        .to.emit(court, "DisputeOpened")
        .withArgs(id, riders[0].address, riders[0].address, drivers[0].address, usd("20"), usd("5"), 1n);
      await expect(tx).to.emit(market, "RideDisputed").withArgs(id, riders[0].address);
      await expect(tx).to.changeTokenBalances(tusd, [riders[0], court], [-usd("5"), usd("5")]);
      expect((await market.getRide(id)).state).to.equal(RideState.Disputed);
      expect((await court.getDispute(id)).status).to.equal(DisputeStatus.Drawing);
      await expect(tx).to.emit(pool, "DrawQueued").withArgs(1n, 1n);
      expect((await court.getDispute(id)).drawEpoch).to.equal(1n);
    });

    it("lets the driver open a dispute on an accepted ride after arriving and frees the driver's active slot", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { court, market, riders, drivers } = fx;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).markArrived(id);
      await expect(court.connect(drivers[0]).openDispute(id))
        .to.emit(court, "DisputeOpened")
        .withArgs(id, drivers[0].address, riders[0].address, drivers[0].address, usd("20"), usd("5"), 1n);
      expect((await market.getAccount(drivers[0].address)).activeRide).to.equal(0n);
    });

    it("opens a dispute on a completed ride before finalization", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { court, market, riders, drivers } = fx;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).startRide(id);
      await market.connect(drivers[0]).completeRide(id);
      await expect(court.connect(riders[0]).openDispute(id)).to.emit(court, "DisputeOpened");
    });

    it("reverts with RideNotDisputable when the ride was finalized", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { court, market, riders, drivers } = fx;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).startRide(id);
      await market.connect(riders[0]).confirmRide(id, 5);
      await expect(court.connect(riders[0]).openDispute(id))
        .to.be.revertedWithCustomError(court, "RideNotDisputable")
        .withArgs(id, RideState.Finalized);
    });

    it("reverts with RideNotDisputable when the ride was cancelled", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { court, market, riders } = fx;
      const id = await requestRide(market, riders[0]);
      await market.connect(riders[0]).cancelRide(id);
      await expect(court.connect(riders[0]).openDispute(id))
        .to.be.revertedWithCustomError(court, "RideNotDisputable")
        .withArgs(id, RideState.Cancelled);
    });

    it("reverts with NotParty when the caller is neither rider nor driver", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { court, market, riders, drivers, others } = fx;
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(court.connect(others[0]).openDispute(id))
        .to.be.revertedWithCustomError(court, "NotParty")
        .withArgs(id, others[0].address);
    });

    it("reverts with DisputeAlreadyOpened on a second dispute of the same ride", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await expect(fx.court.connect(fx.drivers[0]).openDispute(id))
        .to.be.revertedWithCustomError(fx.court, "DisputeAlreadyOpened")
        .withArgs(id);
    });
  });

  describe("submitEvidence", function () {
    it("emits Evidence with the URI and hash", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const hash = "0x" + "ab".repeat(32);
      await expect(fx.court.connect(fx.drivers[0]).submitEvidence(id, "ipfs://bafy-dashcam", hash))
        .to.emit(fx.court, "Evidence")
        .withArgs(id, fx.drivers[0].address, "ipfs://bafy-dashcam", hash);
    });

    it("reverts with NotParty for anyone else", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await expect(fx.court.connect(fx.others[0]).submitEvidence(id, "ipfs://x", "0x" + "00".repeat(32)))
        .to.be.revertedWithCustomError(fx.court, "NotParty")
        .withArgs(id, fx.others[0].address);
    });

    it("reverts with DisputeUnknown for a ride without a dispute", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.court.connect(fx.riders[0]).submitEvidence(99n, "ipfs://x", "0x" + "00".repeat(32)))
        .to.be.revertedWithCustomError(fx.court, "DisputeUnknown")
        .withArgs(99n);
    });
  });
});
