import { decodeBytes32String, Interface, type ErrorFragment, type InterfaceAbi, type Result } from "ethers";
import {
  ArbiterPool__factory,
  BlockhashRandomness__factory,
  CoopGovernor__factory,
  CoopToken__factory,
  DisputeCourt__factory,
  RideMarket__factory,
  TestUSD__factory,
  TimelockController__factory,
} from "./contracts";
import { formatBps } from "./format";
import { PROPOSAL_STATES } from "./types";

/** The ride states, in the order of IRideMarket.RideState. */
export const RIDE_STATES = [
  "None",
  "Requested",
  "Accepted",
  "Started",
  "Completed",
  "Finalized",
  "Cancelled",
  "Disputed",
  "Resolved",
] as const;
export type RideStateName = (typeof RIDE_STATES)[number];

/** IDisputeCourt.Status, in order. */
export const DISPUTE_STATUSES = ["None", "Drawing", "Voting", "Ruled", "Resolved"] as const;
export type DisputeStatusName = (typeof DISPUTE_STATUSES)[number];

/** IDisputeCourt.Outcome, in order. */
export const DISPUTE_OUTCOMES = ["None", "Settled", "Ruled", "Fallback"] as const;
export type DisputeOutcomeName = (typeof DISPUTE_OUTCOMES)[number];

/** IRandomness.Status, in order. */
export const RANDOMNESS_STATUSES = ["Unknown", "Pending", "Ready", "Expired"] as const;
export const POOL_PHASES = ["Staking", "Generating", "Drawing"] as const;
export type RandomnessStatusName = (typeof RANDOMNESS_STATUSES)[number];

/** How error arguments read: amounts with decimals and symbol, times relative to now. */
export interface ErrorContext {
  fare(amount: bigint): string;
  ride(amount: bigint): string;
  time(timestamp: bigint): string;
  /**
   * The token an ERC-20 error is about, when the client knows which contract it called (RIDE
   * for the token and the arbiter pool, the fare token otherwise); raw units without it.
   */
  token?(amount: bigint): string;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** An ERC-20 error's amount in tokens ("12.50 tUSD") when the token is known, else in raw units. */
function tokenAmount(c: ErrorContext, amount: unknown): string {
  return c.token !== undefined && typeof amount === "bigint" ? c.token(amount) : `${String(amount)} token units`;
}

/** A custom error explained: what happened (with its arguments) and what to do. */
export interface Explanation {
  sentence: string;
  hint: string;
}

export type Explain = (args: Result, ctx: ErrorContext) => Explanation;

/** Raw units when no deployment is known. */
export const RAW_CONTEXT: ErrorContext = {
  fare: (a) => `${a} units`,
  ride: (a) => `${a} wei RIDE`,
  time: (t) => new Date(Number(t) * 1000).toISOString(),
};

const proposalState = (v: bigint): string => PROPOSAL_STATES[Number(v)] ?? `state ${v}`;
const stateBitmap = (bits: string, names: readonly string[]): string =>
  names.filter((_, i) => (BigInt(bits) >> BigInt(i)) & 1n).join(" or ") || "none";
const OPERATION_STATES = ["Unset", "Waiting", "Ready", "Done"];

const state = (v: bigint): string => RIDE_STATES[Number(v)] ?? `state ${v}`;
const e = (sentence: string, hint: string): Explanation => ({ sentence, hint });
const name32 = (v: string): string => {
  try {
    return decodeBytes32String(v);
  } catch {
    return v;
  }
};

/**
 * One sentence per custom error, keyed by name. Extend with {@link registerErrors} when a
 * contract joins the suite; a test checks that every error in the registered ABIs has one.
 */
const EXPLANATIONS: Record<string, Explain> = {
  // ------------------------------------------------------------ RideMarket
  FareZero: () => e("the amount is zero", "give an amount above zero"),
  FareTooLarge: ([fare, max], c) =>
    e(`the fare ${c.fare(fare)} is above the most allowed, ${c.fare(max)}`, "offer or request a lower fare"),
  FareMismatch: ([id, offered, agreed], c) =>
    e(
      `ride ${id} is for ${c.fare(agreed)}, not ${c.fare(offered)}`,
      "read the fare again with ride:show (or rider:offers) and pass exactly that amount",
    ),
  InvalidExpiry: ([at, earliest, latest], c) =>
    e(
      `the expiry ${c.time(at)} is outside ${c.time(earliest)} .. ${c.time(latest)}`,
      "choose an expiry within that range (a request lives at most 1 day; an offer no longer than its request)",
    ),
  InvalidRating: ([r]) => e(`${r} is not a rating`, "rate with whole stars from 1 to 5"),
  InvalidCell: ([cell]) =>
    e(`${cell} is not a geohash cell of precision 5 or 6`, "pass lat,lon or a geohash such as wydm6v"),
  InvalidMinRating: ([min, max]) =>
    e(
      `a minimum rating of ${Number(min) / 100} is above the best rating, ${Number(max) / 100}`,
      "ask for at most 5 stars, like 4.5",
    ),
  AmountZero: () => e("the amount is zero", "give an amount above zero"),
  TreasuryOutflowLimit: ([req, allowed], c) =>
    e(
      `this treasury period still allows ${c.fare(allowed)} of spending, ${c.fare(req)} was asked`,
      "propose at most a tenth of the treasury per 30-day period (TREASURY_OUTFLOW_BPS), or wait for the next period",
    ),
  RideUnknown: ([id]) => e(`there is no ride ${id}`, "check the ride id (rider:offers, driver:requests, ride:show)"),
  RideWrongState: ([id, cur, exp]) =>
    e(`ride ${id} is ${state(cur)}, expected ${state(exp)}`, `run ride:show --ride ${id} to see what can be done next`),
  RideExpired: ([id, at], c) =>
    e(`ride ${id} expired at ${c.time(at)}`, "the request is closed; the rider may post a new one"),
  RideNotExpired: ([id, at], c) =>
    e(`ride ${id} is open until ${c.time(at)}`, "wait until then (the keeper expires it by itself)"),
  NotRider: ([id, caller]) => e(`${caller} is not the rider of ride ${id}`, "use --account with the rider's account"),
  NotDriver: ([id, caller]) =>
    e(`${caller} is not the driver of ride ${id}`, "use --account with the driver's account"),
  NotParty: ([id, caller]) =>
    e(`${caller} is neither rider nor driver of ride ${id}`, "use --account with the rider's or the driver's account"),
  NotCourt: ([caller]) => e(`${caller} is not the dispute court`, "open disputes through ride:dispute"),
  NotGovernance: ([caller]) =>
    e(
      `${caller} is not the governance timelock`,
      "parameters change only by a vote: gov:propose, gov:vote, gov:execute",
    ),
  NotInitializer: ([caller]) => e(`${caller} did not deploy this contract`, "wiring is done once by the deploy task"),
  CourtAlreadySet: ([court]) => e(`the court is already ${court}`, "the court is fixed for good; nothing to do"),
  DriverNotRegistered: ([d]) =>
    e(`${d} is not a registered driver`, "register first: driver:register --stake <amount>"),
  DriverAlreadyRegistered: ([d]) =>
    e(`${d} is already registered`, "nothing to do; to add stake, register is not needed"),
  DriverNotAllowed: ([id, d, req]) =>
    req === ZERO_ADDRESS
      ? e(`ride ${id} is ${d}'s own request, and a rider cannot drive their own ride`, "drive it from another account")
      : e(`ride ${id} is reserved for driver ${req}, not ${d}`, "pick another request (driver:requests)"),
  DriverRatingTooLow: ([d, avg, req]) =>
    e(
      `driver ${d} has an average rating of ${Number(avg) / 100}, the rider asks for at least ${Number(req) / 100}`,
      "pick another request; unrated drivers do not pass a minimum rating",
    ),
  DriverBusy: ([d, active]) =>
    e(`driver ${d} is still driving ride ${active}`, `finish it first: driver:complete --ride ${active}`),
  StakeBelowMinimum: ([d, stake, min], c) =>
    e(
      `driver ${d} would have a stake of ${c.fare(stake)}, below the minimum of ${c.fare(min)}`,
      "stake at least the minimum (gov:params shows it); to leave altogether, driver:unstake --all",
    ),
  // Same name, two errors: RideMarket's (driver, open rides) and ArbiterPool's (arbiter, requested, free).
  StakeLocked: (args, c) =>
    args.length === 3
      ? e(
          `arbiter ${args[0]} asked ${c.ride(args[1])} back, only ${c.ride(args[2])} of the stake is free (the rest is locked by disputes)`,
          "ask for at most the free stake (arbiter:status shows it), or wait until the disputes end",
        )
      : e(
          `driver ${args[0]} has ${args[1]} open ride(s) or dispute(s) holding the stake`,
          "wait until they end, then unstake",
        ),
  StakeInsufficient: ([who, req, avail], c) =>
    e(`${who} asked for ${c.fare(req)}, only ${c.fare(avail)} is available`, "ask for at most the available amount"),
  OfferUnknown: ([id, d]) =>
    e(`driver ${d} has no offer on ride ${id}`, `list the offers with rider:offers --ride ${id}`),
  OfferExpired: ([id, d, at], c) =>
    e(`driver ${d}'s offer on ride ${id} expired at ${c.time(at)}`, "accept another offer or wait for a new one"),
  WindowNotPassed: ([id, at], c) =>
    e(`the window of ride ${id} is still open until ${c.time(at)}`, "wait until then, or let the keeper do it"),
  WindowPassed: ([id, at], c) => e(`the window of ride ${id} closed at ${c.time(at)}`, "it is too late for this step"),
  AlreadyArrived: ([id]) => e(`the driver of ride ${id} already arrived`, "go on with driver:pickup"),
  NotArrived: ([id]) => e(`the driver of ride ${id} has not marked arrival`, "the driver marks it with driver:arrived"),
  AlreadyRated: ([id, rater]) => e(`${rater} already rated ride ${id}`, "each party rates a ride once"),
  NotWronged: ([id, rater]) =>
    e(
      `${rater} may not rate cancelled ride ${id}: only the party the other one let down rates it`,
      "a no-show, an abandoned ride or a paid cancellation can be rated by the one it wronged",
    ),
  FareBelowMinimum: ([id, fare, min], c) =>
    e(
      `ride ${id}'s fare of ${c.fare(fare)} is below the ${c.fare(min)} a ride needs to count toward ratings`,
      "only rides at or above the minFare parameter can be rated",
    ),
  RideHasOffers: ([id]) =>
    e(
      `ride ${id} has price offers, so it can no longer be accepted at the rider's maximum fare`,
      `make an offer with driver:offer --ride ${id} instead`,
    ),
  NothingToWithdraw: ([who]) => e(`${who} has nothing to withdraw`, "balance shows your credit"),
  CreditInsufficient: ([who, needed, available], c) =>
    e(
      `${who} has ${c.fare(available)} of credit in the market, less than the ${c.fare(needed)} this request escrows`,
      "deposit more first, or request with the fare pulled from your wallet",
    ),
  // Same selector in RideMarket (rewards) and ArbiterPool (slash credits).
  NothingToClaim: ([who]) =>
    e(
      `${who} has no RIDE to claim`,
      "RIDE accrues when a rider confirms a ride with a rating; a silent arbiter's slash is credited to the dispute's parties",
    ),
  SplitTooLarge: ([id, amount, fare], c) =>
    e(`ride ${id}: a split of ${c.fare(amount)} to the rider exceeds the fare ${c.fare(fare)}`, "give at most 100%"),
  ParameterUnknown: ([n]) => e(`there is no parameter "${name32(n)}"`, "gov:params lists the parameters"),
  ParameterOutOfBounds: ([n, v, min, max]) =>
    e(`${name32(n)} = ${v} is outside its hard bound ${min} .. ${max}`, "propose a value within the bound"),
  ParameterChangeTooLarge: ([n, old, v, step]) =>
    e(
      `${name32(n)} would move from ${old} to ${v}, more than one change may (${step})`,
      "propose a step of at most a quarter of the bound range; later votes can take further steps",
    ),
  ParameterChangeTooSoon: ([n, at]) =>
    e(
      `${name32(n)} changed less than PARAMETER_COOLDOWN ago; the next change is allowed from ${new Date(Number(at) * 1000).toISOString()}`,
      "execute the proposal after that time, or change one parameter once per proposal",
    ),
  SweepExceedsSurplus: ([token, req, avail]) =>
    e(`a sweep of ${req} of ${token} exceeds the surplus ${avail}`, "sweep at most the surplus"),
  FeeOnTransferToken: ([sent, received]) =>
    e(`the fare token delivered ${received} of ${sent}`, "fee-on-transfer tokens cannot be the fare token"),
  RideCapTooLarge: ([cap, max]) =>
    e(`RIDE's cap ${cap} is above what the market can count (${max})`, "deploy RIDE with a smaller cap"),
  ReentrancyGuardReentrantCall: () => e("a call re-entered the contract", "the fare token is misbehaving"),
  SafeERC20FailedOperation: ([token]) =>
    e(`the token ${token} refused a transfer`, "check the balance, allowance and blocklist of the token"),
  // ------------------------------------------------------------ CoopToken and its revenue share
  CoopTokenNotMinter: ([c]) => e(`${c} may not mint RIDE`, "RIDE is minted only by the market: driver:claim"),
  CoopTokenNotInitializer: ([c]) => e(`${c} did not deploy RIDE`, "the minter is set once by the deploy task"),
  CoopTokenMinterAlreadySet: ([m]) => e(`the RIDE minter is already ${m}`, "it never changes; nothing to do"),
  CoopTokenInvalidMinter: ([m]) => e(`${m} cannot be the minter (not a contract)`, "pass the market's address"),
  RevenueZeroAmount: () =>
    e("no revenue to deposit or claim", "wait for rides to be finalized; each pays holders at once"),
  RevenuePendingInsufficient: ([who, req, pending]) =>
    e(`${who} has ${pending} RIDE accrued, ${req} was to be released`, "release at most the accrued RIDE"),
  RevenueNotGovernance: ([c]) => e(`${c} is not the governance timelock`, "sweeps pass by a vote"),
  RevenueSweepExceedsSurplus: ([token, req, avail]) =>
    e(`a sweep of ${req} of ${token} exceeds the surplus ${avail}`, "sweep at most the surplus"),
  ERC20ExceededCap: ([supply, cap], c) =>
    e(`minting would bring RIDE to ${c.ride(supply)}, above the cap ${c.ride(cap)}`, "the cap is final"),
  ERC20InvalidCap: ([cap]) => e(`${cap} is not a valid cap`, "deploy with a cap above zero"),
  ERC20ExceededSafeSupply: ([supply, cap]) =>
    e(`a supply of ${supply} exceeds what votes can count (${cap})`, "mint less"),
  ERC5805FutureLookup: ([tp, clock]) =>
    e(`timepoint ${tp} is not in the past (now ${clock})`, "ask for a past timepoint"),
  ERC6372InconsistentClock: () => e("the token's clock is inconsistent", "the token is misconfigured"),
  VotesExpiredSignature: ([expiry], c) =>
    e(`the delegation signature expired at ${c.time(expiry)}`, "sign a new delegation"),
  CheckpointUnorderedInsertion: () => e("a vote checkpoint went back in time", "report this as a bug"),
  SafeCastOverflowedUintDowncast: ([bits, value]) => e(`${value} does not fit in ${bits} bits`, "use a smaller amount"),
  SafeCastOverflowedUintToInt: ([value]) => e(`${value} does not fit a signed integer`, "use a smaller amount"),
  // ------------------------------------------------------------ ERC-20, permit, signatures
  ERC20InsufficientBalance: ([who, bal, needed], c) =>
    e(
      `${who} holds ${tokenAmount(c, bal)}, needs ${tokenAmount(c, needed)}`,
      "get more of the token first (faucet on a local chain)",
    ),
  ERC20InsufficientAllowance: ([spender, allowance, needed], c) =>
    e(`${spender} may spend ${tokenAmount(c, allowance)}, needs ${tokenAmount(c, needed)}`, "approve the amount first"),
  ERC20InvalidApprover: ([a]) => e(`${a} cannot approve`, "use a non-zero account"),
  ERC20InvalidReceiver: ([a]) => e(`${a} cannot receive tokens`, "send to a non-zero address"),
  ERC20InvalidSender: ([a]) => e(`${a} cannot send tokens`, "use a non-zero account"),
  ERC20InvalidSpender: ([a]) => e(`${a} cannot be a spender`, "approve a non-zero address"),
  ERC2612ExpiredSignature: ([deadline], c) =>
    e(`the permit expired at ${c.time(deadline)}`, "sign a new permit (the client does it for you)"),
  ERC2612InvalidSigner: ([signer, owner]) =>
    e(`the permit was signed by ${signer}, not by the owner ${owner}`, "sign with the owner's account"),
  InvalidAccountNonce: ([a, nonce]) =>
    e(`a signature of ${a} used a stale nonce (now ${nonce})`, "sign again with the current nonce"),
  ECDSAInvalidSignature: () => e("the signature is invalid", "sign again"),
  ECDSAInvalidSignatureLength: ([len]) => e(`a signature of ${len} bytes is invalid`, "sign again"),
  ECDSAInvalidSignatureS: () => e("the signature is malleable (high s)", "sign again with a standard signer"),
  InvalidShortString: () => e("a short string is invalid", "report this as a bug"),
  StringTooLong: ([s]) => e(`"${s}" is too long`, "use a shorter name"),
  // ------------------------------------------------------------ TestUSD
  FaucetZeroAmount: () => e("a faucet draw of zero", "ask for an amount above zero"),
  FaucetAmountTooLarge: ([req, max], c) =>
    e(`a faucet draw of ${c.fare(req)} is above the ${c.fare(max)} per call`, `ask for at most ${c.fare(max)}`),
  FaucetCooldown: ([who, left]) =>
    e(`${who} drew from the faucet less than a day ago`, `try again in ${Math.ceil(Number(left) / 60)} minutes`),
  // ------------------------------------------------------------ CoopGovernor and the timelock
  GovernorSettingOutOfBounds: ([n, v, min, max]) =>
    e(`${name32(n)} = ${v} is outside its hard bound ${min} .. ${max}`, "propose a value within the bound"),
  ProposerHasLiveProposal: ([who, id]) =>
    e(
      `${who} already has proposal ${id} pending or in its vote; one account holds one live proposal`,
      "wait until that vote is over, or cancel it while it is still pending",
    ),
  GovernorAlreadyCastVote: ([voter]) => e(`${voter} already voted on this proposal`, "a vote cannot be changed"),
  GovernorAlreadyQueuedProposal: ([id]) => e(`proposal ${id} is already queued`, "execute it after the timelock delay"),
  GovernorDisabledDeposit: () => e("the governor takes no deposits", "send nothing to it"),
  GovernorInsufficientProposerVotes: ([who, votes, threshold], c) =>
    e(
      `${who} has ${c.ride(votes)} of votes, the proposal threshold is ${c.ride(threshold)}`,
      "earn or receive more RIDE and delegate it (gov:delegate); votes count from the next second",
    ),
  GovernorInvalidProposalLength: ([t, c, v]) =>
    e(`a proposal with ${t} targets, ${c} calldatas and ${v} values`, "give at least one change, all lists equal"),
  GovernorInvalidQuorumFraction: ([n, d]) => e(`a quorum of ${n}/${d} is invalid`, "choose a fraction below 1"),
  GovernorInvalidSignature: ([voter]) => e(`the vote signature of ${voter} is invalid`, "sign again"),
  GovernorInvalidVoteParams: () => e("vote parameters are not supported", "vote with gov:vote"),
  GovernorInvalidVoteType: () => e("that is not a vote type", "vote for, against or abstain"),
  GovernorInvalidVotingPeriod: ([p]) => e(`a voting period of ${p} is invalid`, "choose a period above zero"),
  GovernorNonexistentProposal: ([id]) => e(`there is no proposal ${id}`, "gov:proposals lists them"),
  GovernorOnlyExecutor: ([a]) => e(`${a} is not the governor's executor (the timelock)`, "this passes only by a vote"),
  GovernorPreventLateQuorumVoteExtensionTooLarge: ([v, max]) =>
    e(`a late-quorum extension of ${v}s exceeds ${max}s`, "choose a shorter extension"),
  GovernorProposalQueueingFailed: ([id]) => e(`proposal ${id} could not be queued`, "check the timelock's roles"),
  GovernorProposalQueueingNotRequired: ([id]) => e(`proposal ${id} needs no queueing`, "execute it directly"),
  GovernorRestrictedProposer: ([a]) => e(`${a} may not submit this proposal`, "propose from the account named in it"),
  GovernorUnableToCancel: ([id, a]) =>
    e(`${a} cannot cancel proposal ${id}`, "only the proposer, and only while Pending"),
  GovernorUnexpectedProposalState: ([id, cur, expected]) =>
    e(
      `proposal ${id} is ${proposalState(cur)}, expected ${stateBitmap(expected, PROPOSAL_STATES)}`,
      "gov:proposals shows each proposal's state and deadlines: vote while Active, queue when Succeeded, execute when Queued and the delay passed",
    ),
  FailedCall: () => e("a call from the contract failed without a reason", "check the target and the calldata"),
  AccessControlBadConfirmation: () => e("a role can only be renounced by its holder", "renounce from that account"),
  AccessControlUnauthorizedAccount: ([a, role]) =>
    e(`${a} lacks the role ${role}`, "only the governor proposes to the timelock; go through gov:propose"),
  TimelockInsufficientDelay: ([d, min]) => e(`a delay of ${d}s is below the minimum ${min}s`, "wait the full delay"),
  TimelockInvalidOperationLength: ([t, p, v]) =>
    e(`an operation with ${t} targets, ${p} payloads and ${v} values`, "all lists must have the same length"),
  TimelockUnauthorizedCaller: ([a]) => e(`${a} may not call the timelock here`, "only the timelock itself may"),
  TimelockUnexecutedPredecessor: ([p]) => e(`the predecessor ${p} has not run`, "execute it first"),
  TimelockUnexpectedOperationState: ([op, expected]) =>
    e(
      `timelock operation ${op} is not ${stateBitmap(expected, OPERATION_STATES)}`,
      "a queued proposal waits for the timelock delay (gov:proposals shows when it is ready)",
    ),
  // ------------------------------------------------------------ built-in
  Error: ([message]) => e(`reverted: ${message}`, "see the message"),
  Panic: ([code]) => e(`panicked with code 0x${BigInt(code).toString(16)}`, "report this as a bug, with the command"),
};

const ABIS: InterfaceAbi[] = [
  RideMarket__factory.abi,
  CoopToken__factory.abi,
  TestUSD__factory.abi,
  CoopGovernor__factory.abi,
  TimelockController__factory.abi,
];

let errorsInterface: Interface | undefined;

/** The union of the custom errors of every registered contract. */
export function errorInterface(): Interface {
  if (errorsInterface === undefined) {
    const seen = new Set<string>();
    const fragments: ErrorFragment[] = [];
    for (const abi of ABIS) {
      Interface.from(abi).forEachError((fragment) => {
        if (!seen.has(fragment.selector)) {
          seen.add(fragment.selector);
          fragments.push(fragment);
        }
      });
    }
    errorsInterface = new Interface(fragments);
  }
  return errorsInterface;
}

/** Adds a contract's errors and their sentences (for contracts that join the suite). */
export function registerErrors(abi: InterfaceAbi, explanations: Record<string, Explain>): void {
  ABIS.push(abi);
  Object.assign(EXPLANATIONS, explanations);
  errorsInterface = undefined;
}

/** Names of registered errors that have no sentence yet (a test keeps this empty). */
export function unexplainedErrors(): string[] {
  const missing: string[] = [];
  errorInterface().forEachError((f) => {
    if (!(f.name in EXPLANATIONS)) missing.push(f.name);
  });
  return missing;
}

/**
 * Something the chain's state does not allow yet, found by the client before sending (a panel
 * not seated, a proposal that does not exist): a sentence that says what to do, shown once and
 * without a stack trace.
 */
export class ClientStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClientStateError";
  }
}

/** A revert a person can read: "<ErrorName>: <sentence>" and a hint. */
export class RideCoopError extends Error {
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    readonly sentence: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${errorName}: ${sentence}. Hint: ${hint}.`, options);
    this.name = "RideCoopError";
  }
}

/** Finds the revert data ("0x" + selector + args) anywhere in an ethers or provider error. */
export function revertData(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || err === null || typeof err !== "object") return undefined;
  const o = err as Record<string, unknown>;
  const data = o.data;
  if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
  if (typeof data === "object" && data !== null) {
    const inner = revertData(data, depth + 1);
    if (inner !== undefined) return inner;
  }
  for (const key of ["error", "info", "cause", "originalError"]) {
    const inner = revertData(o[key], depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** Decodes revert data into its error name, arguments and explanation; undefined if unknown. */
export function decodeRevert(data: string, ctx: ErrorContext = RAW_CONTEXT): RideCoopError | undefined {
  let parsed: ReturnType<Interface["parseError"]>;
  try {
    parsed = errorInterface().parseError(data);
  } catch {
    return undefined;
  }
  if (parsed === null) return undefined;
  const explain = EXPLANATIONS[parsed.name];
  const args = parsed.args.toArray();
  const { sentence, hint } =
    explain !== undefined
      ? explain(parsed.args, ctx)
      : { sentence: `${parsed.name}(${args.map(String).join(", ")})`, hint: "see the contract's NatSpec" };
  return new RideCoopError(parsed.name, args, sentence, hint);
}

/** Any error to a RideCoopError when it carries a known revert; otherwise the error itself. */
export function explainError(err: unknown, ctx: ErrorContext = RAW_CONTEXT): unknown {
  if (err instanceof RideCoopError) return err;
  const data = revertData(err);
  if (data === undefined) return err;
  const decoded = decodeRevert(data, ctx);
  if (decoded === undefined) return err;
  return new RideCoopError(decoded.errorName, decoded.args, decoded.sentence, decoded.hint, { cause: err });
}

// ------------------------------------------------------------------ disputes

const disputeStatus = (v: bigint): string => DISPUTE_STATUSES[Number(v)] ?? `status ${v}`;
const split = (bps: bigint): string => `${formatBps(bps)} to the rider`;
const showDispute = (id: unknown): string => `dispute:show --dispute ${id} shows where it stands`;

/** What to do when a dispute is in `status` and the call wanted another. */
const nextForStatus = (id: unknown, status: bigint): string => {
  switch (disputeStatus(status)) {
    case "Drawing":
      return `the panel is not seated yet: keeper:run draws it once the randomness is ready (${showDispute(id)})`;
    case "Voting":
      return `the panel is ruling until its deadline; the parties may still settle with ride:settle --dispute ${id}`;
    case "Ruled":
      return `the ruling stands; the loser may appeal (ride:appeal) until the window closes, then keeper:run executes it`;
    case "Resolved":
      return "the dispute is over; withdraw takes what it credited you";
    default:
      return showDispute(id);
  }
};

registerErrors(DisputeCourt__factory.abi, {
  RideNotDisputable: ([id, st]) =>
    e(
      `ride ${id} is ${state(st)}; only an Accepted, Started or Completed ride can be disputed`,
      `run ride:show --ride ${id} to see what can be done next`,
    ),
  DisputeAlreadyOpened: ([id]) =>
    e(`ride ${id} is already disputed`, `follow it with dispute:show --dispute ${id}; settle with ride:settle`),
  DisputeUnknown: ([id]) =>
    e(`there is no dispute ${id}`, "a dispute's id is its ride's id; open one with ride:dispute --ride <id>"),
  DisputeWrongStatus: ([id, cur, expected]) =>
    e(`dispute ${id} is ${disputeStatus(cur)}, expected ${disputeStatus(expected)}`, nextForStatus(id, cur)),
  DisputeAlreadyResolved: ([id]) =>
    e(`dispute ${id} is already resolved`, "nothing more can happen to it; withdraw takes what it credited you"),
  InvalidSplit: ([bps]) =>
    e(`a split of ${formatBps(bps)} to the rider is more than the whole fare`, "give a split from 0% to 100%"),
  NoSettlementProposed: ([id]) =>
    e(
      `nobody proposed a settlement of dispute ${id}`,
      `propose one with ride:settle --dispute ${id} --split <rider %>`,
    ),
  SettlementWrongParty: ([id, caller]) =>
    e(
      `${caller} proposed the standing settlement of dispute ${id} and cannot accept it too`,
      "the other party accepts it with ride:settle and the same --split",
    ),
  SettlementMismatch: ([id, proposed, given]) =>
    e(
      `the other party proposed ${split(proposed)} in dispute ${id}, not ${split(given)}`,
      `accept theirs with ride:settle --dispute ${id} --split ${formatBps(proposed)}, or replace it with yours by adding --counter`,
    ),
  DrawNotReady: ([id, drawEpoch, poolEpoch, phase]) =>
    e(
      `dispute ${id} draws in arbiter-pool epoch ${drawEpoch}; the pool is in epoch ${poolEpoch}, ${POOL_PHASES[Number(phase)] ?? `phase ${phase}`}`,
      "the keeper moves the pool on (keeper:run; on a local chain add --mine), then draws",
    ),
  DisputeWindowClosed: ([id, closedAt], c) =>
    e(
      `ride ${id} could be disputed until its confirmation window closed at ${c.time(closedAt)}`,
      "a completed ride is disputed within the confirmation window; it is now finalized by the keeper",
    ),
  DriverNotArrived: ([id]) =>
    e(
      `the driver has not marked arrival at ride ${id}, so it cannot dispute it`,
      "mark arrival first (ride:arrive); a driver who never came leaves the rider the no-show remedy",
    ),
  SettlementExpired: ([id, expiresAt], c) =>
    e(
      `the settlement offer in dispute ${id} lapsed at ${c.time(expiresAt)}`,
      `propose a new one with ride:settle --dispute ${id} --split <rider %>`,
    ),
  AppealUnseatable: ([id, seats, eligible]) =>
    e(
      `an appeal of dispute ${id} needs ${seats} arbiters, but only ${eligible} staked arbiter(s) are neither parties nor already seated`,
      "nothing was charged; the ruling stands unless more RIDE holders stake (arbiter:stake)",
    ),
  NotDrawnArbiter: ([id, caller]) =>
    e(`${caller} holds no seat in dispute ${id}'s current panel`, "arbiter:disputes lists the disputes you must rule"),
  RulingDeadlinePassed: ([id, deadline], c) =>
    e(
      `the ruling deadline of dispute ${id} passed at ${c.time(deadline)}`,
      "too late to rule: the keeper times the silent seats out and draws again",
    ),
  RulingDeadlineNotPassed: ([id, deadline], c) =>
    e(`the panel of dispute ${id} may rule until ${c.time(deadline)}`, "wait until then (keeper:run does it)"),
  AlreadyRuled: ([id, arbiter]) => e(`${arbiter} already ruled in dispute ${id}`, "a ruling cannot be changed"),
  NotLosingParty: ([id, caller]) =>
    e(
      `${caller} did not lose the ruling of dispute ${id}`,
      "only the party given less than half may appeal (either party on an even split)",
    ),
  AppealWindowClosed: ([id, deadline], c) =>
    e(`the appeal window of dispute ${id} closed at ${c.time(deadline)}`, "the ruling stands; keeper:run executes it"),
  AppealWindowOpen: ([id, deadline], c) =>
    e(
      `the ruling of dispute ${id} may be appealed until ${c.time(deadline)}`,
      "wait until the window closes; keeper:run executes it then",
    ),
  NoMoreAppeals: ([id, round]) =>
    e(`dispute ${id} has no round ${round}: rounds 1 and 2 are the only appeals`, "the last ruling is final"),
  AppealUnderpaid: ([id, offered, required], c) =>
    e(
      `an appeal of dispute ${id} costs ${c.fare(required)}, ${c.fare(offered)} was offered`,
      "pay the full appeal fee",
    ),
});

registerErrors(ArbiterPool__factory.abi, {
  PhaseNotPassable: ([phase, epoch, readyAt], c) =>
    e(
      `the arbiter pool's ${POOL_PHASES[Number(phase)] ?? `phase ${phase}`} phase of epoch ${epoch} cannot end yet${readyAt === 0n ? " (no draw is queued)" : ` (until ${c.time(readyAt)})`}`,
      "wait; keeper:run passes the phase when it is due",
    ),
  WrongPhase: ([current, expected]) =>
    e(
      `the arbiter pool is ${POOL_PHASES[Number(current)] ?? current}, not ${POOL_PHASES[Number(expected)] ?? expected}`,
      "stake changes reach the draw weights in the Staking phase; keeper:run applies them",
    ),
  NothingDelayed: ([arbiter]) => e(`arbiter ${arbiter}'s draw weight already matches its stake`, "nothing to apply"),
  EpochNotDrawing: ([epoch, current]) =>
    e(`epoch ${epoch} is not the arbiter pool's Drawing epoch (${current})`, "the court draws only in its epoch"),
  ZeroAmount: () => e("the amount is zero", "give an amount above zero"),
  SortitionEmptyTree: () =>
    e("no arbiter is staked to be drawn", "RIDE holders stake with arbiter:stake; the keeper draws again later"),
  StakeTooLarge: ([arbiter, stake], c) =>
    e(`arbiter ${arbiter} would stake ${c.ride(stake)}, more than one account may`, "stake less"),
  NothingUnstaking: ([arbiter]) =>
    e(`arbiter ${arbiter} has no stake waiting to be withdrawn`, "ask for it first: arbiter:unstake --amount <RIDE>"),
  UnstakeCoolingDown: ([arbiter, at], c) =>
    e(
      `the stake arbiter ${arbiter} asked back can be withdrawn from ${c.time(at)}`,
      "wait for the cooldown (arbiter:status shows it), then arbiter:withdraw",
    ),
});

registerErrors(BlockhashRandomness__factory.abi, {
  RandomnessNotReady: ([requestId, st]) =>
    e(
      `randomness request ${requestId} is ${RANDOMNESS_STATUSES[Number(st)] ?? `status ${st}`}, not Ready`,
      "wait a few blocks (on a local chain: keeper:run --once --mine)",
    ),
});
