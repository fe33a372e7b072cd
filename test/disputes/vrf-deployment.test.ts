import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { keccak256, toUtf8Bytes } from "ethers";
import { NETWORKS } from "../../src/config";
import { ignitionParameters, randomnessChoice } from "../../src/deploy";
import { rideCoopModule } from "../../ignition/modules/RideCoop";
import type { KeyRegistry, VRFCoordinatorV2_5Mock, VRFRandomness } from "../../typechain-types";
import type { Deployment } from "../../src/client/deployment";
import { checkWiring } from "../../src/client/verify";

const KEY_HASH = keccak256(toUtf8Bytes("sepolia lane"));
const SEPOLIA_VARS: Record<string, string> = {
  SEPOLIA_VRF_COORDINATOR: "0x9ddfaca8183c41ad55329bdeed9f6a8d53168b1b",
  SEPOLIA_VRF_KEY_HASH: KEY_HASH,
  SEPOLIA_VRF_SUBSCRIPTION_ID: "12345678901234567890",
};

/** The suite as Ignition deploys it on a public network, on a VRF mock coordinator. */
async function deployVRFSuite() {
  const coordinator = (await ethers.deployContract("VRFCoordinatorV2_5Mock", [
    10n ** 17n,
    10n ** 9n,
    4n * 10n ** 15n,
  ])) as unknown as VRFCoordinatorV2_5Mock;
  const created = await (await coordinator.createSubscription()).wait();
  const subId = coordinator.interface.parseLog(created!.logs[0])!.args.subId as bigint;
  await coordinator.fundSubscription(subId, 1000n * 10n ** 18n);
  const tusd = await ethers.deployContract("TestUSD");
  const source = randomnessChoice(NETWORKS.sepolia, (name) =>
    name === "SEPOLIA_VRF_COORDINATOR"
      ? coordinator.target.toString()
      : name === "SEPOLIA_VRF_SUBSCRIPTION_ID"
        ? subId.toString()
        : SEPOLIA_VARS[name],
  );
  const result = await hre.ignition.deploy(rideCoopModule(source.kind), {
    parameters: {
      RideCoop: { ...ignitionParameters(NETWORKS.hardhat, await tusd.getAddress(), 6), ...source.parameters },
    },
    displayUi: false,
  });
  const vrf = (await ethers.getContractAt(
    "VRFRandomness",
    await result.randomness.getAddress(),
  )) as unknown as VRFRandomness;
  const keys = (await ethers.getContractAt("KeyRegistry", await result.keys.getAddress())) as unknown as KeyRegistry;
  await coordinator.addConsumer(subId, await vrf.getAddress());
  // What `deploy` records, enough for the wiring check (contracts, fare token, deployer, block).
  const address = async (c: { getAddress(): Promise<string> }) => ({ address: await c.getAddress() });
  const deployment = {
    blockNumber: 0,
    deployer: (await ethers.getSigners())[0].address,
    fareToken: await address(tusd),
    contracts: {
      Timelock: await address(result.timelock),
      CoopToken: await address(result.token),
      RideMarket: await address(result.market),
      CoopGovernor: await address(result.governor),
      DisputeCourt: await address(result.court),
      ArbiterPool: await address(result.pool),
      Randomness: await address(result.randomness),
      KeyRegistry: await address(result.keys),
      Forwarder: await address(result.forwarder),
      ParameterRules: await address(result.parameterRules),
    },
  } as unknown as Deployment;
  return {
    coordinator,
    subId,
    vrf,
    keys,
    pool: result.pool,
    court: result.court,
    timelock: result.timelock,
    deployment,
  };
}

describe("Deployment: the arbiter pool's randomness source", function () {
  describe("randomnessChoice", function () {
    it("uses block hashes on local chains and asks for nothing", function () {
      const asked: string[] = [];
      const choice = randomnessChoice(NETWORKS.hardhat, (name) => {
        asked.push(name);
        return undefined;
      });
      expect([choice.kind, choice.parameters, asked]).to.deep.equal(["blockhash", {}, []]);
    });

    it("uses Chainlink VRF on sepolia and baseSepolia, with the network's variables", function () {
      const choice = randomnessChoice(NETWORKS.sepolia, (name) => SEPOLIA_VARS[name]);
      expect(choice.kind).to.equal("vrf");
      expect(choice.parameters).to.deep.equal({
        vrfCoordinator: "0x9DdfaCa8183c41ad55329BdeeD9F6A8d53168B1B",
        vrfKeyHash: KEY_HASH,
        vrfSubscriptionId: 12345678901234567890n,
        vrfNativePayment: false,
        vrfCallbackGasLimit: 100_000,
        vrfRequestConfirmations: 3,
        vrfExpirySeconds: 3600,
      });
      expect(NETWORKS.baseSepolia.disputes.vrf?.varPrefix).to.equal("BASE_SEPOLIA");
    });

    it("names each missing variable and the command that sets it", function () {
      expect(() => randomnessChoice(NETWORKS.baseSepolia, () => undefined)).to.throw(
        "needs BASE_SEPOLIA_VRF_COORDINATOR, BASE_SEPOLIA_VRF_KEY_HASH, BASE_SEPOLIA_VRF_SUBSCRIPTION_ID: run `npx hardhat vars set BASE_SEPOLIA_VRF_COORDINATOR`",
      );
    });

    it("refuses a subscription id that is not a decimal number", function () {
      const bad: Record<string, string> = { ...SEPOLIA_VARS, SEPOLIA_VRF_SUBSCRIPTION_ID: "0xabc" };
      expect(() => randomnessChoice(NETWORKS.sepolia, (name) => bad[name])).to.throw(
        'SEPOLIA_VRF_SUBSCRIPTION_ID is not a decimal subscription id: "0xabc"',
      );
    });

    it("refuses a coordinator that is not an address and a key hash that is not 32 bytes", function () {
      const badAddress: Record<string, string> = { ...SEPOLIA_VARS, SEPOLIA_VRF_COORDINATOR: "coordinator" };
      expect(() => randomnessChoice(NETWORKS.sepolia, (name) => badAddress[name])).to.throw(
        'SEPOLIA_VRF_COORDINATOR is not an address: "coordinator"',
      );
      const badHash: Record<string, string> = { ...SEPOLIA_VARS, SEPOLIA_VRF_KEY_HASH: "0x1234" };
      expect(() => randomnessChoice(NETWORKS.sepolia, (name) => badHash[name])).to.throw(
        'SEPOLIA_VRF_KEY_HASH is not a 32-byte hex key hash: "0x1234"',
      );
    });
  });

  describe("the VRF suite", function () {
    it("makes the arbiter pool (which freezes the draw weights) the adapter's only requester and leaves the deployer no ownership", async function () {
      const { vrf, pool } = await loadFixture(deployVRFSuite);
      expect(await vrf.requester()).to.equal(await pool.getAddress());
      expect(await vrf.owner()).to.equal(await vrf.getAddress());
    });

    it("passes the deployment's wiring check, which confirms the pool as the adapter's requester", async function () {
      const { deployment } = await loadFixture(deployVRFSuite);
      const checks = await checkWiring(deployment, ethers.provider);
      expect(checks.filter((c) => !c.ok)).to.deep.equal([]);
      expect(checks.map((c) => c.what)).to.include.members([
        "arbiter pool randomness source",
        "VRF randomness requester is the arbiter pool",
      ]);
    });

    it("fails the wiring check for an adapter that answers another requester", async function () {
      const { deployment, coordinator, subId, timelock, court } = await loadFixture(deployVRFSuite);
      const other = await ethers.deployContract("VRFRandomness", [
        await coordinator.getAddress(),
        await timelock.getAddress(),
        KEY_HASH,
        subId,
        false,
        100_000,
        3,
        86_400,
      ]);
      await other.setRequester(await court.getAddress());
      const wrong = {
        ...deployment,
        contracts: { ...deployment.contracts, Randomness: { address: await other.getAddress() } },
      } as unknown as Deployment;
      const failed = (await checkWiring(wrong, ethers.provider)).filter((c) => !c.ok);
      expect(failed.find((c) => c.what === "VRF randomness requester is the arbiter pool")).to.deep.include({
        expected: deployment.contracts.ArbiterPool!.address,
        actual: await court.getAddress(),
      });
    });

    it("puts the adapter's parameters under the timelock", async function () {
      const { vrf, timelock, subId } = await loadFixture(deployVRFSuite);
      expect(await vrf.governance()).to.equal(await timelock.getAddress());
      expect([await vrf.subscriptionId(), await vrf.keyHash(), await vrf.callbackGasLimit()]).to.deep.equal([
        subId,
        KEY_HASH,
        100_000n,
      ]);
    });

    it("deploys the KeyRegistry with the suite", async function () {
      const { keys } = await loadFixture(deployVRFSuite);
      const [arbiter] = await ethers.getSigners();
      await keys.connect(arbiter).registerKey(KEY_HASH);
      expect(await keys.keyOf(arbiter.address)).to.equal(KEY_HASH);
    });
  });
});
