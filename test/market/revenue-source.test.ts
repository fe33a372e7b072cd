import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import { confirmedRide, deployMarketFixture, expectConserved, TEST_PARAMS, usd } from "../fixtures/market";

/**
 * The holders' share of each fee stays in the market (owed) until RIDE collects it: a ride
 * moves no revenue token, and every claim or sweep first calls `sendRevenue`.
 */
async function ridesFixture() {
  const f = await deployMarketFixture();
  // Two 20 tUSD rides: each fee is 5% (1 tUSD), half of it the holders' (0.5 tUSD).
  await confirmedRide(f.market, f.riders[0], f.drivers[0], { maxFare: usd("20") });
  await confirmedRide(f.market, f.riders[1], f.drivers[1], { maxFare: usd("20") });
  return f;
}

const HOLDERS_PER_RIDE = (usd("20") * BigInt(TEST_PARAMS.feeBps) * BigInt(TEST_PARAMS.holdersShareBps)) / 10n ** 8n;

describe("RideMarket: the holders' revenue it keeps until RIDE collects it", function () {
  it("keeps each ride's holders' share, owed, and moves no token to RIDE", async function () {
    const f = await loadFixture(ridesFixture);
    expect(await f.market.unsentRevenue()).to.equal(2n * HOLDERS_PER_RIDE);
    expect(await f.tusd.balanceOf(await f.token.getAddress())).to.equal(0n);
    expect((await f.token.revenueTotals()).deposited).to.equal(2n * HOLDERS_PER_RIDE);
    await expectConserved(f);
  });

  it("sends it all to RIDE on anyone's sendRevenue, with RevenueSent", async function () {
    const f = await loadFixture(ridesFixture);
    const token = await f.token.getAddress();
    const tx = f.market.connect(f.others[0]).sendRevenue();
    await expect(tx)
      .to.emit(f.market, "RevenueSent")
      .withArgs(token, 2n * HOLDERS_PER_RIDE);
    await expect(tx).to.changeTokenBalances(
      f.tusd,
      [f.market, f.token],
      [-2n * HOLDERS_PER_RIDE, 2n * HOLDERS_PER_RIDE],
    );
    expect(await f.market.unsentRevenue()).to.equal(0n);
    await expectConserved(f);
  });

  it("sends nothing and emits nothing when nothing is unsent", async function () {
    const f = await loadFixture(ridesFixture);
    await f.market.sendRevenue();
    await expect(f.market.sendRevenue()).not.to.emit(f.market, "RevenueSent");
  });

  it("is collected by the first claim, which is paid in full from RIDE's balance", async function () {
    const f = await loadFixture(ridesFixture);
    const driver = f.drivers[0];
    await f.market.connect(driver).claimRewards();
    const claimable = await f.token.claimableRevenue(driver.address);
    expect(claimable).to.be.greaterThan(0n);
    await expect(f.token.connect(driver).claimRevenue(driver.address))
      .to.emit(f.market, "RevenueSent")
      .withArgs(await f.token.getAddress(), 2n * HOLDERS_PER_RIDE)
      .and.to.emit(f.token, "RevenueClaimed")
      .withArgs(driver.address, driver.address, claimable);
    expect(await f.tusd.balanceOf(await f.token.getAddress())).to.equal(2n * HOLDERS_PER_RIDE - claimable);
    await expectConserved(f);
  });

  it("is collected before a sweep, so owed revenue still cannot be swept", async function () {
    const f = await loadFixture(ridesFixture);
    await expect(f.token.connect(f.governance).sweep(f.tusd, f.governance.address, 1n))
      .to.be.revertedWithCustomError(f.token, "RevenueSweepExceedsSurplus")
      .withArgs(await f.tusd.getAddress(), 1n, 0n);
  });
});
