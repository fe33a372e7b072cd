/**
 * A plain TypeScript model of the cooperative (RideMarket + RIDE + its revenue share + the fare
 * token's balances). Each action checks what the contract checks, in the same order, and
 * throws {@link Revert} with the custom error's name, or applies the effects. It is written
 * from the design and the interface's NatSpec, not from the contract's storage, so a drift
 * between the two shows up as a mismatch in the stateful test.
 */

export enum State {
  None,
  Requested,
  Accepted,
  Started,
  Completed,
  Finalized,
  Cancelled,
  Disputed,
  Resolved,
}

/** The design's arrows (docs/DESIGN.md); a state may also stay where it is. */
export const ARROWS: Record<State, State[]> = {
  [State.None]: [State.Requested],
  [State.Requested]: [State.Accepted, State.Cancelled],
  [State.Accepted]: [State.Started, State.Cancelled, State.Disputed],
  [State.Started]: [State.Completed, State.Finalized, State.Cancelled, State.Disputed],
  [State.Completed]: [State.Finalized, State.Disputed],
  [State.Finalized]: [],
  [State.Cancelled]: [],
  [State.Disputed]: [State.Resolved],
  [State.Resolved]: [],
};

export const LIVE = new Set([State.Requested, State.Accepted, State.Started, State.Completed, State.Disputed]);

export class Revert extends Error {
  constructor(readonly errorName: string) {
    super(errorName);
  }
}

const fail = (name: string): never => {
  throw new Revert(name);
};

export const BPS = 10_000n;
export const MAX_REQUEST_TTL = 86_400;
export const KEEPER_DELAY = 86_400;
export const EPOCH_LENGTH = 7 * 86_400;
export const TREASURY_PERIOD = 30 * 86_400;
export const TREASURY_OUTFLOW_BPS = 1_000n;
export const PARAMETER_COOLDOWN = 7 * 86_400;
export const MAX_CHANGE_DIVISOR = 4n;
export const UINT96_MAX = (1n << 96n) - 1n;
const MAGNITUDE = 1n << 96n;
/** Below one RIDE of supply, revenue waits (RevenueShare: no dust-sized holder takes it all). */
const MIN_SHARING_SUPPLY = 10n ** 18n;
const ARRIVED = 1;
const RIDER_RATED = 2;
const DRIVER_RATED = 4;
const OFFERED = 8;
const RIDER_WRONGED = 16;
const DRIVER_WRONGED = 32;
const ARRIVAL_NOTICE = 60n;

export interface ModelRide {
  rider: string;
  fare: bigint;
  driver: string;
  state: State;
  flags: number;
  feeBps: bigint;
  minRating: number;
  stamp: number;
}

export interface ModelAccount {
  stake: bigint;
  activeRide: number;
  ratingSum: number;
  ratingCount: number;
  openRides: number;
  registered: boolean;
}

export interface Params {
  feeBps: bigint;
  holdersShareBps: bigint;
  rewardPerToken: bigint;
  gracePeriod: bigint;
  pickupWindow: bigint;
  noShowWindow: bigint;
  confirmWindow: bigint;
  rideWindow: bigint;
  minStake: bigint;
  cancellationFee: bigint;
  noShowPenalty: bigint;
  pairFareCap: bigint;
  driverFareCap: bigint;
  minFare: bigint;
}
export type ParamName = keyof Params;

/** The hard bounds, as the design states them (fare unit 10^6). */
export function bounds(unit: bigint): Record<ParamName, [bigint, bigint]> {
  return {
    feeBps: [0n, 1_000n],
    holdersShareBps: [0n, BPS],
    rewardPerToken: [0n, 10n * 10n ** 18n],
    gracePeriod: [0n, 15n * 60n],
    pickupWindow: [5n * 60n, 2n * 3600n],
    noShowWindow: [2n * 60n, 3600n],
    confirmWindow: [10n * 60n, 7n * 86_400n],
    rideWindow: [3600n, 2n * 86_400n],
    minStake: [unit, 10_000n * unit],
    cancellationFee: [0n, 50n * unit],
    noShowPenalty: [0n, 100n * unit],
    pairFareCap: [0n, 10_000n * unit],
    driverFareCap: [0n, 100_000n * unit],
    minFare: [unit / 10n, 50n * unit],
  };
}

export interface ModelState {
  now: number;
  market: string;
  token: string;
  governance: string;
  court: string;
  unit: bigint;
  cap: bigint;
  params: Params;
  nextRideId: number;
  rides: Map<number, ModelRide>;
  accounts: Map<string, ModelAccount>;
  credits: Map<string, bigint>;
  offers: Map<string, { fare: bigint; expiresAt: number }>;
  rewards: Map<string, { accrued: bigint; epoch: number; epochFare: bigint }>;
  pairEpochs: Map<string, { epoch: number; fare: bigint }>;
  /** Ratings received as a rider; the latest rating per (rater, ratee, as driver). */
  riderRatings: Map<string, { sum: number; count: number }>;
  lastRatings: Map<string, number>;
  totalOwed: bigint;
  treasuryPending: bigint;
  /** The holders' revenue the market keeps (owed) until RIDE collects it (`sendRevenue`). */
  revenueUnsent: bigint;
  /** The treasury's outflow limit: the period of the allowance and what it still allows. */
  treasuryPeriod: number;
  treasuryAllowance: bigint;
  /** When governance last changed each parameter (absent: never). */
  changedAt: Map<string, number>;
  rewardsEarned: bigint;
  /** Fare-token balances of every address the model knows (wallets, market, RIDE token). */
  usd: Map<string, bigint>;
  /** RIDE: balances, delegates, supply, and the revenue share's points. */
  ride: Map<string, bigint>;
  delegates: Map<string, string>;
  supply: bigint;
  pointsPerShare: bigint;
  corrections: Map<string, bigint>;
  /** RIDE accrued and not minted: shares revenue, has no votes. */
  pending: Map<string, bigint>;
  totalPending: bigint;
  claimed: Map<string, bigint>;
  deposited: bigint;
  totalClaimed: bigint;
  waiting: bigint;
  deposits: number;
}

const get = <K, V>(m: Map<K, V>, k: K, d: V): V => m.get(k) ?? d;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function account(s: ModelState, who: string): ModelAccount {
  let acc = s.accounts.get(who);
  if (acc === undefined) {
    acc = { stake: 0n, activeRide: 0, ratingSum: 0, ratingCount: 0, openRides: 0, registered: false };
    s.accounts.set(who, acc);
  }
  return acc;
}

export function votes(s: ModelState, who: string): bigint {
  let total = 0n;
  for (const [holder, delegatee] of s.delegates) if (delegatee === who) total += get(s.ride, holder, 0n);
  return total;
}

export function claimable(s: ModelState, holder: string): bigint {
  const shares = get(s.ride, holder, 0n) + get(s.pending, holder, 0n);
  const points = s.pointsPerShare * shares + get(s.corrections, holder, 0n);
  return points / MAGNITUDE - get(s.claimed, holder, 0n);
}

// ------------------------------------------------------------------ fare token

export function transferUsd(s: ModelState, from: string, to: string, amount: bigint): void {
  const balance = get(s.usd, from, 0n);
  if (balance < amount) fail("ERC20InsufficientBalance");
  s.usd.set(from, balance - amount);
  s.usd.set(to, get(s.usd, to, 0n) + amount);
}

function credit(s: ModelState, to: string, amount: bigint): void {
  s.credits.set(to, get(s.credits, to, 0n) + amount);
}

function pullOwed(s: ModelState, from: string, amount: bigint): void {
  transferUsd(s, from, s.market, amount);
  s.totalOwed += amount;
}

function push(s: ModelState, to: string, amount: bigint): void {
  s.totalOwed -= amount;
  transferUsd(s, s.market, to, amount);
}

// ------------------------------------------------------------------ RIDE

function moveRide(s: ModelState, from: string | null, to: string | null, value: bigint): void {
  if (from !== null) {
    const balance = get(s.ride, from, 0n);
    if (balance < value) fail("ERC20InsufficientBalance");
    s.ride.set(from, balance - value);
  } else {
    if (s.supply + s.totalPending + value > s.cap) fail("ERC20ExceededCap");
    s.supply += value;
  }
  if (to !== null) s.ride.set(to, get(s.ride, to, 0n) + value);
  const points = s.pointsPerShare * value;
  if (from !== null) s.corrections.set(from, get(s.corrections, from, 0n) + points);
  if (to !== null) s.corrections.set(to, get(s.corrections, to, 0n) - points);
}

export function transferRide(s: ModelState, from: string, to: string, value: bigint): void {
  moveRide(s, from, to, value);
}

export function delegate(s: ModelState, from: string, to: string): void {
  s.delegates.set(from, to);
}

/** `sendRevenue`: the market sends RIDE the holders' revenue it kept. */
export function sendRevenue(s: ModelState): void {
  const amount = s.revenueUnsent;
  if (amount === 0n) return;
  s.revenueUnsent = 0n;
  s.totalOwed -= amount;
  transferUsd(s, s.market, s.token, amount);
}

export function claimRevenue(s: ModelState, holder: string, to: string): void {
  sendRevenue(s); // RIDE collects first
  const amount = claimable(s, holder);
  if (amount === 0n) fail("RevenueZeroAmount");
  s.claimed.set(holder, get(s.claimed, holder, 0n) + amount);
  s.totalClaimed += amount;
  transferUsd(s, s.token, to, amount);
}

function shareRevenue(s: ModelState, amount: bigint): void {
  s.deposited += amount;
  s.deposits += 1;
  const supply = s.supply + s.totalPending;
  if (supply < MIN_SHARING_SUPPLY) {
    s.waiting += amount;
  } else {
    const distributed = amount + s.waiting;
    s.waiting = 0n;
    s.pointsPerShare += (distributed * MAGNITUDE) / supply;
  }
}

/** RIDE accrued to `who`: counted in the revenue share from now, minted later. */
function addPending(s: ModelState, who: string, amount: bigint): void {
  s.pending.set(who, get(s.pending, who, 0n) + amount);
  s.totalPending += amount;
  s.corrections.set(who, get(s.corrections, who, 0n) - s.pointsPerShare * amount);
}

// ------------------------------------------------------------------ drivers

export function registerDriver(s: ModelState, driver: string, stake: bigint): void {
  const acc = account(s, driver);
  if (acc.registered) fail("DriverAlreadyRegistered");
  const total = acc.stake + stake;
  if (total < s.params.minStake) fail("StakeBelowMinimum");
  if (total > UINT96_MAX) fail("FareTooLarge");
  acc.registered = true;
  acc.stake = total;
  if (stake !== 0n) pullOwed(s, driver, stake);
}

export function addStake(s: ModelState, driver: string, amount: bigint): void {
  const acc = account(s, driver);
  if (!acc.registered) fail("DriverNotRegistered");
  if (amount === 0n) fail("AmountZero");
  const total = acc.stake + amount;
  if (total > UINT96_MAX) fail("FareTooLarge");
  acc.stake = total;
  pullOwed(s, driver, amount);
}

export function withdrawStake(s: ModelState, driver: string, amount: bigint): void {
  const acc = account(s, driver);
  if (!acc.registered) fail("DriverNotRegistered");
  if (acc.openRides !== 0) fail("StakeLocked");
  if (amount > acc.stake) fail("StakeInsufficient");
  const remaining = acc.stake - amount;
  if (remaining < s.params.minStake) fail("StakeBelowMinimum");
  acc.stake = remaining;
  push(s, driver, amount);
}

export function deregisterDriver(s: ModelState, driver: string): void {
  const acc = account(s, driver);
  if (!acc.registered) fail("DriverNotRegistered");
  if (acc.openRides !== 0) fail("StakeLocked");
  const stake = acc.stake;
  acc.stake = 0n;
  acc.registered = false;
  if (stake !== 0n) push(s, driver, stake);
}

// ------------------------------------------------------------------ requests

export interface Request {
  maxFare: bigint;
  expiresAt: number;
  minRating: number;
  driver: string;
}

export function requestRide(s: ModelState, rider: string, r: Request): number {
  if (r.maxFare === 0n) fail("FareZero");
  if (r.maxFare > UINT96_MAX) fail("FareTooLarge");
  if (r.expiresAt <= s.now || r.expiresAt > s.now + MAX_REQUEST_TTL) fail("InvalidExpiry");
  if (r.minRating > 500) fail("InvalidMinRating");
  const id = s.nextRideId;
  s.rides.set(id, {
    rider,
    fare: r.maxFare,
    driver: r.driver,
    state: State.Requested,
    flags: 0,
    feeBps: 0n,
    minRating: r.minRating,
    stamp: r.expiresAt,
  });
  s.nextRideId = id + 1;
  pullOwed(s, rider, r.maxFare);
  return id;
}

function known(s: ModelState, id: number): ModelRide {
  const ride = s.rides.get(id);
  if (ride === undefined) return fail("RideUnknown");
  return ride;
}

function inState(s: ModelState, id: number, expected: State): ModelRide {
  const ride = known(s, id);
  if (ride.state !== expected) fail("RideWrongState");
  return ride;
}

function openRequest(s: ModelState, id: number): ModelRide {
  const ride = inState(s, id, State.Requested);
  if (s.now > ride.stamp) fail("RideExpired");
  return ride;
}

function driverInState(s: ModelState, id: number, expected: State, sender: string): ModelRide {
  const ride = inState(s, id, expected);
  if (sender !== ride.driver) fail("NotDriver");
  return ride;
}

function endRide(s: ModelState, id: number, ride: ModelRide, end: State): void {
  ride.state = end;
  const acc = account(s, ride.driver);
  if (acc.activeRide === id) acc.activeRide = 0;
  acc.openRides -= 1;
}

function cancelAccepted(s: ModelState, id: number, ride: ModelRide, fee: bigint): void {
  endRide(s, id, ride, State.Cancelled);
  const toDriver = min(fee, ride.fare);
  const refund = ride.fare - toDriver;
  if (refund !== 0n) credit(s, ride.rider, refund);
  if (toDriver !== 0n) credit(s, ride.driver, toDriver);
}

export function cancelRide(s: ModelState, id: number, sender: string): void {
  const ride = known(s, id);
  if (sender !== ride.rider) fail("NotRider");
  if (ride.state === State.Requested) {
    ride.state = State.Cancelled;
    credit(s, ride.rider, ride.fare);
    return;
  }
  if (ride.state !== State.Accepted) fail("RideWrongState");
  // Free within the grace period; after an arrival only until ARRIVAL_NOTICE after it.
  let freeUntil = BigInt(ride.stamp) + s.params.gracePeriod;
  if ((ride.flags & ARRIVED) !== 0) {
    const acceptedAt = BigInt(ride.stamp - ride.minRating);
    freeUntil = min(acceptedAt + s.params.gracePeriod, BigInt(ride.stamp) + ARRIVAL_NOTICE);
  }
  const free = BigInt(s.now) <= freeUntil;
  if (!free) ride.flags |= DRIVER_WRONGED;
  cancelAccepted(s, id, ride, free ? 0n : s.params.cancellationFee);
}

export function expireRequest(s: ModelState, id: number): void {
  const ride = inState(s, id, State.Requested);
  if (s.now <= ride.stamp) fail("RideNotExpired");
  ride.state = State.Cancelled;
  credit(s, ride.rider, ride.fare);
}

// ------------------------------------------------------------------ matching

function average(acc: ModelAccount): bigint {
  return acc.ratingCount === 0 ? 0n : (BigInt(acc.ratingSum) * 100n) / BigInt(acc.ratingCount);
}

function checkEligible(s: ModelState, ride: ModelRide, driver: string): void {
  const acc = account(s, driver);
  if (!acc.registered) fail("DriverNotRegistered");
  if (ride.driver !== ZERO && ride.driver !== driver) fail("DriverNotAllowed");
  if (driver === ride.rider) fail("DriverNotAllowed");
  if (ride.minRating !== 0 && (acc.ratingCount === 0 || average(acc) < BigInt(ride.minRating))) {
    fail("DriverRatingTooLow");
  }
}

export const ZERO = "0x0000000000000000000000000000000000000000";

function match(s: ModelState, id: number, ride: ModelRide, driver: string, fare: bigint): void {
  checkEligible(s, ride, driver);
  const acc = account(s, driver);
  if (acc.activeRide !== 0) fail("DriverBusy");
  if (acc.stake < s.params.minStake) fail("StakeBelowMinimum");
  acc.activeRide = id;
  acc.openRides += 1;
  const refund = ride.fare - fare;
  if (refund !== 0n) {
    ride.fare = fare;
    credit(s, ride.rider, refund);
  }
  ride.driver = driver;
  ride.state = State.Accepted;
  ride.feeBps = s.params.feeBps;
  ride.minRating = 0;
  ride.stamp = s.now;
}

export function acceptRide(s: ModelState, id: number, driver: string, fare: bigint): void {
  const ride = openRequest(s, id);
  if ((ride.flags & OFFERED) !== 0) fail("RideHasOffers");
  if (fare !== ride.fare) fail("FareMismatch");
  match(s, id, ride, driver, ride.fare);
}

export function makeOffer(s: ModelState, id: number, driver: string, fare: bigint, expiresAt: number): void {
  const ride = openRequest(s, id);
  checkEligible(s, ride, driver);
  if (fare === 0n) fail("FareZero");
  if (fare >= ride.fare) fail("FareTooLarge");
  if (expiresAt <= s.now || expiresAt > ride.stamp) fail("InvalidExpiry");
  s.offers.set(`${id}:${driver}`, { fare, expiresAt });
  ride.flags |= OFFERED;
}

export function acceptOffer(s: ModelState, id: number, sender: string, driver: string, fare: bigint): void {
  const ride = openRequest(s, id);
  if (sender !== ride.rider) fail("NotRider");
  const offer = s.offers.get(`${id}:${driver}`);
  if (offer === undefined) return fail("OfferUnknown");
  if (s.now > offer.expiresAt) fail("OfferExpired");
  if (fare !== offer.fare) fail("FareMismatch");
  s.offers.delete(`${id}:${driver}`);
  match(s, id, ride, driver, fare);
}

// ------------------------------------------------------------------ the ride

export function markArrived(s: ModelState, id: number, sender: string): void {
  const ride = driverInState(s, id, State.Accepted, sender);
  if ((ride.flags & ARRIVED) !== 0) fail("AlreadyArrived");
  if (BigInt(s.now) > BigInt(ride.stamp) + s.params.pickupWindow) fail("WindowPassed");
  ride.flags |= ARRIVED;
  ride.minRating = s.now - ride.stamp;
  ride.stamp = s.now;
}

export function startRide(s: ModelState, id: number, sender: string): void {
  const ride = driverInState(s, id, State.Accepted, sender);
  ride.state = State.Started;
  ride.stamp = s.now;
}

export function completeRide(s: ModelState, id: number, sender: string): void {
  const ride = driverInState(s, id, State.Started, sender);
  ride.state = State.Completed;
  ride.stamp = s.now;
  account(s, ride.driver).activeRide = 0;
}

function accrueReward(s: ModelState, rider: string, driver: string, fare: bigint): bigint {
  const epoch = Math.floor(s.now / EPOCH_LENGTH);
  const pairKey = `${rider}:${driver}`;
  const pair = s.pairEpochs.get(pairKey) ?? { epoch: 0, fare: 0n };
  const rewards = s.rewards.get(driver) ?? { accrued: 0n, epoch: 0, epochFare: 0n };
  const pairUsed = pair.epoch === epoch ? pair.fare : 0n;
  const driverUsed = rewards.epoch === epoch ? rewards.epochFare : 0n;
  const { pairFareCap, driverFareCap } = s.params;
  const eligible = min(
    fare,
    min(pairFareCap - min(pairUsed, pairFareCap), driverFareCap - min(driverUsed, driverFareCap)),
  );
  if (eligible === 0n) return 0n;
  let reward = (eligible * s.params.rewardPerToken) / s.unit;
  const room = s.cap - s.rewardsEarned;
  if (reward > room) reward = room;
  if (reward === 0n) return 0n;
  s.pairEpochs.set(pairKey, { epoch, fare: pairUsed + eligible });
  s.rewards.set(driver, { accrued: rewards.accrued + reward, epoch, epochFare: driverUsed + eligible });
  s.rewardsEarned += reward;
  return reward;
}

/** The fee split of a finalized ride; the parts add up to the fare exactly. */
export function split(fare: bigint, feeBps: bigint, holdersShareBps: bigint) {
  const fee = (fare * feeBps) / BPS;
  const holders = (fee * holdersShareBps) / BPS;
  return { driver: fare - fee, holders, treasury: fee - holders };
}

function finalize(s: ModelState, id: number, ride: ModelRide, rating: number, confirmed: boolean): void {
  const counts = ride.fare >= s.params.minFare;
  if (rating !== 0 && counts) rateDriver(s, ride.rider, ride.driver, rating);
  const acc = account(s, ride.driver);
  if (acc.activeRide === id) acc.activeRide = 0;
  acc.openRides -= 1;
  ride.state = State.Finalized;
  const parts = split(ride.fare, ride.feeBps, s.params.holdersShareBps);
  s.treasuryPending += parts.treasury;
  credit(s, ride.driver, parts.driver);
  const reward = confirmed && counts ? accrueReward(s, ride.rider, ride.driver, ride.fare) : 0n;
  // The reward accrues first, then the holders' share is deposited at once.
  if (reward !== 0n) addPending(s, ride.driver, reward);
  // Shared at once; the tokens stay in the market, owed, until RIDE collects them.
  if (parts.holders !== 0n) {
    s.revenueUnsent += parts.holders;
    shareRevenue(s, parts.holders);
  }
}

function checkRating(rating: number): void {
  if (rating === 0 || rating > 5) fail("InvalidRating");
}

export function confirmRide(s: ModelState, id: number, sender: string, rating: number): void {
  const ride = known(s, id);
  if (sender !== ride.rider) fail("NotRider");
  if (ride.state !== State.Started && ride.state !== State.Completed) fail("RideWrongState");
  checkRating(rating);
  ride.flags |= RIDER_RATED;
  finalize(s, id, ride, rating, true);
}

export function finalizeRide(s: ModelState, id: number): void {
  const ride = inState(s, id, State.Completed);
  if (BigInt(s.now) <= BigInt(ride.stamp) + s.params.confirmWindow) fail("WindowNotPassed");
  finalize(s, id, ride, 0, false);
}

function partyDeadline(s: ModelState, sender: string, party: string, opensAt: bigint): void {
  const at = sender === party ? opensAt : opensAt + BigInt(KEEPER_DELAY);
  if (BigInt(s.now) <= at) fail("WindowNotPassed");
}

export function cancelDriverNoShow(s: ModelState, id: number, sender: string): void {
  const ride = inState(s, id, State.Accepted);
  if ((ride.flags & ARRIVED) !== 0) fail("AlreadyArrived");
  partyDeadline(s, sender, ride.rider, BigInt(ride.stamp) + s.params.pickupWindow);
  const acc = account(s, ride.driver);
  const penalty = min(s.params.noShowPenalty, acc.stake);
  acc.stake -= penalty;
  ride.flags |= RIDER_WRONGED;
  endRide(s, id, ride, State.Cancelled);
  credit(s, ride.rider, ride.fare + penalty);
}

export function cancelRiderNoShow(s: ModelState, id: number, sender: string): void {
  const ride = inState(s, id, State.Accepted);
  if ((ride.flags & ARRIVED) === 0) fail("NotArrived");
  partyDeadline(s, sender, ride.driver, BigInt(ride.stamp) + s.params.noShowWindow);
  ride.flags |= DRIVER_WRONGED;
  cancelAccepted(s, id, ride, s.params.cancellationFee);
}

export function reclaimAbandoned(s: ModelState, id: number): void {
  const ride = inState(s, id, State.Started);
  if (BigInt(s.now) <= BigInt(ride.stamp) + s.params.rideWindow) fail("WindowNotPassed");
  ride.flags |= RIDER_WRONGED;
  endRide(s, id, ride, State.Cancelled);
  credit(s, ride.rider, ride.fare);
}

export function rate(s: ModelState, id: number, rater: string, rating: number): void {
  const ride = known(s, id);
  if (ride.state !== State.Finalized && ride.state !== State.Cancelled) fail("RideWrongState");
  checkRating(rating);
  const riderRates = rater === ride.rider;
  if (!riderRates && rater !== ride.driver) fail("NotParty");
  if (ride.state === State.Cancelled && (ride.flags & (riderRates ? RIDER_WRONGED : DRIVER_WRONGED)) === 0) {
    fail("NotWronged");
  }
  const flag = riderRates ? RIDER_RATED : DRIVER_RATED;
  if ((ride.flags & flag) !== 0) fail("AlreadyRated");
  if (ride.fare < s.params.minFare) fail("FareBelowMinimum");
  ride.flags |= flag;
  if (riderRates) rateDriver(s, ride.rider, ride.driver, rating);
  else rateRider(s, ride.driver, ride.rider, rating);
}

/** Only a rater's latest rating of a ratee counts; returns the one it replaces (0 = none). */
function swapRating(s: ModelState, rater: string, ratee: string, asDriver: boolean, rating: number): number {
  const key = `${rater}:${ratee}:${asDriver}`;
  const previous = s.lastRatings.get(key) ?? 0;
  s.lastRatings.set(key, rating);
  return previous;
}

function rateDriver(s: ModelState, rater: string, driver: string, rating: number): void {
  const previous = swapRating(s, rater, driver, true, rating);
  const acc = account(s, driver);
  acc.ratingSum += rating - previous;
  if (previous === 0) acc.ratingCount += 1;
}

function rateRider(s: ModelState, rater: string, rider: string, rating: number): void {
  const previous = swapRating(s, rater, rider, false, rating);
  const tally = s.riderRatings.get(rider) ?? { sum: 0, count: 0 };
  s.riderRatings.set(rider, { sum: tally.sum + rating - previous, count: tally.count + (previous === 0 ? 1 : 0) });
}

// ------------------------------------------------------------------ disputes (court)

export function openDispute(s: ModelState, sender: string, id: number, by: string): void {
  if (sender !== s.court) fail("NotCourt");
  const ride = known(s, id);
  if (ride.state !== State.Accepted && ride.state !== State.Started && ride.state !== State.Completed) {
    fail("RideWrongState");
  }
  if (by !== ride.rider && by !== ride.driver) fail("NotParty");
  ride.state = State.Disputed;
  ride.stamp = s.now;
  const acc = account(s, ride.driver);
  if (acc.activeRide === id) acc.activeRide = 0;
}

export function resolveDispute(s: ModelState, sender: string, id: number, riderAmount: bigint, stakePenalty: bigint) {
  if (sender !== s.court) fail("NotCourt");
  const ride = inState(s, id, State.Disputed);
  if (riderAmount > ride.fare) fail("SplitTooLarge");
  const acc = account(s, ride.driver);
  const penalty = min(stakePenalty, acc.stake);
  acc.stake -= penalty;
  ride.state = State.Resolved;
  acc.openRides -= 1;
  if (riderAmount + penalty !== 0n) credit(s, ride.rider, riderAmount + penalty);
  if (ride.fare - riderAmount !== 0n) credit(s, ride.driver, ride.fare - riderAmount);
}

// ------------------------------------------------------------------ money out

export function withdraw(s: ModelState, sender: string, to: string): void {
  const amount = get(s.credits, sender, 0n);
  if (amount === 0n) fail("NothingToWithdraw");
  s.credits.set(sender, 0n);
  push(s, to, amount);
}

export function claimRewards(s: ModelState, driver: string): void {
  const rewards = s.rewards.get(driver);
  if (rewards === undefined || rewards.accrued === 0n) return fail("NothingToClaim");
  const amount = rewards.accrued;
  rewards.accrued = 0n;
  // Release: pending becomes balance with its points unchanged (the mint subtracts them again).
  s.pending.set(driver, get(s.pending, driver, 0n) - amount);
  s.totalPending -= amount;
  s.corrections.set(driver, get(s.corrections, driver, 0n) + s.pointsPerShare * amount);
  if (!s.delegates.has(driver)) s.delegates.set(driver, driver);
  moveRide(s, null, driver, amount);
}

export function withdrawTreasury(s: ModelState, sender: string, to: string, amount: bigint): void {
  if (sender !== s.governance) fail("NotGovernance");
  const period = Math.floor(s.now / TREASURY_PERIOD);
  let allowance = s.treasuryAllowance;
  if (period !== s.treasuryPeriod) {
    allowance = (s.treasuryPending * TREASURY_OUTFLOW_BPS) / BPS;
    s.treasuryPeriod = period;
  }
  if (amount > allowance) fail("TreasuryOutflowLimit");
  s.treasuryAllowance = allowance - amount;
  s.treasuryPending -= amount;
  push(s, to, amount);
}

export function sweep(s: ModelState, sender: string, to: string, amount: bigint): void {
  if (sender !== s.governance) fail("NotGovernance");
  const available = get(s.usd, s.market, 0n) - s.totalOwed;
  if (amount > available) fail("SweepExceedsSurplus");
  transferUsd(s, s.market, to, amount);
}

export function donate(s: ModelState, from: string, amount: bigint): void {
  transferUsd(s, from, s.market, amount);
}

export function setParameter(s: ModelState, sender: string, name: ParamName, value: bigint): void {
  if (sender !== s.governance) fail("NotGovernance");
  const [lo, hi] = bounds(s.unit)[name];
  if (value < lo || value > hi) fail("ParameterOutOfBounds");
  const changedAt = s.changedAt.get(name);
  if (changedAt !== undefined && s.now < changedAt + PARAMETER_COOLDOWN) fail("ParameterChangeTooSoon");
  const old = s.params[name];
  const step = value > old ? value - old : old - value;
  if (step > (hi - lo) / MAX_CHANGE_DIVISOR) fail("ParameterChangeTooLarge");
  s.changedAt.set(name, s.now);
  s.params[name] = value;
}

// ------------------------------------------------------------------ invariants on the model itself

/** Everything the market owes, summed from its parts: escrows, stakes, credits and fees. */
export function owedFromParts(s: ModelState): bigint {
  let total = s.treasuryPending + s.revenueUnsent;
  for (const ride of s.rides.values()) if (LIVE.has(ride.state)) total += ride.fare;
  for (const acc of s.accounts.values()) total += acc.stake;
  for (const c of s.credits.values()) total += c;
  return total;
}

export function unclaimedRewards(s: ModelState): bigint {
  let total = 0n;
  for (const r of s.rewards.values()) total += r.accrued;
  return total;
}
