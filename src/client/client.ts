import {
  encodeBytes32String,
  getAddress,
  id,
  hexlify,
  randomBytes,
  ZeroAddress,
  ZeroHash,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Log,
  type Provider,
  type Signer,
} from "ethers";
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
  TestUSD__factory,
  type CoopToken,
  type ERC20Permit,
  type RideMarket,
  type TestUSD,
} from "../../typechain-types";
import type { TypedContractEvent, TypedDeferredTopicFilter, TypedEventLog } from "../../typechain-types/common";
import type { IRideMarket } from "../../typechain-types/contracts/market/RideMarket";
import { areaTopic, areaWithNeighbours, bytes6ToCell, cellToBytes6, routeCommitment } from "../geo";
import { DeploymentError, type Deployment } from "./deployment";
import { signBallot, signPermit } from "./signatures";
import {
  DISPUTE_OUTCOMES,
  DISPUTE_STATUSES,
  ClientStateError,
  explainError,
  POOL_PHASES,
  RANDOMNESS_STATUSES,
  RIDE_STATES,
  type DisputeOutcomeName,
  type DisputeStatusName,
  type ErrorContext,
  type RandomnessStatusName,
  type RideStateName,
} from "./errors";
import { formatAmount, formatTime, parseAmount, type TokenUnit } from "./format";
import type { Place } from "./location";
import { MARKET_PARAMETERS, type ParamChange } from "./params";
import type { RideSecret } from "./rides-store";
import {
  decodeReveal,
  deriveEvidenceKey,
  encodeReveal,
  envelopeUri,
  parseEnvelope,
  revealMatches,
  seal,
  unseal,
  type EvidenceKey,
  type RouteReveal,
  type SealedBox,
} from "./sealed";

/** A mined transaction as a person (and --json) sees it. */
export interface TxResult {
  label: string;
  hash: string;
  gasUsed: bigint;
  blockNumber: number;
  receipt: ContractTransactionReceipt;
}

/** An open request seen by a driver. */
export interface OpenRequest {
  rideId: bigint;
  rider: string;
  pickupCell: string;
  dropoffCell: string;
  maxFare: bigint;
  expiresAt: bigint;
  minRating: number;
  driver: string;
}

/** A live offer on a ride. */
export interface LiveOffer {
  rideId: bigint;
  driver: string;
  fare: bigint;
  expiresAt: bigint;
  ratingX100: bigint;
  ratings: bigint;
}

/** Who may do what next on a ride, and from when. */
export interface NextAction {
  who: "rider" | "driver" | "anyone" | "either party";
  action: string;
  task: string;
  from?: bigint;
  until?: bigint;
}

export interface RideView {
  rideId: bigint;
  state: RideStateName;
  rider: string;
  driver: string;
  fare: bigint;
  feeBps: number;
  arrived: boolean;
  riderRated: boolean;
  driverRated: boolean;
  stamp: bigint;
  now: bigint;
  deadlines: Record<string, bigint>;
  next: NextAction[];
}

/** What the keeper found due, with the call that settles it. */
export interface DueWork {
  kind:
    | "expire"
    | "finalize"
    | "driver-no-show"
    | "rider-no-show"
    | "abandoned"
    | "draw"
    | "timeout-ruling"
    | "execute-ruling"
    | string;
  rideId?: bigint;
  disputeId?: bigint;
  dueSince: bigint;
  run: () => Promise<ContractTransactionResponse>;
}

export interface Balances {
  account: string;
  fareToken: bigint;
  credit: bigint;
  stake: bigint;
  registered: boolean;
  openRides: number;
  activeRide: bigint;
  ride: bigint;
  votes: bigint;
  delegate: string;
  rewardsAccrued: bigint;
  revenueClaimable: bigint;
  ratingX100: bigint;
  ratings: bigint;
  /** Fare-token credit in the dispute court (fee refunds, arbiter fees). */
  courtCredit: bigint;
  /** RIDE staked in the arbiter pool, and RIDE credited by slashes. */
  arbiterStake: bigint;
  arbiterCredit: bigint;
}

/** One piece of ERC-1497 style evidence: a URI and the keccak256 of what it points to. */
export interface EvidenceInput {
  uri: string;
  hash: string;
}

export interface EvidenceItem extends EvidenceInput {
  party: string;
  /** A sealed route reveal: the panel round it was sealed for and the arbiters it can reach. */
  sealed?: { round: number; recipients: string[] };
  /**
   * For a sealed reveal addressed to the reader: true when it opened with the reader's key and
   * its points and salt hash to the ride's on-chain commitment; false otherwise (see `problem`).
   * Undefined for other evidence and for reveals sealed to others.
   */
  revealVerified?: boolean;
  /** The opened reveal (only the reader sees it, and only when it opened). */
  reveal?: RouteReveal;
  /** Why an addressed reveal is unverified. */
  problem?: string;
}

/** Where a sealed route reveal went: the seats it reached and those without a registered key. */
export interface SealedRevealResult {
  round: number;
  sealedTo: string[];
  /** Seated arbiters without a key in the KeyRegistry: they cannot read it (arbiter:register-key). */
  missingKey: string[];
  tx: TxResult;
}

export interface DisputeView {
  disputeId: bigint;
  status: DisputeStatusName;
  outcome?: DisputeOutcomeName;
  rider: string;
  driver: string;
  fare: bigint;
  openedByRider: boolean;
  round: number;
  failedDraws: number;
  /** The round's ruling while Ruled, the final split when Resolved. */
  riderBps: number;
  /** The ruling deadline while Voting, the appeal deadline while Ruled. */
  deadline: bigint;
  randomness: RandomnessStatusName;
  proposal?: { proposer: string; riderBps: number };
  seats: { arbiter: string; locked: bigint; riderBps: number; voted: boolean }[];
  evidence: EvidenceItem[];
  now: bigint;
}

/** A seat the caller holds and must rule on. */
export interface ArbiterDuty {
  disputeId: bigint;
  round: number;
  seat: number;
  rider: string;
  driver: string;
  fare: bigint;
  deadline: bigint;
  locked: bigint;
  evidence: EvidenceItem[];
  proposal?: { proposer: string; riderBps: number };
}

export interface ArbiterStatus {
  account: string;
  stake: bigint;
  locked: bigint;
  free: bigint;
  unstaking: bigint;
  unstakeAt: bigint;
  weight: bigint;
  totalWeight: bigint;
  drawLock: bigint;
  credit: bigint;
}

export interface RequestInput {
  pickup: Place;
  dropoff: Place;
  maxFare: bigint;
  /** Seconds from now until the request expires. */
  ttl: number;
  /** Minimum driver rating x100 (450 = 4.5), 0 for any. */
  minRating?: number;
  driver?: string;
}

export interface RequestResult {
  rideId: bigint;
  salt: string;
  commitment: string;
  usedPermit: boolean;
  txs: TxResult[];
}

/** The calls of a governance proposal. */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
}

export interface ProposalView extends Proposal {
  proposalId: bigint;
  proposer: string;
  description: string;
  state: string;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
  votes: { for: bigint; against: bigint; abstain: bigint };
}

/** IGovernor.ProposalState, in order. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

const ARRIVED = 1;
const RIDER_RATED = 2;
const DRIVER_RATED = 4;

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
  private readonly logChunk: number;
  private readonly disputes?: { court: DisputeCourt; pool: ArbiterPool; randomness: BlockhashRandomness };
  private readonly keyRegistry?: KeyRegistry;
  private evidenceKeyCache?: Promise<EvidenceKey>;

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

  private requireDisputes(): { court: DisputeCourt; pool: ArbiterPool; randomness: BlockhashRandomness } {
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

  errorContext(now?: bigint): ErrorContext {
    return {
      fare: (a) => this.formatFare(a),
      ride: (a) => this.formatRide(a),
      time: (t) => (now === undefined ? new Date(Number(t) * 1000).toISOString() : formatTime(t, now)),
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
      return { label, hash: receipt.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, receipt };
    } catch (err) {
      throw explainError(err, this.errorContext(await this.now().catch(() => undefined)));
    }
  }

  /** Runs a view call with errors decoded the same way. */
  async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw explainError(err, this.errorContext());
    }
  }

  // ------------------------------------------------------------------ events

  /** Typed logs of one event, from the deployment block, in chunks the RPC accepts. */
  async events<E extends TypedContractEvent>(
    filter: TypedDeferredTopicFilter<E>,
    contract: { queryFilter(f: TypedDeferredTopicFilter<E>, from?: number, to?: number): Promise<TypedEventLog<E>[]> },
    fromBlock = this.deployment.blockNumber,
  ): Promise<TypedEventLog<E>[]> {
    const latest = await this.provider.getBlockNumber();
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
  private async rawLogs(topics: (string | string[] | null)[], fromBlock = this.deployment.blockNumber): Promise<Log[]> {
    const latest = await this.provider.getBlockNumber();
    const address = this.deployment.contracts.RideMarket.address;
    const out: Log[] = [];
    for (let from = fromBlock; from <= latest; from += this.logChunk) {
      const toBlock = Math.min(latest, from + this.logChunk - 1);
      out.push(...(await this.provider.getLogs({ address, topics, fromBlock: from, toBlock })));
    }
    return out;
  }

  // ------------------------------------------------------------------ anyone

  /** Draws `amount` from TestUSD's faucet (local chains only). */
  async faucet(amount: bigint): Promise<TxResult> {
    if (this.deployment.contracts.TestUSD === undefined) {
      throw new ClientStateError(`the fare token on ${this.deployment.network} is not TestUSD: there is no faucet`);
    }
    const tusd: TestUSD = TestUSD__factory.connect(this.deployment.contracts.TestUSD.address, this.signer);
    return this.send("faucet", () => tusd.faucet(amount));
  }

  async balances(account?: string): Promise<Balances> {
    const who = account === undefined ? await this.address() : getAddress(account);
    const [
      fareToken,
      credit,
      acc,
      ride,
      votes,
      delegate,
      rewards,
      revenue,
      [avg, count],
      courtCredit,
      arbiter,
      arbiterCredit,
    ] = await Promise.all([
      this.fare.balanceOf(who),
      this.market.creditOf(who),
      this.market.getAccount(who),
      this.token.balanceOf(who),
      this.token.getVotes(who),
      this.token.delegates(who),
      this.market.rewardsOf(who),
      this.token.claimableRevenue(who),
      this.market.averageRating(who),
      this.hasCourt ? this.court.creditOf(who) : 0n,
      this.hasCourt ? this.pool.arbiterOf(who).then((a) => a.stake) : 0n,
      this.hasCourt ? this.pool.creditOf(who) : 0n,
    ]);
    return {
      account: who,
      fareToken,
      credit,
      stake: acc.stake,
      registered: acc.registered,
      openRides: Number(acc.openRides),
      activeRide: acc.activeRide,
      ride,
      votes,
      delegate,
      rewardsAccrued: rewards.accrued,
      revenueClaimable: revenue,
      ratingX100: avg,
      ratings: count,
      courtCredit,
      arbiterStake: arbiter,
      arbiterCredit,
    };
  }

  /**
   * Withdraws the market credit, the court credit (fee refunds, arbiter fees), and claims the
   * RIDE holders' fee revenue and any RIDE slash credit, to `to`.
   */
  async withdraw(to?: string): Promise<TxResult[]> {
    const me = await this.address();
    const dest = to === undefined ? me : getAddress(to);
    const txs: TxResult[] = [];
    const [credit, revenue, courtCredit, poolCredit] = await Promise.all([
      this.market.creditOf(me),
      this.token.claimableRevenue(me),
      this.hasCourt ? this.court.creditOf(me) : 0n,
      this.hasCourt ? this.pool.creditOf(me) : 0n,
    ]);
    if (credit === 0n && revenue === 0n && courtCredit === 0n && poolCredit === 0n) {
      // Let the contract say it, with its error and hint.
      txs.push(await this.send("withdraw", () => this.market.withdraw(dest)));
    }
    if (credit > 0n) txs.push(await this.send("withdraw", () => this.market.withdraw(dest)));
    if (courtCredit > 0n) txs.push(await this.send("withdraw court credit", () => this.court.withdraw(dest)));
    if (revenue > 0n) txs.push(await this.send("claim revenue", () => this.token.claimRevenue(dest)));
    if (poolCredit > 0n) txs.push(await this.send("claim RIDE credit", () => this.pool.claimCredit(dest)));
    return txs;
  }

  // ------------------------------------------------------------------ rider

  /**
   * Posts a request with the fare escrowed. When the allowance is short and the token has
   * EIP-2612, a permit signature replaces the approve transaction.
   */
  async requestRide(input: RequestInput): Promise<RequestResult> {
    const me = await this.address();
    const salt = hexlify(randomBytes(32));
    const commitment = routeCommitment(input.pickup.point, input.dropoff.point, salt);
    const now = await this.now();
    const request: IRideMarket.RideRequestStruct = {
      pickupCell: cellToBytes6(input.pickup.cell),
      dropoffCell: cellToBytes6(input.dropoff.cell),
      commitment,
      maxFare: input.maxFare,
      expiresAt: now + BigInt(input.ttl),
      minRating: input.minRating ?? 0,
      driver: input.driver === undefined ? ZeroAddress : getAddress(input.driver),
    };
    const rideId = (await this.market.totals()).nextRideId;
    const txs: TxResult[] = [];
    const allowance = await this.fare.allowance(me, await this.market.getAddress());
    let usedPermit = false;
    if (allowance >= input.maxFare) {
      txs.push(await this.send("request ride", () => this.market.requestRide(request)));
    } else {
      const permit = await this.signPermit(input.maxFare, now + 3600n).catch(() => undefined);
      if (permit !== undefined) {
        usedPermit = true;
        txs.push(
          await this.send("request ride (with permit)", () =>
            this.market.requestRideWithPermit(request, permit.deadline, permit.v, permit.r, permit.s),
          ),
        );
      } else {
        txs.push(await this.approveMarket(input.maxFare));
        txs.push(await this.send("request ride", () => this.market.requestRide(request)));
      }
    }
    const id = this.eventArg(txs[txs.length - 1], "RideRequested", 0) ?? rideId;
    return { rideId: id, salt, commitment, usedPermit, txs };
  }

  /** The live offers on a ride (latest per driver, not expired), cheapest first. */
  async offers(rideId: bigint): Promise<LiveOffer[]> {
    const logs = await this.events(this.market.filters.OfferMade(rideId), this.market);
    const drivers = [...new Set(logs.map((l) => l.args.driver))];
    const now = await this.now();
    const out: LiveOffer[] = [];
    for (const driver of drivers) {
      const [offer, [avg, count]] = await Promise.all([
        this.market.getOffer(rideId, driver),
        this.market.averageRating(driver),
      ]);
      if (offer.expiresAt >= now && offer.fare > 0n) {
        out.push({ rideId, driver, fare: offer.fare, expiresAt: offer.expiresAt, ratingX100: avg, ratings: count });
      }
    }
    return out.sort((a, b) => (a.fare < b.fare ? -1 : a.fare > b.fare ? 1 : 0));
  }

  /** Takes `driver`'s offer; `fare` pins the price agreed to (default: the offer as read now). */
  async acceptOffer(rideId: bigint, driver: string, fare?: bigint): Promise<TxResult> {
    const d = getAddress(driver);
    const agreed = fare ?? (await this.market.getOffer(rideId, d)).fare;
    return this.send("accept offer", () => this.market.acceptOffer(rideId, d, agreed));
  }

  /**
   * The rider cancels. An accepted ride whose driver missed the pickup window is cancelled as
   * a driver no-show (full refund plus the penalty) rather than with the cancellation fee.
   */
  async cancel(rideId: bigint): Promise<TxResult> {
    const [ride, params, now] = await Promise.all([this.market.getRide(rideId), this.market.parameters(), this.now()]);
    const state = RIDE_STATES[Number(ride.state)];
    const arrived = (Number(ride.flags) & ARRIVED) !== 0;
    if (state === "Accepted" && !arrived && now > ride.stamp + params[0].pickupWindow) {
      return this.send("cancel (driver no-show)", () => this.market.cancelDriverNoShow(rideId));
    }
    return this.send("cancel", () => this.market.cancelRide(rideId));
  }

  async confirm(rideId: bigint, rating: number): Promise<TxResult> {
    return this.send("confirm", () => this.market.confirmRide(rideId, rating));
  }

  async rate(rideId: bigint, rating: number): Promise<TxResult> {
    return this.send("rate", () => this.market.rate(rideId, rating));
  }

  // ------------------------------------------------------------------ driver

  /** Registers with `stake` (approving the market first if needed). */
  async registerDriver(stake: bigint): Promise<TxResult[]> {
    const txs: TxResult[] = [];
    const allowance = await this.fare.allowance(await this.address(), await this.market.getAddress());
    if (allowance < stake) txs.push(await this.approveMarket(stake));
    txs.push(await this.send("register driver", () => this.market.registerDriver(stake)));
    return txs;
  }

  async addStake(amount: bigint): Promise<TxResult[]> {
    const txs: TxResult[] = [];
    const allowance = await this.fare.allowance(await this.address(), await this.market.getAddress());
    if (allowance < amount) txs.push(await this.approveMarket(amount));
    txs.push(await this.send("add stake", () => this.market.addStake(amount)));
    return txs;
  }

  /** Withdraws `amount` of stake, or with `all` deregisters and takes the whole stake back. */
  async unstake(amount: bigint | "all"): Promise<TxResult> {
    if (amount === "all") return this.send("deregister", () => this.market.deregisterDriver());
    return this.send("withdraw stake", () => this.market.withdrawStake(amount));
  }

  /** Open, unexpired requests whose pickup lies in `cell`'s area or one of its eight neighbours. */
  async openRequestsNear(cell: string): Promise<OpenRequest[]> {
    const areas = areaWithNeighbours(cell).map(areaTopic);
    const topic = this.market.interface.getEvent("RideRequested").topicHash;
    const now = await this.now();
    // A request lives at most MAX_REQUEST_TTL: older logs cannot be open.
    const since = await this.firstBlockSince(now - (await this.market.MAX_REQUEST_TTL()));
    const logs = await this.rawLogs([topic, null, null, areas], since);
    const out: OpenRequest[] = [];
    for (const log of logs) {
      const parsed = this.market.interface.parseLog(log);
      if (parsed === null) continue;
      const rideId = parsed.args.getValue("rideId") as bigint;
      const ride = await this.market.getRide(rideId);
      if (RIDE_STATES[Number(ride.state)] !== "Requested" || ride.stamp < now) continue;
      out.push({
        rideId,
        rider: parsed.args.getValue("rider") as string,
        pickupCell: bytes6ToCell(parsed.args.getValue("pickupCell") as string),
        dropoffCell: bytes6ToCell(parsed.args.getValue("dropoffCell") as string),
        maxFare: ride.fare,
        expiresAt: ride.stamp,
        minRating: Number(ride.minRating),
        driver: ride.driver,
      });
    }
    return out;
  }

  /** Accepts at the rider's fare; `fare` pins it (default: the escrow as read now). */
  async accept(rideId: bigint, fare?: bigint): Promise<TxResult> {
    const agreed = fare ?? (await this.market.getRide(rideId)).fare;
    return this.send("accept", () => this.market.acceptRide(rideId, agreed));
  }

  /** Offers to drive for `fare` for `ttl` seconds (capped at the request's own expiry). */
  async offer(rideId: bigint, fare: bigint, ttl: number): Promise<TxResult> {
    const [ride, now] = await Promise.all([this.market.getRide(rideId), this.now()]);
    const wanted = now + BigInt(ttl);
    const expiresAt = ride.stamp > 0n && wanted > ride.stamp ? ride.stamp : wanted;
    return this.send("offer", () => this.market.makeOffer(rideId, fare, expiresAt));
  }

  async arrived(rideId: bigint): Promise<TxResult> {
    return this.send("arrived", () => this.market.markArrived(rideId));
  }

  async pickup(rideId: bigint): Promise<TxResult> {
    return this.send("pickup", () => this.market.startRide(rideId));
  }

  async complete(rideId: bigint): Promise<TxResult> {
    return this.send("complete", () => this.market.completeRide(rideId));
  }

  /** The driver cancels after waiting the no-show window for a rider who did not come. */
  async riderNoShow(rideId: bigint): Promise<TxResult> {
    return this.send("cancel (rider no-show)", () => this.market.cancelRiderNoShow(rideId));
  }

  async claimRewards(): Promise<TxResult> {
    return this.send("claim rewards", () => this.market.claimRewards());
  }

  // ------------------------------------------------------------------ ride view

  /** A ride's state, parties, fare, deadlines, and what each party can do next. */
  async showRide(rideId: bigint): Promise<RideView> {
    const [ride, [params], now, keeperDelay] = await Promise.all([
      this.market.getRide(rideId),
      this.market.parameters(),
      this.now(),
      this.market.KEEPER_DELAY(),
    ]);
    const state = RIDE_STATES[Number(ride.state)];
    if (state === "None") {
      throw explainError(
        { data: this.market.interface.encodeErrorResult("RideUnknown", [rideId]) },
        this.errorContext(now),
      );
    }
    const flags = Number(ride.flags);
    const arrived = (flags & ARRIVED) !== 0;
    const s = ride.stamp;
    const deadlines: Record<string, bigint> = {};
    const next: NextAction[] = [];
    const id = `--ride ${rideId}`;
    switch (state) {
      case "Requested":
        deadlines.expiresAt = s;
        next.push({ who: "driver", action: "accept or make an offer", task: `driver:accept ${id}`, until: s });
        next.push({ who: "rider", action: "accept an offer", task: `rider:offers ${id}`, until: s });
        next.push({ who: "rider", action: "cancel (full refund)", task: `rider:cancel ${id}` });
        next.push({ who: "anyone", action: "expire (refund to the rider)", task: "keeper:run", from: s + 1n });
        break;
      case "Accepted":
        if (!arrived) {
          deadlines.freeCancelUntil = s + params.gracePeriod;
          deadlines.pickupBy = s + params.pickupWindow;
          next.push({
            who: "driver",
            action: "mark arrival",
            task: `driver:arrived ${id}`,
            until: s + params.pickupWindow,
          });
          next.push({
            who: "rider",
            action: "cancel after the pickup window (driver no-show: refund and penalty)",
            task: `rider:cancel ${id}`,
            from: s + params.pickupWindow + 1n,
          });
          next.push({
            who: "anyone",
            action: "cancel as a driver no-show",
            task: "keeper:run",
            from: s + params.pickupWindow + keeperDelay + 1n,
          });
        } else {
          // While arrived, minRating holds the seconds from acceptance to arrival.
          const graceEnd = s - ride.minRating + params.gracePeriod;
          const noticeEnd = s + (await this.market.ARRIVAL_NOTICE());
          const freeUntil = graceEnd < noticeEnd ? graceEnd : noticeEnd;
          if (freeUntil >= s) deadlines.freeCancelUntil = freeUntil;
          deadlines.riderNoShowAt = s + params.noShowWindow;
          next.push({
            who: "driver",
            action: "cancel as a rider no-show",
            task: `driver:no-show ${id}`,
            from: s + params.noShowWindow + 1n,
          });
          next.push({
            who: "anyone",
            action: "cancel as a rider no-show",
            task: "keeper:run",
            from: s + params.noShowWindow + keeperDelay + 1n,
          });
        }
        next.push({ who: "driver", action: "pick up", task: `driver:pickup ${id}` });
        next.push({ who: "rider", action: "cancel", task: `rider:cancel ${id}` });
        next.push({ who: "either party", action: "open a dispute", task: `ride:dispute ${id}` });
        break;
      case "Started":
        deadlines.completeBy = s + params.rideWindow;
        next.push({ who: "rider", action: "confirm and rate", task: `rider:confirm ${id} --rating 5` });
        next.push({ who: "driver", action: "mark completion", task: `driver:complete ${id}` });
        next.push({ who: "either party", action: "open a dispute", task: `ride:dispute ${id}` });
        next.push({
          who: "anyone",
          action: "refund the abandoned ride",
          task: "keeper:run",
          from: s + params.rideWindow + 1n,
        });
        break;
      case "Completed":
        deadlines.confirmBy = s + params.confirmWindow;
        next.push({
          who: "rider",
          action: "confirm and rate",
          task: `rider:confirm ${id} --rating 5`,
          until: s + params.confirmWindow,
        });
        next.push({ who: "either party", action: "open a dispute", task: `ride:dispute ${id}` });
        next.push({
          who: "anyone",
          action: "finalize (pay the driver)",
          task: "keeper:run",
          from: s + params.confirmWindow + 1n,
        });
        break;
      case "Finalized":
        if ((flags & RIDER_RATED) === 0)
          next.push({ who: "rider", action: "rate the driver", task: `ride:rate ${id}` });
        if ((flags & DRIVER_RATED) === 0)
          next.push({ who: "driver", action: "rate the rider", task: `ride:rate ${id}` });
        break;
      case "Disputed":
        next.push({
          who: "either party",
          action: "settle together or await the arbiter",
          task: `ride:settle --dispute ${rideId} --split <rider %>`,
        });
        next.push({ who: "anyone", action: "follow the dispute", task: `dispute:show --dispute ${rideId}` });
        break;
      default:
        break;
    }
    return {
      rideId,
      state,
      rider: ride.rider,
      driver: ride.driver,
      fare: ride.fare,
      feeBps: Number(ride.feeBps),
      arrived,
      riderRated: (flags & RIDER_RATED) !== 0,
      driverRated: (flags & DRIVER_RATED) !== 0,
      stamp: s,
      now,
      deadlines,
      next,
    };
  }

  // ------------------------------------------------------------------ disputes: parties

  /** The commitment posted with the request, from its RideRequested event. */
  async rideCommitment(rideId: bigint): Promise<string | undefined> {
    const logs = await this.events(this.market.filters.RideRequested(rideId), this.market);
    return logs[0]?.args.commitment;
  }

  /**
   * Opens a dispute on `rideId`, paying the dispute fee (approving the court when the allowance
   * is short), then posts each piece of evidence. A dispute's id is its ride's id.
   */
  async openDispute(
    rideId: bigint,
    evidence: EvidenceInput[] = [],
  ): Promise<{ disputeId: bigint; fee: bigint; txs: TxResult[] }> {
    const court = this.court;
    const [fee, allowance] = await Promise.all([
      court.parameters().then((p) => p.disputeFee),
      this.fare.allowance(await this.address(), await court.getAddress()),
    ]);
    const txs: TxResult[] = [];
    if (allowance < fee)
      txs.push(await this.send("approve court", async () => this.fare.approve(await court.getAddress(), fee)));
    txs.push(await this.send("open dispute", () => court.openDispute(rideId)));
    for (const item of evidence) txs.push(await this.submitEvidence(rideId, item));
    return { disputeId: rideId, fee, txs };
  }

  async submitEvidence(disputeId: bigint, evidence: EvidenceInput): Promise<TxResult> {
    return this.send("evidence", () => this.court.submitEvidence(disputeId, evidence.uri, evidence.hash));
  }

  /**
   * Settles on `riderBps` of the fare to the rider: accepts when the other party's standing
   * proposal is the same split (a different one reverts with SettlementMismatch), proposes
   * otherwise. `counter` proposes even over the other party's proposal.
   */
  async settle(
    disputeId: bigint,
    riderBps: number,
    counter = false,
  ): Promise<{ action: "proposed" | "accepted"; tx: TxResult }> {
    const [proposal, me] = await Promise.all([this.court.getProposal(disputeId), this.address()]);
    const theirs = proposal.proposer !== ZeroAddress && getAddress(proposal.proposer) !== me;
    if (theirs && !counter) {
      return {
        action: "accepted",
        tx: await this.send("accept settlement", () => this.court.acceptSettlement(disputeId, riderBps)),
      };
    }
    return {
      action: "proposed",
      tx: await this.send("propose settlement", () => this.court.proposeSettlement(disputeId, riderBps)),
    };
  }

  /** The losing party appeals the round's ruling, paying the next round's appeal fee. */
  async appeal(disputeId: bigint): Promise<{ fee: bigint; txs: TxResult[] }> {
    const court = this.court;
    const d = await this.read(() => court.getDispute(disputeId));
    const fee = await this.read(() => court.appealFee(disputeId, Number(d.round) + 1));
    const txs: TxResult[] = [];
    const allowance = await this.fare.allowance(await this.address(), await court.getAddress());
    if (allowance < fee)
      txs.push(await this.send("approve court", async () => this.fare.approve(await court.getAddress(), fee)));
    txs.push(await this.send("appeal", () => court.appeal(disputeId, fee)));
    return { fee, txs };
  }

  // ------------------------------------------------------------------ sealed evidence

  /** This account's evidence key, derived from its signature over a fixed message (never stored). */
  async evidenceKey(): Promise<EvidenceKey> {
    this.evidenceKeyCache ??= (async () =>
      deriveEvidenceKey(this.signer, (await this.provider.getNetwork()).chainId, await this.keys.getAddress()))();
    return this.evidenceKeyCache;
  }

  /** Registers this account's evidence key in the KeyRegistry (nothing is sent when it is already there). */
  async registerEvidenceKey(): Promise<{ publicKey: string; tx?: TxResult }> {
    const [{ publicKey }, me] = await Promise.all([this.evidenceKey(), this.address()]);
    if ((await this.keys.keyOf(me)) === publicKey) return { publicKey };
    return { publicKey, tx: await this.send("register evidence key", () => this.keys.registerKey(publicKey)) };
  }

  /**
   * Seals the rider's exact route to each arbiter seated in the dispute's current round (with
   * `court.getSeat`) and posts the boxes as one piece of evidence whose hash is the ride's
   * commitment: only that commitment and ciphertext go on chain. Run it once the panel is
   * seated (Voting), and again after an appeal seats a new panel.
   */
  async revealRouteToPanel(disputeId: bigint, secret: RideSecret): Promise<SealedRevealResult> {
    const court = this.court;
    const commitment = await this.rideCommitment(disputeId);
    const reveal: RouteReveal = {
      type: "ridecoop/route-reveal",
      rideId: secret.rideId,
      pickup: secret.pickup,
      dropoff: secret.dropoff,
      salt: secret.salt,
    };
    if (!revealMatches(reveal, disputeId, commitment)) {
      throw new ClientStateError(
        `the kept route of ride ${secret.rideId} does not hash to ride ${disputeId}'s commitment ${commitment ?? "(none)"}: it is for another ride or deployment`,
      );
    }
    const d = await this.read(() => court.getDispute(disputeId));
    const status = DISPUTE_STATUSES[Number(d.status)];
    if (status !== "Voting") {
      throw new ClientStateError(
        `dispute ${disputeId} is ${status}: its panel is not seated, so there is nobody to seal the route to yet; reveal once it is Voting (dispute:show --dispute ${disputeId})`,
      );
    }
    const round = Number(d.round);
    const size = Number(await court.panelSize(round));
    const seats = await Promise.all(Array.from({ length: size }, (_, s) => court.getSeat(disputeId, round, s)));
    const arbiters = [...new Set(seats.map((s) => getAddress(s.arbiter)).filter((a) => a !== ZeroAddress))];
    const plaintext = encodeReveal(reveal);
    const boxes: SealedBox[] = [];
    const missingKey: string[] = [];
    for (const arbiter of arbiters) {
      const key = await this.keys.keyOf(arbiter);
      if (key === ZeroHash) missingKey.push(arbiter);
      else boxes.push({ to: arbiter, key, box: seal(key, plaintext) });
    }
    if (boxes.length === 0) {
      throw new ClientStateError(
        `no arbiter seated in dispute ${disputeId} has registered an evidence key, so the route cannot be sealed to anyone; ask them to run arbiter:register-key, then reveal again`,
      );
    }
    const uri = envelopeUri({ type: "ridecoop/sealed-route-reveal", v: 1, rideId: disputeId.toString(), round, boxes });
    const tx = await this.submitEvidence(disputeId, { uri, hash: commitment! });
    return { round, sealedTo: boxes.map((b) => b.to), missingKey, tx };
  }

  /**
   * Evidence posted in a dispute. A sealed reveal addressed to this account is opened with its
   * evidence key and checked against the ride's on-chain commitment (not against the hash its
   * poster chose); reveals sealed to others stay closed.
   */
  async evidence(disputeId: bigint): Promise<EvidenceItem[]> {
    const logs = await this.events(this.court.filters.Evidence(disputeId), this.court);
    const me = await this.address();
    let commitment: Promise<string | undefined> | undefined;
    const out: EvidenceItem[] = [];
    for (const l of logs) {
      const item: EvidenceItem = { party: l.args.party, uri: l.args.uri, hash: l.args.hash };
      const envelope = parseEnvelope(l.args.uri);
      if (envelope !== undefined) {
        item.sealed = { round: envelope.round, recipients: envelope.boxes.map((b) => b.to) };
        const mine = envelope.boxes.find((b) => b.to.toLowerCase() === me.toLowerCase());
        if (mine !== undefined) {
          commitment ??= this.rideCommitment(disputeId);
          Object.assign(item, await this.openBox(mine, disputeId, await commitment));
        }
      }
      out.push(item);
    }
    return out;
  }

  private async openBox(
    box: SealedBox,
    disputeId: bigint,
    commitment: string | undefined,
  ): Promise<Pick<EvidenceItem, "revealVerified" | "reveal" | "problem">> {
    const key = await this.evidenceKey();
    if (box.key !== key.publicKey) {
      return {
        revealVerified: false,
        problem: `it was sealed to key ${box.key}, not to your current key ${key.publicKey}`,
      };
    }
    let reveal: RouteReveal | undefined;
    try {
      reveal = decodeReveal(unseal(key.secret, box.box));
    } catch {
      return { revealVerified: false, problem: "the box does not open with your key: it was altered" };
    }
    if (reveal === undefined) return { revealVerified: false, problem: "the box holds no route reveal" };
    if (!revealMatches(reveal, disputeId, commitment)) {
      return { revealVerified: false, reveal, problem: "the revealed route does not match the ride's commitment" };
    }
    return { revealVerified: true, reveal };
  }

  /** A dispute: status, parties, panel, proposal, evidence, deadline. */
  async showDispute(disputeId: bigint): Promise<DisputeView> {
    const court = this.court;
    const [d, proposal, now] = await Promise.all([
      court.getDispute(disputeId),
      court.getProposal(disputeId),
      this.now(),
    ]);
    if (d.rider === ZeroAddress) {
      throw explainError(
        { data: court.interface.encodeErrorResult("DisputeUnknown", [disputeId]) },
        this.errorContext(now),
      );
    }
    const round = Number(d.round);
    const size = Number(await court.panelSize(round));
    const seats = await Promise.all(Array.from({ length: size }, (_, s) => court.getSeat(disputeId, round, s)));
    const status = DISPUTE_STATUSES[Number(d.status)];
    const [randomness, evidence, resolved] = await Promise.all([
      this.drawRandomness(d.drawEpoch),
      this.evidence(disputeId),
      status === "Resolved" ? this.events(court.filters.DisputeResolved(disputeId), court) : Promise.resolve([]),
    ]);
    return {
      disputeId,
      status,
      outcome: resolved.length > 0 ? DISPUTE_OUTCOMES[Number(resolved[0].args.outcome)] : undefined,
      rider: d.rider,
      driver: d.driver,
      fare: d.fare,
      openedByRider: d.openedByRider,
      round,
      failedDraws: Number(d.failedDraws),
      riderBps: Number(d.riderBps),
      deadline: d.deadline,
      randomness,
      proposal:
        proposal.proposer === ZeroAddress
          ? undefined
          : { proposer: proposal.proposer, riderBps: Number(proposal.riderBps) },
      seats: seats
        .filter((s) => s.arbiter !== ZeroAddress)
        .map((s) => ({ arbiter: s.arbiter, locked: s.locked, riderBps: Number(s.riderBps), voted: s.voted })),
      evidence,
      now,
    };
  }

  // ------------------------------------------------------------------ disputes: arbiters

  /** Stakes `amount` RIDE in the arbiter pool (approving the pool when the allowance is short). */
  async stakeArbiter(amount: bigint): Promise<TxResult[]> {
    const pool = this.pool;
    const spender = await pool.getAddress();
    const txs: TxResult[] = [];
    if ((await this.token.allowance(await this.address(), spender)) < amount) {
      txs.push(await this.send("approve pool", () => this.token.approve(spender, amount)));
    }
    txs.push(await this.send("stake", () => pool.stake(amount)));
    return txs;
  }

  /** Asks `amount` of the free stake back: it leaves the draw now, and is withdrawable after the cooldown. */
  async requestUnstake(amount: bigint): Promise<TxResult> {
    return this.send("request unstake", () => this.pool.requestUnstake(amount));
  }

  /** Withdraws the stake asked back, once the cooldown passed. */
  async withdrawUnstaked(to?: string): Promise<TxResult> {
    const dest = to === undefined ? await this.address() : getAddress(to);
    return this.send("withdraw unstaked", () => this.pool.withdrawUnstaked(dest));
  }

  async arbiterStatus(account?: string): Promise<ArbiterStatus> {
    const who = account === undefined ? await this.address() : getAddress(account);
    const [a, [weight, totalWeight], params, credit] = await Promise.all([
      this.pool.arbiterOf(who),
      this.pool.weightOf(who),
      this.pool.parameters(),
      this.pool.creditOf(who),
    ]);
    return {
      account: who,
      stake: a.stake,
      locked: a.locked,
      free: a.stake - a.locked,
      unstaking: a.unstaking,
      unstakeAt: a.unstakeAt,
      weight,
      totalWeight,
      drawLock: params.drawLock,
      credit,
    };
  }

  /**
   * The seats the caller holds in panels that are ruling now and has not voted in, from its
   * ArbiterDrawn events (indexed by arbiter), with each dispute's evidence and deadline.
   */
  async arbiterDuties(account?: string): Promise<ArbiterDuty[]> {
    const court = this.court;
    const who = account === undefined ? await this.address() : getAddress(account);
    const drawn = await this.events(court.filters.ArbiterDrawn(undefined, undefined, undefined, who), court);
    const out: ArbiterDuty[] = [];
    const seen = new Set<string>();
    for (const l of drawn) {
      const { disputeId, round, seat } = l.args;
      const key = `${disputeId}/${round}/${seat}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [d, s] = await Promise.all([court.getDispute(disputeId), court.getSeat(disputeId, round, seat)]);
      if (DISPUTE_STATUSES[Number(d.status)] !== "Voting" || d.round !== round) continue;
      if (getAddress(s.arbiter) !== who || s.voted) continue;
      const [evidence, proposal] = await Promise.all([this.evidence(disputeId), court.getProposal(disputeId)]);
      out.push({
        disputeId,
        round: Number(round),
        seat: Number(seat),
        rider: d.rider,
        driver: d.driver,
        fare: d.fare,
        deadline: d.deadline,
        locked: s.locked,
        evidence,
        proposal:
          proposal.proposer === ZeroAddress
            ? undefined
            : { proposer: proposal.proposer, riderBps: Number(proposal.riderBps) },
      });
    }
    return out.sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0));
  }

  /** A seated arbiter rules `riderBps` of the fare to the rider. */
  async rule(disputeId: bigint, riderBps: number): Promise<TxResult> {
    return this.send("rule", () => this.court.rule(disputeId, riderBps));
  }

  // ------------------------------------------------------------------ disputes: keeper

  /**
   * Where the random value for a draw in pool epoch `epoch` stands: Ready once that epoch is
   * Drawing (or past: the draw then counts as failed and is re-queued), the epoch's request
   * status while Generating, Pending before.
   */
  private async drawRandomness(epoch: bigint): Promise<RandomnessStatusName> {
    const p = await this.pool.phaseState();
    if (p.epoch > epoch || (p.epoch === epoch && POOL_PHASES[Number(p.phase)] !== "Generating")) return "Ready";
    if (p.epoch === epoch) return RANDOMNESS_STATUSES[Number(await this.randomness.status(p.requestId))];
    return "Pending";
  }

  /** Whether a draw for pool epoch `epoch` can be made (Drawing) or fails (the epoch passed). */
  private async drawDue(epoch: bigint): Promise<boolean> {
    const p = await this.pool.phaseState();
    return p.epoch > epoch || (p.epoch === epoch && POOL_PHASES[Number(p.phase)] !== "Generating");
  }

  /** Anyone moves the arbiter pool to its next phase (Staking, Generating, Drawing). */
  async passPoolPhase(): Promise<TxResult> {
    return this.send("pass pool phase", () => this.pool.passPhase());
  }

  /** Pool work: a phase that may pass now (a static call says so), and delayed stake changes. */
  private async duePoolWork(now: bigint): Promise<DueWork[]> {
    const pool = this.pool;
    const work: DueWork[] = [];
    const passable = await pool.passPhase.staticCall().then(
      () => true,
      () => false,
    );
    if (passable) work.push({ kind: "pass-phase", dueSince: now, run: () => pool.passPhase() });
    const p = await pool.phaseState();
    if (POOL_PHASES[Number(p.phase)] !== "Staking") return work;
    const delayed = await this.events(pool.filters.StakeChangeDelayed(), pool);
    const seen = new Set<string>();
    for (const l of delayed) {
      const who = l.args.arbiter;
      if (seen.has(who)) continue;
      seen.add(who);
      const stale = await pool.applyDelayed.staticCall(who).then(
        () => true,
        () => false,
      );
      if (stale) work.push({ kind: "apply-delayed", dueSince: now, run: () => pool.applyDelayed(who) });
    }
    return work;
  }

  /** Disputes opened since the deployment and not yet resolved, from the court's events. */
  private async openDisputeIds(): Promise<bigint[]> {
    const court = this.court;
    const [opened, resolved] = await Promise.all([
      this.events(court.filters.DisputeOpened(), court),
      this.events(court.filters.DisputeResolved(), court),
    ]);
    const closed = new Set(resolved.map((l) => l.args.disputeId));
    return opened.map((l) => l.args.disputeId).filter((id) => !closed.has(id));
  }

  /** Dispute work a deadline or the randomness made due: draws, silent panels, executable rulings. */
  async dueDisputeWork(): Promise<DueWork[]> {
    if (!this.hasCourt) return [];
    const court = this.court;
    const [ids, now] = await Promise.all([this.openDisputeIds(), this.now()]);
    const work: DueWork[] = [];
    for (const disputeId of ids) {
      const d = await court.getDispute(disputeId);
      const status = DISPUTE_STATUSES[Number(d.status)];
      if (status === "Drawing") {
        // Ready: the dispute's epoch is Drawing, or passed (the draw then counts as failed).
        if (await this.drawDue(d.drawEpoch)) {
          work.push({ kind: "draw", disputeId, dueSince: now, run: () => court.drawArbiters(disputeId) });
        }
      } else if (status === "Voting" && now > d.deadline) {
        work.push({
          kind: "timeout-ruling",
          disputeId,
          dueSince: d.deadline,
          run: () => court.timeoutRuling(disputeId),
        });
      } else if (status === "Ruled" && (d.round >= 2n || now > d.deadline)) {
        work.push({
          kind: "execute-ruling",
          disputeId,
          dueSince: d.deadline,
          run: () => court.executeRuling(disputeId),
        });
      }
    }
    // Draws first, then the pool's phase (a Drawing phase passes once its draws are done).
    work.push(...(await this.duePoolWork(now)));
    return work;
  }

  /**
   * Seconds before the pool's Staking phase may end for a queued draw (0: it may now, or
   * nothing is queued, or the pool is not Staking). Local chains advance time by it.
   */
  async secondsUntilPoolPhase(): Promise<number> {
    if (!this.hasCourt) return 0;
    const pool = this.pool;
    const [p, now, minStaking] = await Promise.all([pool.phaseState(), this.now(), pool.MIN_STAKING_TIME()]);
    if (POOL_PHASES[Number(p.phase)] !== "Staking" || (await pool.drawsDue(p.epoch + 1n)) === 0n) return 0;
    const readyAt = p.startedAt + minStaking;
    return readyAt > now ? Number(readyAt - now) : 0;
  }

  /**
   * Blocks to mine before the pool's pending epoch randomness is ready (BlockhashRandomness:
   * its target block must be mined). Local chains only: a public chain mines by itself.
   */
  async blocksUntilRandomness(): Promise<number> {
    if (!this.hasCourt) return 0;
    const [p, latest] = await Promise.all([this.pool.phaseState(), this.provider.getBlockNumber()]);
    if (POOL_PHASES[Number(p.phase)] !== "Generating") return 0;
    if (RANDOMNESS_STATUSES[Number(await this.randomness.status(p.requestId))] !== "Pending") return 0;
    const target = Number(await this.randomness.targetBlock(p.requestId));
    return Math.max(0, target - latest + 1);
  }

  // ------------------------------------------------------------------ keeper

  /**
   * Work a deadline has made due, found from events: expired requests, rides past the
   * confirmation window, no-shows past the keeper delay, abandoned rides,
   * and the disputes' draws, silent panels and executable rulings (court events).
   */
  async dueWork(): Promise<DueWork[]> {
    const m = this.market;
    const [requested, ended, [params], now, keeperDelay] = await Promise.all([
      this.events(m.filters.RideRequested(), m),
      Promise.all([
        this.events(m.filters.RideCancelled(), m),
        this.events(m.filters.RideFinalized(), m),
        this.events(m.filters.RideResolved(), m),
      ]),
      m.parameters(),
      this.now(),
      m.KEEPER_DELAY(),
    ]);
    const closed = new Set(ended.flat().map((l) => l.args.rideId));
    const open = requested.map((l) => l.args.rideId).filter((id) => !closed.has(id));
    const work: DueWork[] = [];
    for (const rideId of open) {
      const ride = await m.getRide(rideId);
      const state = RIDE_STATES[Number(ride.state)];
      const s = ride.stamp;
      const arrived = (Number(ride.flags) & ARRIVED) !== 0;
      const add = (kind: DueWork["kind"], dueSince: bigint, run: () => Promise<ContractTransactionResponse>) => {
        if (now > dueSince) work.push({ kind, rideId, dueSince, run });
      };
      if (state === "Requested") add("expire", s, () => m.expireRequest(rideId));
      else if (state === "Completed") add("finalize", s + params.confirmWindow, () => m.finalizeRide(rideId));
      else if (state === "Started") add("abandoned", s + params.rideWindow, () => m.reclaimAbandoned(rideId));
      else if (state === "Accepted" && !arrived) {
        add("driver-no-show", s + params.pickupWindow + keeperDelay, () => m.cancelDriverNoShow(rideId));
      } else if (state === "Accepted" && arrived) {
        add("rider-no-show", s + params.noShowWindow + keeperDelay, () => m.cancelRiderNoShow(rideId));
      }
    }
    work.push(...(await this.dueDisputeWork()));
    return work;
  }

  /** Does each piece of due work; one that someone else did first is reported, not fatal. */
  async runDueWork(work: DueWork[]): Promise<{ work: DueWork; tx?: TxResult; error?: string }[]> {
    const out: { work: DueWork; tx?: TxResult; error?: string }[] = [];
    for (const w of work) {
      try {
        out.push({
          work: w,
          tx: await this.send(`${w.kind}${workTarget(w)}`, w.run),
        });
      } catch (err) {
        out.push({ work: w, error: (err as Error).message });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ voter

  /** Delegates the caller's RIDE votes to `to` (default: itself). */
  async delegate(to?: string): Promise<TxResult> {
    const target = to === undefined ? await this.address() : getAddress(to);
    return this.send("delegate", () => this.token.delegate(target));
  }

  /** Every market parameter with its value and hard bounds, and the governor's settings. */
  async governedParameters(): Promise<{
    market: { name: string; value: bigint; min: bigint; max: bigint }[];
    governor: Record<string, bigint>;
  }> {
    const market = await Promise.all(
      Object.keys(MARKET_PARAMETERS).map(async (name) => {
        const [value, min, max] = await this.market.parameter(encodeBytes32String(name));
        return { name, value, min, max };
      }),
    );
    const now = await this.now();
    const [votingDelay, votingPeriod, proposalThreshold, quorum, timelockDelay] = await Promise.all([
      this.governor.votingDelay(),
      this.governor.votingPeriod(),
      this.governor.proposalThreshold(),
      this.governor.quorum(now - 1n),
      this.timelock.getMinDelay(),
    ]);
    return { market, governor: { votingDelay, votingPeriod, proposalThreshold, quorum, timelockDelay } };
  }

  /** The calls a parameter proposal makes: one `setParameter` on the market per change. */
  proposalCalls(changes: ParamChange[]): Proposal {
    const target = this.deployment.contracts.RideMarket.address;
    return {
      targets: changes.map(() => target),
      values: changes.map(() => 0n),
      calldatas: changes.map((c) => this.market.interface.encodeFunctionData("setParameter", [c.key, c.value])),
    };
  }

  /**
   * Proposes parameter changes; returns the proposal id. The description gets OpenZeppelin's
   * `#proposer=<sender>` suffix (unless it already ends with one), so nobody can submit the
   * same proposal first to cancel it and kill its id: the governor refuses any other sender.
   */
  async propose(changes: ParamChange[], description: string): Promise<{ proposalId: bigint; tx: TxResult }> {
    const p = this.proposalCalls(changes);
    const signed = withProposerSuffix(description, await this.address());
    const proposalId = await this.governor.hashProposal(p.targets, p.values, p.calldatas, id(signed));
    const tx = await this.send("propose", () => this.governor.propose(p.targets, p.values, p.calldatas, signed));
    return { proposalId, tx };
  }

  /** Every proposal from ProposalCreated events, with its state, votes and deadlines. */
  async proposals(): Promise<ProposalView[]> {
    const logs = await this.events(this.governor.filters.ProposalCreated(), this.governor);
    return Promise.all(
      logs.map(async (l) => {
        const a = l.args;
        const [state, [against, forVotes, abstain], deadline, eta] = await Promise.all([
          this.governor.state(a.proposalId),
          this.governor.proposalVotes(a.proposalId),
          this.governor.proposalDeadline(a.proposalId),
          this.governor.proposalEta(a.proposalId),
        ]);
        return {
          proposalId: a.proposalId,
          proposer: a.proposer,
          description: a.description,
          state: PROPOSAL_STATES[Number(state)] ?? `state ${state}`,
          targets: [...a.targets],
          values: [...a[3]], // by position: Result.values is Array.prototype.values
          calldatas: [...a.calldatas],
          snapshot: a.voteStart,
          deadline,
          eta,
          votes: { for: forVotes, against, abstain },
        };
      }),
    );
  }

  async proposal(proposalId: bigint): Promise<ProposalView> {
    const found = (await this.proposals()).find((p) => p.proposalId === proposalId);
    if (found === undefined)
      throw new ClientStateError(`there is no proposal ${proposalId} (gov:proposals lists them)`);
    return found;
  }

  async vote(proposalId: bigint, support: 0 | 1 | 2, reason?: string): Promise<TxResult> {
    return this.send("vote", () =>
      reason === undefined || reason === ""
        ? this.governor.castVote(proposalId, support)
        : this.governor.castVoteWithReason(proposalId, support, reason),
    );
  }

  /**
   * Signs an EIP-712 ballot for gasless voting: the signer pays nothing, anyone relays it
   * with {@link voteBySig}. The signature is bound to the voter's current governor nonce.
   */
  async signBallot(proposalId: bigint, support: 0 | 1 | 2): Promise<{ voter: string; signature: string }> {
    return {
      voter: await this.address(),
      signature: await signBallot(this.governor, this.signer, proposalId, support),
    };
  }

  /** Relays a ballot signed by `voter` (the relayer pays the gas; the vote is the voter's). */
  async voteBySig(proposalId: bigint, support: 0 | 1 | 2, voter: string, signature: string): Promise<TxResult> {
    return this.send("vote by signature", () => this.governor.castVoteBySig(proposalId, support, voter, signature));
  }

  async queue(proposalId: bigint): Promise<TxResult> {
    const p = await this.proposal(proposalId);
    return this.send("queue", () => this.governor.queue(p.targets, p.values, p.calldatas, id(p.description)));
  }

  async execute(proposalId: bigint): Promise<TxResult> {
    const p = await this.proposal(proposalId);
    return this.send("execute", () => this.governor.execute(p.targets, p.values, p.calldatas, id(p.description)));
  }

  // ------------------------------------------------------------------ helpers

  private async approveMarket(amount: bigint): Promise<TxResult> {
    const spender = await this.market.getAddress();
    return this.send("approve", () => this.fare.approve(spender, amount));
  }

  /** An EIP-2612 permit for the market to pull `value`; the domain is read from the token. */
  private async signPermit(
    value: bigint,
    deadline: bigint,
  ): Promise<{ deadline: bigint; v: number; r: string; s: string }> {
    const { v, r, s } = await signPermit(this.fare, this.signer, await this.market.getAddress(), value, deadline);
    return { deadline, v, r, s };
  }

  /** Argument `index` of the first `event` the market emitted in `tx`. */
  private eventArg(tx: TxResult, event: string, index: number): bigint | undefined {
    for (const log of tx.receipt.logs) {
      const parsed = this.market.interface.parseLog(log);
      if (parsed?.name === event) return parsed.args[index] as bigint;
    }
    return undefined;
  }
}

/** " ride 3" / " dispute 3" / "": what a piece of due work is about. */
export function workTarget(w: { rideId?: bigint; disputeId?: bigint }): string {
  if (w.disputeId !== undefined) return ` dispute ${w.disputeId}`;
  return w.rideId === undefined ? "" : ` ride ${w.rideId}`;
}

/** One line about a piece of evidence, as the tasks print it. */
export function describeEvidence(e: EvidenceItem): string {
  if (e.sealed === undefined) return e.uri;
  const what = `sealed route reveal for round ${e.sealed.round}`;
  if (e.revealVerified === undefined) return `${what}, readable by ${e.sealed.recipients.length} seated arbiter(s)`;
  if (!e.revealVerified) return `${what}: UNVERIFIED, ${e.problem ?? "it does not check out"}`;
  const p = (x: { lat: number; lon: number }) => `${x.lat},${x.lon}`;
  return `${what}, opened with your key: pickup ${p(e.reveal!.pickup)}, drop-off ${p(e.reveal!.dropoff)} (matches the ride's commitment)`;
}

/**
 * `description` ending with OpenZeppelin's `#proposer=<proposer>` suffix, which makes the
 * Governor refuse the same proposal from any other sender (front-run-and-cancel protection).
 */
export function withProposerSuffix(description: string, proposer: string): string {
  const suffix = `#proposer=${getAddress(proposer)}`;
  return description.toLowerCase().endsWith(suffix.toLowerCase()) ? description : `${description} ${suffix}`;
}
