import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import {
  acceptedRide,
  confirmedRide,
  deployMarketFixture,
  expectConserved,
  finalizedRide,
  requestRide,
  ride,
  setParam,
  startedRide,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

const BPS = 10_000n;
const HOLDERS_SHARE = BigInt(TEST_PARAMS.holdersShareBps);
const REWARD_PER_UNIT = BigInt(TEST_PARAMS.rewardPerToken) / 1_000_000n; // RIDE wei per tUSD unit
const MIN_FARE = usd("1"); // the minFare parameter at deployment: smaller rides earn no RIDE

describe("RideMarket: payment", function () {
  describe("the fee split conserves every unit", function () {
    for (const feeBps of [0n, 500n, 1000n]) {
      for (const fare of [1n, 3n, 9_999n, 10_001n]) {
        // Rounding: fee and holders' share round down; the fee's dust stays with the driver,
        // the holders' dust goes to the treasury.
        const fee = (fare * feeBps) / BPS;
        const holders = (fee * HOLDERS_SHARE) / BPS;
        const treasury = fee - holders;
        const driver = fare - fee;
        it(`splits a fare of ${fare} units at ${feeBps} bps into ${driver} + ${holders} + ${treasury}`, async function () {
          const f = await loadFixture(deployMarketFixture);
          const { market, token, governance, riders, drivers } = f;
          await setParam(market, governance, "feeBps", feeBps);
          const id = await startedRide(market, riders[0], drivers[0], { maxFare: fare });
          await expect(market.connect(riders[0]).confirmRide(id, 5))
            .to.emit(market, "RideFinalized")
            .withArgs(
              id,
              drivers[0].address,
              driver,
              holders,
              treasury,
              fare >= MIN_FARE ? fare * REWARD_PER_UNIT : 0n,
            );
          expect(driver + holders + treasury).to.equal(fare);
          expect(await market.creditOf(drivers[0].address)).to.equal(driver);
          // The holders' part went into RIDE's revenue share in the same transaction.
          expect((await market.totals()).treasuryPending).to.equal(treasury);
          expect((await token.revenueTotals()).deposited).to.equal(holders);
          await expectConserved(f);
        });
      }
    }
  });

  describe("the holders' share at finalization", function () {
    it("shares the holders' share in RIDE's accumulator in the finalizing transaction, keeping the tokens owed", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, token, tusd, riders, drivers } = f;
      const id = await startedRide(market, riders[0], drivers[0]);
      const amount = usd("0.5");
      const tx = market.connect(riders[0]).confirmRide(id, 5);
      // The ride's RIDE accrues first, so the deposit is shared at once (nothing waits).
      await expect(tx).to.emit(token, "RewardAccrued").withArgs(drivers[0].address, ride("20"), ride("20"));
      await expect(tx)
        .to.emit(token, "RevenueDeposited")
        .withArgs(await market.getAddress(), amount, amount);
      // No token moves per ride: the market keeps the share, owed, until RIDE collects it.
      await expect(tx).to.changeTokenBalances(tusd, [market, token], [0n, 0n]);
      expect(await market.unsentRevenue()).to.equal(amount);
      // RevenueShare rounds down through its 2^96 accumulator: the sole holder gets all but dust.
      const shares = ride("20");
      const pointsPerShare = (amount * 2n ** 96n) / shares;
      expect(await token.claimableRevenue(drivers[0].address)).to.equal((pointsPerShare * shares) / 2n ** 96n);
      await expectConserved(f);
    });

    it("deposits nothing when the fee is zero", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, token, governance, riders, drivers } = f;
      await setParam(market, governance, "feeBps", 0n);
      const id = await startedRide(market, riders[0], drivers[0]);
      await expect(market.connect(riders[0]).confirmRide(id, 5)).not.to.emit(token, "RevenueDeposited");
      expect((await token.revenueTotals()).deposited).to.equal(0n);
      await expectConserved(f);
    });
  });

  describe("money conservation through a mixed scenario", function () {
    it("holds balance == owed == escrows + stakes + credits + fees after every step", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, governance, court, riders, drivers, others } = f;
      const [r0, r1, r2] = riders;
      const [d0, d1, d2] = drivers;
      await expectConserved(f);
      // An offer below the max fare: the difference is credited back.
      const offered = await requestRide(market, r0, { maxFare: usd("30") });
      await market.connect(d0).makeOffer(offered, usd("17.333333"), (await time.latest()) + 300);
      await market.connect(r0).acceptOffer(offered, d0.address, usd("17.333333"));
      await expectConserved(f);
      // A cancellation with fee and a driver no-show with penalty.
      const late = await acceptedRide(market, r1, d1, { maxFare: usd("9.999999") });
      await time.increase(Number(TEST_PARAMS.gracePeriod) + 1);
      await market.connect(r1).cancelRide(late);
      await expectConserved(f);
      const noShow = await acceptedRide(market, r2, d2, { maxFare: usd("10.000001") });
      await time.increase(Number(TEST_PARAMS.pickupWindow) + 1);
      await market.connect(r2).cancelDriverNoShow(noShow);
      await expectConserved(f);
      // A dispute split unevenly with a penalty, a confirmed ride and a keeper-finalized one.
      await market.connect(d0).startRide(offered);
      await market.connect(court).openDispute(offered, r0.address);
      await market.connect(court).resolveDispute(offered, usd("3.000001"), usd("1.5"));
      await expectConserved(f);
      await confirmedRide(market, r1, d1, { maxFare: 10_001n });
      await finalizedRide(market, r2, d2, { maxFare: 9_999n });
      await requestRide(market, r0, { maxFare: 3n }); // left open: its escrow stays owed
      await expectConserved(f);
      // Money out: withdrawals, revenue, treasury.
      await market.connect(r0).withdraw(r0.address);
      await market.connect(d2).withdraw(others[0].address);
      // At most a tenth of the treasury per period (TREASURY_OUTFLOW_BPS).
      const treasury = (await market.totals()).treasuryPending;
      await market.connect(governance).withdrawTreasury(others[1].address, treasury / 10n);
      await expectConserved(f);
    });
  });
});
