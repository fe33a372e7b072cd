import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import {
  acceptedRide,
  completedRide,
  deployMarketFixture,
  expectConserved,
  fund,
  requestRide,
  usd,
} from "../fixtures/market";

describe("RideMarket: drivers", function () {
  describe("registerDriver", function () {
    it("registers a driver with exactly the minimum stake and pulls it", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, others } = f;
      const newDriver = others[0];
      await fund(tusd, market, newDriver, usd("100"));
      const tx = market.connect(newDriver).registerDriver(usd("50"));
      await expect(tx).to.emit(market, "DriverRegistered").withArgs(newDriver.address, usd("50"));
      await expect(tx).to.changeTokenBalances(tusd, [newDriver, market], [-usd("50"), usd("50")]);
      const acc = await market.getAccount(newDriver.address);
      expect(acc.registered).to.equal(true);
      expect(acc.stake).to.equal(usd("50"));
      await expectConserved(f);
    });

    it("reverts with DriverAlreadyRegistered for a registered driver", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      await expect(market.connect(drivers[0]).registerDriver(usd("50")))
        .to.be.revertedWithCustomError(market, "DriverAlreadyRegistered")
        .withArgs(drivers[0].address);
    });

    it("reverts with StakeBelowMinimum one unit below the minimum", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).registerDriver(usd("50") - 1n))
        .to.be.revertedWithCustomError(market, "StakeBelowMinimum")
        .withArgs(riders[0].address, usd("50") - 1n, usd("50"));
    });
  });

  describe("addStake", function () {
    it("adds to the stake and emits StakeAdded with the new total", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, drivers } = f;
      const tx = market.connect(drivers[0]).addStake(usd("10"));
      await expect(tx).to.emit(market, "StakeAdded").withArgs(drivers[0].address, usd("10"), usd("110"));
      await expect(tx).to.changeTokenBalances(tusd, [drivers[0], market], [-usd("10"), usd("10")]);
      expect((await market.getAccount(drivers[0].address)).stake).to.equal(usd("110"));
      await expectConserved(f);
    });

    it("reverts with DriverNotRegistered for someone who is not a driver", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).addStake(usd("10")))
        .to.be.revertedWithCustomError(market, "DriverNotRegistered")
        .withArgs(riders[0].address);
    });

    it("reverts with AmountZero for a zero amount", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      await expect(market.connect(drivers[0]).addStake(0)).to.be.revertedWithCustomError(market, "AmountZero");
    });
  });

  describe("withdrawStake", function () {
    it("sends stake back down to the minimum and emits StakeWithdrawn", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, drivers } = f;
      const tx = market.connect(drivers[0]).withdrawStake(usd("50"));
      await expect(tx).to.emit(market, "StakeWithdrawn").withArgs(drivers[0].address, usd("50"), usd("50"));
      await expect(tx).to.changeTokenBalances(tusd, [market, drivers[0]], [-usd("50"), usd("50")]);
      await expectConserved(f);
    });

    it("reverts with StakeBelowMinimum when the rest would fall under the minimum", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      await expect(market.connect(drivers[0]).withdrawStake(usd("50") + 1n))
        .to.be.revertedWithCustomError(market, "StakeBelowMinimum")
        .withArgs(drivers[0].address, usd("50") - 1n, usd("50"));
    });

    it("reverts with StakeInsufficient for more than the stake", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      await expect(market.connect(drivers[0]).withdrawStake(usd("100") + 1n))
        .to.be.revertedWithCustomError(market, "StakeInsufficient")
        .withArgs(drivers[0].address, usd("100") + 1n, usd("100"));
    });

    it("reverts with DriverNotRegistered for someone who is not a driver", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).withdrawStake(1))
        .to.be.revertedWithCustomError(market, "DriverNotRegistered")
        .withArgs(riders[0].address);
    });

    it("reverts with StakeLocked while an accepted ride holds the stake", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).withdrawStake(usd("1")))
        .to.be.revertedWithCustomError(market, "StakeLocked")
        .withArgs(drivers[0].address, 1);
    });

    it("is not locked by a request the driver has not accepted", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await requestRide(market, riders[0], { driver: drivers[0].address });
      await expect(market.connect(drivers[0]).withdrawStake(usd("1"))).to.emit(market, "StakeWithdrawn");
    });

    it("stays locked through Completed until the ride is finalized", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await completedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).withdrawStake(usd("1")))
        .to.be.revertedWithCustomError(market, "StakeLocked")
        .withArgs(drivers[0].address, 1);
      await market.connect(riders[0]).confirmRide(id, 5);
      await expect(market.connect(drivers[0]).withdrawStake(usd("1")))
        .to.emit(market, "StakeWithdrawn")
        .withArgs(drivers[0].address, usd("1"), usd("99"));
    });

    it("stays locked through Disputed until the court resolves", async function () {
      const { market, riders, drivers, court } = await loadFixture(deployMarketFixture);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await market.connect(court).openDispute(id, riders[0].address);
      await expect(market.connect(drivers[0]).withdrawStake(usd("1")))
        .to.be.revertedWithCustomError(market, "StakeLocked")
        .withArgs(drivers[0].address, 1);
      await market.connect(court).resolveDispute(id, usd("10"), 0);
      await expect(market.connect(drivers[0]).withdrawStake(usd("1")))
        .to.emit(market, "StakeWithdrawn")
        .withArgs(drivers[0].address, usd("1"), usd("99"));
    });
  });

  describe("deregisterDriver", function () {
    it("returns the whole stake and clears the registration", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, drivers } = f;
      const tx = market.connect(drivers[0]).deregisterDriver();
      await expect(tx).to.emit(market, "DriverDeregistered").withArgs(drivers[0].address, usd("100"));
      await expect(tx).to.changeTokenBalances(tusd, [market, drivers[0]], [-usd("100"), usd("100")]);
      const acc = await market.getAccount(drivers[0].address);
      expect(acc.registered).to.equal(false);
      expect(acc.stake).to.equal(0n);
      await expectConserved(f);
    });

    it("lets a deregistered driver register again", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      await market.connect(drivers[0]).deregisterDriver();
      await expect(market.connect(drivers[0]).registerDriver(usd("60")))
        .to.emit(market, "DriverRegistered")
        .withArgs(drivers[0].address, usd("60"));
    });

    it("reverts with StakeLocked while a ride is open", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await acceptedRide(market, riders[0], drivers[0]);
      await expect(market.connect(drivers[0]).deregisterDriver())
        .to.be.revertedWithCustomError(market, "StakeLocked")
        .withArgs(drivers[0].address, 1);
    });

    it("reverts with DriverNotRegistered for someone who is not a driver", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).deregisterDriver())
        .to.be.revertedWithCustomError(market, "DriverNotRegistered")
        .withArgs(riders[0].address);
    });
  });
});
