import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { confirmedRide, deployMarketFixture, expectConserved, requestRide, usd } from "../fixtures/market";

describe("RideMarket: withdrawals", function () {
  describe("withdraw", function () {
    it("sends the caller's whole credit to `to` and emits Withdrawn", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, riders, drivers, others } = f;
      await confirmedRide(market, riders[0], drivers[0]);
      const tx = market.connect(drivers[0]).withdraw(others[0].address);
      await expect(tx).to.emit(market, "Withdrawn").withArgs(drivers[0].address, others[0].address, usd("19"));
      await expect(tx).to.changeTokenBalances(tusd, [market, others[0]], [-usd("19"), usd("19")]);
      expect(await market.creditOf(drivers[0].address)).to.equal(0n);
      await expectConserved(f);
    });

    it("reverts with NothingToWithdraw without a credit", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).withdraw(riders[0].address))
        .to.be.revertedWithCustomError(market, "NothingToWithdraw")
        .withArgs(riders[0].address);
    });

    it("reverts with NothingToWithdraw the second time", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      const id = await requestRide(market, riders[0]);
      await market.connect(riders[0]).cancelRide(id);
      await market.connect(riders[0]).withdraw(riders[0].address);
      await expect(market.connect(riders[0]).withdraw(riders[0].address))
        .to.be.revertedWithCustomError(market, "NothingToWithdraw")
        .withArgs(riders[0].address);
    });
  });

  describe("withdrawTreasury", function () {
    // The test ride's fee leaves 0.5 tUSD in the treasury: a tenth of it, 0.05, per period.
    it("lets governance spend a tenth of the treasury's fees per period", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, governance, riders, drivers, others } = f;
      await confirmedRide(market, riders[0], drivers[0]);
      const tx = market.connect(governance).withdrawTreasury(others[0].address, usd("0.05"));
      await expect(tx).to.emit(market, "TreasuryWithdrawn").withArgs(others[0].address, usd("0.05"));
      await expect(tx).to.changeTokenBalances(tusd, [market, others[0]], [-usd("0.05"), usd("0.05")]);
      expect((await market.totals()).treasuryPending).to.equal(usd("0.45"));
      await expectConserved(f);
    });

    it("opens a period with TreasuryPeriodOpened and its allowance", async function () {
      const { market, governance, riders, drivers, others } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      const at = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(at);
      await expect(market.connect(governance).withdrawTreasury(others[0].address, 1n))
        .to.emit(market, "TreasuryPeriodOpened")
        .withArgs(at / (await market.TREASURY_PERIOD()), usd("0.05"));
    });

    it("reverts with TreasuryOutflowLimit past a tenth of the treasury", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      await expect(market.connect(governance).withdrawTreasury(governance.address, usd("0.05") + 1n))
        .to.be.revertedWithCustomError(market, "TreasuryOutflowLimit")
        .withArgs(usd("0.05") + 1n, usd("0.05"));
    });

    it("counts every spend of a period against the same allowance", async function () {
      const { market, governance, riders, drivers, others } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      await market.connect(governance).withdrawTreasury(others[0].address, usd("0.03"));
      await expect(market.connect(governance).withdrawTreasury(others[0].address, usd("0.03")))
        .to.be.revertedWithCustomError(market, "TreasuryOutflowLimit")
        .withArgs(usd("0.03"), usd("0.02"));
    });

    it("allows a tenth of what is left once the next period begins", async function () {
      const { market, governance, riders, drivers, others } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      await market.connect(governance).withdrawTreasury(others[0].address, usd("0.05"));
      await time.increase(await market.TREASURY_PERIOD());
      await expect(market.connect(governance).withdrawTreasury(others[0].address, usd("0.045")))
        .to.emit(market, "TreasuryWithdrawn")
        .withArgs(others[0].address, usd("0.045"));
    });

    for (const who of ["deployer", "a driver"] as const) {
      it(`reverts with NotGovernance for ${who}`, async function () {
        const { market, deployer, drivers, riders } = await loadFixture(deployMarketFixture);
        await confirmedRide(market, riders[0], drivers[0]);
        const caller = who === "deployer" ? deployer : drivers[0];
        await expect(market.connect(caller).withdrawTreasury(caller.address, 1n))
          .to.be.revertedWithCustomError(market, "NotGovernance")
          .withArgs(caller.address);
      });
    }
  });

  describe("sweep", function () {
    async function donated() {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, riders, drivers, others } = f;
      await confirmedRide(market, riders[0], drivers[0]);
      await requestRide(market, riders[1]);
      const donation = usd("7.77");
      await tusd.connect(others[0]).faucet(donation);
      await tusd.connect(others[0]).transfer(await market.getAddress(), donation);
      return { ...f, donation };
    }

    it("lets governance sweep exactly the donated surplus", async function () {
      const f = await donated();
      const { market, tusd, governance, others, donation } = f;
      await expectConserved(f, donation);
      const tx = market.connect(governance).sweep(await tusd.getAddress(), others[1].address, donation);
      await expect(tx)
        .to.emit(market, "Swept")
        .withArgs(await tusd.getAddress(), others[1].address, donation);
      await expect(tx).to.changeTokenBalances(tusd, [market, others[1]], [-donation, donation]);
      await expectConserved(f);
    });

    it("reverts with SweepExceedsSurplus one unit past the donation", async function () {
      const { market, tusd, governance, donation } = await donated();
      await expect(market.connect(governance).sweep(await tusd.getAddress(), governance.address, donation + 1n))
        .to.be.revertedWithCustomError(market, "SweepExceedsSurplus")
        .withArgs(await tusd.getAddress(), donation + 1n, donation);
    });

    it("sweeps a foreign token in full", async function () {
      const { market, governance, others } = await loadFixture(deployMarketFixture);
      const stray = await ethers.deployContract("TestUSD");
      await stray.connect(others[0]).faucet(usd("5"));
      await stray.connect(others[0]).transfer(await market.getAddress(), usd("5"));
      await expect(
        market.connect(governance).sweep(await stray.getAddress(), others[0].address, usd("5")),
      ).to.changeTokenBalances(stray, [market, others[0]], [-usd("5"), usd("5")]);
    });

    it("reverts with NotGovernance for the deployer", async function () {
      const { market, tusd, deployer, donation } = await donated();
      await expect(market.connect(deployer).sweep(await tusd.getAddress(), deployer.address, donation))
        .to.be.revertedWithCustomError(market, "NotGovernance")
        .withArgs(deployer.address);
    });
  });
});
