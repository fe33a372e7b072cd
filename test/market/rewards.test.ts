import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { RideMarket } from "../../typechain-types";
import { confirmedRide, deployMarketFixture, ride, setParam, startedRide, usd } from "../fixtures/market";

const EPOCH = 7n * 24n * 60n * 60n;

/** Confirms a ride of `fare` and returns the RIDE it earned (from RideFinalized). */
async function rewardOf(
  market: RideMarket,
  rider: HardhatEthersSigner,
  driver: HardhatEthersSigner,
  fare: bigint,
): Promise<bigint> {
  const id = await startedRide(market, rider, driver, { maxFare: fare });
  const receipt = await (await market.connect(rider).confirmRide(id, 5)).wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = market.interface.parseLog(log);
    if (parsed?.name === "RideFinalized") return parsed.args.reward as bigint;
  }
  throw new Error("no RideFinalized");
}

/** Moves the clock to the start of the next reward epoch. */
async function nextEpoch(): Promise<void> {
  const now = BigInt(await time.latest());
  await time.increaseTo((now / EPOCH + 1n) * EPOCH);
}

describe("RideMarket: rewards", function () {
  describe("accrual", function () {
    it("accrues fare * rewardPerToken / 1e6 RIDE on a confirmed ride", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      await setParam(market, governance, "rewardPerToken", ride("0.5"));
      await nextEpoch();
      // 20 tUSD = 20,000,000 units; 20,000,000 * 0.5e18 / 1e6 = 10e18.
      expect(await rewardOf(market, riders[0], drivers[0], usd("20"))).to.equal(ride("10"));
      expect((await market.rewardsOf(drivers[0].address)).accrued).to.equal(ride("10"));
      expect((await market.totals()).earned).to.equal(ride("10"));
    });

    it("caps the rewarded fare per rider-driver pair per epoch", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await nextEpoch();
      // Pair cap 200 tUSD: 150 earns 150 RIDE, the next 100 earns only the 50 left, then 0.
      expect(await rewardOf(market, riders[0], drivers[0], usd("150"))).to.equal(ride("150"));
      expect(await rewardOf(market, riders[0], drivers[0], usd("100"))).to.equal(ride("50"));
      expect(await rewardOf(market, riders[0], drivers[0], usd("100"))).to.equal(0n);
      expect((await market.pairEpoch(riders[0].address, drivers[0].address)).fare).to.equal(usd("200"));
    });

    it("keeps the pair cap separate for another rider", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await nextEpoch();
      await rewardOf(market, riders[0], drivers[0], usd("200"));
      expect(await rewardOf(market, riders[1], drivers[0], usd("100"))).to.equal(ride("100"));
    });

    it("caps the rewarded fare per driver per epoch across riders", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      await setParam(market, governance, "driverFareCap", usd("300"));
      await nextEpoch();
      expect(await rewardOf(market, riders[0], drivers[0], usd("200"))).to.equal(ride("200"));
      expect(await rewardOf(market, riders[1], drivers[0], usd("200"))).to.equal(ride("100"));
      expect(await rewardOf(market, riders[2], drivers[0], usd("50"))).to.equal(0n);
      expect((await market.rewardsOf(drivers[0].address)).epochFare).to.equal(usd("300"));
    });

    it("resets both caps in a new epoch", async function () {
      const { market, governance, riders, drivers } = await loadFixture(deployMarketFixture);
      await setParam(market, governance, "driverFareCap", usd("200"));
      await nextEpoch();
      await rewardOf(market, riders[0], drivers[0], usd("200"));
      expect(await rewardOf(market, riders[0], drivers[0], usd("10"))).to.equal(0n);
      await nextEpoch();
      // The new epoch's price now binds too (reward-price.test.ts); the caps count afresh.
      expect(await rewardOf(market, riders[0], drivers[0], usd("10"))).to.be.greaterThan(0n);
      expect((await market.pairEpoch(riders[0].address, drivers[0].address)).fare).to.equal(usd("10"));
      expect((await market.rewardsOf(drivers[0].address)).epochFare).to.equal(usd("10"));
    });
  });

  describe("claimRewards", function () {
    it("mints the accrued RIDE and emits RewardsClaimed", async function () {
      const { market, token, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      const tx = market.connect(drivers[0]).claimRewards();
      await expect(tx).to.emit(market, "RewardsClaimed").withArgs(drivers[0].address, ride("20"));
      await expect(tx).to.changeTokenBalances(token, [drivers[0]], [ride("20")]);
      expect((await market.rewardsOf(drivers[0].address)).accrued).to.equal(0n);
    });

    it("self-delegates so the driver's votes equal its balance", async function () {
      const { market, token, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).claimRewards();
      expect(await token.delegates(drivers[0].address)).to.equal(drivers[0].address);
      expect(await token.getVotes(drivers[0].address)).to.equal(await token.balanceOf(drivers[0].address));
      expect(await token.getVotes(drivers[0].address)).to.equal(ride("20"));
    });

    it("reverts with NothingToClaim when nothing accrued", async function () {
      const { market, drivers } = await loadFixture(deployMarketFixture);
      await expect(market.connect(drivers[0]).claimRewards())
        .to.be.revertedWithCustomError(market, "NothingToClaim")
        .withArgs(drivers[0].address);
    });

    it("reverts with NothingToClaim the second time", async function () {
      const { market, riders, drivers } = await loadFixture(deployMarketFixture);
      await confirmedRide(market, riders[0], drivers[0]);
      await market.connect(drivers[0]).claimRewards();
      await expect(market.connect(drivers[0]).claimRewards())
        .to.be.revertedWithCustomError(market, "NothingToClaim")
        .withArgs(drivers[0].address);
    });
  });

  describe("self-dealing", function () {
    it("a ring of two friends riding each other loses tUSD on every ride and earns nothing past the pair cap", async function () {
      const { market, token, tusd, riders, drivers } = await loadFixture(deployMarketFixture);
      // Alice is a rider who registers as a driver too; Bob is a driver who also rides.
      const alice = riders[0];
      const bob = drivers[0];
      await market.connect(alice).registerDriver(usd("50"));
      await nextEpoch();
      const ringTusd = async (): Promise<bigint> => {
        let total = 0n;
        for (const who of [alice, bob]) {
          total += await tusd.balanceOf(who.address);
          total += await market.creditOf(who.address);
          total += (await market.getAccount(who.address)).stake;
        }
        return total;
      };
      // Each ride's fare is 100 tUSD and the fee 5%: 5 tUSD leaves the ring per ride
      // (2.5 to RIDE holders, 2.5 to the treasury); the driver's 95 stays inside the ring.
      // Pair caps are per (rider, driver), 200 tUSD an epoch: Alice->Bob and Bob->Alice
      // each earn 100 RIDE on their first two rides, then 0 RIDE for the same 5 tUSD fee.
      //   ride  direction   reward   ring tUSD after
      //   1     Alice->Bob  100      2000 - 5  = 1995
      //   2     Bob->Alice  100      2000 - 10 = 1990
      //   3     Alice->Bob  100      1985
      //   4     Bob->Alice  100      1980
      //   5     Alice->Bob  0        1975   (pair cap reached)
      //   6     Bob->Alice  0        1970
      //   7     Alice->Bob  0        1965
      //   8     Bob->Alice  0        1960
      const expectedRewards = [100n, 100n, 100n, 100n, 0n, 0n, 0n, 0n].map((r) => ride(r.toString()));
      const start = await ringTusd();
      expect(start).to.equal(usd("2000"));
      let before = start;
      for (let i = 0; i < expectedRewards.length; i++) {
        const [rider, driver] = i % 2 === 0 ? [alice, bob] : [bob, alice];
        expect(await rewardOf(market, rider, driver, usd("100"))).to.equal(expectedRewards[i]);
        const after = await ringTusd();
        expect(before - after, `ride ${i + 1} costs the ring the 5% fee`).to.equal(usd("5"));
        before = after;
      }
      expect(before).to.equal(usd("1960"));
      const earned = (await market.rewardsOf(alice.address)).accrued + (await market.rewardsOf(bob.address)).accrued;
      expect(earned).to.equal(ride("400"));
      // Half of the 40 tUSD of fees went to RIDE's revenue share ride by ride, half to the treasury.
      expect((await token.revenueTotals()).deposited + (await market.totals()).treasuryPending).to.equal(usd("40"));
    });
  });
});
