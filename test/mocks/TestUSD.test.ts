import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { TestUSD } from "../../typechain-types";
import { signPermit, usd } from "../fixtures/token";

const DAY = 86_400;

interface TestUsdFixture {
  tusd: TestUSD;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
}

async function deployTestUsdFixture(): Promise<TestUsdFixture> {
  const [, alice, bob] = await ethers.getSigners();
  const tusd = await ethers.deployContract("TestUSD");
  return { tusd, alice, bob };
}

/** `who` draws 1 tUSD at a known timestamp, which it returns. */
async function drawAt(tusd: TestUSD, who: HardhatEthersSigner): Promise<number> {
  const at = (await time.latest()) + 10;
  await time.setNextBlockTimestamp(at);
  await tusd.connect(who).faucet(usd("1"));
  return at;
}

describe("TestUSD", function () {
  it("has 6 decimals", async function () {
    const { tusd } = await loadFixture(deployTestUsdFixture);
    expect(await tusd.decimals()).to.equal(6n);
  });

  it("caps a draw at 1,000 tUSD with a 1 day cooldown", async function () {
    const { tusd } = await loadFixture(deployTestUsdFixture);
    expect(await tusd.FAUCET_MAX()).to.equal(usd("1000"));
    expect(await tusd.FAUCET_COOLDOWN()).to.equal(BigInt(DAY));
  });

  describe("faucet", function () {
    it("hands out FAUCET_MAX and emits FaucetDrawn", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      const max = await tusd.FAUCET_MAX();
      const tx = tusd.connect(alice).faucet(max);
      await expect(tx).to.emit(tusd, "FaucetDrawn").withArgs(alice.address, max);
      await expect(tx).to.changeTokenBalances(tusd, [alice], [max]);
    });

    it("reverts with FaucetZeroAmount for a zero draw", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      await expect(tusd.connect(alice).faucet(0n)).to.be.revertedWithCustomError(tusd, "FaucetZeroAmount");
    });

    it("reverts with FaucetAmountTooLarge one unit above FAUCET_MAX", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      const max = await tusd.FAUCET_MAX();
      await expect(tusd.connect(alice).faucet(max + 1n))
        .to.be.revertedWithCustomError(tusd, "FaucetAmountTooLarge")
        .withArgs(max + 1n, max);
    });

    it("reverts with FaucetCooldown and the exact seconds left during the cooldown", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      const at = await drawAt(tusd, alice);
      await time.setNextBlockTimestamp(at + 3_600);
      await expect(tusd.connect(alice).faucet(usd("1")))
        .to.be.revertedWithCustomError(tusd, "FaucetCooldown")
        .withArgs(alice.address, BigInt(DAY - 3_600));
    });

    it("reverts with FaucetCooldown and 1 second left one second before the cooldown ends", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      const at = await drawAt(tusd, alice);
      await time.setNextBlockTimestamp(at + DAY - 1);
      await expect(tusd.connect(alice).faucet(usd("1")))
        .to.be.revertedWithCustomError(tusd, "FaucetCooldown")
        .withArgs(alice.address, 1n);
    });

    it("allows a new draw exactly when the cooldown ends", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      const at = await drawAt(tusd, alice);
      await time.setNextBlockTimestamp(at + DAY);
      await expect(tusd.connect(alice).faucet(usd("1")))
        .to.emit(tusd, "FaucetDrawn")
        .withArgs(alice.address, usd("1"));
    });

    it("keeps each address's cooldown separate", async function () {
      const { tusd, alice, bob } = await loadFixture(deployTestUsdFixture);
      await drawAt(tusd, alice);
      await expect(tusd.connect(bob).faucet(usd("1")))
        .to.emit(tusd, "FaucetDrawn")
        .withArgs(bob.address, usd("1"));
    });
  });

  describe("faucetCooldownLeft", function () {
    it("is 0 before the first draw", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      expect(await tusd.faucetCooldownLeft(alice.address)).to.equal(0n);
    });

    it("counts down the seconds to the next draw", async function () {
      const { tusd, alice } = await loadFixture(deployTestUsdFixture);
      const at = await drawAt(tusd, alice);
      await time.increaseTo(at + 100);
      expect(await tusd.faucetCooldownLeft(alice.address)).to.equal(BigInt(DAY - 100));
    });
  });

  describe("permit", function () {
    it("approves with the owner's signature", async function () {
      const { tusd, alice, bob } = await loadFixture(deployTestUsdFixture);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const p = await signPermit(tusd, alice, bob.address, usd("25"), deadline);
      await expect(tusd.connect(bob).permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s))
        .to.emit(tusd, "Approval")
        .withArgs(alice.address, bob.address, usd("25"));
      expect(await tusd.allowance(alice.address, bob.address)).to.equal(usd("25"));
      expect(await tusd.nonces(alice.address)).to.equal(1n);
    });
  });
});
