/**
 * A plain TypeScript model of the dispute court and its arbiter pool, beside the market model
 * of ./coop.ts (which it drives through the court's two market calls). Each action checks what
 * the contracts check, in the same order, and throws {@link Revert} with the custom error's
 * name, or applies the effects. Written from docs/DISPUTES.md and the interfaces' NatSpec: the
 * pool's phases, the frozen tree (stake changes reach the draw weights only while Staking),
 * fees, the pot, the loser-pays split, slashes, deadlines and fallbacks. The one thing it does
 * not compute is which arbiters a draw picks (keccak over the tree's layout): the runner hands
 * it the picks the chain announced, and the model checks that each was eligible, distinct,
 * and that a draw seats a panel exactly when the model's eligible weight allows it.
 */
import * as M from "./coop";
import { Revert, State, type ModelState } from "./coop";

const fail = (name: string): never => {
  throw new Revert(name);
};

export enum Status {
  None,
  Drawing,
  Voting,
  Ruled,
  Resolved,
}
export enum Phase {
  Staking,
  Generating,
  Drawing,
}
export enum Rnd {
  Unknown,
  Pending,
  Ready,
  Expired,
}

const BPS = 10_000n;
const HALF = 5_000;
export const MAX_ROUND = 2;
export const SETTLEMENT_VALIDITY = 3 * 86_400;
const FAKE_COMPLETION_BPS = 9_000;
export const MIN_STAKING_TIME = 3_600;
export const MAX_GENERATING_TIME = 86_400;
export const MAX_DRAWING_TIME = 86_400;
const MAX_RENEWALS = 3;
const ARRIVED = 1;

export interface CourtParams {
  disputeFee: bigint;
  arbiterFee: bigint;
  rulingDeadline: number;
  appealWindow: number;
  appealFeeBase: bigint;
  appealFeeGrowthBps: bigint;
  maxFailedDraws: number;
}

export interface PoolParams {
  drawLock: bigint;
  slashBps: bigint;
  unstakeCooldown: number;
}

export interface Dispute {
  rider: string;
  driver: string;
  fare: bigint;
  status: Status;
  round: number;
  failedDraws: number;
  riderBps: number;
  openedByRider: boolean;
  claimedComplete: boolean;
  deadline: number;
  drawEpoch: number;
  arbiterFee: bigint;
  feesEarned: bigint;
  paidByRider: bigint;
  paidByDriver: bigint;
}

export interface Seat {
  arbiter: string;
  locked: bigint;
  riderBps: number;
  voted: boolean;
}

export interface Arbiter {
  stake: bigint;
  locked: bigint;
  unstakeAt: number;
  unstaking: bigint;
}

export interface CourtState {
  /** The market, its fare token and every tUSD balance (the court's included). */
  m: ModelState;
  pool: string;
  params: CourtParams;
  poolParams: PoolParams;
  disputes: Map<number, Dispute>;
  /** Key `${dispute}:${round}:${seat}`; an empty seat is absent. */
  seats: Map<string, Seat>;
  proposals: Map<number, { proposer: string; riderBps: number; expiresAt: number }>;
  /** The court's fare-token credits. */
  credits: Map<string, bigint>;
  arbiters: Map<string, Arbiter>;
  /** The sum tree's leaves: the draw weight each arbiter has in the tree (absent: 0). */
  weights: Map<string, bigint>;
  /** The pool's RIDE credits (slashes paid to parties). */
  rideCredits: Map<string, bigint>;
  /** RIDE balances of the accounts the model knows. */
  ride: Map<string, bigint>;
  phase: { phase: Phase; epoch: number; startedAt: number; renewals: number; requestId: number };
  drawsDue: Map<number, number>;
  /** The mock randomness source: each request's status and the last id issued. */
  requests: Map<number, Rnd>;
  lastRequestId: number;
}

const get = <K, V>(m: Map<K, V>, k: K, d: V): V => m.get(k) ?? d;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const seatKey = (id: number, round: number, seat: number): string => `${id}:${round}:${seat}`;
export const panelSize = (round: number): number => (2 << round) - 1;

export function arbiter(c: CourtState, who: string): Arbiter {
  let a = c.arbiters.get(who);
  if (a === undefined) {
    a = { stake: 0n, locked: 0n, unstakeAt: 0, unstaking: 0n };
    c.arbiters.set(who, a);
  }
  return a;
}

// ------------------------------------------------------------------ RIDE

function moveRide(c: CourtState, from: string, to: string, amount: bigint): void {
  const balance = get(c.ride, from, 0n);
  if (balance < amount) fail("ERC20InsufficientBalance");
  c.ride.set(from, balance - amount);
  c.ride.set(to, get(c.ride, to, 0n) + amount);
}

// ------------------------------------------------------------------ the pool

export function weightFor(c: CourtState, a: Arbiter): bigint {
  const free = a.stake - a.locked;
  return free >= c.poolParams.drawLock ? free : 0n;
}

/** Written to the tree only while Staking; otherwise it waits for `applyDelayed`. */
function updateWeight(c: CourtState, who: string): void {
  if (c.phase.phase === Phase.Staking) c.weights.set(who, weightFor(c, arbiter(c, who)));
}

export function members(c: CourtState): string[] {
  return [...c.weights.entries()].filter(([, w]) => w > 0n).map(([a]) => a);
}

export function treeTotal(c: CourtState): bigint {
  let t = 0n;
  for (const w of c.weights.values()) t += w;
  return t;
}

export function stake(c: CourtState, who: string, amount: bigint): void {
  if (amount === 0n) fail("ZeroAmount");
  const a = arbiter(c, who);
  a.stake += amount;
  updateWeight(c, who);
  moveRide(c, who, c.pool, amount);
}

export function requestUnstake(c: CourtState, who: string, amount: bigint): void {
  if (amount === 0n) fail("ZeroAmount");
  const a = arbiter(c, who);
  if (amount > a.stake - a.locked) fail("StakeLocked");
  a.stake -= amount;
  a.unstaking += amount;
  a.unstakeAt = c.m.now + c.poolParams.unstakeCooldown;
  updateWeight(c, who);
}

export function withdrawUnstaked(c: CourtState, who: string, to: string): void {
  const a = arbiter(c, who);
  if (a.unstaking === 0n) fail("NothingUnstaking");
  if (c.m.now < a.unstakeAt) fail("UnstakeCoolingDown");
  const amount = a.unstaking;
  a.unstaking = 0n;
  moveRide(c, c.pool, to, amount);
}

export function claimCredit(c: CourtState, who: string, to: string): void {
  const amount = get(c.rideCredits, who, 0n);
  if (amount === 0n) fail("NothingToClaim");
  c.rideCredits.set(who, 0n);
  moveRide(c, c.pool, to, amount);
}

export function applyDelayed(c: CourtState, who: string): void {
  if (c.phase.phase !== Phase.Staking) fail("WrongPhase");
  const w = weightFor(c, arbiter(c, who));
  if (w === get(c.weights, who, 0n)) fail("NothingDelayed");
  c.weights.set(who, w);
}

function enter(c: CourtState, phase: Phase, epoch: number): void {
  c.phase.phase = phase;
  c.phase.epoch = epoch;
  c.phase.startedAt = c.m.now;
}

function request(c: CourtState, renewals: number): void {
  c.lastRequestId += 1;
  c.requests.set(c.lastRequestId, Rnd.Pending);
  c.phase.requestId = c.lastRequestId;
  c.phase.renewals = renewals;
}

/** The first second `passPhase` succeeds if the randomness never answers (undefined: never). */
export function passableAt(c: CourtState): number | undefined {
  const p = c.phase;
  if (p.phase === Phase.Staking) {
    return get(c.drawsDue, p.epoch + 1, 0) === 0 ? undefined : p.startedAt + MIN_STAKING_TIME;
  }
  if (p.phase === Phase.Generating) {
    const st = get(c.requests, p.requestId, Rnd.Unknown);
    return st === Rnd.Ready || st === Rnd.Expired ? c.m.now : p.startedAt + MAX_GENERATING_TIME + 1;
  }
  return get(c.drawsDue, p.epoch, 0) === 0 ? c.m.now : p.startedAt + MAX_DRAWING_TIME + 1;
}

export function passPhase(c: CourtState): void {
  const p = c.phase;
  const now = c.m.now;
  if (p.phase === Phase.Staking) {
    const next = p.epoch + 1;
    if (get(c.drawsDue, next, 0) === 0) fail("PhaseNotPassable");
    if (now < p.startedAt + MIN_STAKING_TIME) fail("PhaseNotPassable");
    enter(c, Phase.Generating, next);
    request(c, 0);
  } else if (p.phase === Phase.Generating) {
    const st = get(c.requests, p.requestId, Rnd.Unknown);
    if (st === Rnd.Ready) {
      enter(c, Phase.Drawing, p.epoch);
    } else if (st === Rnd.Expired && p.renewals < MAX_RENEWALS) {
      request(c, p.renewals + 1);
    } else {
      if (st !== Rnd.Expired && now <= p.startedAt + MAX_GENERATING_TIME) fail("PhaseNotPassable");
      enter(c, Phase.Staking, p.epoch);
    }
  } else {
    if (get(c.drawsDue, p.epoch, 0) !== 0 && now <= p.startedAt + MAX_DRAWING_TIME) fail("PhaseNotPassable");
    enter(c, Phase.Staking, p.epoch);
  }
}

/** The mock source: anyone fulfils or expires a request. */
export function settleRandomness(c: CourtState, id: number, ready: boolean): void {
  c.requests.set(id, ready ? Rnd.Ready : Rnd.Expired);
}

function queueDraw(c: CourtState): number {
  const epoch = c.phase.epoch + 1;
  c.drawsDue.set(epoch, get(c.drawsDue, epoch, 0) + 1);
  return epoch;
}

function lock(c: CourtState, who: string): bigint {
  const a = arbiter(c, who);
  const free = a.stake - a.locked;
  const amount = min(free, c.poolParams.drawLock);
  a.locked += amount;
  updateWeight(c, who);
  return amount;
}

function unlock(c: CourtState, who: string, amount: bigint): void {
  const a = arbiter(c, who);
  a.locked -= amount;
  updateWeight(c, who);
}

function slash(c: CourtState, who: string, locked: bigint, rider: string, driver: string): void {
  const a = arbiter(c, who);
  const slashed = (locked * c.poolParams.slashBps) / BPS;
  a.locked -= locked;
  a.stake -= slashed;
  updateWeight(c, who);
  const toRider = slashed / 2n;
  c.rideCredits.set(rider, get(c.rideCredits, rider, 0n) + toRider);
  c.rideCredits.set(driver, get(c.rideCredits, driver, 0n) + slashed - toRider);
}

// ------------------------------------------------------------------ the court

function credit(c: CourtState, to: string, amount: bigint): void {
  c.credits.set(to, get(c.credits, to, 0n) + amount);
}

function requireDispute(c: CourtState, id: number): Dispute {
  const d = c.disputes.get(id);
  if (d === undefined) return fail("DisputeUnknown");
  return d;
}

function requireOpen(c: CourtState, id: number): Dispute {
  const d = requireDispute(c, id);
  if (d.status === Status.Resolved) fail("DisputeAlreadyResolved");
  return d;
}

function requireStatus(c: CourtState, id: number, s: Status): Dispute {
  const d = requireDispute(c, id);
  if (d.status !== s) fail("DisputeWrongStatus");
  return d;
}

function requireParty(d: Dispute, sender: string): boolean {
  if (sender === d.rider) return true;
  if (sender !== d.driver) fail("NotParty");
  return false;
}

function checkSplit(bps: number): void {
  if (bps > 10_000) fail("InvalidSplit");
}

export function openDispute(c: CourtState, sender: string, id: number): void {
  if (c.disputes.has(id)) fail("DisputeAlreadyOpened");
  const ride = c.m.rides.get(id);
  const state = ride?.state ?? State.None;
  if (ride === undefined || ![State.Accepted, State.Started, State.Completed].includes(state)) {
    return fail("RideNotDisputable");
  }
  const byRider = sender === ride.rider;
  if (!byRider && sender !== ride.driver) fail("NotParty");
  const claimedComplete = state === State.Completed;
  if (claimedComplete) {
    if (BigInt(c.m.now) > BigInt(ride.stamp) + c.m.params.confirmWindow) fail("DisputeWindowClosed");
  } else if (!byRider && state === State.Accepted && (ride.flags & ARRIVED) === 0) {
    fail("DriverNotArrived");
  }
  const fee = c.params.disputeFee;
  const d: Dispute = {
    rider: ride.rider,
    driver: ride.driver,
    fare: ride.fare,
    status: Status.Drawing,
    round: 0,
    failedDraws: 0,
    riderBps: 0,
    openedByRider: byRider,
    claimedComplete,
    deadline: 0,
    drawEpoch: 0,
    arbiterFee: c.params.arbiterFee,
    feesEarned: 0n,
    paidByRider: byRider ? fee : 0n,
    paidByDriver: byRider ? 0n : fee,
  };
  c.disputes.set(id, d);
  M.openDispute(c.m, c.m.court, id, sender);
  d.drawEpoch = queueDraw(c);
  if (fee !== 0n) M.transferUsd(c.m, sender, c.m.court, fee);
}

export function proposeSettlement(c: CourtState, sender: string, id: number, bps: number): void {
  const d = requireOpen(c, id);
  requireParty(d, sender);
  checkSplit(bps);
  c.proposals.set(id, { proposer: sender, riderBps: bps, expiresAt: c.m.now + SETTLEMENT_VALIDITY });
}

export function withdrawSettlement(c: CourtState, sender: string, id: number): void {
  const p = c.proposals.get(id);
  if (p === undefined) return fail("NoSettlementProposed");
  if (p.proposer !== sender) fail("SettlementWrongParty");
  c.proposals.delete(id);
}

export function acceptSettlement(c: CourtState, sender: string, id: number, bps: number): void {
  const d = requireOpen(c, id);
  requireParty(d, sender);
  const p = c.proposals.get(id);
  if (p === undefined) return fail("NoSettlementProposed");
  if (p.proposer === sender) fail("SettlementWrongParty");
  if (p.riderBps !== bps) fail("SettlementMismatch");
  if (c.m.now > p.expiresAt) fail("SettlementExpired");
  resolve(c, id, d, "Settled", bps, d.status === Status.Drawing);
}

export function appealFee(c: CourtState, d: Dispute, round: number): bigint {
  let fee = c.params.appealFeeBase;
  if (round === 2) fee = (fee * c.params.appealFeeGrowthBps) / BPS;
  return fee + BigInt(panelSize(round)) * d.arbiterFee;
}

/** The parties and every arbiter seated in rounds 0..round. */
export function excluded(c: CourtState, id: number, d: Dispute, round: number): Set<string> {
  const out = new Set([d.rider, d.driver]);
  for (let r = 0; r <= round; r++) {
    for (let s = 0; s < panelSize(r); s++) {
      const seat = c.seats.get(seatKey(id, r, s));
      if (seat !== undefined) out.add(seat.arbiter);
    }
  }
  return out;
}

export function eligible(c: CourtState, id: number, d: Dispute, round: number): string[] {
  const out = excluded(c, id, d, round);
  return members(c).filter((a) => !out.has(a));
}

export function appeal(c: CourtState, sender: string, id: number, fee: bigint): void {
  const d = requireStatus(c, id, Status.Ruled);
  if (c.m.now > d.deadline) fail("AppealWindowClosed");
  if (d.round >= MAX_ROUND) fail("NoMoreAppeals");
  const byRider = requireParty(d, sender);
  if (byRider ? d.riderBps > HALF : d.riderBps < HALF) fail("NotLosingParty");
  const required = appealFee(c, d, d.round + 1);
  if (fee < required) fail("AppealUnderpaid");
  if (eligible(c, id, d, d.round).length < panelSize(d.round + 1)) fail("AppealUnseatable");
  if (byRider) d.paidByRider += required;
  else d.paidByDriver += required;
  d.round += 1;
  d.failedDraws = 0;
  d.status = Status.Drawing;
  d.drawEpoch = queueDraw(c);
  c.proposals.delete(id);
  if (required !== 0n) M.transferUsd(c.m, sender, c.m.court, required);
}

/**
 * `picks`: the arbiters the chain seated, in seat order (empty when it seated none). The model
 * decides whether the draw seats a panel; the picks only say who.
 */
export function drawArbiters(c: CourtState, id: number, picks: string[]): void {
  const d = requireStatus(c, id, Status.Drawing);
  const p = c.phase;
  const epoch = d.drawEpoch;
  if (epoch > p.epoch || (epoch === p.epoch && p.phase === Phase.Generating)) fail("DrawNotReady");
  if (epoch < p.epoch || p.phase !== Phase.Drawing) {
    if (picks.length !== 0) throw new Error(`dispute ${id}: a lapsed epoch seated ${picks.join(", ")}`);
    failDraw(c, id, d);
    return;
  }
  const size = panelSize(d.round);
  const empty: number[] = [];
  for (let s = 0; s < size; s++) if (!c.seats.has(seatKey(id, d.round, s))) empty.push(s);
  c.drawsDue.set(epoch, get(c.drawsDue, epoch, 0) - 1);
  const pool = eligible(c, id, d, d.round);
  if (pool.length < empty.length) {
    if (picks.length !== 0) throw new Error(`dispute ${id}: seated ${picks.length} from ${pool.length} eligible`);
    failDraw(c, id, d);
    return;
  }
  if (picks.length !== empty.length) {
    throw new Error(`dispute ${id}: ${picks.length} arbiters seated for ${empty.length} empty seats`);
  }
  const seen = new Set<string>();
  empty.forEach((s, i) => {
    const who = picks[i];
    if (!pool.includes(who) || seen.has(who)) {
      throw new Error(`dispute ${id}: ${who} was not eligible (party, seated, drawn twice or no weight)`);
    }
    seen.add(who);
    c.seats.set(seatKey(id, d.round, s), { arbiter: who, locked: lock(c, who), riderBps: 0, voted: false });
  });
  d.status = Status.Voting;
  d.deadline = c.m.now + c.params.rulingDeadline;
  c.proposals.delete(id);
}

export function rule(c: CourtState, sender: string, id: number, bps: number): void {
  const d = requireDispute(c, id);
  const size = panelSize(d.round);
  let seat: Seat | undefined;
  for (let s = 0; s < size && seat === undefined; s++) {
    const x = c.seats.get(seatKey(id, d.round, s));
    if (x?.arbiter === sender) seat = x;
  }
  if (seat === undefined) return fail("NotDrawnArbiter");
  if (seat.voted) fail("AlreadyRuled");
  if (d.status !== Status.Voting) fail("DisputeWrongStatus");
  if (c.m.now > d.deadline) fail("RulingDeadlinePassed");
  checkSplit(bps);
  seat.voted = true;
  seat.riderBps = bps;
  d.feesEarned += d.arbiterFee;
  if (d.arbiterFee !== 0n) credit(c, sender, d.arbiterFee);
  const votes: number[] = [];
  for (let s = 0; s < size; s++) {
    const x = c.seats.get(seatKey(id, d.round, s));
    if (x === undefined || !x.voted) return;
    votes.push(x.riderBps);
  }
  votes.sort((a, b) => a - b);
  d.riderBps = votes[Math.floor(size / 2)];
  d.status = Status.Ruled;
  d.deadline = c.m.now + c.params.appealWindow;
  c.proposals.delete(id);
}

export function timeoutRuling(c: CourtState, id: number): void {
  const d = requireStatus(c, id, Status.Voting);
  if (c.m.now <= d.deadline) fail("RulingDeadlineNotPassed");
  for (let s = 0; s < panelSize(d.round); s++) {
    const key = seatKey(id, d.round, s);
    const seat = c.seats.get(key);
    if (seat === undefined || seat.voted) continue;
    c.seats.delete(key);
    slash(c, seat.arbiter, seat.locked, d.rider, d.driver);
  }
  failDraw(c, id, d);
}

export function executeRuling(c: CourtState, id: number): void {
  const d = requireStatus(c, id, Status.Ruled);
  if (d.round < MAX_ROUND && c.m.now <= d.deadline) fail("AppealWindowOpen");
  resolve(c, id, d, "Ruled", d.riderBps, false);
}

export function withdraw(c: CourtState, sender: string, to: string): void {
  const amount = get(c.credits, sender, 0n);
  if (amount === 0n) fail("NothingToWithdraw");
  c.credits.set(sender, 0n);
  M.transferUsd(c.m, c.m.court, to, amount);
}

function failDraw(c: CourtState, id: number, d: Dispute): void {
  d.failedDraws += 1;
  if (d.failedDraws >= c.params.maxFailedDraws) {
    const bps = d.round !== 0 ? d.riderBps : d.claimedComplete ? 10_000 : HALF;
    resolve(c, id, d, "Fallback", bps, false);
    return;
  }
  d.drawEpoch = queueDraw(c);
  d.status = Status.Drawing;
}

/** The pot, the loser-pays split and the market's resolution, as docs/DISPUTES.md states them. */
function resolve(
  c: CourtState,
  id: number,
  d: Dispute,
  outcome: "Settled" | "Ruled" | "Fallback",
  bps: number,
  queued: boolean,
): void {
  if (queued) {
    const due = get(c.drawsDue, d.drawEpoch, 0);
    if (due !== 0) c.drawsDue.set(d.drawEpoch, due - 1);
  }
  d.status = Status.Resolved;
  d.riderBps = bps;
  for (let r = 0; r <= d.round; r++) {
    for (let s = 0; s < panelSize(r); s++) {
      const seat = c.seats.get(seatKey(id, r, s));
      if (seat === undefined || seat.locked === 0n) continue;
      const locked = seat.locked;
      seat.locked = 0n;
      unlock(c, seat.arbiter, locked);
    }
  }
  const paid = d.paidByRider + d.paidByDriver;
  const pot = paid - d.feesEarned;
  let riderRefund = 0n;
  if (outcome !== "Settled" && bps > HALF) riderRefund = pot;
  else if (outcome === "Settled" || bps === HALF) riderRefund = paid === 0n ? 0n : (pot * d.paidByRider) / paid;
  const driverRefund = pot - riderRefund;
  if (riderRefund !== 0n) credit(c, d.rider, riderRefund);
  if (driverRefund !== 0n) credit(c, d.driver, driverRefund);

  let riderAmount = (d.fare * BigInt(bps)) / BPS;
  let penalty = 0n;
  if (outcome !== "Settled" && bps !== HALF) {
    if (bps > HALF) {
      const owed = d.feesEarned > d.paidByDriver ? d.feesEarned - d.paidByDriver : 0n;
      const fromFare = min(owed, d.fare - riderAmount);
      riderAmount += fromFare;
      penalty = owed - fromFare;
      if (d.claimedComplete && bps >= FAKE_COMPLETION_BPS) penalty += c.m.params.noShowPenalty;
    } else {
      const owed = d.feesEarned > d.paidByRider ? d.feesEarned - d.paidByRider : 0n;
      riderAmount -= min(owed, riderAmount);
    }
  }
  M.resolveDispute(c.m, c.m.court, id, riderAmount, penalty);
}

// ------------------------------------------------------------------ ghost sums

/** What the court owes: its credits plus, for every open dispute, the fees paid in and not yet earned. */
export function courtOwed(c: CourtState): bigint {
  let total = 0n;
  for (const v of c.credits.values()) total += v;
  for (const d of c.disputes.values()) {
    if (d.status !== Status.Resolved) total += d.paidByRider + d.paidByDriver - d.feesEarned;
  }
  return total;
}

/** The RIDE the pool owes: stakes, stake asked back, and the parties' slash credits. */
export function poolOwed(c: CourtState): bigint {
  let total = 0n;
  for (const a of c.arbiters.values()) total += a.stake + a.unstaking;
  for (const v of c.rideCredits.values()) total += v;
  return total;
}

/** Stake locked by seats of disputes not yet resolved, per arbiter. */
export function seatLocks(c: CourtState): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [key, seat] of c.seats) {
    const d = c.disputes.get(Number(key.split(":")[0]));
    if (d === undefined || d.status === Status.Resolved) continue;
    out.set(seat.arbiter, get(out, seat.arbiter, 0n) + seat.locked);
  }
  return out;
}
