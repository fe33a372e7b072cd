import fc from "fast-check";
import type { ParamName } from "./coop";

/**
 * Every user action, as data. Indices pick an actor or a ride at run time (modulo what
 * exists), so a shrunk sequence stays meaningful. `p` < 7 means "the natural party" (the
 * ride's rider or driver); otherwise actor `a` acts, who is usually a stranger to the ride.
 */
export type Action =
  | { t: "wait"; seconds: number }
  | { t: "advance"; r: number; choice: number }
  | { t: "request"; a: number; fare: bigint; ttl: number; minRating: number; pin: number }
  | { t: "cancel"; p: number; a: number; r: number }
  | { t: "expire"; a: number; r: number; late: boolean }
  | { t: "accept"; a: number; r: number; mismatch: boolean }
  | { t: "offer"; a: number; r: number; pct: number; ttl: number }
  | { t: "acceptOffer"; p: number; a: number; r: number; d: number; mismatch: boolean }
  | { t: "arrive" | "start" | "complete"; p: number; a: number; r: number }
  | { t: "driverNoShow" | "riderNoShow"; p: number; a: number; r: number; late: boolean }
  | { t: "confirm"; p: number; a: number; r: number; rating: number }
  | { t: "finalize" | "abandon"; a: number; r: number; late: boolean }
  | { t: "rate"; p: number; a: number; r: number; rating: number; byDriver: boolean }
  | { t: "dispute"; court: boolean; r: number; byDriver: boolean; a: number }
  | { t: "resolve"; court: boolean; r: number; riderPct: number; penalty: bigint }
  | { t: "withdraw"; a: number; to: number }
  | { t: "register"; a: number; stake: bigint }
  | { t: "addStake"; a: number; amount: bigint }
  | { t: "withdrawStake"; a: number; amount: bigint }
  | { t: "deregister"; a: number }
  | { t: "claimRewards"; a: number }
  | { t: "treasury"; gov: boolean; to: number; pct: number }
  | { t: "setParam"; gov: boolean; name: ParamName; mode: "min" | "max" | "in" | "under" | "over"; frac: number }
  | { t: "donate"; a: number; amount: bigint }
  | { t: "sweep"; gov: boolean; to: number; amount: bigint }
  | { t: "transferRide"; a: number; b: number; pct: number }
  | { t: "delegate"; a: number; b: number }
  | { t: "claimRevenue"; a: number; to: number };

const U = 1_000_000n;
const actor = fc.nat(7);
/** Mostly the three drivers registered at the start (actors 3-5), sometimes anyone. */
const driverActor = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 3, max: 5 }) }, { weight: 1, arbitrary: actor });
const rideIx = fc.oneof({ weight: 12, arbitrary: fc.nat(4) }, { weight: 1, arbitrary: fc.nat(60) });
const party = fc.nat(9);
const rarely = fc.nat(7).map((n) => n === 0);
/** Mostly true: a keeper action waits until its deadline is due (just past it) before acting. */
const late = fc.nat(3).map((n) => n !== 0);
const rating = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 6) },
);
const fare = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt(1n, 60n * U) },
  { weight: 2, arbitrary: fc.constantFrom(1n, 3n, 9_999n, 10_001n) },
  { weight: 1, arbitrary: fc.constant(0n) },
);
const amount = fc.oneof({ weight: 5, arbitrary: fc.bigInt(1n, 150n * U) }, { weight: 1, arbitrary: fc.constant(0n) });
const PARAMS: ParamName[] = [
  "feeBps",
  "holdersShareBps",
  "rewardPerToken",
  "gracePeriod",
  "pickupWindow",
  "noShowWindow",
  "confirmWindow",
  "rideWindow",
  "minStake",
  "cancellationFee",
  "noShowPenalty",
  "pairFareCap",
  "driverFareCap",
  "minFare",
];
/** Waits that straddle the design's windows: grace, no-show, pickup, confirm, ride, keeper, epoch. */
const wait = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1, 30, 121, 301) },
  { weight: 3, arbitrary: fc.constantFrom(901, 3_601, 14_401) },
  { weight: 1, arbitrary: fc.constantFrom(86_401, 2 * 86_400 + 1, 7 * 86_400) },
);

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.record({ t: fc.constant("advance" as const), r: fc.nat(4), choice: fc.nat(5) }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("wait" as const), seconds: wait }) },
  {
    weight: 12,
    arbitrary: fc.record({
      t: fc.constant("request" as const),
      a: actor,
      fare,
      ttl: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(300, 900, 3_600, 86_400) },
        { weight: 1, arbitrary: fc.constantFrom(0, 86_401) },
      ),
      minRating: fc.oneof(
        { weight: 8, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.constantFrom(100, 300, 450) },
        { weight: 1, arbitrary: fc.constant(501) },
      ),
      pin: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: actor }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("cancel" as const), p: party, a: actor, r: rideIx }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("expire" as const), a: actor, r: rideIx, late }) },
  {
    weight: 10,
    arbitrary: fc.record({ t: fc.constant("accept" as const), a: actor, r: rideIx, mismatch: rarely }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("offer" as const),
      a: actor,
      r: rideIx,
      pct: fc.integer({ min: 0, max: 101 }),
      ttl: fc.constantFrom(0, 60, 600, 90_000),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("acceptOffer" as const),
      p: party,
      a: actor,
      r: rideIx,
      d: actor,
      mismatch: rarely,
    }),
  },
  ...(["arrive", "start", "complete"] as const).map((t) => ({
    weight: t === "arrive" ? 2 : 7,
    arbitrary: fc.record({ t: fc.constant(t), p: party, a: actor, r: rideIx }),
  })),
  ...(["driverNoShow", "riderNoShow"] as const).map((t) => ({
    weight: 3,
    arbitrary: fc.record({ t: fc.constant(t), p: party, a: actor, r: rideIx, late }),
  })),
  { weight: 7, arbitrary: fc.record({ t: fc.constant("confirm" as const), p: party, a: actor, r: rideIx, rating }) },
  ...(["finalize", "abandon"] as const).map((t) => ({
    weight: 3,
    arbitrary: fc.record({ t: fc.constant(t), a: actor, r: rideIx, late }),
  })),
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("rate" as const),
      p: party,
      a: actor,
      r: rideIx,
      rating,
      byDriver: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("dispute" as const),
      court: fc.nat(9).map((n) => n !== 0),
      r: rideIx,
      byDriver: fc.boolean(),
      a: actor,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("resolve" as const),
      court: fc.nat(9).map((n) => n !== 0),
      r: rideIx,
      riderPct: fc.integer({ min: 0, max: 110 }),
      penalty: fc.oneof(fc.constant(0n), fc.bigInt(1n, 200n * U)),
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant("withdraw" as const), a: actor, to: fc.nat(9) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("register" as const),
      a: actor,
      stake: fc.oneof(amount, fc.constant(50n * U)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("addStake" as const), a: actor, amount }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("withdrawStake" as const),
      a: driverActor,
      amount: fc.oneof({ weight: 3, arbitrary: fc.bigInt(1n, 10n * U) }, { weight: 1, arbitrary: amount }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("deregister" as const), a: driverActor }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("claimRewards" as const), a: driverActor }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("treasury" as const),
      gov: fc.nat(5).map((n) => n !== 0),
      to: fc.nat(9),
      pct: fc.integer({ min: 0, max: 110 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("setParam" as const),
      gov: fc.nat(9).map((n) => n !== 0),
      name: fc.constantFrom(...PARAMS),
      mode: fc.constantFrom(
        "min" as const,
        "max" as const,
        "in" as const,
        "in" as const,
        "under" as const,
        "over" as const,
      ),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("donate" as const), a: actor, amount: fc.bigInt(1n, 5n * U) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("sweep" as const),
      gov: fc.nat(5).map((n) => n !== 0),
      to: fc.nat(9),
      amount: fc.bigInt(0n, 6n * U),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("transferRide" as const),
      a: actor,
      b: actor,
      pct: fc.integer({ min: 0, max: 110 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("delegate" as const), a: actor, b: actor }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("claimRevenue" as const), a: driverActor, to: fc.nat(9) }) },
);
