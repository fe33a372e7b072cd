import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { RideMarket } from "../../typechain-types";
import {
  acceptedRide,
  completedRide,
  confirmedRide,
  deployMarketFixture,
  expectConserved,
  requestRide,
  RideState,
  startedRide,
  TEST_PARAMS,
  deployMarket,
  usd,
} from "../fixtures/market";

type Stage = (market: RideMarket, rider: HardhatEthersSigner, driver: HardhatEthersSigner) => Promise<bigint>;

describe("RideMarket: the court hook", function () {
  describe("setCourt", function () {
    it("reverts with CourtAlreadySet once the court is set", async function () {
      const { market, deployer, court } = await loadFixture(deployMarketFixture);
      await expect(market.connect(deployer).setCourt(deployer.address))
        .to.be.revertedWithCustomError(market, "CourtAlreadySet")
        .withArgs(court.address);
    });

    it("reverts with NotInitializer for anyone but the deployer", async function () {
      const { governance, others } = await loadFixture(deployMarketFixture);
      const { market: fresh } = await deployMarket(governance.address);
      await expect(fresh.connect(others[0]).setCourt(others[0].address))
        .to.be.revertedWithCustomError(fresh, "NotInitializer")
        .withArgs(others[0].address);
    });
  });

  describe("openDispute", function () {
    const open: [string, Stage, RideState][] = [
      ["Accepted", acceptedRide, RideState.Accepted],
      ["Started", startedRide, RideState.Started],
      ["Completed", completedRide, RideState.Completed],
    ];
    for (const [label, stage] of open) {
      it(`freezes a ${label} ride opened by the rider and emits RideDisputed`, async function () {
        const { market, court, riders, drivers } = await loadFixture(deployMarketFixture);
        const id = await stage(market, riders[0], drivers[0]);
        const [rider, driver, fare] = await market.connect(court).openDispute.staticCall(id, riders[0].address);
        expect([rider, driver, fare]).to.deep.equal([riders[0].address, drivers[0].address, usd("20")]);
        await expect(market.connect(court).openDispute(id, riders[0].address))
          .to.emit(market, "RideDisputed")
          .withArgs(id, riders[0].address);
        expect((await market.getRide(id)).state).to.equal(RideState.Disputed);
        const acc = await market.getAccount(drivers[0].address);
        expect([acc.activeRide, acc.openRides]).to.deep.equal([0n, 1n]);
      });
    }

    it("accepts the driver as the party opening the dispute", async function () {
      const { market, court, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(court).openDispute(id, drivers[0].address))
        .to.emit(market, "RideDisputed")
        .withArgs(id, drivers[0].address);
    });

    it("reverts with NotCourt for the rider and for the deployer", async function () {
      const { market, deployer, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      for (const caller of [riders[0], deployer]) {
        await expect(market.connect(caller).openDispute(id, riders[0].address))
          .to.be.revertedWithCustomError(market, "NotCourt")
          .withArgs(caller.address);
      }
    });

    it("reverts with NotParty when `by` is neither rider nor driver", async function () {
      const { market, court, riders, drivers, others } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(court).openDispute(id, others[0].address))
        .to.be.revertedWithCustomError(market, "NotParty")
        .withArgs(id, others[0].address);
    });

    it("reverts with RideWrongState for a request nobody accepted", async function () {
      const { market, court, riders } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await expect(market.connect(court).openDispute(id, riders[0].address))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Requested, RideState.Started);
    });

    it("reverts with RideWrongState for a finalized ride", async function () {
      const { market, court, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await confirmedRide(market, riders[0], drivers[0]);
      await expect(market.connect(court).openDispute(id, riders[0].address))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Finalized, RideState.Started);
    });

    it("reverts with RideWrongState for a ride already disputed", async function () {
      const { market, court, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await market.connect(court).openDispute(id, riders[0].address);
      await expect(market.connect(court).openDispute(id, drivers[0].address))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Disputed, RideState.Started);
    });

    it("reverts with RideUnknown for a ride that does not exist", async function () {
      const { market, court, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(court).openDispute(99, riders[0].address))
        .to.be.revertedWithCustomError(market, "RideUnknown")
        .withArgs(99);
    });

    it("freezes the ride: neither a keeper finalizes it nor the rider confirms it", async function () {
      const { market, court, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await market.connect(court).openDispute(id, riders[0].address);
      await time.increase(BigInt(TEST_PARAMS.confirmWindow) + 1n);
      await expect(market.finalizeRide(id))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Disputed, RideState.Completed);
      await expect(market.connect(riders[0]).confirmRide(id, 5))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Disputed, RideState.Started);
    });
  });

  describe("resolveDispute", function () {
    async function disputed() {
      const f = await loadFixture(deployMarketFixture);
      const { market, court, riders, drivers } = f;
      const id = await startedRide(market, riders[0], drivers[0]);
      await market.connect(court).openDispute(id, riders[0].address);
      return { ...f, id };
    }

    it("splits the escrow exactly and emits RideResolved", async function () {
      const f = await disputed();
      const { market, court, riders, drivers, id } = f;
      const tx = market.connect(court).resolveDispute(id, usd("12.345678"), 0);
      await expect(tx).to.emit(market, "RideResolved").withArgs(id, usd("12.345678"), usd("7.654322"), 0n);
      await expect(tx).to.emit(market, "Credited").withArgs(riders[0].address, usd("12.345678"), usd("12.345678"));
      await expect(tx).to.emit(market, "Credited").withArgs(drivers[0].address, usd("7.654322"), usd("7.654322"));
      expect((await market.getRide(id)).state).to.equal(RideState.Resolved);
      await expectConserved(f);
    });

    it("applies the stake penalty to the rider's credit", async function () {
      const f = await disputed();
      const { market, court, riders, drivers, id } = f;
      const tx = market.connect(court).resolveDispute(id, usd("20"), usd("10"));
      await expect(tx).to.emit(market, "StakePenalized").withArgs(drivers[0].address, id, usd("10"), usd("90"));
      await expect(tx).to.emit(market, "RideResolved").withArgs(id, usd("20"), 0n, usd("10"));
      expect(await market.creditOf(riders[0].address)).to.equal(usd("30"));
      expect(await market.creditOf(drivers[0].address)).to.equal(0n);
      await expectConserved(f);
    });

    it("takes at most the driver's whole stake", async function () {
      const f = await disputed();
      const { market, court, drivers, id } = f;
      await expect(market.connect(court).resolveDispute(id, 0, usd("1000")))
        .to.emit(market, "RideResolved")
        .withArgs(id, 0n, usd("20"), usd("100"));
      expect((await market.getAccount(drivers[0].address)).stake).to.equal(0n);
      await expectConserved(f);
    });

    it("releases the stake lock", async function () {
      const { market, court, drivers, id } = await disputed();
      await market.connect(court).resolveDispute(id, usd("10"), 0);
      expect((await market.getAccount(drivers[0].address)).openRides).to.equal(0n);
      await expect(market.connect(drivers[0]).deregisterDriver())
        .to.emit(market, "DriverDeregistered")
        .withArgs(drivers[0].address, usd("100"));
    });

    it("reverts with SplitTooLarge when the rider's part exceeds the fare", async function () {
      const { market, court, id } = await disputed();
      await expect(market.connect(court).resolveDispute(id, usd("20") + 1n, 0))
        .to.be.revertedWithCustomError(market, "SplitTooLarge")
        .withArgs(id, usd("20") + 1n, usd("20"));
    });

    it("reverts with NotCourt for a party", async function () {
      const { market, riders, id } = await disputed();
      await expect(market.connect(riders[0]).resolveDispute(id, usd("20"), 0))
        .to.be.revertedWithCustomError(market, "NotCourt")
        .withArgs(riders[0].address);
    });

    it("reverts with RideWrongState for a second ruling", async function () {
      const { market, court, id } = await disputed();
      await market.connect(court).resolveDispute(id, usd("10"), 0);
      await expect(market.connect(court).resolveDispute(id, usd("10"), 0))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Resolved, RideState.Disputed);
    });

    it("reverts with RideWrongState for a ride never disputed", async function () {
      const { market, court, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(court).resolveDispute(id, 0, 0))
        .to.be.revertedWithCustomError(market, "RideWrongState")
        .withArgs(id, RideState.Accepted, RideState.Disputed);
    });
  });
});
