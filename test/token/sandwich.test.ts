import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { deployGovernanceWithVotersFixture, giveRide } from "../fixtures/governance";
import {
  completedRide,
  confirmedRide,
  deployMarketFixture,
  ride,
  setParam,
  TEST_PARAMS,
  usd,
} from "../fixtures/market";

/**
 * Issue 13, scenario 2 (SECURITY.md item 19): fees used to wait in the market as a batch that
 * whoever held RIDE when `distributeRevenue()` ran took whole. Now each finalization deposits
 * its holders' share into RIDE's accumulator in the same transaction, and RIDE accrued but not
 * yet claimed counts in the share.
 */
async function lenderFixture() {
  const f = await deployGovernanceWithVotersFixture();
  const { token, market, riders, drivers } = f;
  const lender = await ethers.deployContract("RideFlashLender", [await token.getAddress(), 0]);
  const sandwicher = await ethers.deployContract("RevenueSandwicher", [
    await lender.getAddress(),
    await token.getAddress(),
  ]);
  // Driver 0 lends out 155 RIDE: half of the 310 RIDE supply sits in the flash lender.
  await token.connect(drivers[0]).transfer(await lender.getAddress(), ride("155"));
  // 400 tUSD of rides at a 5% fee: a 10 tUSD holders' batch in the old design.
  for (let i = 0; i < 4; i++) await giveRide(market, riders[i % 3], drivers[1], usd("100"));
  return { ...f, lender, sandwicher };
}

describe("Revenue share: no batch to sandwich (issue 13, scenario 2)", function () {
  it("has already shared the 10 tUSD of holders' fees when the rides finalized", async function () {
    const { token } = await loadFixture(lenderFixture);
    // 310 tUSD of voters' rides and 400 tUSD since: 35.5 tUSD of fees, half to holders.
    expect((await token.revenueTotals()).deposited).to.equal(usd("17.75"));
  });

  it("gives a flash-borrowed half of the supply nothing of the accrued fees", async function () {
    const { sandwicher } = await loadFixture(lenderFixture);
    await expect(sandwicher.sandwich(ride("155"), ethers.ZeroAddress, "0x"))
      .to.emit(sandwicher, "Sandwiched")
      .withArgs(ride("155"), 0n);
  });

  it("gives the borrower only its share of the one ride it finalizes as keeper", async function () {
    const { market, sandwicher, riders, drivers } = await loadFixture(lenderFixture);
    const id = await completedRide(market, riders[0], drivers[2], { maxFare: usd("100") });
    await time.increase(Number(TEST_PARAMS.confirmWindow) + 1);
    // An unconfirmed ride earns no RIDE; its 2.5 tUSD holders' share is shared over the 310
    // RIDE minted plus driver 1's 400 accrued, so the borrowed 155 RIDE take 155/710 of that
    // one ride's share (the residual of SECURITY.md item 19), and nothing of what came before.
    const data = market.interface.encodeFunctionData("finalizeRide", [id]);
    const tx = sandwicher.sandwich(ride("155"), await market.getAddress(), data);
    await expect(tx)
      .to.emit(sandwicher, "Sandwiched")
      .withArgs(ride("155"), (usd("2.5") * ride("155")) / ride("710"));
  });
});

describe("Revenue share: a flash loan is priced (the sandwicher's lender charges a fee)", function () {
  /** The same 155 RIDE in a lender that charges 30 basis points (Uniswap v3's common pool fee). */
  async function feeLenderFixture() {
    const f = await deployGovernanceWithVotersFixture();
    const { token, drivers } = f;
    const lender = await ethers.deployContract("RideFlashLender", [await token.getAddress(), 30]);
    const sandwicher = await ethers.deployContract("RevenueSandwicher", [
      await lender.getAddress(),
      await token.getAddress(),
    ]);
    await token.connect(drivers[0]).transfer(await lender.getAddress(), ride("155"));
    return { ...f, lender, sandwicher };
  }

  it("quotes 0.3% of the amount, rounded up", async function () {
    const { token, lender } = await loadFixture(feeLenderFixture);
    expect(await lender.flashFee(await token.getAddress(), ride("155"))).to.equal(ride("0.465"));
    expect(await lender.flashFee(await token.getAddress(), 1n)).to.equal(1n);
  });

  it("refuses a borrower who cannot pay the fee", async function () {
    const { token, sandwicher } = await loadFixture(feeLenderFixture);
    await expect(sandwicher.sandwich(ride("155"), ethers.ZeroAddress, "0x"))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
      .withArgs(await sandwicher.getAddress(), ride("155"), ride("155.465"));
  });

  it("takes the fee from a borrower who holds it, and reports it", async function () {
    const { token, lender, sandwicher, drivers } = await loadFixture(feeLenderFixture);
    await token.connect(drivers[1]).transfer(await sandwicher.getAddress(), ride("0.465"));
    await expect(sandwicher.sandwich(ride("155"), ethers.ZeroAddress, "0x"))
      .to.emit(lender, "FlashLoaned")
      .withArgs(await sandwicher.getAddress(), await sandwicher.getAddress(), ride("155"), ride("0.465"));
    expect(await token.balanceOf(await lender.getAddress())).to.equal(ride("155.465"));
    expect(await token.balanceOf(await sandwicher.getAddress())).to.equal(0n);
  });

  it("refuses a fee above the whole amount", async function () {
    const { token, lender } = await loadFixture(feeLenderFixture);
    const factory = await ethers.getContractFactory("RideFlashLender");
    await expect(factory.deploy(await token.getAddress(), 10_001))
      .to.be.revertedWithCustomError(lender, "FlashLenderFeeTooHigh")
      .withArgs(10_001);
  });
});

describe("Revenue share: accrued RIDE earns before it is claimed", function () {
  /** Three drivers, one 100 tUSD ride each: 100 RIDE accrued to each, nothing claimed. */
  async function threeDriversFixture() {
    const f = await deployMarketFixture();
    for (let i = 0; i < 3; i++) await confirmedRide(f.market, f.riders[i], f.drivers[i], { maxFare: usd("100") });
    return f;
  }

  it("counts each driver's accrued RIDE in the token's pending total", async function () {
    const { token, drivers } = await loadFixture(threeDriversFixture);
    for (const d of drivers) expect(await token.pendingOf(d.address)).to.equal(ride("100"));
    expect(await token.totalPending()).to.equal(ride("300"));
    expect(await token.totalSupply()).to.equal(0n);
  });

  it("gives the first of three equal drivers to claim only its third of the fees that follow", async function () {
    const { market, token, governance, riders, drivers } = await loadFixture(threeDriversFixture);
    // No more RIDE from here on, so the three stay equal; driver 0 claims (mints) first.
    await setParam(market, governance, "rewardPerToken", 0n);
    const before = await Promise.all(drivers.map((d) => token.claimableRevenue(d.address)));
    await market.connect(drivers[0]).claimRewards();
    // Three more rides: 7.5 tUSD of holders' fees over 300 equal RIDE, minted or accrued.
    for (let i = 0; i < 3; i++) await confirmedRide(market, riders[i], drivers[i], { maxFare: usd("100") });
    for (const [i, d] of drivers.entries()) {
      const gained = (await token.claimableRevenue(d.address)) - before[i];
      expect(usd("2.5") - gained, `driver ${i}`).to.be.within(0n, 1n);
    }
  });

  it("leaves a driver's revenue unchanged by claiming its RIDE", async function () {
    const { market, token, drivers } = await loadFixture(threeDriversFixture);
    const before = await token.claimableRevenue(drivers[1].address);
    await expect(market.connect(drivers[1]).claimRewards())
      .to.emit(token, "RewardReleased")
      .withArgs(drivers[1].address, ride("100"), 0n);
    expect(await token.claimableRevenue(drivers[1].address)).to.equal(before);
    expect(await token.getVotes(drivers[1].address)).to.equal(ride("100"));
  });
});
