import { expect } from "chai";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { AbiCoder, keccak256 } from "ethers";
import { param } from "../fixtures/market";
import { RandomnessStatus } from "../fixtures/disputes";

async function deployRandomness() {
  const [deployer, governance] = await ethers.getSigners();
  const randomness = await ethers.deployContract("BlockhashRandomness", [governance.address, 5]);
  return { randomness, deployer, governance };
}

describe("BlockhashRandomness", function () {
  it("commits a request to the block delayBlocks ahead", async function () {
    const { randomness, deployer } = await loadFixture(deployRandomness);
    const next = BigInt((await ethers.provider.getBlockNumber()) + 1);
    await expect(randomness.request())
      .to.emit(randomness, "RandomnessRequested")
      .withArgs(1n, deployer.address, next + 6n);
    expect(await randomness.targetBlock(1n)).to.equal(next + 5n);
  });

  it("reverts with RandomnessNotReady until a block after the target is mined", async function () {
    const { randomness } = await loadFixture(deployRandomness);
    await randomness.request();
    await mine(5);
    expect(await randomness.status(1n)).to.equal(RandomnessStatus.Pending);
    await expect(randomness.randomness(1n))
      .to.be.revertedWithCustomError(randomness, "RandomnessNotReady")
      .withArgs(1n, RandomnessStatus.Pending);
  });

  it("serves the target block's hash mixed with the request id once the block is mined", async function () {
    const { randomness } = await loadFixture(deployRandomness);
    await randomness.request();
    await mine(6);
    expect(await randomness.status(1n)).to.equal(RandomnessStatus.Ready);
    const target = await randomness.targetBlock(1n);
    const block = await ethers.provider.getBlock(Number(target));
    const expected = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [block!.hash, 1n]));
    expect(await randomness.randomness(1n)).to.equal(BigInt(expected));
  });

  it("reports Expired once the target block is more than 256 blocks old", async function () {
    const { randomness } = await loadFixture(deployRandomness);
    await randomness.request();
    await mine(6 + 256);
    expect(await randomness.status(1n)).to.equal(RandomnessStatus.Expired);
    await expect(randomness.randomness(1n))
      .to.be.revertedWithCustomError(randomness, "RandomnessNotReady")
      .withArgs(1n, RandomnessStatus.Expired);
  });

  describe("setParameter", function () {
    it("sets delayBlocks by governance", async function () {
      const { randomness, governance } = await loadFixture(deployRandomness);
      await expect(randomness.connect(governance).setParameter(param("delayBlocks"), 10))
        .to.emit(randomness, "ParameterChanged")
        .withArgs(param("delayBlocks"), 5n, 10n);
    });

    it("reverts with ParameterOutOfBounds beyond 128 blocks", async function () {
      const { randomness, governance } = await loadFixture(deployRandomness);
      await expect(randomness.connect(governance).setParameter(param("delayBlocks"), 129))
        .to.be.revertedWithCustomError(randomness, "ParameterOutOfBounds")
        .withArgs(param("delayBlocks"), 129n, 1n, 128n);
    });

    it("reverts with NotGovernance for anyone else", async function () {
      const { randomness, deployer } = await loadFixture(deployRandomness);
      await expect(randomness.setParameter(param("delayBlocks"), 10))
        .to.be.revertedWithCustomError(randomness, "NotGovernance")
        .withArgs(deployer.address);
    });
  });
});
