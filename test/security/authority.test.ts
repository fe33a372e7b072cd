import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import {
  deployMarketFixture,
  requestParams,
  RIDE_CAP,
  setParam,
  signPermit,
  startedRide,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

describe("Security: only the designated authorities act", function () {
  describe("RIDE minting", function () {
    it("refuses setMinter from anyone but the deployer with CoopTokenNotInitializer", async function () {
      const { token, riders } = await loadFixture(deployMarketFixture);
      await expect(token.connect(riders[0]).setMinter(riders[0].address))
        .to.be.revertedWithCustomError(token, "CoopTokenNotInitializer")
        .withArgs(riders[0].address);
    });

    it("refuses a second setMinter with CoopTokenMinterAlreadySet", async function () {
      const { token, market, tusd } = await loadFixture(deployMarketFixture);
      await expect(token.setMinter(await tusd.getAddress()))
        .to.be.revertedWithCustomError(token, "CoopTokenMinterAlreadySet")
        .withArgs(await market.getAddress());
    });

    it("refuses an externally owned minter with CoopTokenInvalidMinter", async function () {
      const { tusd, governance, riders, forwarder } = await loadFixture(deployMarketFixture);
      const fresh = await ethers.deployContract("CoopToken", [
        RIDE_CAP,
        await tusd.getAddress(),
        governance.address,
        await forwarder.getAddress(),
      ]);
      await expect(fresh.setMinter(riders[0].address))
        .to.be.revertedWithCustomError(fresh, "CoopTokenInvalidMinter")
        .withArgs(riders[0].address);
    });

    it("refuses a mint by anyone but the market with CoopTokenNotMinter", async function () {
      const { token, deployer } = await loadFixture(deployMarketFixture);
      await expect(token.connect(deployer).mint(deployer.address, 1n))
        .to.be.revertedWithCustomError(token, "CoopTokenNotMinter")
        .withArgs(deployer.address);
    });
  });

  describe("market wiring and the court hook", function () {
    it("refuses a second setCourt with CourtAlreadySet", async function () {
      const { market, court } = await loadFixture(deployMarketFixture);
      await expect(market.setCourt(court.address))
        .to.be.revertedWithCustomError(market, "CourtAlreadySet")
        .withArgs(court.address);
    });

    it("refuses setCourt from anyone but the deployer with NotInitializer", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).setCourt(riders[0].address))
        .to.be.revertedWithCustomError(market, "NotInitializer")
        .withArgs(riders[0].address);
    });

    it("refuses openDispute from a party with NotCourt", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).openDispute(id, riders[0].address))
        .to.be.revertedWithCustomError(market, "NotCourt")
        .withArgs(riders[0].address);
    });
  });

  describe("the revenue share's sweep and claims", function () {
    it("refuses a sweep by anyone but governance with RevenueNotGovernance", async function () {
      const { token, tusd, riders } = await loadFixture(deployMarketFixture);
      await expect(token.connect(riders[0]).sweep(tusd.target, riders[0].address, 1n))
        .to.be.revertedWithCustomError(token, "RevenueNotGovernance")
        .withArgs(riders[0].address);
    });

    it("refuses a sweep beyond the donated surplus with RevenueSweepExceedsSurplus", async function () {
      const { token, tusd, governance, riders } = await loadFixture(deployMarketFixture);
      await tusd.connect(riders[0]).transfer(await token.getAddress(), usd("5"));
      await expect(token.connect(governance).sweep(tusd.target, governance.address, usd("5") + 1n))
        .to.be.revertedWithCustomError(token, "RevenueSweepExceedsSurplus")
        .withArgs(tusd.target, usd("5") + 1n, usd("5"));
    });

    it("sweeps exactly a donation to the token", async function () {
      const { token, tusd, governance, riders } = await loadFixture(deployMarketFixture);
      await tusd.connect(riders[0]).transfer(await token.getAddress(), usd("5"));
      await expect(token.connect(governance).sweep(tusd.target, governance.address, usd("5")))
        .to.emit(token, "Swept")
        .withArgs(tusd.target, governance.address, usd("5"));
    });

    it("refuses a claim of nothing with RevenueZeroAmount", async function () {
      const { token, riders } = await loadFixture(deployMarketFixture);
      await expect(token.connect(riders[0]).claimRevenue(riders[0].address)).to.be.revertedWithCustomError(
        token,
        "RevenueZeroAmount",
      );
    });

    it("pays the only holder the holders' share of a ride's fee, less at most one unit of dust", async function () {
      const { market, token, tusd, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).confirmRide(id, 5);
      await market.connect(drivers[0]).claimRewards();
      const share = await token.claimableRevenue(drivers[0].address);
      expect(usd("0.5") - share <= 1n).to.equal(true);
      // The claim first collects the ride's 0.5 tUSD from the market, then pays the holder.
      await expect(token.connect(drivers[0]).claimRevenue(drivers[0].address)).to.changeTokenBalances(
        tusd,
        [market, token, drivers[0]],
        [-usd("0.5"), usd("0.5") - share, share],
      );
    });

    it("keeps revenue deposited while no RIDE exists, then shares it with the first holders", async function () {
      const { market, token, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      const id = await startedRide(market, riders[0], drivers[0]);
      await setParam(market, governance, "rewardPerToken", 0n);
      await market.connect(riders[0]).confirmRide(id, 5); // no RIDE accrues: the fee share waits
      expect((await token.revenueTotals()).waiting).to.equal(usd("0.5"));
      await setParam(market, governance, "rewardPerToken", BigInt(TEST_PARAMS.rewardPerToken));
      const second = await startedRide(market, riders[1], drivers[1]);
      await expect(market.connect(riders[1]).confirmRide(second, 5))
        .to.emit(token, "RevenueDeposited")
        .withArgs(await market.getAddress(), usd("0.5"), usd("1"));
    });
  });

  describe("permit front-running", function () {
    it("requests the ride when someone already submitted the rider's permit", async function () {
      const { market, tusd, riders, others } = await loadFixture(deployMarketFixture);
      const rider = riders[0];
      await tusd.connect(rider).approve(await market.getAddress(), 0n);
      const req = await requestParams();
      const deadline = req.expiresAt;
      const sig = await signPermit(tusd, rider, await market.getAddress(), BigInt(req.maxFare), BigInt(deadline));
      await tusd
        .connect(others[0])
        .permit(rider.address, await market.getAddress(), req.maxFare, deadline, sig.v, sig.r, sig.s);
      await expect(
        market.connect(rider).requestRideWithPermit(req, deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalances(tusd, [rider, market], [-usd("20"), usd("20")]);
    });
  });
});
