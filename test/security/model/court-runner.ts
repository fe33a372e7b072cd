import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress, ZeroHash, type ContractTransactionResponse, type Interface, type Signer } from "ethers";
import { cellToBytes6 } from "../../../src/geo";
import { deployDisputesWith, type DisputesFixture } from "../../fixtures/disputes";
import * as M from "./coop";
import { State, type ModelState } from "./coop";
import { modelParams } from "./runner";
import * as C from "./court";
import { Phase, Status, type CourtState } from "./court";

const GAS = 5_000_000;
const U = 1_000_000n;
const E18 = 10n ** 18n;

/**
 * The court's actions, as data. `r` < 5 picks among the disputes (or rides) an action applies
 * to, larger values any ride id; `late` jumps to the first second the action's deadline allows
 * (or, with `edge`, the last second it does not).
 */
export type CourtAction =
  | { t: "wait"; seconds: number }
  | { t: "ride"; rider: number; driver: number; stage: number; fare: bigint }
  | { t: "confirm" | "finalize" | "driverNoShow"; r: number; late: boolean }
  | { t: "marketWithdraw"; a: number }
  | { t: "withdrawStake"; d: number; amount: bigint }
  | { t: "dispute"; r: number; byDriver: boolean; stranger: boolean; late: boolean; edge: boolean }
  | { t: "stake"; a: number; pct: number }
  | { t: "unstake"; a: number; pct: number }
  | { t: "withdrawUnstaked"; a: number; late: boolean }
  | { t: "applyDelayed"; a: number }
  | { t: "claimCredit"; a: number }
  | { t: "pass"; late: boolean }
  | { t: "randomness"; ready: boolean }
  | { t: "draw"; r: number }
  | { t: "rule"; r: number; seat: number; bps: number; stranger: boolean }
  | { t: "timeout"; r: number; late: boolean }
  | { t: "appeal"; r: number; byRider: boolean; under: boolean; late: boolean }
  | { t: "propose"; r: number; byDriver: boolean; bps: number }
  | { t: "acceptSettlement"; r: number; byDriver: boolean; mismatch: boolean; late: boolean }
  | { t: "withdrawSettlement"; r: number; byDriver: boolean }
  | { t: "execute"; r: number; late: boolean }
  | { t: "courtWithdraw"; a: number }
  | { t: "advance"; r: number; choice: number };

const rIx = fc.oneof({ weight: 10, arbitrary: fc.nat(4) }, { weight: 1, arbitrary: fc.nat(40) });
const late = fc.nat(3).map((n) => n !== 0);
const bps = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0, 2_500, 5_000, 7_500, 9_000, 10_000) },
  { weight: 2, arbitrary: fc.nat(10_000) },
  { weight: 1, arbitrary: fc.constant(10_001) },
);
const party = fc.boolean();

export const courtActionArb: fc.Arbitrary<CourtAction> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ t: fc.constant("advance" as const), r: fc.nat(4), choice: fc.nat(11) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("wait" as const),
      seconds: fc.constantFrom(60, 3_601, 86_401, 3 * 86_400 + 1, 7 * 86_400 + 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("ride" as const),
      rider: fc.nat(2),
      driver: fc.nat(2),
      stage: fc.nat(3),
      fare: fc.oneof(fc.bigInt(1n, 60n * U), fc.constantFrom(1n, 20n * U)),
    }),
  },
  ...(["confirm", "finalize", "driverNoShow"] as const).map((t) => ({
    weight: 1,
    arbitrary: fc.record({ t: fc.constant(t), r: rIx, late }),
  })),
  { weight: 1, arbitrary: fc.record({ t: fc.constant("marketWithdraw" as const), a: fc.nat(5) }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("withdrawStake" as const), d: fc.nat(2), amount: fc.bigInt(1n, 5n * U) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("dispute" as const),
      r: rIx,
      byDriver: party,
      stranger: fc.nat(9).map((n) => n === 0),
      late: fc.nat(3).map((n) => n === 0),
      edge: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("stake" as const), a: fc.nat(15), pct: fc.nat(120) }) },
  {
    // Often all the free stake (pct 99): arbiters leave, so appeals can become unseatable.
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("unstake" as const),
      a: fc.nat(15),
      pct: fc.oneof({ weight: 2, arbitrary: fc.nat(120) }, { weight: 1, arbitrary: fc.constant(99) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("withdrawUnstaked" as const), a: fc.nat(15), late }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("applyDelayed" as const), a: fc.nat(15) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("claimCredit" as const), a: fc.nat(5) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("pass" as const), late }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("randomness" as const), ready: fc.nat(4).map((n) => n !== 0) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("draw" as const), r: rIx }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("rule" as const),
      r: rIx,
      seat: fc.nat(6),
      bps,
      stranger: fc.nat(9).map((n) => n === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("timeout" as const), r: rIx, late }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("appeal" as const),
      r: rIx,
      byRider: party,
      under: fc.nat(7).map((n) => n === 0),
      late: fc.nat(4).map((n) => n === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("propose" as const), r: rIx, byDriver: party, bps }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("acceptSettlement" as const),
      r: rIx,
      byDriver: party,
      mismatch: fc.nat(5).map((n) => n === 0),
      late: fc.nat(5).map((n) => n === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("withdrawSettlement" as const), r: rIx, byDriver: party }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("execute" as const), r: rIx, late }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("courtWithdraw" as const), a: fc.nat(17) }) },
);

export interface CourtWorld extends DisputesFixture {
  /** Riders then drivers: the parties. */
  parties: HardhatEthersSigner[];
  keeper: HardhatEthersSigner;
}

/** The disputes fixture with 12 staked arbiters: enough for a 7-seat final round. */
export async function deployCourtWorld(): Promise<CourtWorld> {
  const fx = await deployDisputesWith(12);
  return { ...fx, parties: [...fx.riders, ...fx.drivers], keeper: fx.others[0] };
}

/** Reads the world into a fresh model of the market, the court and the pool. */
export async function initialCourtModel(w: CourtWorld): Promise<CourtState> {
  const market = await w.market.getAddress();
  const court = await w.court.getAddress();
  const pool = await w.pool.getAddress();
  const totals = await w.market.totals();
  const m: ModelState = {
    now: await time.latest(),
    market,
    token: await w.token.getAddress(),
    governance: w.governance.address,
    court,
    unit: U,
    cap: await w.token.cap(),
    params: await modelParams(w.market),
    nextRideId: Number(totals.nextRideId),
    rides: new Map(),
    accounts: new Map(),
    credits: new Map(),
    offers: new Map(),
    rewards: new Map(),
    pairEpochs: new Map(),
    riderRatings: new Map(),
    lastRatings: new Map(),
    totalOwed: totals.owed,
    treasuryPending: totals.treasuryPending,
    revenueUnsent: await w.market.unsentRevenue(),
    treasuryPeriod: 0,
    treasuryAllowance: 0n,
    changedAt: new Map(),
    rewardsEarned: totals.earned,
    usd: new Map(),
    ride: new Map(),
    delegates: new Map(),
    supply: await w.token.totalSupply(),
    pointsPerShare: 0n,
    corrections: new Map(),
    pending: new Map(),
    totalPending: await w.token.totalPending(),
    claimed: new Map(),
    deposited: 0n,
    totalClaimed: 0n,
    waiting: 0n,
    deposits: 0,
  };
  const people = [...w.parties, ...w.arbiters, w.keeper];
  for (const who of [...people.map((p) => p.address), market, court]) {
    m.usd.set(who, await w.tusd.balanceOf(who));
  }
  for (const p of [...w.parties, ...w.arbiters]) {
    const acc = await w.market.getAccount(p.address);
    if (acc.openRides !== 0n || acc.activeRide !== 0n) throw new Error(`${p.address} starts with an open ride`);
    m.accounts.set(p.address, {
      stake: acc.stake,
      activeRide: 0,
      ratingSum: Number(acc.ratingSum),
      ratingCount: Number(acc.ratingCount),
      openRides: 0,
      registered: acc.registered,
    });
    m.credits.set(p.address, await w.market.creditOf(p.address));
  }
  for (let id = 1; id < m.nextRideId; id++) {
    const r = await w.market.getRide(id);
    m.rides.set(id, {
      rider: r.rider,
      fare: r.fare,
      driver: r.driver,
      state: Number(r.state) as State,
      flags: Number(r.flags),
      feeBps: r.feeBps,
      minRating: 0,
      stamp: Number(r.stamp),
    });
  }
  // The fixture's rides (one per arbiter) are all finalized: what the market owes is exactly
  // the stakes, credits and fees read above, which the model then carries forward by itself.
  expect(M.owedFromParts(m), "the model's reading of the fixture's market").to.equal(m.totalOwed);

  const cp = await w.court.parameters();
  const pp = await w.pool.parameters();
  const phase = await w.pool.phaseState();
  const c: CourtState = {
    m,
    pool,
    params: {
      disputeFee: cp.disputeFee,
      arbiterFee: cp.arbiterFee,
      rulingDeadline: Number(cp.rulingDeadline),
      appealWindow: Number(cp.appealWindow),
      appealFeeBase: cp.appealFeeBase,
      appealFeeGrowthBps: cp.appealFeeGrowthBps,
      maxFailedDraws: Number(cp.maxFailedDraws),
    },
    poolParams: { drawLock: pp.drawLock, slashBps: pp.slashBps, unstakeCooldown: Number(pp.unstakeCooldown) },
    disputes: new Map(),
    seats: new Map(),
    proposals: new Map(),
    credits: new Map(),
    arbiters: new Map(),
    weights: new Map(),
    rideCredits: new Map(),
    ride: new Map(),
    phase: {
      phase: Number(phase.phase) as Phase,
      epoch: Number(phase.epoch),
      startedAt: Number(phase.startedAt),
      renewals: Number(phase.renewals),
      requestId: Number(phase.requestId),
    },
    drawsDue: new Map(),
    requests: new Map(),
    lastRequestId: Number(await w.randomness.lastRequestId()),
  };
  for (const a of w.arbiters) {
    const info = await w.pool.arbiterOf(a.address);
    c.arbiters.set(a.address, {
      stake: info.stake,
      locked: info.locked,
      unstakeAt: Number(info.unstakeAt),
      unstaking: info.unstaking,
    });
    c.weights.set(a.address, (await w.pool.weightOf(a.address)).weight);
  }
  for (const p of [...people, { address: pool }]) c.ride.set(p.address, await w.token.balanceOf(p.address));
  expect(C.poolOwed(c), "the pool's RIDE at the start").to.equal(c.ride.get(pool));
  if (c.m.usd.get(court) !== 0n || c.lastRequestId !== 0) throw new Error("the court world starts with a dispute");
  return c;
}

interface Step {
  /** For the outcome statistics: the call a compound action made. */
  name?: string;
  rideId?: number;
  disputeId?: number;
  send: () => Promise<ContractTransactionResponse>;
  /** `picks`: the arbiters the transaction seated (ArbiterDrawn), in order. */
  model: (c: CourtState, picks: string[]) => void;
}

/** Builds a step from the model as it is when the step runs (undefined: nothing left to do). */
type Build = (ts: number) => Step | undefined;

function decodeError(err: unknown, interfaces: Interface[]): string {
  const e = err as { data?: string | { data?: string } };
  const data = typeof e.data === "string" ? e.data : e.data?.data;
  if (data === undefined) throw err;
  for (const i of interfaces) {
    const parsed = i.parseError(data);
    if (parsed !== null) return parsed.name;
  }
  return `unknown revert ${data}`;
}

export const courtOutcomes = new Map<string, number>();

/** Anyone who signs: a Hardhat signer or a fixture arbiter's wallet. */
type Actor = Signer & { address: string };

const fmt = (a: unknown): string => JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

export class CourtRunner {
  steps = 0;
  exitsDrilled = 0;
  private lastFullCheck = 0;
  private readonly interfaces: Interface[];
  private readonly signers = new Map<string, Actor>();

  constructor(
    private readonly w: CourtWorld,
    public c: CourtState,
  ) {
    this.interfaces = [w.court.interface, w.pool.interface, w.market.interface, w.token.interface, w.tusd.interface];
    for (const s of [...w.parties, ...w.arbiters, w.keeper]) this.signers.set(s.address, s);
  }

  private signer(address: string): Actor {
    const s = this.signers.get(address);
    if (s === undefined) throw new Error(`no signer for ${address}`);
    return s;
  }

  /** A dispute (r < 5: among those in `statuses`, else any ride id). */
  private disputeId(r: number, statuses: Status[]): number {
    if (r < 5) {
      const fit = [...this.c.disputes.entries()].filter(([, d]) => statuses.includes(d.status)).map(([id]) => id);
      if (fit.length > 0) return fit[r % fit.length];
    }
    return 1 + (r % Math.max(1, this.c.m.nextRideId));
  }

  /** A ride in one of `states` (r < 5), else any id. */
  private rideId(r: number, states: State[]): number {
    if (r < 5) {
      const fit = [...this.c.m.rides.entries()].filter(([, x]) => states.includes(x.state)).map(([id]) => id);
      if (fit.length > 0) return fit[r % fit.length];
    }
    return 1 + (r % Math.max(1, this.c.m.nextRideId));
  }

  private party(id: number, byDriver: boolean): Actor {
    const d = this.c.disputes.get(id);
    const ride = this.c.m.rides.get(id);
    const who = d !== undefined ? (byDriver ? d.driver : d.rider) : byDriver ? ride?.driver : ride?.rider;
    // The fixture's own rides have funders as riders: nobody the model signs for; a stranger acts.
    return who === undefined || !this.signers.has(who) ? this.w.keeper : this.signer(who);
  }

  /** The steps of one action; each is built when it runs, from the model as it then is. */
  private plan(a: CourtAction): Build[] {
    const { market, court, pool, parties, arbiters, keeper } = this.w;
    const c = this.c;
    switch (a.t) {
      case "wait":
        return [];
      case "ride": {
        const rider = parties[a.rider];
        const driver = parties[3 + a.driver];
        const steps: Build[] = [
          (ts) => {
            const req: M.Request = { maxFare: a.fare, expiresAt: ts + 3_600, minRating: 0, driver: ZeroAddress };
            const id = c.m.nextRideId;
            return {
              rideId: id,
              send: () =>
                market.connect(rider).requestRide(
                  {
                    pickupCell: cellToBytes6("wydm6v"),
                    dropoffCell: cellToBytes6("wydq8e"),
                    commitment: ZeroHash,
                    ...req,
                  },
                  { gasLimit: GAS },
                ),
              model: (x) => void M.requestRide(x.m, rider.address, req),
            };
          },
          () => {
            const id = c.m.nextRideId - 1;
            return {
              rideId: id,
              send: () => market.connect(driver).acceptRide(id, a.fare, { gasLimit: GAS }),
              model: (x) => M.acceptRide(x.m, id, driver.address, a.fare),
            };
          },
        ];
        const then = [
          a.stage === 1 ? (["markArrived", M.markArrived] as const) : undefined,
          a.stage >= 2 ? (["startRide", M.startRide] as const) : undefined,
          a.stage >= 3 ? (["completeRide", M.completeRide] as const) : undefined,
        ];
        for (const t of then) {
          if (t === undefined) continue;
          const [fn, model] = t;
          steps.push(() => {
            const id = c.m.nextRideId - 1;
            return {
              rideId: id,
              send: () => market.connect(driver)[fn](id, { gasLimit: GAS }),
              model: (x) => model(x.m, id, driver.address),
            };
          });
        }
        return steps;
      }
      case "confirm": {
        const id = this.rideId(a.r, [State.Started, State.Completed, State.Disputed]);
        const who = this.party(id, false);
        return [
          () => ({
            rideId: id,
            send: () => market.connect(who).confirmRide(id, 5, { gasLimit: GAS }),
            model: (x) => M.confirmRide(x.m, id, (who as Actor).address, 5),
          }),
        ];
      }
      case "finalize": {
        const id = this.rideId(a.r, [State.Completed, State.Disputed]);
        const ride = c.m.rides.get(id);
        if (a.late && ride?.state === State.Completed) this.jumpTo(ride.stamp + Number(c.m.params.confirmWindow) + 1);
        return [
          () => ({
            rideId: id,
            send: () => market.connect(keeper).finalizeRide(id, { gasLimit: GAS }),
            model: (x) => M.finalizeRide(x.m, id),
          }),
        ];
      }
      case "driverNoShow": {
        const id = this.rideId(a.r, [State.Accepted, State.Disputed]);
        const ride = c.m.rides.get(id);
        if (a.late && ride?.state === State.Accepted) this.jumpTo(ride.stamp + Number(c.m.params.pickupWindow) + 1);
        const who = this.party(id, false) as Actor;
        return [
          () => ({
            rideId: id,
            send: () => market.connect(who).cancelDriverNoShow(id, { gasLimit: GAS }),
            model: (x) => M.cancelDriverNoShow(x.m, id, who.address),
          }),
        ];
      }
      case "marketWithdraw": {
        const who = parties[a.a];
        return [
          () => ({
            send: () => market.connect(who).withdraw(who.address, { gasLimit: GAS }),
            model: (x) => M.withdraw(x.m, who.address, who.address),
          }),
        ];
      }
      case "withdrawStake": {
        const who = parties[3 + a.d];
        return [
          () => ({
            send: () => market.connect(who).withdrawStake(a.amount, { gasLimit: GAS }),
            model: (x) => M.withdrawStake(x.m, who.address, a.amount),
          }),
        ];
      }
      case "dispute": {
        const id = this.rideId(a.r, [State.Accepted, State.Started, State.Completed]);
        const ride = c.m.rides.get(id);
        if (a.late && ride?.state === State.Completed) {
          this.jumpTo(ride.stamp + Number(c.m.params.confirmWindow) + (a.edge ? 0 : 1));
        }
        const who = a.stranger ? keeper : (this.party(id, a.byDriver) as Actor);
        return [
          () => ({
            rideId: id,
            disputeId: id,
            send: () => court.connect(who).openDispute(id, { gasLimit: GAS }),
            model: (x) => C.openDispute(x, who.address, id),
          }),
        ];
      }
      case "stake":
      case "unstake": {
        const who = arbiters[a.a % arbiters.length];
        const info = C.arbiter(c, who.address);
        const base = a.t === "stake" ? (c.ride.get(who.address) ?? 0n) : info.stake - info.locked;
        // pct 0..119 of what the account can: 0, inside, all, beyond.
        const amount = a.pct >= 100 ? base + 1n + BigInt(a.pct - 100) * E18 : (base * BigInt(a.pct)) / 99n;
        return [
          () =>
            a.t === "stake"
              ? {
                  send: () => pool.connect(who).stake(amount, { gasLimit: GAS }),
                  model: (x) => C.stake(x, who.address, amount),
                }
              : {
                  send: () => pool.connect(who).requestUnstake(amount, { gasLimit: GAS }),
                  model: (x) => C.requestUnstake(x, who.address, amount),
                },
        ];
      }
      case "withdrawUnstaked": {
        const who = arbiters[a.a % arbiters.length];
        const info = C.arbiter(c, who.address);
        if (a.late && info.unstaking !== 0n) this.jumpTo(info.unstakeAt);
        return [
          () => ({
            send: () => pool.connect(who).withdrawUnstaked(who.address, { gasLimit: GAS }),
            model: (x) => C.withdrawUnstaked(x, who.address, who.address),
          }),
        ];
      }
      case "applyDelayed": {
        const who = arbiters[a.a % arbiters.length];
        return [
          () => ({
            send: () => pool.connect(keeper).applyDelayed(who.address, { gasLimit: GAS }),
            model: (x) => C.applyDelayed(x, who.address),
          }),
        ];
      }
      case "claimCredit": {
        const who = parties[a.a];
        return [
          () => ({
            send: () => pool.connect(who).claimCredit(who.address, { gasLimit: GAS }),
            model: (x) => C.claimCredit(x, who.address, who.address),
          }),
        ];
      }
      case "pass": {
        const at = C.passableAt(c);
        if (a.late && at !== undefined) this.jumpTo(at);
        return [() => this.passStep()];
      }
      case "randomness":
        return [() => this.randomnessStep(a.ready)];
      case "draw": {
        const id = this.disputeId(a.r, [Status.Drawing]);
        return [() => this.drawStep(id)];
      }
      case "rule": {
        const id = this.disputeId(a.r, [Status.Voting]);
        const d = c.disputes.get(id);
        const seat = d === undefined ? undefined : c.seats.get(C.seatKey(id, d.round, a.seat % C.panelSize(d.round)));
        const who = a.stranger || seat === undefined ? arbiters[a.seat % arbiters.length] : this.signer(seat.arbiter);
        return [() => this.ruleStep(id, who as Actor, a.bps)];
      }
      case "timeout": {
        const id = this.disputeId(a.r, [Status.Voting]);
        const d = c.disputes.get(id);
        if (a.late && d?.status === Status.Voting) this.jumpTo(d.deadline + 1);
        return [() => this.timeoutStep(id)];
      }
      case "appeal": {
        const id = this.disputeId(a.r, [Status.Ruled]);
        const d = c.disputes.get(id);
        if (a.late && d?.status === Status.Ruled) this.jumpTo(d.deadline + 1);
        const who = this.party(id, !a.byRider) as Actor;
        const fee = d !== undefined && d.round < C.MAX_ROUND ? C.appealFee(c, d, d.round + 1) : 0n;
        return [() => this.appealStep(id, who, a.under && fee > 0n ? fee - 1n : fee)];
      }
      case "propose": {
        const id = this.disputeId(a.r, [Status.Drawing, Status.Voting, Status.Ruled]);
        const who = this.party(id, a.byDriver) as Actor;
        return [
          () => ({
            disputeId: id,
            send: () => court.connect(who).proposeSettlement(id, a.bps, { gasLimit: GAS }),
            model: (x) => C.proposeSettlement(x, who.address, id, a.bps),
          }),
        ];
      }
      case "acceptSettlement": {
        // Mostly a dispute with a standing offer.
        const offered = [...c.proposals.keys()].filter((k) => c.disputes.get(k)?.status !== Status.Resolved);
        const id =
          a.r < 5 && offered.length > 0
            ? offered[a.r % offered.length]
            : this.disputeId(a.r, [Status.Drawing, Status.Voting, Status.Ruled]);
        const p = c.proposals.get(id);
        const d = c.disputes.get(id);
        // Mostly the proposer's counterparty.
        const byDriver = p !== undefined && d !== undefined && !a.mismatch ? p.proposer === d.rider : a.byDriver;
        const who = this.party(id, byDriver) as Actor;
        const split = (p?.riderBps ?? 5_000) + (a.mismatch ? 1 : 0);
        if (a.late && p !== undefined) this.jumpTo(p.expiresAt + 1);
        return [
          () => ({
            rideId: id,
            disputeId: id,
            send: () => court.connect(who).acceptSettlement(id, split, { gasLimit: GAS }),
            model: (x) => C.acceptSettlement(x, who.address, id, split),
          }),
        ];
      }
      case "withdrawSettlement": {
        const id = this.disputeId(a.r, [Status.Drawing, Status.Voting, Status.Ruled]);
        const who = this.party(id, a.byDriver) as Actor;
        return [
          () => ({
            disputeId: id,
            send: () => court.connect(who).withdrawSettlement(id, { gasLimit: GAS }),
            model: (x) => C.withdrawSettlement(x, who.address, id),
          }),
        ];
      }
      case "execute": {
        const id = this.disputeId(a.r, [Status.Ruled]);
        const d = c.disputes.get(id);
        if (a.late && d?.status === Status.Ruled) this.jumpTo(d.deadline + 1);
        return [() => this.executeStep(id)];
      }
      case "courtWithdraw": {
        const all = [...parties, ...arbiters];
        const who: Actor = all[a.a % all.length];
        return [
          () => ({
            send: () => court.connect(who).withdraw(who.address, { gasLimit: GAS }),
            model: (x) => C.withdraw(x, who.address, who.address),
          }),
        ];
      }
      case "advance":
        return this.advance(a.r, a.choice);
    }
  }

  /**
   * The natural next moves of an open dispute, as its parties, arbiters or a keeper would make
   * them: while Drawing, the pool's phase passes (at their deadlines), the randomness (mostly
   * answered, sometimes expired or never) and the draw; while Voting, the panel's votes (all,
   * or one, or none and the timeout); once Ruled, the loser's appeal or the execution.
   */
  private advance(r: number, choice: number): Build[] {
    const c = this.c;
    const open = [...c.disputes.entries()].filter(([, d]) => d.status !== Status.Resolved);
    if (open.length === 0 || choice === 11) {
      // A new ride, disputed by one of its parties.
      const rideSteps = this.plan({ t: "ride", rider: r % 3, driver: choice % 3, stage: choice % 4, fare: 20n * U });
      return [
        ...rideSteps,
        () => {
          const id = c.m.nextRideId - 1;
          const who = this.party(id, choice % 5 === 4);
          return {
            name: "openDispute",
            rideId: id,
            disputeId: id,
            send: () => this.w.court.connect(who).openDispute(id, { gasLimit: GAS }),
            model: (x) => C.openDispute(x, who.address, id),
          };
        },
      ];
    }
    const [id, first] = open[r % open.length];
    if (first.status === Status.Drawing) {
      // Up to four moves until a panel is seated or the draw fails.
      const next: Build = () => {
        const d = c.disputes.get(id)!;
        if (d.status !== Status.Drawing) return undefined;
        const p = c.phase;
        if (d.drawEpoch < p.epoch || (d.drawEpoch === p.epoch && p.phase !== Phase.Generating)) {
          return this.drawStep(id);
        }
        if (p.phase === Phase.Generating && choice < 9 && c.requests.get(p.requestId) === C.Rnd.Pending) {
          return this.randomnessStep(choice < 8);
        }
        const at = C.passableAt(c);
        if (at !== undefined) this.jumpTo(at);
        return this.passStep();
      };
      return [next, next, next, next];
    }
    if (first.status === Status.Voting) {
      if (choice >= 10 || c.m.now >= first.deadline) {
        this.jumpTo(first.deadline + 1);
        return [() => this.timeoutStep(id)];
      }
      // Every unvoted seat votes (one only when choice is 9), each its own split.
      const votes = [0, 2_500, 5_000, 7_500, 9_000, 10_000, 10_000, 0, 6_000, 4_000];
      const vote: Build = () => {
        const d = c.disputes.get(id)!;
        if (d.status !== Status.Voting) return undefined;
        const seats = [...Array(C.panelSize(d.round)).keys()].map((s) => c.seats.get(C.seatKey(id, d.round, s)));
        const k = seats.findIndex((s) => s !== undefined && !s.voted);
        if (k < 0) return undefined;
        return this.ruleStep(id, this.signer(seats[k]!.arbiter), votes[(choice + k) % votes.length]);
      };
      return choice === 9 ? [vote] : Array<Build>(7).fill(vote);
    }
    // Ruled: the loser appeals (if it can) or a keeper executes after the window.
    if (choice < 7 && first.round < C.MAX_ROUND) {
      const byRider = first.riderBps < 5_000 || (first.riderBps === 5_000 && choice % 2 === 0);
      const who = this.party(id, !byRider);
      return [() => this.appealStep(id, who, C.appealFee(c, first, first.round + 1))];
    }
    if (first.round < C.MAX_ROUND) this.jumpTo(first.deadline + 1);
    return [() => this.executeStep(id)];
  }

  private passStep(): Step {
    return {
      name: "passPhase",
      send: () => this.w.pool.connect(this.w.keeper).passPhase({ gasLimit: GAS }),
      model: (x) => C.passPhase(x),
    };
  }

  private randomnessStep(ready: boolean): Step {
    const id = this.c.phase.requestId;
    const value = BigInt(ethers.id(`court-model-${id}-${this.steps}`));
    const { randomness, keeper } = this.w;
    return {
      name: ready ? "fulfill" : "expire",
      send: () =>
        ready
          ? randomness.connect(keeper).fulfill(id, value, { gasLimit: GAS })
          : randomness.connect(keeper).expire(id, { gasLimit: GAS }),
      model: (x) => C.settleRandomness(x, id, ready),
    };
  }

  private drawStep(id: number): Step {
    return {
      name: "drawArbiters",
      rideId: id,
      disputeId: id,
      send: () => this.w.court.connect(this.w.keeper).drawArbiters(id, { gasLimit: GAS }),
      model: (x, picks) => C.drawArbiters(x, id, picks),
    };
  }

  private ruleStep(id: number, who: Actor, bps: number): Step {
    return {
      name: "rule",
      disputeId: id,
      send: () => this.w.court.connect(who).rule(id, bps, { gasLimit: GAS }),
      model: (x) => C.rule(x, who.address, id, bps),
    };
  }

  private timeoutStep(id: number): Step {
    return {
      name: "timeoutRuling",
      rideId: id,
      disputeId: id,
      send: () => this.w.court.connect(this.w.keeper).timeoutRuling(id, { gasLimit: GAS }),
      model: (x) => C.timeoutRuling(x, id),
    };
  }

  private appealStep(id: number, who: Actor, fee: bigint): Step {
    return {
      name: "appeal",
      rideId: id,
      disputeId: id,
      send: () => this.w.court.connect(who).appeal(id, fee, { gasLimit: GAS }),
      model: (x) => C.appeal(x, who.address, id, fee),
    };
  }

  private executeStep(id: number): Step {
    return {
      name: "executeRuling",
      rideId: id,
      disputeId: id,
      send: () => this.w.court.connect(this.w.keeper).executeRuling(id, { gasLimit: GAS }),
      model: (x) => C.executeRuling(x, id),
    };
  }

  /** Moves the model's clock forward to just before `t`, so the next step lands on `t`. */
  private jumpTo(t: number): void {
    if (t - 1 > this.c.m.now) this.c.m.now = t - 1;
  }

  /** Runs one action (one or more calls), comparing every call's outcome with the model. */
  async step(a: CourtAction, index: number): Promise<void> {
    if (a.t === "wait") {
      this.c.m.now += a.seconds;
      return;
    }
    const where = `court step ${index} ${fmt(a)}`;
    for (const build of this.plan(a)) {
      const step = build(this.c.m.now + 1);
      if (step === undefined) break;
      const outcome = await this.exec(step, where);
      const key = `${a.t}${step.name === undefined ? "" : `/${step.name}`} ${outcome ?? "ok"}`;
      courtOutcomes.set(key, (courtOutcomes.get(key) ?? 0) + 1);
      // A compound action stops at its first refused call (the rest would act on nothing).
      if (outcome !== null) break;
    }
    if (this.steps - this.lastFullCheck >= 25) {
      this.lastFullCheck = this.steps;
      await this.checkEverything(where);
    }
  }

  /** One call on chain and in the model; returns the custom error both agreed on (null: success). */
  private async exec(step: Step, where: string): Promise<string | null> {
    // Building the step may have moved the model's clock to a deadline.
    const ts = this.c.m.now + 1;
    this.c.m.now = ts;
    const before = structuredClone(this.c);
    await time.setNextBlockTimestamp(ts);
    let actual: string | null = null;
    const picks: string[] = [];
    try {
      const tx = await step.send();
      const receipt = await tx.wait();
      for (const log of receipt?.logs ?? []) {
        const parsed = this.w.court.interface.parseLog(log);
        if (parsed?.name === "ArbiterDrawn") picks.push(parsed.args.arbiter as string);
      }
    } catch (e) {
      actual = decodeError(e, this.interfaces);
    }
    let expected: string | null = null;
    try {
      step.model(this.c, picks);
    } catch (e) {
      if (!(e instanceof M.Revert)) throw new Error(`${where}: ${(e as Error).message}`);
      expected = e.errorName;
      this.c = structuredClone(before);
    }
    const call = `${where} (call at ${ts})`;
    expect(actual, `${call}: chain reverted with ${actual}, model expected ${expected}`).to.equal(expected);
    this.steps += 1;
    if (step.rideId !== undefined) await this.checkRide(step.rideId, call);
    if (step.disputeId !== undefined) await this.checkDispute(step.disputeId, call);
    await this.checkInvariants(call);
    return actual;
  }

  private async checkRide(id: number, where: string): Promise<void> {
    const chain = await this.w.market.getRide(id);
    const model = this.c.m.rides.get(id);
    expect(Number(chain.state), `${where}: ride ${id} state`).to.equal(model?.state ?? State.None);
    if (model === undefined) return;
    expect([chain.fare, chain.driver, Number(chain.stamp), Number(chain.flags)], `${where}: ride ${id}`).to.deep.equal([
      model.fare,
      model.driver,
      model.stamp,
      model.flags,
    ]);
  }

  private async checkDispute(id: number, where: string): Promise<void> {
    const x = await this.w.court.getDispute(id);
    const d = this.c.disputes.get(id);
    if (d === undefined) {
      expect(x.rider, `${where}: dispute ${id} exists on chain only`).to.equal(ZeroAddress);
      return;
    }
    expect(
      [
        x.rider,
        x.driver,
        x.fare,
        Number(x.status),
        Number(x.round),
        Number(x.failedDraws),
        Number(x.riderBps),
        x.openedByRider,
        x.claimedComplete,
        Number(x.deadline),
        Number(x.drawEpoch),
        x.arbiterFee,
        x.feesEarned,
        x.paidByRider,
        x.paidByDriver,
      ],
      `${where}: dispute ${id}`,
    ).to.deep.equal([
      d.rider,
      d.driver,
      d.fare,
      d.status,
      d.round,
      d.failedDraws,
      d.riderBps,
      d.openedByRider,
      d.claimedComplete,
      d.deadline,
      d.drawEpoch,
      d.arbiterFee,
      d.feesEarned,
      d.paidByRider,
      d.paidByDriver,
    ]);
    const p = await this.w.court.getProposal(id);
    const mp = this.c.proposals.get(id);
    expect([p.proposer, Number(p.riderBps), Number(p.expiresAt)], `${where}: settlement offer of ${id}`).to.deep.equal(
      mp === undefined ? [ZeroAddress, 0, 0] : [mp.proposer, mp.riderBps, mp.expiresAt],
    );
  }

  /** After every call: money in court, pool and market is exactly what the model owes. */
  private async checkInvariants(where: string): Promise<void> {
    const { tusd, token, market, pool } = this.w;
    const c = this.c;
    const court = c.m.court;
    const [courtHeld, poolHeld, marketHeld, totals, total, members] = await Promise.all([
      tusd.balanceOf(court),
      token.balanceOf(c.pool),
      tusd.balanceOf(c.m.market),
      market.totals(),
      pool.weightOf(ZeroAddress),
      pool.eligibleCount([]),
    ]);
    // Court: its balance is its credits plus the fees of open disputes not yet earned.
    expect(c.m.usd.get(court), `${where}: model court balance = credits + open disputes' unearned fees`).to.equal(
      C.courtOwed(c),
    );
    expect(courtHeld, `${where}: court balance`).to.equal(C.courtOwed(c));
    // Pool: the RIDE it holds is every stake, stake asked back and slash credit; the tree's
    // total is the sum of the leaves the model wrote (delayed changes excluded).
    expect(poolHeld, `${where}: pool RIDE = stakes + unstaking + credits`).to.equal(C.poolOwed(c));
    expect(c.ride.get(c.pool), `${where}: model pool RIDE`).to.equal(C.poolOwed(c));
    expect(total.total, `${where}: sum tree total`).to.equal(C.treeTotal(c));
    expect(members, `${where}: tree members`).to.equal(BigInt(C.members(c).length));
    let staked = 0n;
    for (const a of c.arbiters.values()) {
      staked += a.stake;
      expect(a.locked <= a.stake, `${where}: an arbiter's lock exceeds its stake`).to.equal(true);
    }
    expect(poolHeld >= staked, `${where}: the pool's RIDE covers the stakes`).to.equal(true);
    const locks = C.seatLocks(c);
    for (const [who, a] of c.arbiters) {
      expect(a.locked, `${where}: ${who}'s lock = its seats' locks in open disputes`).to.equal(locks.get(who) ?? 0n);
    }
    // Market: owed and held, and owed from its parts (escrows of disputed rides included).
    expect(totals.owed, `${where}: market owed`).to.equal(c.m.totalOwed);
    expect(marketHeld, `${where}: market balance`).to.equal(c.m.usd.get(c.m.market));
    expect(c.m.totalOwed, `${where}: market owed from parts`).to.equal(M.owedFromParts(c.m));
    expect(totals.nextRideId, `${where}: next ride id`).to.equal(BigInt(c.m.nextRideId));
  }

  /** The whole state: every dispute and seat, arbiter, weight, credit, party account and the phase. */
  async checkEverything(where: string): Promise<void> {
    const { court, pool, market, token, tusd, parties, arbiters, randomness } = this.w;
    const c = this.c;
    for (const id of c.disputes.keys()) {
      await this.checkDispute(id, where);
      const d = c.disputes.get(id)!;
      for (let r = 0; r <= d.round; r++) {
        for (let s = 0; s < C.panelSize(r); s++) {
          const x = await court.getSeat(id, r, s);
          const m = c.seats.get(C.seatKey(id, r, s));
          expect([x.arbiter, x.locked, Number(x.riderBps), x.voted], `${where}: seat ${id}:${r}:${s}`).to.deep.equal(
            m === undefined ? [ZeroAddress, 0n, 0, false] : [m.arbiter, m.locked, m.riderBps, m.voted],
          );
        }
      }
    }
    for (const a of arbiters) {
      const x = await pool.arbiterOf(a.address);
      const m = C.arbiter(c, a.address);
      expect([x.stake, x.locked, Number(x.unstakeAt), x.unstaking], `${where}: arbiter ${a.address}`).to.deep.equal([
        m.stake,
        m.locked,
        m.unstakeAt,
        m.unstaking,
      ]);
      expect((await pool.weightOf(a.address)).weight, `${where}: weight of ${a.address}`).to.equal(
        c.weights.get(a.address) ?? 0n,
      );
      expect(await token.balanceOf(a.address), `${where}: RIDE of ${a.address}`).to.equal(c.ride.get(a.address) ?? 0n);
    }
    for (const p of [...parties, ...arbiters]) {
      expect(await court.creditOf(p.address), `${where}: court credit of ${p.address}`).to.equal(
        c.credits.get(p.address) ?? 0n,
      );
      expect(await tusd.balanceOf(p.address), `${where}: tUSD of ${p.address}`).to.equal(c.m.usd.get(p.address));
    }
    for (const p of parties) {
      expect(await pool.creditOf(p.address), `${where}: pool credit of ${p.address}`).to.equal(
        c.rideCredits.get(p.address) ?? 0n,
      );
      const acc = await market.getAccount(p.address);
      const m = M.account(c.m, p.address);
      expect(
        [acc.stake, Number(acc.activeRide), Number(acc.openRides)],
        `${where}: account ${p.address}`,
      ).to.deep.equal([m.stake, m.activeRide, m.openRides]);
      expect(await market.creditOf(p.address), `${where}: market credit of ${p.address}`).to.equal(
        c.m.credits.get(p.address) ?? 0n,
      );
    }
    // The court's own accounting, read from the chain alone: its balance is the credits it owes
    // plus, for each open dispute, the fees paid in and not yet earned.
    let owed = 0n;
    for (const p of [...parties, ...arbiters]) owed += await court.creditOf(p.address);
    for (const id of c.disputes.keys()) {
      const x = await court.getDispute(id);
      if (Number(x.status) !== Status.Resolved) owed += x.paidByRider + x.paidByDriver - x.feesEarned;
    }
    expect(await tusd.balanceOf(c.m.court), `${where}: court balance = its credits + open disputes' fees`).to.equal(
      owed,
    );
    const ph = await pool.phaseState();
    expect(
      [Number(ph.phase), Number(ph.epoch), Number(ph.startedAt), Number(ph.renewals), Number(ph.requestId)],
      `${where}: pool phase`,
    ).to.deep.equal([c.phase.phase, c.phase.epoch, c.phase.startedAt, c.phase.renewals, c.phase.requestId]);
    for (const e of [c.phase.epoch, c.phase.epoch + 1]) {
      expect(await pool.drawsDue(e), `${where}: draws due for epoch ${e}`).to.equal(BigInt(c.drawsDue.get(e) ?? 0));
    }
    expect(Number(await randomness.lastRequestId()), `${where}: randomness requests`).to.equal(c.lastRequestId);
  }

  /**
   * "No dispute without an exit": in a snapshot, every open dispute is driven to Resolved by
   * anyone's calls only (no arbiter votes, no party, a randomness source that never answers),
   * each call made at the first second the model says its deadline allows and required to
   * succeed on chain and in the model. Afterwards the court holds exactly its credits, no
   * stake is locked, and the chain and model go back to where they were.
   */
  async drillExits(where: string): Promise<void> {
    const c = this.c;
    const open = [...c.disputes.entries()].filter(([, d]) => d.status !== Status.Resolved).map(([id]) => id);
    if (open.length === 0) return;
    const snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    const saved = structuredClone(c);
    try {
      for (const id of open) {
        // Bound: 3 rounds x maxFailedDraws x (3 phase passes + a draw + a timeout) + execute.
        for (let i = 0; c.disputes.get(id)!.status !== Status.Resolved; i++) {
          if (i > 3 * c.params.maxFailedDraws * 6 + 2) throw new Error(`${where}: dispute ${id} found no exit`);
          await this.exitOnce(id, `${where}: exit drill of dispute ${id}`);
        }
        this.exitsDrilled += 1;
      }
      await this.checkEverything(`${where}: after the exit drill`);
      const held = await this.w.tusd.balanceOf(c.m.court);
      let credits = 0n;
      for (const v of c.credits.values()) credits += v;
      expect(held, `${where}: with every dispute closed the court holds exactly its credits`).to.equal(credits);
      for (const a of c.arbiters.values()) expect(a.locked, `${where}: a lock outlived its disputes`).to.equal(0n);
    } finally {
      await network.provider.send("evm_revert", [snapshot]);
      this.c = saved;
    }
  }

  private async exitOnce(id: number, where: string): Promise<void> {
    const c = this.c;
    const d = c.disputes.get(id)!;
    let step: Step;
    if (d.status === Status.Voting) {
      this.jumpTo(d.deadline + 1);
      step = this.timeoutStep(id);
    } else if (d.status === Status.Ruled) {
      if (d.round < C.MAX_ROUND) this.jumpTo(d.deadline + 1);
      step = this.executeStep(id);
    } else {
      const p = c.phase;
      const ready = d.drawEpoch < p.epoch || (d.drawEpoch === p.epoch && p.phase !== Phase.Generating);
      if (ready) step = this.drawStep(id);
      else {
        const at = C.passableAt(c);
        expect(at, `${where}: the pool has no phase to pass to reach epoch ${d.drawEpoch}`).to.not.equal(undefined);
        this.jumpTo(at!);
        step = this.passStep();
      }
    }
    const outcome = await this.exec(step, where);
    expect(outcome, `${where}: the exit reverted`).to.equal(null);
  }
}
