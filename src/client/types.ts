// The shapes the client returns, shared by every role module.
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import type { DisputeOutcomeName, DisputeStatusName, RandomnessStatusName, RideStateName } from "./errors";
import type { Place } from "./location";
import type { RouteReveal } from "./sealed";

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

/** A ruling the arbiter gave (its `Voted` event) and where its dispute stands now. */
export interface ArbiterRuling {
  disputeId: bigint;
  round: number;
  /** The arbiter's own split: basis points of the fare to the rider. */
  riderBps: number;
  /** The fare-token fee it was credited for ruling. */
  fee: bigint;
  blockNumber: number;
  /** The dispute's status now: Voting (the panel is not complete), Ruled, Resolved... */
  status: string;
  /** The panel's ruling (the median) once the round is ruled. */
  panelRiderBps?: number;
  /** Ruled: until when the ruling may be appealed. */
  appealUntil?: bigint;
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

/** RideMarket ride flags. */
export const ARRIVED = 1;
export const RIDER_RATED = 2;
export const DRIVER_RATED = 4;
