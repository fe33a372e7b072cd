import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { param, ride, usd } from "../fixtures/market";
import { ARBITER_STAKE, deployDisputesFixture, openedDispute, seatPanel } from "../fixtures/disputes";

const WEEK = 7 * 24 * 60 * 60;

describe("ArbiterPool", function () {
  describe("stake", function () {
    it("counts the free stake as draw weight", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      expect(await fx.pool.weightOf(a.address)).to.deep.equal([ARBITER_STAKE, 5n * ARBITER_STAKE]);
    });

    it("reverts with ZeroAmount for nothing", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.connect(fx.arbiters[0]).stake(0n)).to.be.revertedWithCustomError(fx.pool, "ZeroAmount");
    });

    it("gives no draw weight to a free stake below drawLock", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      await fx.pool.connect(a).requestUnstake(ride("71"));
      expect((await fx.pool.weightOf(a.address)).weight).to.equal(0n);
    });
  });

  describe("unstaking", function () {
    it("stakes withdrawn RIDE again, emitting Staked", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      await fx.pool.connect(a).requestUnstake(ride("30"));
      await time.increase(WEEK);
      await fx.pool.connect(a).withdrawUnstaked(a.address);
      const tx = fx.pool.connect(a).stake(ride("30"));
      await expect(tx).to.emit(fx.pool, "Staked").withArgs(a.address, ride("30"), ARBITER_STAKE);
      await expect(tx).to.changeTokenBalances(fx.token, [a, fx.pool], [-ride("30"), ride("30")]);
    });

    it("leaves the draw at once and pays out after the cooldown", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      // The request's block time is pinned: the cooldown's end is then exact, however slow the run.
      const requestedAt = (await time.latest()) + 10;
      const availableAt = requestedAt + WEEK;
      await time.setNextBlockTimestamp(requestedAt);
      await expect(fx.pool.connect(a).requestUnstake(ride("30")))
        .to.emit(fx.pool, "UnstakeRequested")
        .withArgs(a.address, ride("30"), ride("50"), availableAt);
      expect((await fx.pool.weightOf(a.address)).weight).to.equal(ride("50"));
      await time.increaseTo(availableAt);
      await expect(fx.pool.connect(a).withdrawUnstaked(a.address)).to.changeTokenBalances(
        fx.token,
        [fx.pool, a],
        [-ride("30"), ride("30")],
      );
    });

    it("reverts with UnstakeCoolingDown before the cooldown ends", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      await fx.pool.connect(a).requestUnstake(ride("30"));
      const at = (await fx.pool.arbiterOf(a.address)).unstakeAt;
      await expect(fx.pool.connect(a).withdrawUnstaked(a.address))
        .to.be.revertedWithCustomError(fx.pool, "UnstakeCoolingDown")
        .withArgs(a.address, at);
    });

    it("reverts with NothingUnstaking when nothing was asked back", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      await expect(fx.pool.connect(a).withdrawUnstaked(a.address))
        .to.be.revertedWithCustomError(fx.pool, "NothingUnstaking")
        .withArgs(a.address);
    });

    it("reverts with StakeLocked when the stake asked back is locked by a dispute", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await expect(fx.pool.connect(arbiter).requestUnstake(ARBITER_STAKE))
        .to.be.revertedWithCustomError(fx.pool, "StakeLocked")
        .withArgs(arbiter.address, ARBITER_STAKE, ride("70"));
    });
  });

  describe("court hooks", function () {
    it("reverts with NotCourt when anyone else locks, unlocks or slashes", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const [a] = fx.arbiters;
      const caller = fx.others[0];
      await expect(fx.pool.connect(caller).lock(a.address))
        .to.be.revertedWithCustomError(fx.pool, "NotCourt")
        .withArgs(caller.address);
      await expect(fx.pool.connect(caller).unlock(a.address, 1n))
        .to.be.revertedWithCustomError(fx.pool, "NotCourt")
        .withArgs(caller.address);
      await expect(fx.pool.connect(caller).slash(a.address, 1n, caller.address, caller.address))
        .to.be.revertedWithCustomError(fx.pool, "NotCourt")
        .withArgs(caller.address);
    });

    it("reverts with CourtAlreadySet on a second setCourt", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.connect(fx.deployer).setCourt(fx.others[0].address))
        .to.be.revertedWithCustomError(fx.pool, "CourtAlreadySet")
        .withArgs(await fx.court.getAddress());
    });

    it("lets a party claim the RIDE slashed from a silent arbiter", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await seatPanel(fx, id);
      await time.increase(24 * 60 * 60 + 1);
      await fx.court.timeoutRuling(id);
      const rider = fx.riders[0];
      await expect(fx.pool.connect(rider).claimCredit(rider.address)).to.changeTokenBalances(
        fx.token,
        [fx.pool, rider],
        [-ride("2.5"), ride("2.5")],
      );
      await expect(fx.pool.connect(rider).claimCredit(rider.address))
        .to.be.revertedWithCustomError(fx.pool, "NothingToClaim")
        .withArgs(rider.address);
    });
  });

  describe("harvestRevenue", function () {
    it("sends the staked RIDE's fee share to the treasury", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const share = await fx.token.claimableRevenue(await fx.pool.getAddress());
      expect(share).to.be.greaterThan(0n);
      // The claim first collects the holders' revenue the market kept, then pays the pool's share.
      const unsent = await fx.market.unsentRevenue();
      const tx = fx.pool.connect(fx.others[0]).harvestRevenue();
      await expect(tx).to.emit(fx.pool, "RevenueHarvested").withArgs(fx.governance.address, share);
      await expect(tx).to.changeTokenBalances(
        fx.tusd,
        [fx.market, fx.token, fx.governance],
        [-unsent, unsent - share, share],
      );
    });
  });

  describe("setParameter", function () {
    it("sets slashBps by governance", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.connect(fx.governance).setParameter(param("slashBps"), 2_000))
        .to.emit(fx.pool, "ParameterChanged")
        .withArgs(param("slashBps"), 5_000n, 2_000n);
    });

    it("reverts with ParameterOutOfBounds for a cooldown under a day", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.connect(fx.governance).setParameter(param("unstakeCooldown"), 3_600))
        .to.be.revertedWithCustomError(fx.pool, "ParameterOutOfBounds")
        .withArgs(param("unstakeCooldown"), 3_600n, 86_400n, 30n * 86_400n);
    });

    it("reverts with ParameterUnknown for an unknown name", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.connect(fx.governance).setParameter(param("nope"), 1))
        .to.be.revertedWithCustomError(fx.pool, "ParameterUnknown")
        .withArgs(param("nope"));
    });

    it("reverts with NotGovernance for anyone else", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.connect(fx.deployer).setParameter(param("slashBps"), 2_000))
        .to.be.revertedWithCustomError(fx.pool, "NotGovernance")
        .withArgs(fx.deployer.address);
    });
  });
});

describe("DisputeCourt: parameters", function () {
  it("sets the dispute fee by governance", async function () {
    const fx = await loadFixture(deployDisputesFixture);
    await expect(fx.court.connect(fx.governance).setParameter(param("disputeFee"), usd("8")))
      .to.emit(fx.court, "ParameterChanged")
      .withArgs(param("disputeFee"), usd("5"), usd("8"));
  });

  it("reverts with ParameterOutOfBounds for a dispute fee below the arbiter fee", async function () {
    const fx = await loadFixture(deployDisputesFixture);
    await expect(fx.court.connect(fx.governance).setParameter(param("disputeFee"), usd("1")))
      .to.be.revertedWithCustomError(fx.court, "ParameterOutOfBounds")
      .withArgs(param("disputeFee"), usd("1"), usd("2"), usd("100"));
  });

  it("reverts with ParameterOutOfBounds for more than ten failed draws", async function () {
    const fx = await loadFixture(deployDisputesFixture);
    await expect(fx.court.connect(fx.governance).setParameter(param("maxFailedDraws"), 11))
      .to.be.revertedWithCustomError(fx.court, "ParameterOutOfBounds")
      .withArgs(param("maxFailedDraws"), 11n, 1n, 10n);
  });

  it("reverts with NotGovernance for anyone else", async function () {
    const fx = await loadFixture(deployDisputesFixture);
    await expect(fx.court.connect(fx.riders[0]).setParameter(param("arbiterFee"), 1n))
      .to.be.revertedWithCustomError(fx.court, "NotGovernance")
      .withArgs(fx.riders[0].address);
  });
});
