import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { getAddress, isAddress, isHexString, parseUnits, type Provider } from "ethers";
import { vars } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HardhatArtifactResolver } from "@nomicfoundation/hardhat-ignition/helpers";
import { listTransactions } from "@nomicfoundation/ignition-core";
import { ERC20Permit__factory } from "../typechain-types";
import { rideCoopModule, TestUSDModule, type RandomnessKind } from "../ignition/modules/RideCoop";
import type { ContractRecord, DeployedContracts, Deployment } from "./client/deployment";
import { deploymentPath, loadDeployment, saveDeployment } from "./node/deployment";
import { verifyWiring, type WiringCheck } from "./client/verify";
import { networkConfig, type NetworkConfig } from "./config";

export interface DeployResult {
  deployment: Deployment;
  /** False when an existing, live deployment was found and nothing was sent. */
  deployed: boolean;
  checks: WiringCheck[];
  file: string;
  notes: string[];
}

/** One Ignition deployment id per network. */
export const ignitionDeploymentId = (network: string): string => `ridecoop-${network}`;

function gitCommit(root: string): string {
  try {
    const commit = execSync("git rev-parse HEAD", { cwd: root, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
    const dirty = execSync("git status --porcelain -- contracts", { cwd: root, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
    return dirty === "" ? commit : `${commit}-dirty`;
  } catch {
    return "unknown";
  }
}

/** Why an existing deployment file no longer matches the chain, or undefined when it does. */
export async function staleReason(d: Deployment, provider: Provider): Promise<string | undefined> {
  const { chainId } = await provider.getNetwork();
  if (Number(chainId) !== d.chainId) return `the file is for chain ${d.chainId}, the node is chain ${chainId}`;
  const block = await provider.getBlock(d.blockNumber);
  if (block === null || block.hash !== d.blockHash)
    return `block ${d.blockNumber} is not the one deployed in (the chain was reset)`;
  for (const [name, record] of Object.entries(d.contracts)) {
    if ((await provider.getCode((record as ContractRecord).address)) === "0x") return `${name} has no code`;
  }
  return undefined;
}

/** Contract address to creation transaction, from the deployer's transactions in [from, to]. */
async function creationTransactions(provider: Provider, deployer: string, from: number, to: number) {
  const byAddress = new Map<string, string>();
  for (let n = from; n <= to; n++) {
    const block = await provider.getBlock(n, true);
    if (block === null) continue;
    for (const tx of block.prefetchedTransactions) {
      if (tx.to !== null || getAddress(tx.from) !== deployer) continue;
      const receipt = await provider.getTransactionReceipt(tx.hash);
      if (receipt?.contractAddress) byAddress.set(getAddress(receipt.contractAddress), tx.hash);
    }
  }
  return byAddress;
}

export function ignitionParameters(config: NetworkConfig, fareToken: string, fareDecimals: number) {
  const fare = (v: string) => parseUnits(v, fareDecimals);
  const m = config.market;
  const g = config.governance;
  return {
    fareToken,
    rideCap: parseUnits(config.rideCap, 18),
    marketParams: {
      feeBps: m.feeBps,
      holdersShareBps: m.holdersShareBps,
      rewardPerToken: parseUnits(m.rewardPerToken, 18),
      gracePeriod: m.gracePeriod,
      pickupWindow: m.pickupWindow,
      noShowWindow: m.noShowWindow,
      confirmWindow: m.confirmWindow,
      rideWindow: m.rideWindow,
    },
    marketAmounts: {
      minStake: fare(m.minStake),
      cancellationFee: fare(m.cancellationFee),
      noShowPenalty: fare(m.noShowPenalty),
    },
    rewardCaps: { pairFareCap: fare(m.pairFareCap), driverFareCap: fare(m.driverFareCap) },
    timelockDelay: g.timelockDelay,
    votingDelay: g.votingDelay,
    votingPeriod: g.votingPeriod,
    proposalThreshold: parseUnits(g.proposalThreshold, 18),
    quorumPercent: g.quorumPercent,
    lateQuorumExtension: g.lateQuorumExtension,
    randomnessDelayBlocks: config.disputes.randomnessDelayBlocks,
    poolParams: {
      drawLock: parseUnits(config.disputes.drawLock, 18),
      slashBps: config.disputes.slashBps,
      unstakeCooldown: config.disputes.unstakeCooldown,
    },
    courtParams: {
      disputeFee: fare(config.disputes.disputeFee),
      arbiterFee: fare(config.disputes.arbiterFee),
      rulingDeadline: config.disputes.rulingDeadline,
      appealWindow: config.disputes.appealWindow,
      appealFeeBase: fare(config.disputes.appealFeeBase),
      appealFeeGrowthBps: config.disputes.appealFeeGrowthBps,
      maxFailedDraws: config.disputes.maxFailedDraws,
    },
  };
}

/**
 * The court's randomness on this network, the one place it is chosen: Chainlink VRF where the
 * network config has `disputes.vrf` (sepolia, baseSepolia), block hashes on local chains. The
 * VRF coordinator, key hash and subscription id come from Hardhat configuration variables, read
 * only here, so local deployments never ask for them.
 */
export function randomnessChoice(
  config: NetworkConfig,
  get: (name: string) => string | undefined = (name) => (vars.has(name) ? vars.get(name) : undefined),
): { kind: RandomnessKind; parameters: Record<string, unknown>; notes: string[] } {
  const vrf = config.disputes.vrf;
  if (vrf === undefined) return { kind: "blockhash", parameters: {}, notes: [] };
  const names = ["COORDINATOR", "KEY_HASH", "SUBSCRIPTION_ID"].map((n) => `${vrf.varPrefix}_VRF_${n}`);
  const [coordinator, keyHash, subscriptionId] = names.map(get);
  const missing = names.filter((_, i) => [coordinator, keyHash, subscriptionId][i] === undefined);
  if (coordinator === undefined || keyHash === undefined || subscriptionId === undefined) {
    throw new Error(
      `the court draws with Chainlink VRF on this network and needs ${missing.join(", ")}: run ` +
        missing.map((v) => `\`npx hardhat vars set ${v}\``).join(", ") +
        " (the coordinator and key hash are on Chainlink's VRF supported-networks page; the subscription is yours, from vrf.chain.link).",
    );
  }
  if (!isAddress(coordinator)) throw new Error(`${names[0]} is not an address: "${coordinator}"`);
  if (!isHexString(keyHash, 32)) throw new Error(`${names[1]} is not a 32-byte hex key hash: "${keyHash}"`);
  if (!/^[0-9]+$/.test(subscriptionId))
    throw new Error(`${names[2]} is not a decimal subscription id: "${subscriptionId}"`);
  return {
    kind: "vrf",
    parameters: {
      vrfCoordinator: getAddress(coordinator),
      vrfKeyHash: keyHash,
      vrfSubscriptionId: BigInt(subscriptionId),
      vrfNativePayment: vrf.nativePayment,
      vrfCallbackGasLimit: vrf.callbackGasLimit,
      vrfRequestConfirmations: vrf.requestConfirmations,
      vrfExpirySeconds: vrf.expirySeconds,
    },
    notes: [
      `randomness: Chainlink VRF v2.5; add the Randomness contract as a consumer of subscription ${subscriptionId} and fund it, or draws expire`,
    ],
  };
}

/** JSON form of the initial parameters: bigints as decimal strings. */
function stringify(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "object" && v !== null) Object.assign(out, stringify(v as Record<string, unknown>));
    else out[k] = String(v);
  }
  return out;
}

/**
 * Deploys the suite with Ignition (or finds the live deployment and does nothing), checks the
 * wiring on chain and writes deployments/<network>.json.
 */
export async function deployRideCoop(
  hre: HardhatRuntimeEnvironment,
  opts: { fresh?: boolean } = {},
): Promise<DeployResult> {
  const root = hre.config.paths.root;
  const network = hre.network.name;
  const config = networkConfig(network);
  const provider = hre.ethers.provider;
  const notes: string[] = [];
  const file = deploymentPath(network, root);
  const deploymentId = ignitionDeploymentId(network);
  const ignitionDir = path.join(hre.config.paths.ignition, "deployments", deploymentId);

  if (fs.existsSync(file) && opts.fresh !== true) {
    const existing = loadDeployment(network, root);
    const stale = await staleReason(existing, provider);
    if (stale === undefined) {
      const checks = await verifyWiring(existing, provider);
      return {
        deployment: existing,
        deployed: false,
        checks,
        file,
        notes: ["already deployed; nothing to do (--fresh redeploys)"],
      };
    }
    if (!config.local) {
      throw new Error(`${path.relative(root, file)} does not match ${network}: ${stale}. Redeploy with --fresh.`);
    }
    notes.push(`the previous local deployment is gone (${stale}): deploying afresh`);
    opts = { ...opts, fresh: true };
  }
  if (opts.fresh === true && fs.existsSync(ignitionDir)) fs.rmSync(ignitionDir, { recursive: true, force: true });

  const [signer] = await hre.ethers.getSigners();
  const deployer = getAddress(signer.address);
  const startBlock = (await provider.getBlockNumber()) + 1;
  const ignition = { deploymentId, displayUi: false };

  let fareAddress: string;
  if (config.fareToken === "TestUSD") {
    const { testUSD } = await hre.ignition.deploy(TestUSDModule, ignition);
    fareAddress = getAddress(await testUSD.getAddress());
  } else {
    fareAddress = getAddress(config.fareToken.address);
  }
  const fare = ERC20Permit__factory.connect(fareAddress, provider);
  const [fareSymbol, fareDecimals] = await Promise.all([fare.symbol(), fare.decimals()]);
  const parameters = ignitionParameters(config, fareAddress, Number(fareDecimals));
  const source = randomnessChoice(config);
  notes.push(...source.notes);
  const result = await hre.ignition.deploy(rideCoopModule(source.kind), {
    ...ignition,
    parameters: { RideCoop: { ...parameters, ...source.parameters } },
  });
  const endBlock = await provider.getBlockNumber();

  const creations = await creationTransactions(provider, deployer, startBlock, endBlock);
  // A resumed Ignition deployment sent some transactions in an earlier run: its journal knows them.
  if (fs.existsSync(ignitionDir)) {
    for (const t of await listTransactions(ignitionDir, new HardhatArtifactResolver(hre))) {
      if (t.address !== undefined && t.status === "SUCCESS") creations.set(getAddress(t.address), t.txHash);
    }
  }
  const record = async (c: { getAddress(): Promise<string> }): Promise<ContractRecord> => {
    const address = getAddress(await c.getAddress());
    return { address, transactionHash: creations.get(address) ?? "0x" + "0".repeat(64) };
  };
  const contracts: DeployedContracts = {
    ...(config.fareToken === "TestUSD" ? { TestUSD: await record({ getAddress: async () => fareAddress }) } : {}),
    Timelock: await record(result.timelock),
    CoopToken: await record(result.token),
    RideMarket: await record(result.market),
    CoopGovernor: await record(result.governor),
    DisputeCourt: await record(result.court),
    ArbiterPool: await record(result.pool),
    Randomness: await record(result.randomness),
    KeyRegistry: await record(result.keys),
    Forwarder: await record(result.forwarder),
    ParameterRules: await record(result.parameterRules),
  };
  const firstBlock = Math.min(
    ...(await Promise.all(
      Object.values(contracts).map(
        async (r: ContractRecord) =>
          (await provider.getTransactionReceipt(r.transactionHash))?.blockNumber ?? startBlock,
      ),
    )),
  );
  const block = await provider.getBlock(firstBlock);
  if (block === null || block.hash === null) throw new Error(`block ${firstBlock} not found`);
  const deployment: Deployment = {
    schema: 1,
    network,
    chainId: Number((await provider.getNetwork()).chainId),
    blockNumber: firstBlock,
    blockHash: block.hash,
    commit: gitCommit(root),
    deployedAt: new Date(block.timestamp * 1000).toISOString(),
    deployer,
    ignitionDeploymentId: deploymentId,
    fareToken: { address: fareAddress, symbol: fareSymbol, decimals: Number(fareDecimals) },
    rideToken: { address: contracts.CoopToken.address, symbol: "RIDE", decimals: 18 },
    contracts,
    parameters: {
      market: stringify({ ...parameters.marketParams, ...parameters.marketAmounts, ...parameters.rewardCaps }),
      governance: stringify({
        timelockDelay: parameters.timelockDelay,
        votingDelay: parameters.votingDelay,
        votingPeriod: parameters.votingPeriod,
        proposalThreshold: parameters.proposalThreshold,
        quorumPercent: parameters.quorumPercent,
        lateQuorumExtension: parameters.lateQuorumExtension,
      }),
      rideCap: parameters.rideCap.toString(),
      disputes: stringify({
        randomnessDelayBlocks: parameters.randomnessDelayBlocks,
        ...parameters.poolParams,
        ...parameters.courtParams,
      }),
    },
  };
  for (const [name, r] of Object.entries(contracts)) {
    if (
      !/^0x[0-9a-f]{64}$/.test((r as ContractRecord).transactionHash) ||
      /^0x0+$/.test((r as ContractRecord).transactionHash)
    ) {
      throw new Error(`no creation transaction found for ${name} in blocks ${startBlock}..${endBlock}`);
    }
  }
  const checks = await verifyWiring(deployment, provider);
  saveDeployment(deployment, root);
  return { deployment, deployed: true, checks, file, notes };
}
