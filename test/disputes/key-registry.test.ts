import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { ZeroHash, id } from "ethers";

async function deployRegistry() {
  const [alice, bob] = await ethers.getSigners();
  const forwarder = await ethers.deployContract("RideCoopForwarder");
  const registry = await ethers.deployContract("KeyRegistry", [await forwarder.getAddress()]);
  return { registry, alice, bob };
}

const KEY_1 = id("key one");
const KEY_2 = id("key two");

describe("KeyRegistry", function () {
  it("registers the caller's key, with KeyRegistered", async function () {
    const { registry, alice } = await loadFixture(deployRegistry);
    await expect(registry.registerKey(KEY_1))
      .to.emit(registry, "KeyRegistered")
      .withArgs(alice.address, KEY_1, ZeroHash);
    expect(await registry.keyOf(alice.address)).to.equal(KEY_1);
  });

  it("rotates a key, naming the previous one", async function () {
    const { registry, alice } = await loadFixture(deployRegistry);
    await registry.registerKey(KEY_1);
    await expect(registry.registerKey(KEY_2)).to.emit(registry, "KeyRegistered").withArgs(alice.address, KEY_2, KEY_1);
    expect(await registry.keyOf(alice.address)).to.equal(KEY_2);
  });

  it("keeps each account's key apart: nobody writes another's", async function () {
    const { registry, alice, bob } = await loadFixture(deployRegistry);
    await registry.connect(alice).registerKey(KEY_1);
    await registry.connect(bob).registerKey(KEY_2);
    expect(await registry.keyOf(alice.address)).to.equal(KEY_1);
    expect(await registry.keyOf(bob.address)).to.equal(KEY_2);
  });

  it("reports zero for an account without a key", async function () {
    const { registry, bob } = await loadFixture(deployRegistry);
    expect(await registry.keyOf(bob.address)).to.equal(ZeroHash);
  });

  it("reverts with KeyInvalid for the zero key", async function () {
    const { registry, alice } = await loadFixture(deployRegistry);
    await expect(registry.registerKey(ZeroHash))
      .to.be.revertedWithCustomError(registry, "KeyInvalid")
      .withArgs(alice.address, ZeroHash);
  });

  it("reverts with KeyUnchanged when the key is already registered", async function () {
    const { registry, alice } = await loadFixture(deployRegistry);
    await registry.registerKey(KEY_1);
    await expect(registry.registerKey(KEY_1))
      .to.be.revertedWithCustomError(registry, "KeyUnchanged")
      .withArgs(alice.address, KEY_1);
  });
});
