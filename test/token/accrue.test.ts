import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import { deployTokenFixture, ride, TOKEN_CAP, usd } from "../fixtures/token";

/** RIDE accrued by the minter (issue 13): shares revenue before it is minted, votes only after. */
describe("CoopToken: accrue and release", function () {
  async function accruedFixture() {
    const f = await deployTokenFixture();
    const [, holder] = f.others;
    await f.minter.accrue(holder.address, ride("10"), 0n);
    return { ...f, holder };
  }

  it("accrues RIDE with RewardAccrued and no balance or votes", async function () {
    const { token, minter, others } = await loadFixture(deployTokenFixture);
    await expect(minter.accrue(others[1].address, ride("10"), 0n))
      .to.emit(token, "RewardAccrued")
      .withArgs(others[1].address, ride("10"), ride("10"));
    expect(await token.pendingOf(others[1].address)).to.equal(ride("10"));
    expect(await token.balanceOf(others[1].address)).to.equal(0n);
    expect(await token.getVotes(others[1].address)).to.equal(0n);
  });

  it("shares a deposit made in the same call with the RIDE just accrued", async function () {
    const { token, tusd, minter, holder } = await loadFixture(accruedFixture);
    await tusd.connect(holder).faucet(usd("3"));
    await tusd.connect(holder).transfer(await minter.getAddress(), usd("3"));
    await minter.approveRevenue(await tusd.getAddress(), usd("3"));
    await expect(minter.accrue(holder.address, 0n, usd("3")))
      .to.emit(token, "RevenueDeposited")
      .withArgs(await minter.getAddress(), usd("3"), usd("3"));
    expect(usd("3") - (await token.claimableRevenue(holder.address))).to.be.within(0n, 1n);
  });

  it("releases accrued RIDE with RewardReleased, self-delegated, revenue unchanged", async function () {
    const { token, tusd, minter, holder } = await loadFixture(accruedFixture);
    await tusd.connect(holder).faucet(usd("3"));
    await tusd.connect(holder).transfer(await minter.getAddress(), usd("3"));
    await minter.approveRevenue(await tusd.getAddress(), usd("3"));
    await minter.accrue(holder.address, 0n, usd("3"));
    const before = await token.claimableRevenue(holder.address);
    await expect(minter.release(holder.address, ride("4")))
      .to.emit(token, "RewardReleased")
      .withArgs(holder.address, ride("4"), ride("6"));
    expect(await token.claimableRevenue(holder.address)).to.equal(before);
    expect(await token.getVotes(holder.address)).to.equal(ride("4"));
    expect(await token.totalPending()).to.equal(ride("6"));
  });

  it("keeps an account's chosen delegate on release", async function () {
    const { token, minter, holder, others } = await loadFixture(accruedFixture);
    await token.connect(holder).delegate(others[2].address);
    await minter.release(holder.address, ride("10"));
    expect(await token.getVotes(others[2].address)).to.equal(ride("10"));
  });

  it("refuses to release more than accrued with RevenuePendingInsufficient", async function () {
    const { token, minter, holder } = await loadFixture(accruedFixture);
    await expect(minter.release(holder.address, ride("10") + 1n))
      .to.be.revertedWithCustomError(token, "RevenuePendingInsufficient")
      .withArgs(holder.address, ride("10") + 1n, ride("10"));
  });

  it("refuses accrual past the cap, counting accrued RIDE, with ERC20ExceededCap", async function () {
    const { token, minter, holder } = await loadFixture(accruedFixture);
    const over = TOKEN_CAP - ride("10") + 1n;
    await expect(minter.accrue(holder.address, over, 0n))
      .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
      .withArgs(TOKEN_CAP + 1n, TOKEN_CAP);
  });

  it("refuses a mint past the cap once accrued RIDE is counted, with ERC20ExceededCap", async function () {
    const { token, minter, holder } = await loadFixture(accruedFixture);
    await expect(minter.mint(holder.address, TOKEN_CAP - ride("10") + 1n))
      .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
      .withArgs(TOKEN_CAP + 1n, TOKEN_CAP);
  });

  it("refuses accrue and release from anyone but the minter with CoopTokenNotMinter", async function () {
    const { token, others } = await loadFixture(deployTokenFixture);
    await expect(token.connect(others[0]).accrue(others[0].address, 1n, 0n))
      .to.be.revertedWithCustomError(token, "CoopTokenNotMinter")
      .withArgs(others[0].address);
    await expect(token.connect(others[0]).release(others[0].address, 1n))
      .to.be.revertedWithCustomError(token, "CoopTokenNotMinter")
      .withArgs(others[0].address);
  });
});
