// The client of a deployment: contracts, sending, reading, events and formatting. The role
// modules (account, rider, driver, reads, parties, arbiter, keeper, voter) add their methods to it.
import type { ContractTransactionResponse, Log, Provider, Signer } from "ethers";
import {
  ArbiterPool__factory,
  BlockhashRandomness__factory,
  DisputeCourt__factory,
  KeyRegistry__factory,
  type ArbiterPool,
  type BlockhashRandomness,
  type KeyRegistry,
  type DisputeCourt,
  CoopGovernor__factory,
  CoopToken__factory,
  TimelockController__factory,
  type CoopGovernor,
  type TimelockController,
  ERC20Permit__factory,
  RideMarket__factory,
  type CoopToken,
  type ERC20Permit,
  type RideMarket,
} from "./contracts";
import type { TypedContractEvent, TypedDeferredTopicFilter, TypedEventLog } from "../../typechain-types/common";
import { DeploymentError, type Deployment } from "./deployment";
import { signPermit } from "./signatures";
import { RelayedSigner } from "./relay";
import { explainError, type ErrorContext } from "./errors";
import { formatAmount, formatTime, parseAmount, type TokenUnit } from "./format";
import type { EvidenceKey } from "./sealed";
import type { TxResult } from "./types";
import { accountOps, type AccountOps } from "./account";
import { riderOps, type RiderOps } from "./rider";
import { driverOps, type DriverOps } from "./driver";
import { readOps, type ReadOps } from "./reads";
import { disputePartyOps, type DisputePartyOps } from "./parties";
import { arbiterOps, type ArbiterOps } from "./arbiter";
import { keeperOps, type KeeperOps } from "./keeper";
import { voterOps, type VoterOps } from "./voter";

export * from "./types";
export { workTarget } from "./keeper";
export { describeEvidence } from "./parties";
export { withProposerSuffix } from "./voter";

export interface RideCoopClient
  extends AccountOps, RiderOps, DriverOps, ReadOps, DisputePartyOps, ArbiterOps, KeeperOps, VoterOps {}

/**
 * The one typed client of a RideCoop deployment: the operations of every role with bigint
 * amounts, event queries, and errors decoded into sentences. Tasks, scripts, the simulation
 * and the tests all go through it.
 */
export class RideCoopClient {
  readonly market: RideMarket;
  readonly token: CoopToken;
  readonly fare: ERC20Permit;
  readonly governor: CoopGovernor;
  readonly timelock: TimelockController;
  readonly provider: Provider;
  readonly fareUnit: TokenUnit;
  readonly rideUnit: TokenUnit;
  /** @internal */
  readonly logChunk: number;
  /** @internal */
  readonly disputes?: { court: DisputeCourt; pool: ArbiterPool; randomness: BlockhashRandomness };
  /** @internal */
  readonly keyRegistry?: KeyRegistry;
  /**
   * The latest block this client mined a transaction in: event queries reach at least that far,
   * even when a provider answers the block number from a short cache.
   * @internal
   */
  lastMined = 0;
  /** @internal */
  evidenceKeyCache?: Promise<EvidenceKey>;

  constructor(
    readonly deployment: Deployment,
    readonly signer: Signer,
    options: { logChunk?: number } = {},
  ) {
    if (signer.provider === null) throw new Error("the signer has no provider");
    this.provider = signer.provider;
    this.market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, signer);
    this.token = CoopToken__factory.connect(deployment.contracts.CoopToken.address, signer);
    this.fare = ERC20Permit__factory.connect(deployment.fareToken.address, signer);
    this.governor = CoopGovernor__factory.connect(deployment.contracts.CoopGovernor.address, signer);
    this.timelock = TimelockController__factory.connect(deployment.contracts.Timelock.address, signer);
    this.fareUnit = { symbol: deployment.fareToken.symbol, decimals: deployment.fareToken.decimals };
    this.rideUnit = { symbol: deployment.rideToken.symbol, decimals: deployment.rideToken.decimals };
    this.logChunk = options.logChunk ?? 1_000_000;
    const c = deployment.contracts;
    if (c.DisputeCourt !== undefined && c.ArbiterPool !== undefined && c.Randomness !== undefined) {
      this.disputes = {
        court: DisputeCourt__factory.connect(c.DisputeCourt.address, signer),
        pool: ArbiterPool__factory.connect(c.ArbiterPool.address, signer),
        // IRandomness; BlockhashRandomness adds targetBlock, read only on local chains.
        randomness: BlockhashRandomness__factory.connect(c.Randomness.address, signer),
      };
    }
    if (c.KeyRegistry !== undefined) this.keyRegistry = KeyRegistry__factory.connect(c.KeyRegistry.address, signer);
  }

  /** The registry of evidence keys; a deployment without one is an error that says how to get one. */
  get keys(): KeyRegistry {
    if (this.keyRegistry === undefined) {
      throw new DeploymentError(
        `the deployment on ${this.deployment.network} has no KeyRegistry for sealed evidence. Redeploy with \`npx hardhat deploy --network ${this.deployment.network} --fresh\`.`,
      );
    }
    return this.keyRegistry;
  }

  /** The dispute court; a deployment without one is an error that says how to get one. */
  get court(): DisputeCourt {
    return this.requireDisputes().court;
  }

  get pool(): ArbiterPool {
    return this.requireDisputes().pool;
  }

  get randomness(): BlockhashRandomness {
    return this.requireDisputes().randomness;
  }

  get hasCourt(): boolean {
    return this.disputes !== undefined;
  }

  /** @internal */
  requireDisputes(): { court: DisputeCourt; pool: ArbiterPool; randomness: BlockhashRandomness } {
    if (this.disputes === undefined) {
      throw new DeploymentError(
        `the deployment on ${this.deployment.network} has no dispute court. Redeploy with \`npx hardhat deploy --network ${this.deployment.network} --fresh\`.`,
      );
    }
    return this.disputes;
  }

  /** The same deployment seen by another account. */
  as(signer: Signer): RideCoopClient {
    return new RideCoopClient(this.deployment, signer, { logChunk: this.logChunk });
  }

  async address(): Promise<string> {
    return this.signer.getAddress();
  }

  /** The latest block's timestamp: deadlines are judged by the chain's clock, not the local one. */
  async now(): Promise<bigint> {
    const block = await this.provider.getBlock("latest");
    if (block === null) throw new Error("the node returned no latest block");
    return BigInt(block.timestamp);
  }

  // ------------------------------------------------------------------ formatting

  formatFare(amount: bigint): string {
    return formatAmount(amount, this.fareUnit);
  }

  formatRide(amount: bigint): string {
    return formatAmount(amount, this.rideUnit);
  }

  parseFare(text: string, flag = "amount"): bigint {
    return parseAmount(text, this.fareUnit, flag);
  }

  /**
   * How errors show amounts and times; `err` is the failure being explained, which tells an
   * ERC-20 error's token when it can (see errorToken).
   */
  errorContext(now?: bigint, err?: unknown): ErrorContext {
    const token = err === undefined ? undefined : errorToken(err, this.deployment);
    return {
      fare: (a) => this.formatFare(a),
      ride: (a) => this.formatRide(a),
      time: (t) => (now === undefined ? new Date(Number(t) * 1000).toISOString() : formatTime(t, now)),
      token: token === undefined ? undefined : (a) => (token === "ride" ? this.formatRide(a) : this.formatFare(a)),
    };
  }

  /**
   * Sends a transaction and waits for it; any revert (in gas estimation or on chain) becomes a
   * RideCoopError "<ErrorName>: <sentence>. Hint: <what to do>."
   */
  async send(label: string, call: () => Promise<ContractTransactionResponse>): Promise<TxResult> {
    try {
      const tx = await call();
      const receipt = await tx.wait();
      if (receipt === null) throw new Error(`${label}: transaction ${tx.hash} was dropped`);
      if (receipt.blockNumber > this.lastMined) this.lastMined = receipt.blockNumber;
      return { label, hash: receipt.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, receipt };
    } catch (err) {
      throw explainError(err, this.errorContext(await this.now().catch(() => undefined), err));
    }
  }

  /** Runs a view call with errors decoded the same way. */
  async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw explainError(err, this.errorContext(undefined, err));
    }
  }

  // ------------------------------------------------------------------ events

  /** Typed logs of one event, from the deployment block, in chunks the RPC accepts. */
  async events<E extends TypedContractEvent>(
    filter: TypedDeferredTopicFilter<E>,
    contract: { queryFilter(f: TypedDeferredTopicFilter<E>, from?: number, to?: number): Promise<TypedEventLog<E>[]> },
    fromBlock = this.deployment.blockNumber,
  ): Promise<TypedEventLog<E>[]> {
    const latest = Math.max(await this.provider.getBlockNumber(), this.lastMined);
    const out: TypedEventLog<E>[] = [];
    for (let from = fromBlock; from <= latest; from += this.logChunk) {
      const to = Math.min(latest, from + this.logChunk - 1);
      out.push(...(await contract.queryFilter(filter, from, to)));
    }
    return out;
  }

  /**
   * The first block at or after `timestamp` (binary search: about log2(blocks) reads), so a
   * query for what can still be live never scans the whole history.
   */
  async firstBlockSince(timestamp: bigint): Promise<number> {
    let lo = this.deployment.blockNumber;
    let hi = await this.provider.getBlockNumber();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const block = await this.provider.getBlock(mid);
      if (block === null) throw new Error(`the node returned no block ${mid}`);
      if (BigInt(block.timestamp) < timestamp) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Raw market logs matching `topics` (OR lists allowed), in chunks, from `fromBlock`. */
  /** @internal */
  async rawLogs(topics: (string | string[] | null)[], fromBlock = this.deployment.blockNumber): Promise<Log[]> {
    const latest = Math.max(await this.provider.getBlockNumber(), this.lastMined);
    const address = this.deployment.contracts.RideMarket.address;
    const out: Log[] = [];
    for (let from = fromBlock; from <= latest; from += this.logChunk) {
      const toBlock = Math.min(latest, from + this.logChunk - 1);
      out.push(...(await this.provider.getLogs({ address, topics, fromBlock: from, toBlock })));
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /** @internal */
  async approveMarket(amount: bigint): Promise<TxResult> {
    const spender = await this.market.getAddress();
    return this.send("approve", () => this.fare.approve(spender, amount));
  }

  /**
   * Makes sure `spender` may pull `amount` of `token` (the fare token or RIDE) from this account:
   * nothing when the allowance suffices; through a relayer (a `RelayedSigner`), an EIP-2612 permit
   * the relayer submits (`POST /permit`: the fare token does not trust the forwarder, and a 0-ETH
   * account cannot send `approve`); directly, `approve` as always.
   * @internal
   */
  async allow(token: "fare" | "ride", spender: string, amount: bigint, what: string): Promise<TxResult | undefined> {
    const contract = token === "fare" ? this.fare : this.token;
    const owner = await this.address();
    if ((await contract.allowance(owner, spender)) >= amount) return undefined;
    if (!(this.signer instanceof RelayedSigner)) {
      return this.send(what === "" ? "approve" : `approve ${what}`, () => contract.approve(spender, amount));
    }
    // An hour from the chain's clock: the relayer sends it at once.
    const deadline = (await this.now()) + 3600n;
    const { v, r, s } = await signPermit(contract, this.signer, spender, amount, deadline);
    return this.send(what === "" ? "permit" : `permit ${what}`, () =>
      contract.permit(owner, spender, amount, deadline, v, r, s),
    );
  }

  /** An EIP-2612 permit for the market to pull `value`; the domain is read from the token. */
  /** @internal */
  async signPermit(value: bigint, deadline: bigint): Promise<{ deadline: bigint; v: number; r: string; s: string }> {
    const { v, r, s } = await signPermit(this.fare, this.signer, await this.market.getAddress(), value, deadline);
    return { deadline, v, r, s };
  }

  /** Argument `index` of the first `event` the market emitted in `tx`. */
  /** @internal */
  eventArg(tx: TxResult, event: string, index: number): bigint | undefined {
    for (const log of tx.receipt.logs) {
      const parsed = this.market.interface.parseLog(log);
      if (parsed?.name === event) return parsed.args[index] as bigint;
    }
    return undefined;
  }
}

Object.assign(
  RideCoopClient.prototype,
  accountOps,
  riderOps,
  driverOps,
  readOps,
  disputePartyOps,
  arbiterOps,
  keeperOps,
  voterOps,
);

/**
 * Which token an ERC-20 error came from. Hardhat's in-process network gives the Solidity stack
 * trace: the contract that reverted is its last frame. Over JSON-RPC, the transaction's target
 * tells: RIDE for the token and the arbiter pool (which pulls RIDE), the fare token otherwise.
 */
function errorToken(err: unknown, deployment: Deployment): "fare" | "ride" | undefined {
  const o = err as { stackTrace?: unknown; transaction?: { to?: unknown } } | null;
  if (Array.isArray(o?.stackTrace)) {
    const frames = o.stackTrace as { sourceReference?: { contract?: unknown } }[];
    const last = frames.filter((f) => typeof f.sourceReference?.contract === "string").at(-1);
    if (last !== undefined) return last.sourceReference?.contract === "CoopToken" ? "ride" : "fare";
  }
  const to = o?.transaction?.to;
  if (typeof to !== "string") return undefined;
  const c = deployment.contracts;
  const rideTargets = [c.CoopToken.address, c.ArbiterPool?.address].filter((x) => x !== undefined);
  return rideTargets.some((x) => x.toLowerCase() === to.toLowerCase()) ? "ride" : "fare";
}
