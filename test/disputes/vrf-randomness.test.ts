import { expect } from "chai";
import { ethers, network } from "hardhat";
import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import type { VRFCoordinatorV2_5Mock, VRFRandomness } from "../../typechain-types";
import { param } from "../fixtures/market";
import { RandomnessStatus } from "../fixtures/disputes";

export const VRF_KEY_HASH = keccak256(toUtf8Bytes("ridecoop test gas lane"));
export const VRF_CALLBACK_GAS = 100_000n;
export const VRF_CONFIRMATIONS = 3n;
export const VRF_EXPIRY = 3600n;

/** A VRF v2.5 mock coordinator with a funded subscription (LINK), and an adapter on it. */
export async function deployVRF() {
  const [deployer, governance, court, other] = await ethers.getSigners();
  // Mock constructor: base fee 0.1 LINK, gas price 1 gwei, 0.004 ETH per LINK.
  const coordinator = (await ethers.deployContract("VRFCoordinatorV2_5Mock", [
    10n ** 17n,
    10n ** 9n,
    4n * 10n ** 15n,
  ])) as unknown as VRFCoordinatorV2_5Mock;
  const created = await (await coordinator.createSubscription()).wait();
  const subId = coordinator.interface.parseLog(created!.logs[0])!.args.subId as bigint;
  await coordinator.fundSubscription(subId, 1000n * 10n ** 18n);
  const vrf = (await ethers.deployContract("VRFRandomness", [
    await coordinator.getAddress(),
    governance.address,
    VRF_KEY_HASH,
    subId,
    false,
    VRF_CALLBACK_GAS,
    VRF_CONFIRMATIONS,
    VRF_EXPIRY,
  ])) as unknown as VRFRandomness;
  await coordinator.addConsumer(subId, await vrf.getAddress());
  return { coordinator, vrf, subId, deployer, governance, court, other };
}

async function withRequester() {
  const f = await deployVRF();
  await f.vrf.setRequester(f.court.address);
  return f;
}

/** The coordinator's request id behind the adapter's `requestId`, from VRFRequestSent. */
async function vrfIdOf(vrf: VRFRandomness, requestId: bigint): Promise<bigint> {
  const logs = await vrf.queryFilter(vrf.filters.VRFRequestSent(requestId));
  return logs[0].args.vrfRequestId;
}

/** Calls the adapter's callback as the coordinator would, with any id and words. */
async function fulfilAsCoordinator(coordinator: VRFCoordinatorV2_5Mock, vrf: VRFRandomness, id: bigint, word: bigint) {
  const address = await coordinator.getAddress();
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [address] });
  await setBalance(address, 10n ** 18n);
  const signer = await ethers.getSigner(address);
  const tx = await vrf.connect(signer).rawFulfillRandomWords(id, [word]);
  await network.provider.request({ method: "hardhat_stopImpersonatingAccount", params: [address] });
  return tx;
}

describe("VRFRandomness", function () {
  describe("setRequester", function () {
    it("sets the requester once, by the deployer, with RequesterSet", async function () {
      const { vrf, court } = await loadFixture(deployVRF);
      await expect(vrf.setRequester(court.address)).to.emit(vrf, "RequesterSet").withArgs(court.address);
      expect(await vrf.requester()).to.equal(court.address);
    });

    it("reverts with RequesterAlreadySet on a second call", async function () {
      const { vrf, court, other } = await loadFixture(withRequester);
      await expect(vrf.setRequester(other.address))
        .to.be.revertedWithCustomError(vrf, "RequesterAlreadySet")
        .withArgs(court.address);
    });

    it("reverts with NotDeployer for anyone but the deployer", async function () {
      const { vrf, other } = await loadFixture(deployVRF);
      await expect(vrf.connect(other).setRequester(other.address))
        .to.be.revertedWithCustomError(vrf, "NotDeployer")
        .withArgs(other.address);
    });

    it("reverts with RequesterInvalid for the zero address", async function () {
      const { vrf } = await loadFixture(deployVRF);
      await expect(vrf.setRequester(ZeroAddress))
        .to.be.revertedWithCustomError(vrf, "RequesterInvalid")
        .withArgs(ZeroAddress);
    });

    it("leaves the contract its own owner, so the deployer cannot swap the coordinator", async function () {
      const { vrf, deployer, other } = await loadFixture(withRequester);
      const self = await vrf.getAddress();
      expect(await vrf.owner()).to.equal(self);
      await expect(vrf.setCoordinator(other.address))
        .to.be.revertedWithCustomError(vrf, "OnlyOwnerOrCoordinator")
        .withArgs(deployer.address, self, await vrf.s_vrfCoordinator());
    });
  });

  describe("request", function () {
    it("numbers requests 1, 2, ... and reports them Pending until fulfilled", async function () {
      const { vrf, court } = await loadFixture(withRequester);
      await expect(vrf.connect(court).request()).to.emit(vrf, "RandomnessRequested").withArgs(1n, court.address, 0n);
      await expect(vrf.connect(court).request()).to.emit(vrf, "RandomnessRequested").withArgs(2n, court.address, 0n);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Pending);
      await expect(vrf.randomness(1n))
        .to.be.revertedWithCustomError(vrf, "RandomnessNotReady")
        .withArgs(1n, RandomnessStatus.Pending);
    });

    it("asks the coordinator for one word on the key hash, subscription and governed settings", async function () {
      const { vrf, coordinator, court, subId } = await loadFixture(withRequester);
      await expect(vrf.connect(court).request())
        .to.emit(coordinator, "RandomWordsRequested")
        .withArgs(
          VRF_KEY_HASH,
          1n,
          100n,
          subId,
          VRF_CONFIRMATIONS,
          VRF_CALLBACK_GAS,
          1n,
          // ExtraArgsV1({nativePayment: false}) behind its tag
          (extra: string) => extra.endsWith("0".repeat(64)) && extra.length === 2 + 8 + 64,
          await vrf.getAddress(),
        );
    });

    it("emits VRFRequestSent with the coordinator's id and the expiry", async function () {
      const { vrf, court } = await loadFixture(withRequester);
      const tx = await vrf.connect(court).request();
      const at = BigInt((await ethers.provider.getBlock(tx.blockNumber!))!.timestamp);
      await expect(tx)
        .to.emit(vrf, "VRFRequestSent")
        .withArgs(1n, 1n, at + VRF_EXPIRY);
      expect(await vrf.expiresAt(1n)).to.equal(at + VRF_EXPIRY);
    });

    it("reverts with NotRequester for any other account", async function () {
      const { vrf, court, other } = await loadFixture(withRequester);
      await expect(vrf.connect(other).request())
        .to.be.revertedWithCustomError(vrf, "NotRequester")
        .withArgs(other.address, court.address);
    });

    it("reverts with NotRequester for everyone while no requester is set", async function () {
      const { vrf, deployer } = await loadFixture(deployVRF);
      await expect(vrf.request())
        .to.be.revertedWithCustomError(vrf, "NotRequester")
        .withArgs(deployer.address, ZeroAddress);
    });
  });

  describe("fulfilment", function () {
    it("makes the request Ready with the coordinator's word, the same on every read", async function () {
      const { vrf, coordinator, court } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      const word = BigInt(keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [1n, 0n])));
      await expect(coordinator.fulfillRandomWords(1n, await vrf.getAddress()))
        .to.emit(vrf, "RandomnessFulfilled")
        .withArgs(1n, word);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Ready);
      expect(await vrf.randomness(1n)).to.equal(word);
      await time.increase(VRF_EXPIRY * 2n);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Ready);
      expect(await vrf.randomness(1n)).to.equal(word);
    });

    it("serves each request its own word when fulfilments arrive out of order", async function () {
      const { vrf, coordinator, court } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      await vrf.connect(court).request();
      const consumer = await vrf.getAddress();
      await coordinator.fulfillRandomWordsWithOverride(2n, consumer, [22n]);
      await coordinator.fulfillRandomWordsWithOverride(1n, consumer, [11n]);
      expect(await vrf.randomness(1n)).to.equal(11n);
      expect(await vrf.randomness(2n)).to.equal(22n);
    });

    it("reports Expired once expirySeconds pass unfulfilled", async function () {
      const { vrf, court } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      await time.increase(VRF_EXPIRY - 2n);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Pending);
      await time.increase(2n);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Expired);
      await expect(vrf.randomness(1n))
        .to.be.revertedWithCustomError(vrf, "RandomnessNotReady")
        .withArgs(1n, RandomnessStatus.Expired);
    });

    it("discards a fulfilment that arrives after expiry: the request stays Expired", async function () {
      const { vrf, coordinator, court } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      await time.increase(VRF_EXPIRY);
      await expect(coordinator.fulfillRandomWordsWithOverride(1n, await vrf.getAddress(), [7n]))
        .to.emit(vrf, "RandomnessDiscarded")
        .withArgs(1n, 1n, RandomnessStatus.Expired);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Expired);
    });

    it("discards a fulfilment of a request it never made, without reverting", async function () {
      const { vrf, coordinator } = await loadFixture(withRequester);
      await expect(fulfilAsCoordinator(coordinator, vrf, 999n, 5n))
        .to.emit(vrf, "RandomnessDiscarded")
        .withArgs(999n, 0n, RandomnessStatus.Unknown);
      expect(await vrf.status(0n)).to.equal(RandomnessStatus.Unknown);
    });

    it("discards a second fulfilment of the same request: the first value stands", async function () {
      const { vrf, coordinator, court } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      const vrfId = await vrfIdOf(vrf, 1n);
      await coordinator.fulfillRandomWordsWithOverride(vrfId, await vrf.getAddress(), [7n]);
      await expect(fulfilAsCoordinator(coordinator, vrf, vrfId, 8n))
        .to.emit(vrf, "RandomnessDiscarded")
        .withArgs(vrfId, 1n, RandomnessStatus.Ready);
      expect(await vrf.randomness(1n)).to.equal(7n);
    });

    it("reverts with OnlyCoordinatorCanFulfill when anyone else calls the callback", async function () {
      const { vrf, coordinator, court, other } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      await expect(vrf.connect(other).rawFulfillRandomWords(1n, [1n]))
        .to.be.revertedWithCustomError(vrf, "OnlyCoordinatorCanFulfill")
        .withArgs(other.address, await coordinator.getAddress());
    });

    it("reports an unknown request id Unknown", async function () {
      const { vrf } = await loadFixture(withRequester);
      expect(await vrf.status(5n)).to.equal(RandomnessStatus.Unknown);
      await expect(vrf.randomness(5n))
        .to.be.revertedWithCustomError(vrf, "RandomnessNotReady")
        .withArgs(5n, RandomnessStatus.Unknown);
    });
  });

  describe("setParameter", function () {
    const cases: {
      name: string;
      value: bigint;
      min: bigint;
      max: bigint;
      read: (v: VRFRandomness) => Promise<bigint>;
    }[] = [
      { name: "callbackGasLimit", value: 200_000n, min: 50_000n, max: 2_500_000n, read: (v) => v.callbackGasLimit() },
      { name: "requestConfirmations", value: 10n, min: 3n, max: 200n, read: (v) => v.requestConfirmations() },
      { name: "expirySeconds", value: 7200n, min: 600n, max: 86_400n, read: (v) => v.expirySeconds() },
    ];
    const initial: Record<string, bigint> = {
      callbackGasLimit: VRF_CALLBACK_GAS,
      requestConfirmations: VRF_CONFIRMATIONS,
      expirySeconds: VRF_EXPIRY,
    };

    for (const c of cases) {
      it(`sets ${c.name} by governance, with ParameterChanged`, async function () {
        const { vrf, governance } = await loadFixture(deployVRF);
        await expect(vrf.connect(governance).setParameter(param(c.name), c.value))
          .to.emit(vrf, "ParameterChanged")
          .withArgs(param(c.name), initial[c.name], c.value);
        expect(await c.read(vrf)).to.equal(c.value);
      });

      for (const bad of [c.min - 1n, c.max + 1n]) {
        it(`reverts with ParameterOutOfBounds for ${c.name} = ${bad}`, async function () {
          const { vrf, governance } = await loadFixture(deployVRF);
          await expect(vrf.connect(governance).setParameter(param(c.name), bad))
            .to.be.revertedWithCustomError(vrf, "ParameterOutOfBounds")
            .withArgs(param(c.name), bad, c.min, c.max);
        });
      }
    }

    it("applies a new expirySeconds to later requests only", async function () {
      const { vrf, governance, court } = await loadFixture(withRequester);
      await vrf.connect(court).request();
      const before = await vrf.expiresAt(1n);
      await vrf.connect(governance).setParameter(param("expirySeconds"), 600n);
      expect(await vrf.expiresAt(1n)).to.equal(before);
      await time.increase(700n);
      expect(await vrf.status(1n)).to.equal(RandomnessStatus.Pending);
    });

    it("reverts with ParameterUnknown for a name it does not govern", async function () {
      const { vrf, governance } = await loadFixture(deployVRF);
      await expect(vrf.connect(governance).setParameter(param("numWords"), 2n))
        .to.be.revertedWithCustomError(vrf, "ParameterUnknown")
        .withArgs(param("numWords"));
    });

    it("reverts with NotGovernance for the deployer", async function () {
      const { vrf, deployer } = await loadFixture(deployVRF);
      await expect(vrf.setParameter(param("callbackGasLimit"), 200_000n))
        .to.be.revertedWithCustomError(vrf, "NotGovernance")
        .withArgs(deployer.address);
    });

    it("checks the same bounds at construction", async function () {
      const { coordinator, governance, subId, vrf } = await loadFixture(deployVRF);
      const factory = await ethers.getContractFactory("VRFRandomness");
      await expect(
        factory.deploy(
          await coordinator.getAddress(),
          governance.address,
          VRF_KEY_HASH,
          subId,
          false,
          10_000n,
          3n,
          3600n,
        ),
      )
        .to.be.revertedWithCustomError(vrf, "ParameterOutOfBounds")
        .withArgs(param("callbackGasLimit"), 10_000n, 50_000n, 2_500_000n);
    });
  });

  describe("views", function () {
    it("reports its key hash, subscription, payment mode and governance", async function () {
      const { vrf, subId, governance } = await loadFixture(deployVRF);
      expect(await vrf.keyHash()).to.equal(VRF_KEY_HASH);
      expect(await vrf.subscriptionId()).to.equal(subId);
      expect(await vrf.nativePayment()).to.equal(false);
      expect(await vrf.governance()).to.equal(governance.address);
    });
  });
});
