import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { AbiCoder, keccak256 } from "ethers";
import { RideState, param, requestRide, ride, usd } from "../fixtures/market";
import {
  DisputeStatus,
  type DisputesFixture,
  Outcome,
  MIN_STAKING_TIME,
  PoolPhase,
  courtCredits,
  deployDisputes16Fixture,
  deployDisputesFixture,
  fulfil,
  openedDispute,
  seatPanel,
} from "../fixtures/disputes";

const FARE = usd("20");
const DAY = 24 * 60 * 60;

/** Every account the court may owe, so that its balance can be checked against its credits. */
function everyone(fx: DisputesFixture): { address: string }[] {
  return [...fx.riders, ...fx.drivers, ...fx.arbiters, ...fx.others];
}

/** With no dispute open, the court holds exactly the credits it owes: no unit made or lost. */
async function expectCourtBalanced(fx: DisputesFixture): Promise<void> {
  expect(await fx.tusd.balanceOf(await fx.court.getAddress())).to.equal(await courtCredits(fx.court, everyone(fx)));
}

/** The market's escrow split: rider and driver market credits grew by exactly the fare. */
async function marketCredits(fx: DisputesFixture): Promise<[bigint, bigint]> {
  return [await fx.market.creditOf(fx.riders[0].address), await fx.market.creditOf(fx.drivers[0].address)];
}

describe("DisputeCourt: settlement, rulings, redraws, fallback and appeals", function () {
  describe("mutual settlement", function () {
    it("splits the escrow at once when the other party accepts the same split, with no arbiter fee", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const proposedAt = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(proposedAt);
      await expect(fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000))
        .to.emit(fx.court, "SettlementProposed")
        .withArgs(id, fx.riders[0].address, 7_000, proposedAt + 3 * DAY);
      const tx = fx.court.connect(fx.drivers[0]).acceptSettlement(id, 7_000);
      await expect(tx)
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Settled, 7_000, usd("14"), usd("5"), 0n);
      await expect(tx).to.emit(fx.market, "RideResolved").withArgs(id, usd("14"), usd("6"), 0n);
      expect(await marketCredits(fx)).to.deep.equal([usd("14"), usd("6")]);
      expect((await fx.market.getRide(id)).state).to.equal(RideState.Resolved);
      await expectCourtBalanced(fx);
    });

    it("releases the driver's stake lock", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 5_000);
      await fx.court.connect(fx.drivers[0]).acceptSettlement(id, 5_000);
      expect((await fx.market.getAccount(fx.drivers[0].address)).openRides).to.equal(0n);
      await expect(fx.market.connect(fx.drivers[0]).deregisterDriver()).to.emit(fx.market, "DriverDeregistered");
    });

    it("releases a seated arbiter's lock without paying it", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      expect((await fx.pool.arbiterOf(arbiter.address)).locked).to.equal(ride("10"));
      await fx.court.connect(fx.drivers[0]).proposeSettlement(id, 2_500);
      await fx.court.connect(fx.riders[0]).acceptSettlement(id, 2_500);
      expect((await fx.pool.arbiterOf(arbiter.address)).locked).to.equal(0n);
      expect(await fx.court.creditOf(arbiter.address)).to.equal(0n);
    });

    it("reverts with SettlementWrongParty when the proposer accepts its own proposal", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000);
      await expect(fx.court.connect(fx.riders[0]).acceptSettlement(id, 7_000))
        .to.be.revertedWithCustomError(fx.court, "SettlementWrongParty")
        .withArgs(id, fx.riders[0].address, fx.riders[0].address);
    });

    it("reverts with NotParty when a stranger accepts", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000);
      await expect(fx.court.connect(fx.others[0]).acceptSettlement(id, 7_000))
        .to.be.revertedWithCustomError(fx.court, "NotParty")
        .withArgs(id, fx.others[0].address);
    });

    it("reverts with SettlementMismatch when the accepted split differs", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000);
      await expect(fx.court.connect(fx.drivers[0]).acceptSettlement(id, 6_000))
        .to.be.revertedWithCustomError(fx.court, "SettlementMismatch")
        .withArgs(id, 7_000, 6_000);
    });

    it("reverts with NoSettlementProposed when nothing was proposed", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await expect(fx.court.connect(fx.drivers[0]).acceptSettlement(id, 6_000))
        .to.be.revertedWithCustomError(fx.court, "NoSettlementProposed")
        .withArgs(id);
    });

    it("reverts with InvalidSplit above 10,000 basis points", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await expect(fx.court.connect(fx.riders[0]).proposeSettlement(id, 10_001))
        .to.be.revertedWithCustomError(fx.court, "InvalidSplit")
        .withArgs(10_001);
    });

    it("reverts with DisputeAlreadyResolved after the dispute ended", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000);
      await fx.court.connect(fx.drivers[0]).acceptSettlement(id, 7_000);
      await expect(fx.court.connect(fx.riders[0]).proposeSettlement(id, 7_000))
        .to.be.revertedWithCustomError(fx.court, "DisputeAlreadyResolved")
        .withArgs(id);
    });
  });

  describe("drawArbiters", function () {
    it("reverts with DrawNotReady while the pool has not reached the dispute's epoch", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await expect(fx.court.drawArbiters(id))
        .to.be.revertedWithCustomError(fx.court, "DrawNotReady")
        .withArgs(id, 1n, 0n, PoolPhase.Staking);
    });

    it("reverts with DrawNotReady while the epoch's randomness is being generated", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await time.increase(MIN_STAKING_TIME);
      await fx.pool.passPhase();
      await expect(fx.court.drawArbiters(id))
        .to.be.revertedWithCustomError(fx.court, "DrawNotReady")
        .withArgs(id, 1n, 1n, PoolPhase.Generating);
    });

    it("seats one arbiter, locks its draw stake and sets the ruling deadline", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await fulfil(fx, id);
      const tx = fx.court.drawArbiters(id);
      await expect(tx).to.emit(fx.court, "PanelSeated");
      await expect(tx).to.emit(fx.pool, "StakeLockedForDispute");
      const seat = await fx.court.getSeat(id, 0, 0);
      expect(fx.arbiters.map((a) => a.address)).to.include(seat.arbiter);
      expect(seat.locked).to.equal(ride("10"));
      expect((await fx.court.getDispute(id)).status).to.equal(DisputeStatus.Voting);
    });

    it("redraws when a party is drawn as its own arbiter", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const { market, token, pool, court } = fx;
      const party = fx.drivers[0];
      // The driver earns RIDE from a ride with another rider and stakes it.
      const earn = await requestRide(market, fx.riders[1], { maxFare: usd("80") });
      await market.connect(party).acceptRide(earn, usd("80"));
      await market.connect(party).startRide(earn);
      await market.connect(fx.riders[1]).confirmRide(earn, 5);
      await market.connect(party).claimRewards();
      await token.connect(party).approve(await pool.getAddress(), ride("80"));
      await pool.connect(party).stake(ride("80"));

      const id = await openedDispute(fx);
      const coder = AbiCoder.defaultAbiCoder();
      let value = 0n;
      for (let v = 1n; v < 200n; v++) {
        const first = keccak256(coder.encode(["uint256", "uint256", "uint8", "uint256"], [v, id, 0, 0]));
        if ((await pool.draw(first)) === party.address) {
          value = v;
          break;
        }
      }
      expect(value).to.not.equal(0n, "no seed drew the party first");
      const [seated] = await seatPanel(fx, id, value);
      expect(seated.address).to.not.equal(party.address);
      expect((await court.getSeat(id, 0, 0)).arbiter).to.equal(seated.address);
    });

    it("counts a draw from an empty pool as a failed draw and asks for new randomness", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      for (const a of fx.arbiters) await fx.pool.connect(a).requestUnstake(ride("80"));
      const id = await openedDispute(fx);
      await fulfil(fx, id);
      await expect(fx.court.drawArbiters(id)).to.emit(fx.court, "DrawFailed").withArgs(id, 0, 1, 2n);
      expect((await fx.court.getDispute(id)).status).to.equal(DisputeStatus.Drawing);
    });
  });

  describe("rule", function () {
    it("records the vote, pays the arbiter fee and makes the ruling appealable", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      const tx = fx.court.connect(arbiter).rule(id, 8_000);
      await expect(tx).to.emit(fx.court, "Voted").withArgs(id, 0, arbiter.address, 8_000, usd("2"));
      await expect(tx).to.emit(fx.court, "Credited").withArgs(arbiter.address, usd("2"), usd("2"));
      const appealDeadline = (await time.latest()) + DAY;
      await expect(tx).to.emit(fx.court, "RoundRuled").withArgs(id, 0, 8_000, appealDeadline);
    });

    it("splits exactly the escrow after the appeal window and refunds the rest of the fee to the winner", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 8_000);
      await time.increase(DAY + 1);
      const tx = fx.court.connect(fx.others[0]).executeRuling(id);
      // Loser pays: the 2 tUSD arbiter fee the rider bore comes out of the driver's 4 tUSD share.
      await expect(tx).to.emit(fx.court, "DisputeResolved").withArgs(id, Outcome.Ruled, 8_000, usd("18"), usd("3"), 0n);
      await expect(tx).to.emit(fx.market, "RideResolved").withArgs(id, usd("18"), usd("2"), 0n);
      await expect(tx).to.emit(fx.pool, "StakeUnlocked").withArgs(arbiter.address, ride("10"), 0n);
      const [riderCredit, driverCredit] = await marketCredits(fx);
      expect(riderCredit + driverCredit).to.equal(FARE);
      await expectCourtBalanced(fx);
      await expect(fx.court.connect(arbiter).withdraw(arbiter.address)).to.changeTokenBalances(
        fx.tusd,
        [fx.court, arbiter],
        [-usd("2"), usd("2")],
      );
    });

    it("gives the pot to the driver when the driver wins", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 1_000);
      await time.increase(DAY + 1);
      await expect(fx.court.executeRuling(id))
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Ruled, 1_000, usd("2"), 0n, usd("3"));
      await expectCourtBalanced(fx);
    });

    it("reverts with AppealWindowOpen when executed within the appeal window", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 8_000);
      const deadline = (await fx.court.getDispute(id)).deadline;
      await expect(fx.court.executeRuling(id))
        .to.be.revertedWithCustomError(fx.court, "AppealWindowOpen")
        .withArgs(id, deadline);
    });

    it("reverts with NotDrawnArbiter for anyone but the drawn arbiter", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      const other = fx.arbiters.find((a) => a.address !== arbiter.address)!;
      await expect(fx.court.connect(other).rule(id, 5_000))
        .to.be.revertedWithCustomError(fx.court, "NotDrawnArbiter")
        .withArgs(id, other.address);
    });

    it("reverts with RulingDeadlinePassed after the deadline", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      const deadline = (await fx.court.getDispute(id)).deadline;
      await time.increaseTo(deadline + 1n);
      await expect(fx.court.connect(arbiter).rule(id, 5_000))
        .to.be.revertedWithCustomError(fx.court, "RulingDeadlinePassed")
        .withArgs(id, deadline);
    });

    it("reverts with AlreadyRuled on a second ruling", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 5_000);
      await expect(fx.court.connect(arbiter).rule(id, 9_000))
        .to.be.revertedWithCustomError(fx.court, "AlreadyRuled")
        .withArgs(id, arbiter.address);
    });
  });

  describe("silent arbiters", function () {
    it("reverts with RulingDeadlineNotPassed before the deadline", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      await seatPanel(fx, id);
      const deadline = (await fx.court.getDispute(id)).deadline;
      await expect(fx.court.timeoutRuling(id))
        .to.be.revertedWithCustomError(fx.court, "RulingDeadlineNotPassed")
        .withArgs(id, deadline);
    });

    it("slashes a silent arbiter to the parties and draws another", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      const [silent] = await seatPanel(fx, id);
      await time.increase(DAY + 1);
      const tx = fx.court.connect(fx.others[0]).timeoutRuling(id);
      await expect(tx).to.emit(fx.court, "ArbiterSilent").withArgs(id, 0, silent.address, ride("5"));
      await expect(tx)
        .to.emit(fx.pool, "Slashed")
        .withArgs(silent.address, ride("5"), fx.riders[0].address, fx.drivers[0].address);
      await expect(tx).to.emit(fx.court, "DrawFailed").withArgs(id, 0, 1, 2n);
      expect(await fx.pool.creditOf(fx.riders[0].address)).to.equal(ride("2.5"));
      expect(await fx.pool.creditOf(fx.drivers[0].address)).to.equal(ride("2.5"));
      expect(await fx.pool.arbiterOf(silent.address)).to.deep.equal([ride("75"), 0n, 0n, 0n]);

      const [next] = await seatPanel(fx, id, 7n);
      await fx.court.connect(next).rule(id, 6_000);
      await time.increase(DAY + 1);
      // Loser pays the one fee earned (the silent arbiter earned nothing): 12 + 2 to the rider.
      await expect(fx.court.executeRuling(id)).to.emit(fx.market, "RideResolved").withArgs(id, usd("14"), usd("6"), 0n);
      expect(await fx.court.creditOf(silent.address)).to.equal(0n);
      await expectCourtBalanced(fx);
    });

    it("splits the escrow 50/50 after the governed number of failed draws", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx, "driver");
      for (let i = 1n; i <= 2n; i++) {
        await seatPanel(fx, id, i);
        await time.increase(DAY + 1);
        await fx.court.timeoutRuling(id);
      }
      await seatPanel(fx, id, 3n);
      await time.increase(DAY + 1);
      const tx = fx.court.timeoutRuling(id);
      await expect(tx).to.emit(fx.court, "DrawFailed").withArgs(id, 0, 3, 0n);
      await expect(tx)
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Fallback, 5_000, usd("10"), 0n, usd("5"));
      await expect(tx).to.emit(fx.market, "RideResolved").withArgs(id, usd("10"), usd("10"), 0n);
      expect((await fx.market.getAccount(fx.drivers[0].address)).openRides).to.equal(0n);
      await expectCourtBalanced(fx);
    });
  });

  describe("appeal", function () {
    async function ruledAgainstRider(fx: DisputesFixture): Promise<bigint> {
      const id = await openedDispute(fx);
      const [arbiter] = await seatPanel(fx, id);
      await fx.court.connect(arbiter).rule(id, 0);
      return id;
    }

    it("charges the seats' arbiter fees plus a surcharge that grows each round", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await openedDispute(fx);
      expect(await fx.court.appealFee(id, 1)).to.equal(usd("16")); // 10 + 3 x 2
      expect(await fx.court.appealFee(id, 2)).to.equal(usd("34")); // 10 x 2 + 7 x 2
    });

    it("lets a bribed arbiter's ruling be overturned by a panel of three (the median rules)", async function () {
      const fx = await loadFixture(deployDisputes16Fixture);
      const id = await ruledAgainstRider(fx);
      const tx = fx.court.connect(fx.riders[0]).appeal(id, usd("16"));
      await expect(tx).to.emit(fx.court, "Appealed").withArgs(id, fx.riders[0].address, 1, usd("16"), 2n);
      await expect(tx).to.changeTokenBalances(fx.tusd, [fx.riders[0], fx.court], [-usd("16"), usd("16")]);
      const panel = await seatPanel(fx, id, 99n);
      expect(panel).to.have.length(3);
      await fx.court.connect(panel[0]).rule(id, 10_000);
      await fx.court.connect(panel[1]).rule(id, 0);
      await expect(fx.court.connect(panel[2]).rule(id, 9_000)).to.emit(fx.court, "RoundRuled");
      await time.increase(DAY + 1);
      // Pot: 5 + 16 paid by the rider, less 4 seats x 2 earned = 13, to the winning rider. Loser
      // pays the 8 earned: 2 from the driver's share of the fare, 6 from its market stake.
      const executed = fx.court.executeRuling(id);
      await expect(executed)
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Ruled, 9_000, usd("20"), usd("13"), 0n);
      await expect(executed).to.emit(fx.market, "RideResolved").withArgs(id, usd("20"), 0n, usd("6"));
      expect(await marketCredits(fx)).to.deep.equal([usd("26"), 0n]);
      await expectCourtBalanced(fx);
    });

    it("draws a panel of seven on a second appeal, and then no more appeals", async function () {
      const fx = await loadFixture(deployDisputes16Fixture);
      const id = await ruledAgainstRider(fx);
      await fx.court.connect(fx.riders[0]).appeal(id, usd("16"));
      const three = await seatPanel(fx, id, 5n);
      for (const a of three) await fx.court.connect(a).rule(id, 10_000);
      await fx.court.connect(fx.drivers[0]).appeal(id, usd("34"));
      const seven = await seatPanel(fx, id, 6n);
      expect(new Set([...three, ...seven].map((a) => a.address)).size).to.equal(10);
      for (const a of seven) await fx.court.connect(a).rule(id, 2_000);
      await expect(fx.court.connect(fx.riders[0]).appeal(id, usd("100")))
        .to.be.revertedWithCustomError(fx.court, "NoMoreAppeals")
        .withArgs(id, 2);
      // The driver wins; the rider paid 21 of the 22 earned, so 1 more comes out of its share.
      await expect(fx.court.executeRuling(id)).to.emit(fx.market, "RideResolved").withArgs(id, usd("3"), usd("17"), 0n);
      await expectCourtBalanced(fx);
    });

    it("leaves the previous ruling standing when an appeal panel cannot be seated", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await ruledAgainstRider(fx);
      await fx.court.connect(fx.riders[0]).appeal(id, usd("16"));
      await fx.court.connect(fx.governance).setParameter(param("maxFailedDraws"), 1);
      // Every arbiter asks its free stake back while Staking: nobody is drawable, the draw fails.
      for (const a of fx.arbiters) {
        const free = (await fx.pool.arbiterOf(a.address)).stake - (await fx.pool.arbiterOf(a.address)).locked;
        await fx.pool.connect(a).requestUnstake(free);
      }
      await fulfil(fx, id, 3n);
      await expect(fx.court.drawArbiters(id))
        .to.emit(fx.court, "DisputeResolved")
        .withArgs(id, Outcome.Fallback, 0, 0n, 0n, usd("19"));
      await expectCourtBalanced(fx);
    });

    it("reverts with AppealUnderpaid when the fee offered is too low", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await ruledAgainstRider(fx);
      await expect(fx.court.connect(fx.riders[0]).appeal(id, usd("15")))
        .to.be.revertedWithCustomError(fx.court, "AppealUnderpaid")
        .withArgs(id, usd("15"), usd("16"));
    });

    it("reverts with NotLosingParty when the winner appeals", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await ruledAgainstRider(fx);
      await expect(fx.court.connect(fx.drivers[0]).appeal(id, usd("16")))
        .to.be.revertedWithCustomError(fx.court, "NotLosingParty")
        .withArgs(id, fx.drivers[0].address);
    });

    it("reverts with AppealWindowClosed after the window", async function () {
      const fx = await loadFixture(deployDisputesFixture);
      const id = await ruledAgainstRider(fx);
      const deadline = (await fx.court.getDispute(id)).deadline;
      await time.increaseTo(deadline + 1n);
      await expect(fx.court.connect(fx.riders[0]).appeal(id, usd("16")))
        .to.be.revertedWithCustomError(fx.court, "AppealWindowClosed")
        .withArgs(id, deadline);
    });
  });
});
