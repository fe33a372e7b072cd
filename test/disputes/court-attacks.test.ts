import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { TEST_PARAMS, acceptedRide, completedRide, param, requestRide, ride, usd } from "../fixtures/market";
import {
  DisputeStatus,
  type DisputesFixture,
  MAX_DRAWING_TIME,
  MAX_GENERATING_TIME,
  MIN_STAKING_TIME,
  Outcome,
  PoolPhase,
  deployDisputes16Fixture,
  deployDisputesFixture,
  fulfil,
  openedDispute,
  passToDrawing,
  seatPanel,
} from "../fixtures/disputes";

const DAY = 24 * 60 * 60;
const ARBITER_WEIGHT = ride("80");

/** The round's seated arbiters' addresses. */
async function panelOf(fx: DisputesFixture, id: bigint): Promise<string[]> {
  const d = await fx.court.getDispute(id);
  const size = Number(await fx.court.panelSize(d.round));
  const out: string[] = [];
  for (let s = 0; s < size; s++) out.push((await fx.court.getSeat(id, d.round, s)).arbiter);
  return out;
}

/** Runs `body` and rolls the chain back afterwards. */
async function onFork<T>(body: () => Promise<T>): Promise<T> {
  const snap: string = await network.provider.send("evm_snapshot");
  try {
    return await body();
  } finally {
    await network.provider.send("evm_revert", [snap]);
  }
}

/** A ride given by arbiter `driver` (a registered driver too) to riders[0], started, disputed by the rider. */
async function disputeWithArbiterAsDriver(fx: DisputesFixture, driverIndex: number): Promise<bigint> {
  const driver = fx.arbiters[driverIndex];
  await fx.tusd.connect(driver).approve(await fx.court.getAddress(), ethers.MaxUint256);
  const id = await requestRide(fx.market, fx.riders[0]);
  await fx.market.connect(driver).acceptRide(id, usd("20"));
  await fx.market.connect(driver).startRide(id);
  await fx.court.connect(fx.riders[0]).openDispute(id);
  return id;
}

describe("DisputeCourt: the issue-12 attacks", function () {
  describe("scenario 1: steering the draw after the random value is public", function () {
    it("draws the same panel whatever the attacker stakes or unstakes once the value is known", async function () {
      const fx = await loadFixture(deployDisputes16Fixture);
      const id = await openedDispute(fx);
      await fulfil(fx, id, 1234n);
      const honest = await onFork(async () => {
        await fx.court.drawArbiters(id);
        return panelOf(fx, id);
      });
      // The attacker controls arbiters 0..3 and tries every weight change it can make now.
      const moves: (() => Promise<unknown>)[] = [
        () => fx.pool.connect(fx.arbiters[0]).requestUnstake(ride("1")),
        () => fx.pool.connect(fx.arbiters[1]).requestUnstake(ride("69")),
        () => fx.pool.connect(fx.arbiters[2]).requestUnstake(ride("80")),
        () => fx.pool.connect(fx.arbiters[3]).requestUnstake(ride("10")),
      ];
      for (const move of moves) {
        const steered = await onFork(async () => {
          const before = await fx.pool.weightOf(fx.arbiters[0].address);
          await move();
          expect((await fx.pool.weightOf(fx.arbiters[0].address)).total).to.equal(before.total);
          await fx.court.drawArbiters(id);
          return panelOf(fx, id);
        });
        expect(steered).to.deep.equal(honest);
      }
    });

    it("records a stake change made while the tree is frozen as delayed, applied by anyone when Staking", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fulfil(fx, id);
      const [a] = fx.arbiters;
      await expect(fx.pool.connect(a).requestUnstake(ride("30")))
        .to.emit(fx.pool, "StakeChangeDelayed")
        .withArgs(a.address, ARBITER_WEIGHT);
      expect((await fx.pool.weightOf(a.address)).weight).to.equal(ARBITER_WEIGHT);
      await expect(fx.pool.applyDelayed(a.address))
        .to.be.revertedWithCustomError(fx.pool, "WrongPhase")
        .withArgs(PoolPhase.Drawing, PoolPhase.Staking);
      await fx.court.drawArbiters(id);
      await fx.pool.passPhase();
      const info = await fx.pool.arbiterOf(a.address);
      await expect(fx.pool.connect(fx.others[0]).applyDelayed(a.address))
        .to.emit(fx.pool, "WeightSet")
        .withArgs(a.address, info.stake - info.locked);
      await expect(fx.pool.applyDelayed(a.address))
        .to.be.revertedWithCustomError(fx.pool, "NothingDelayed")
        .withArgs(a.address);
    });

    it("gives a dispute opened after its epoch's randomness was requested the next epoch", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await openedDispute(fx);
      await time.increase(MIN_STAKING_TIME);
      await fx.pool.passPhase(); // epoch 1 Generating: its value may already be known
      const id = await acceptedRide(fx.market, fx.riders[1], fx.drivers[1]);
      await fx.market.connect(fx.drivers[1]).startRide(id);
      await expect(fx.court.connect(fx.riders[1]).openDispute(id))
        .to.emit(fx.court, "DisputeOpened")
        .withArgs(id, fx.riders[1].address, fx.riders[1].address, fx.drivers[1].address, usd("20"), usd("5"), 2n);
    });

    it("draws the same panels whichever of two disputes of one epoch is drawn first", async function () {
      const fx = await loadFixture(deployDisputes16Fixture);
      const a = await openedDispute(fx);
      const b = await acceptedRide(fx.market, fx.riders[1], fx.drivers[1]);
      await fx.market.connect(fx.drivers[1]).startRide(b);
      await fx.court.connect(fx.riders[1]).openDispute(b);
      await fulfil(fx, a, 77n);
      const ab = await onFork(async () => {
        await fx.court.drawArbiters(a);
        await fx.court.drawArbiters(b);
        return [await panelOf(fx, a), await panelOf(fx, b)];
      });
      await fx.court.drawArbiters(b);
      await fx.court.drawArbiters(a);
      expect([await panelOf(fx, a), await panelOf(fx, b)]).to.deep.equal(ab);
    });
  });

  describe("scenario 2: re-rolls by letting the randomness expire", function () {
    it("renews an expired request at most MAX_RENEWALS times, then abandons the epoch", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await openedDispute(fx);
      await time.increase(MIN_STAKING_TIME);
      await fx.pool.passPhase();
      for (let renewal = 1; renewal <= 3; renewal++) {
        await fx.randomness.expire((await fx.pool.phaseState()).requestId);
        await expect(fx.pool.passPhase())
          .to.emit(fx.pool, "EpochRandomnessRequested")
          .withArgs(1n, BigInt(renewal + 1), renewal);
      }
      await fx.randomness.expire((await fx.pool.phaseState()).requestId);
      const tx = fx.pool.passPhase();
      await expect(tx).to.emit(fx.pool, "EpochAbandoned").withArgs(1n, 3);
      await expect(tx).to.emit(fx.pool, "PhasePassed").withArgs(PoolPhase.Staking, 1n);
    });

    it("counts an abandoned epoch as a failed draw for its disputes", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await time.increase(MIN_STAKING_TIME);
      await fx.pool.passPhase();
      for (let i = 0; i < 4; i++) {
        await fx.randomness.expire((await fx.pool.phaseState()).requestId);
        await fx.pool.passPhase();
      }
      await expect(fx.court.drawArbiters(id)).to.emit(fx.court, "DrawFailed").withArgs(id, 0, 1, 2n);
      expect((await fx.court.getDispute(id)).failedDraws).to.equal(1n);
    });

    it("counts a Drawing phase that ended before the dispute was drawn as a failed draw", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fulfil(fx, id);
      await time.increase(MAX_DRAWING_TIME + 1);
      await fx.pool.passPhase();
      await expect(fx.court.drawArbiters(id)).to.emit(fx.court, "DrawFailed").withArgs(id, 0, 1, 2n);
    });
  });

  describe("scenario 3: forcing the fallback with stake on a party's own address", function () {
    it("never draws a party, however much it stakes, and seats the panel at the first try", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      // The driver is arbiter 0; the four others keep only drawLock: the party holds 2/3 of the weight.
      for (const a of fx.arbiters.slice(1)) await fx.pool.connect(a).requestUnstake(ride("70"));
      const id = await disputeWithArbiterAsDriver(fx, 0);
      for (let seed = 1n; seed <= 8n; seed++) {
        await onFork(async () => {
          await fulfil(fx, id, seed);
          const total = (await fx.pool.weightOf(fx.arbiters[0].address)).total;
          await expect(fx.court.drawArbiters(id)).to.emit(fx.court, "PanelSeated");
          expect((await panelOf(fx, id))[0]).to.not.equal(fx.arbiters[0].address);
          // The masked leaves were restored: the tree is unchanged.
          expect(await fx.pool.weightOf(fx.arbiters[0].address)).to.deep.equal([ride("80"), total]);
        });
      }
    });

    it("never seats an arbiter twice in one dispute", async function () {
      const fx = await loadFixture(deployDisputes16Fixture);
      const id = await openedDispute(fx);
      const [first] = await seatPanel(fx, id);
      await fx.court.connect(first).rule(id, 0);
      await fx.court.connect(fx.riders[0]).appeal(id, usd("16"));
      const three = await seatPanel(fx, id, 5n);
      expect(three.map((a) => a.address)).to.not.include(first.address);
      expect(new Set(three.map((a) => a.address)).size).to.equal(3);
    });
  });

  describe("scenario 4: a randomness source that never answers", function () {
    it("abandons the epoch after MAX_GENERATING_TIME and ends in the fallback after maxFailedDraws", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const p = await fx.pool.phaseState();
        await time.increaseTo(Number(p.startedAt) + MIN_STAKING_TIME);
        await fx.pool.passPhase();
        const started = (await fx.pool.phaseState()).startedAt;
        await expect(fx.pool.passPhase())
          .to.be.revertedWithCustomError(fx.pool, "PhaseNotPassable")
          .withArgs(PoolPhase.Generating, BigInt(attempt), started + BigInt(MAX_GENERATING_TIME) + 1n);
        await time.increaseTo(Number(started) + MAX_GENERATING_TIME + 1);
        await expect(fx.pool.passPhase()).to.emit(fx.pool, "EpochAbandoned").withArgs(BigInt(attempt), 0);
        if (attempt < 3) await fx.court.drawArbiters(id);
      }
      // Started ride, round 0: 50/50, the rider's fee back.
      await expect(fx.court.drawArbiters(id))
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Fallback, 5_000, usd("10"), usd("5"), 0n);
    });
  });

  describe("scenario 5: appeals the pool cannot seat", function () {
    it("refuses with AppealUnseatable an appeal whose seats exceed the eligible stakers, charging nothing", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [first] = await seatPanel(fx, id);
      await fx.court.connect(first).rule(id, 0);
      await fx.court.connect(fx.riders[0]).appeal(id, usd("16"));
      const three = await seatPanel(fx, id, 9n);
      for (const a of three) await fx.court.connect(a).rule(id, 10_000);
      // Five stakers, four already seated: one eligible for seven seats.
      await expect(fx.court.connect(fx.drivers[0]).appeal(id, usd("34")))
        .to.be.revertedWithCustomError(fx.court, "AppealUnseatable")
        .withArgs(id, 7, 1);
    });
  });

  describe("scenario 6: stale settlement offers", function () {
    it("refuses an offer past its expiry with SettlementExpired", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000);
      const expiresAt = (await fx.court.getProposal(id)).expiresAt;
      await time.increaseTo(expiresAt + 1n);
      await expect(fx.court.connect(fx.drivers[0]).acceptSettlement(id, 7_000))
        .to.be.revertedWithCustomError(fx.court, "SettlementExpired")
        .withArgs(id, expiresAt);
    });

    it("lets the proposer withdraw its offer, and only the proposer", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000);
      await expect(fx.court.connect(fx.drivers[0]).withdrawSettlement(id))
        .to.be.revertedWithCustomError(fx.court, "SettlementWrongParty")
        .withArgs(id, fx.drivers[0].address, fx.riders[0].address);
      await expect(fx.court.connect(fx.riders[0]).withdrawSettlement(id))
        .to.emit(fx.court, "SettlementWithdrawn")
        .withArgs(id, fx.riders[0].address);
      await expect(fx.court.connect(fx.drivers[0]).acceptSettlement(id, 7_000))
        .to.be.revertedWithCustomError(fx.court, "NoSettlementProposed")
        .withArgs(id);
      await expect(fx.court.connect(fx.riders[0]).withdrawSettlement(id))
        .to.be.revertedWithCustomError(fx.court, "NoSettlementProposed")
        .withArgs(id);
    });

    it("clears the offer when the panel is seated", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.drivers[0]).proposeSettlement(id, 3_000);
      await fulfil(fx, id);
      await expect(fx.court.drawArbiters(id)).to.emit(fx.court, "SettlementCleared").withArgs(id);
    });

    it("stops the loser accepting the winner's earlier compromise after the ruling", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 6_000);
      await expect(fx.court.connect(arbiter).rule(id, 10_000)).to.emit(fx.court, "SettlementCleared").withArgs(id);
      await expect(fx.court.connect(fx.drivers[0]).acceptSettlement(id, 6_000))
        .to.be.revertedWithCustomError(fx.court, "NoSettlementProposed")
        .withArgs(id);
    });

    it("clears the offer when an appeal is made", async function () {
      const fx = await loadFixture(deployDisputes16Fixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 0);
      await fx.court.connect(fx.drivers[0]).proposeSettlement(id, 2_000);
      await expect(fx.court.connect(fx.riders[0]).appeal(id, usd("16")))
        .to.emit(fx.court, "SettlementCleared")
        .withArgs(id);
    });
  });

  describe("scenario 7: a no-show driver pre-empting the no-show remedy", function () {
    it("refuses a driver's dispute on an Accepted ride it has not arrived at, leaving the rider's remedy", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await acceptedRide(fx.market, fx.riders[0], fx.drivers[0]);
      await time.increase(Number(TEST_PARAMS.pickupWindow) + 1);
      await expect(fx.court.connect(fx.drivers[0]).openDispute(id))
        .to.be.revertedWithCustomError(fx.court, "DriverNotArrived")
        .withArgs(id);
      await expect(fx.market.connect(fx.riders[0]).cancelDriverNoShow(id)).to.emit(fx.market, "StakePenalized");
    });
  });

  describe("scenario 8: fake completion is no free option", function () {
    it("takes noShowPenalty and the fees from a driver found to have faked completion", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await completedRide(fx.market, fx.riders[0], fx.drivers[0]);
      await fx.court.connect(fx.riders[0]).openDispute(id);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 10_000);
      await time.increase(DAY + 1);
      const stakeBefore = (await fx.market.getAccount(fx.drivers[0].address)).stake;
      // The rider bore the 2 tUSD arbiter fee: the driver's share is 0, so it comes from its stake too.
      await expect(fx.court.executeRuling(id))
        .to.emit(fx.market, "RideResolved")
        .withArgs(id, usd("20"), 0n, usd("5") + usd("2"));
      expect(await fx.market.creditOf(fx.riders[0].address)).to.equal(usd("27"));
      expect((await fx.market.getAccount(fx.drivers[0].address)).stake).to.equal(stakeBefore - usd("7"));
    });

    it("refunds the rider in full and still penalises the driver when no panel can be seated", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await completedRide(fx.market, fx.riders[0], fx.drivers[0]);
      await fx.court.connect(fx.riders[0]).openDispute(id);
      await fx.court.connect(fx.governance).setParameter(param("maxFailedDraws"), 1);
      for (const a of fx.arbiters) await fx.pool.connect(a).requestUnstake(ride("80"));
      await fulfil(fx, id);
      const tx = fx.court.drawArbiters(id);
      await expect(tx)
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Fallback, 10_000, usd("20"), usd("5"), 0n);
      await expect(tx).to.emit(fx.market, "RideResolved").withArgs(id, usd("20"), 0n, usd("5"));
    });

    it("leaves an honest driver who wins its fare and charges the lying rider the fee", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await completedRide(fx.market, fx.riders[0], fx.drivers[0]);
      await fx.court.connect(fx.riders[0]).openDispute(id);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 0);
      await time.increase(DAY + 1);
      const stakeBefore = (await fx.market.getAccount(fx.drivers[0].address)).stake;
      await expect(fx.court.executeRuling(id)).to.emit(fx.market, "RideResolved").withArgs(id, 0n, usd("20"), 0n);
      expect((await fx.market.getAccount(fx.drivers[0].address)).stake).to.equal(stakeBefore);
    });
  });

  describe("scenario 9: late disputes", function () {
    it("refuses a dispute on a Completed ride after its confirmation window with DisputeWindowClosed", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await completedRide(fx.market, fx.riders[0], fx.drivers[0]);
      const closedAt = (await fx.market.getRide(id)).stamp + BigInt(TEST_PARAMS.confirmWindow);
      await time.increaseTo(closedAt + 1n);
      await expect(fx.court.connect(fx.riders[0]).openDispute(id))
        .to.be.revertedWithCustomError(fx.court, "DisputeWindowClosed")
        .withArgs(id, closedAt);
    });
  });

  describe("pool phases", function () {
    it("does not leave Staking with nothing queued, nor before MIN_STAKING_TIME", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      await expect(fx.pool.passPhase())
        .to.be.revertedWithCustomError(fx.pool, "PhaseNotPassable")
        .withArgs(PoolPhase.Staking, 0n, 0n);
      const first = await openedDispute(fx);
      await seatPanel(fx, first); // back to Staking, the staking time starts again
      const startedAt = (await fx.pool.phaseState()).startedAt;
      const id = await acceptedRide(fx.market, fx.riders[1], fx.drivers[1]);
      await fx.market.connect(fx.drivers[1]).startRide(id);
      await fx.court.connect(fx.riders[1]).openDispute(id);
      await expect(fx.pool.passPhase())
        .to.be.revertedWithCustomError(fx.pool, "PhaseNotPassable")
        .withArgs(PoolPhase.Staking, 1n, startedAt + BigInt(MIN_STAKING_TIME));
    });

    it("stays Drawing while draws are due, until MAX_DRAWING_TIME", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fulfil(fx, id);
      const startedAt = (await fx.pool.phaseState()).startedAt;
      await expect(fx.pool.passPhase())
        .to.be.revertedWithCustomError(fx.pool, "PhaseNotPassable")
        .withArgs(PoolPhase.Drawing, 1n, startedAt + BigInt(MAX_DRAWING_TIME) + 1n);
    });

    it("drops the queued draw of a dispute settled before its draw", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 5_000);
      await expect(fx.court.connect(fx.drivers[0]).acceptSettlement(id, 5_000))
        .to.emit(fx.pool, "DrawUnqueued")
        .withArgs(1n, 0n);
      expect(await fx.pool.drawsDue(1n)).to.equal(0n);
    });

    it("lets only the court queue and draw", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const caller = fx.others[0];
      await expect(fx.pool.connect(caller).queueDraw())
        .to.be.revertedWithCustomError(fx.pool, "NotCourt")
        .withArgs(caller.address);
      await expect(fx.pool.connect(caller).unqueueDraw(1n))
        .to.be.revertedWithCustomError(fx.pool, "NotCourt")
        .withArgs(caller.address);
      await expect(fx.pool.connect(caller).drawPanel(1n, 0n, [], 1n))
        .to.be.revertedWithCustomError(fx.pool, "NotCourt")
        .withArgs(caller.address);
    });

    it("reaches Drawing through passToDrawing and exposes the epoch's seed", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await passToDrawing(fx, 1n, 555n);
      expect(await fx.pool.epochSeed(1n)).to.equal(555n);
      expect((await fx.court.getDispute(id)).status).to.equal(DisputeStatus.Drawing);
    });
  });
});
