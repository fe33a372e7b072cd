import { isAddress, isHexString } from "ethers";

/** Where a contract came from: its address and the transaction that created it. */
export interface ContractRecord {
  address: string;
  transactionHash: string;
}

/** The contracts of the suite; optional ones join as their branches do (court, pool, randomness). */
export interface DeployedContracts {
  /** Only on local chains; on testnets the fare token is a configured address. */
  TestUSD?: ContractRecord;
  Timelock: ContractRecord;
  CoopToken: ContractRecord;
  RideMarket: ContractRecord;
  CoopGovernor: ContractRecord;
  DisputeCourt?: ContractRecord;
  ArbiterPool?: ContractRecord;
  Randomness?: ContractRecord;
  /** x25519 keys for sealed dispute evidence. */
  KeyRegistry?: ContractRecord;
  /** The ERC-2771 forwarder every user-facing contract trusts (gasless requests). */
  Forwarder?: ContractRecord;
  /** The market's parameter rules, an external library linked into RideMarket. */
  ParameterRules?: ContractRecord;
}

/** Amounts are decimal strings of the smallest unit (JSON has no bigint). */
export interface InitialParameters {
  market: Record<string, string>;
  governance: Record<string, string>;
  rideCap: string;
  disputes?: Record<string, string>;
}

/**
 * deployments/<network>.json: the one file every script and task reads. Reading and writing the
 * file is Node-only and lives in src/node/deployment.ts; this module only checks its shape.
 */
export interface Deployment {
  schema: 1;
  network: string;
  chainId: number;
  /** The block of the first deployment transaction: event queries start here. */
  blockNumber: number;
  /** Its hash: a restarted local node has another one, so the file is known to be stale. */
  blockHash: string;
  /** git commit the contracts were compiled from ("unknown" outside a checkout). */
  commit: string;
  deployedAt: string;
  deployer: string;
  ignitionDeploymentId: string;
  fareToken: { address: string; symbol: string; decimals: number };
  rideToken: { address: string; symbol: string; decimals: number };
  contracts: DeployedContracts;
  parameters: InitialParameters;
}

export class DeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentError";
  }
}

function fail(file: string, what: string): never {
  throw new DeploymentError(`${file}: ${what}. Redeploy with \`npx hardhat deploy --network <name> --fresh\`.`);
}

function checkRecord(file: string, name: string, value: unknown, optional: boolean): void {
  if (value === undefined && optional) return;
  const r = value as Partial<ContractRecord> | undefined;
  if (r === undefined || typeof r.address !== "string" || !isAddress(r.address)) {
    fail(file, `contracts.${name}.address is missing or not an address`);
  }
  if (typeof r.transactionHash !== "string" || !isHexString(r.transactionHash, 32)) {
    fail(file, `contracts.${name}.transactionHash is missing or not a transaction hash`);
  }
}

/** Checks the shape of a parsed deployment file; throws with the first field that is wrong. */
export function validateDeployment(value: unknown, file = "deployment"): Deployment {
  if (typeof value !== "object" || value === null) fail(file, "not a JSON object");
  const d = value as Partial<Deployment>;
  if (d.schema !== 1) fail(file, `schema ${String(d.schema)} is not 1`);
  if (typeof d.network !== "string") fail(file, "network is missing");
  if (typeof d.chainId !== "number") fail(file, "chainId is missing");
  if (typeof d.blockNumber !== "number") fail(file, "blockNumber is missing");
  if (typeof d.blockHash !== "string" || !isHexString(d.blockHash, 32)) fail(file, "blockHash is missing");
  if (typeof d.deployer !== "string" || !isAddress(d.deployer)) fail(file, "deployer is missing");
  for (const token of ["fareToken", "rideToken"] as const) {
    const t = d[token];
    if (t === undefined || !isAddress(t.address) || typeof t.symbol !== "string" || typeof t.decimals !== "number") {
      fail(file, `${token} must have address, symbol and decimals`);
    }
  }
  const c = d.contracts;
  if (c === undefined) fail(file, "contracts is missing");
  for (const name of ["Timelock", "CoopToken", "RideMarket", "CoopGovernor"] as const) {
    checkRecord(file, name, c[name], false);
  }
  for (const name of [
    "TestUSD",
    "DisputeCourt",
    "ArbiterPool",
    "Randomness",
    "KeyRegistry",
    "Forwarder",
    "ParameterRules",
  ] as const) {
    checkRecord(file, name, c[name], true);
  }
  if (d.parameters === undefined) fail(file, "parameters is missing");
  return d as Deployment;
}

/**
 * Checks that `deployment` lives on the chain `provider` talks to: the same chain id, and the
 * deployment's first block with the same hash (a restarted local node starts empty and mines
 * other blocks). `redeploy` says how to deploy again, for the command line at hand.
 */
export async function checkDeploymentChain(
  deployment: Deployment,
  provider: {
    getNetwork(): Promise<{ chainId: bigint }>;
    getBlock(n: number): Promise<{ hash: string | null } | null>;
  },
  redeploy = `npx hardhat deploy --network ${deployment.network}`,
): Promise<void> {
  const file = `deployments/${deployment.network}.json`;
  const [net, block] = await Promise.all([provider.getNetwork(), provider.getBlock(deployment.blockNumber)]);
  if (net.chainId !== BigInt(deployment.chainId)) {
    throw new DeploymentError(
      `${file} is for chain ${deployment.chainId}, but the node answers as chain ${net.chainId}. Point at the chain it was deployed to, or deploy there: \`${redeploy}\`.`,
    );
  }
  if (block === null || block.hash !== deployment.blockHash) {
    const short = (h: string) => `${h.slice(0, 10)}…`;
    throw new DeploymentError(
      `${file} does not belong to this chain: its block ${deployment.blockNumber} is ${short(deployment.blockHash)} in the file but ${block?.hash == null ? "not there" : short(block.hash)} on the node (a restarted local node starts empty). Redeploy: \`${redeploy}\`.`,
    );
  }
}
