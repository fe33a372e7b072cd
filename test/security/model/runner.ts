import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { encodeBytes32String, ZeroAddress, ZeroHash, type ContractTransactionResponse, type Interface } from "ethers";
import { cellToBytes6 } from "../../../src/geo";
import { deployMarketFixture, type MarketFixture } from "../../fixtures/market";
import type { Action } from "./actions";
import * as M from "./coop";
import { State, type ModelState } from "./coop";

const GAS = 3_000_000;
const U = 1_000_000n;

export interface World extends MarketFixture {
  /** Eight people who ride, drive, vote and withdraw: three riders, three drivers, two newcomers. */
  actors: HardhatEthersSigner[];
  keeper: HardhatEthersSigner;
  /** Withdrawal destinations: the actors, the keeper and one outsider. */
  targets: string[];
}

/** The market fixture plus two unregistered newcomers with 1,000 tUSD each and a keeper. */
export async function deployWorld(): Promise<World> {
  const f = await deployMarketFixture();
  const [n1, n2, keeper, outsider] = f.others;
  for (const who of [n1, n2]) {
    await f.tusd.connect(who).faucet(1_000n * U);
    await f.tusd.connect(who).approve(await f.market.getAddress(), ethers.MaxUint256);
  }
  const actors = [...f.riders, ...f.drivers, n1, n2];
  const targets = [...actors.map((a) => a.address), keeper.address, outsider.address];
  return { ...f, actors, keeper, targets };
}

/** The market's parameters as the model reads them (shared by the market and court models). */
export async function modelParams(market: World["market"]): Promise<ModelState["params"]> {
  const [params, amounts, caps] = await market.parameters();
  return {
    feeBps: params.feeBps,
    holdersShareBps: params.holdersShareBps,
    rewardPerToken: params.rewardPerToken,
    gracePeriod: params.gracePeriod,
    pickupWindow: params.pickupWindow,
    noShowWindow: params.noShowWindow,
    confirmWindow: params.confirmWindow,
    rideWindow: params.rideWindow,
    minStake: amounts.minStake,
    cancellationFee: amounts.cancellationFee,
    noShowPenalty: amounts.noShowPenalty,
    pairFareCap: caps.pairFareCap,
    driverFareCap: caps.driverFareCap,
    minFare: (await market.parameter(encodeBytes32String("minFare")))[0],
  };
}

/** Reads the world into a fresh model. */
export async function initialModel(w: World): Promise<ModelState> {
  const market = await w.market.getAddress();
  const token = await w.token.getAddress();
  const s: ModelState = {
    now: await time.latest(),
    market,
    token,
    governance: w.governance.address,
    court: w.court.address,
    unit: U,
    cap: await w.token.cap(),
    params: await modelParams(w.market),
    nextRideId: 1,
    rides: new Map(),
    accounts: new Map(),
    credits: new Map(),
    offers: new Map(),
    rewards: new Map(),
    pairEpochs: new Map(),
    riderRatings: new Map(),
    lastRatings: new Map(),
    totalOwed: (await w.market.totals()).owed,
    treasuryPending: 0n,
    revenueUnsent: 0n,
    treasuryPeriod: 0,
    treasuryAllowance: 0n,
    changedAt: new Map(),
    rewardsEarned: 0n,
    usd: new Map(),
    ride: new Map(),
    delegates: new Map(),
    supply: 0n,
    pointsPerShare: 0n,
    corrections: new Map(),
    pending: new Map(),
    totalPending: 0n,
    claimed: new Map(),
    deposited: 0n,
    totalClaimed: 0n,
    waiting: 0n,
    deposits: 0,
  };
  for (const who of [...w.targets, market, token, w.governance.address]) {
    s.usd.set(who, await w.tusd.balanceOf(who));
  }
  for (const a of w.actors) {
    const acc = await w.market.getAccount(a.address);
    s.accounts.set(a.address, {
      stake: acc.stake,
      activeRide: 0,
      ratingSum: 0,
      ratingCount: 0,
      openRides: 0,
      registered: acc.registered,
    });
  }
  return s;
}

/** One prepared step: who calls what on chain, and what the model says it does. */
interface Step {
  rideId?: number;
  /** The account whose credit this step may lower (its own withdrawal). */
  withdrawer?: string;
  send: () => Promise<ContractTransactionResponse>;
  model: (s: ModelState) => void;
}

function decodeError(err: unknown, interfaces: Interface[]): string {
  const e = err as { data?: string | { data?: string }; message?: string };
  const data = typeof e.data === "string" ? e.data : e.data?.data;
  if (data === undefined) throw err;
  for (const i of interfaces) {
    const parsed = i.parseError(data);
    if (parsed !== null) return parsed.name;
  }
  return `unknown revert ${data}`;
}

/** Outcome counts per action ("accept ok", "accept RideWrongState"), printed by FUZZ_STATS=1. */
export const outcomes = new Map<string, number>();

/** The states each ride action applies to, for picking a ride it can act on. */
const USEFUL: Record<string, State[]> = {
  cancel: [State.Requested, State.Accepted],
  expire: [State.Requested],
  accept: [State.Requested],
  offer: [State.Requested],
  acceptOffer: [State.Requested],
  arrive: [State.Accepted],
  start: [State.Accepted],
  complete: [State.Started],
  driverNoShow: [State.Accepted],
  riderNoShow: [State.Accepted],
  confirm: [State.Started, State.Completed],
  finalize: [State.Completed],
  abandon: [State.Started],
  rate: [State.Finalized],
  dispute: [State.Accepted, State.Started, State.Completed],
  resolve: [State.Disputed],
};

export class Runner {
  steps = 0;
  private readonly pastVotes: { t: number; who: string; votes: bigint }[] = [];
  private readonly interfaces: Interface[];
  /** Chain state last read: credits of the actors and the state of each ride. */
  private lastCredits: bigint[] | undefined;
  private readonly seenState = new Map<number, number>();

  constructor(
    private readonly w: World,
    public s: ModelState,
  ) {
    this.interfaces = [w.market.interface, w.token.interface, w.tusd.interface];
  }

  /**
   * A ride for an action: r < 5 picks among the rides in a state the action applies to (so
   * sequences reach deep into the state machine), r <= 40 any ride, otherwise an unknown id.
   */
  private rideId(r: number, useful: State[]): number {
    if (r < 0) return -1 - r;
    const n = this.s.nextRideId - 1;
    if (n === 0) return 1;
    if (r < 5) {
      const fit = [...this.s.rides.entries()].filter(([, x]) => useful.includes(x.state)).map(([id]) => id);
      if (fit.length > 0) return fit[fit.length - 1 - (r % fit.length)];
    }
    if (r <= 40) return 1 + (r % n);
    return this.s.nextRideId;
  }

  /** A driver for a ride: a < 6 picks a registered, free driver when there is one. */
  private driverFor(a: number): HardhatEthersSigner {
    const { actors } = this.w;
    if (a < 6) {
      const free = actors.filter((x) => {
        const acc = this.s.accounts.get(x.address);
        return acc !== undefined && acc.registered && acc.activeRide === 0;
      });
      if (free.length > 0) return free[a % free.length];
    }
    return actors[a % actors.length];
  }

  private prepare(a: Exclude<Action, { t: "wait" }>, ts: number): Step {
    const { market, token, tusd, actors, targets, governance, court, keeper } = this.w;
    const s = this.s;
    const m = (who: HardhatEthersSigner) => market.connect(who);
    const actor = (i: number) => actors[i % actors.length];
    const byAddress = (addr: string) => actors.find((x) => x.address === addr);
    const rideOf = (r: number) => {
      const id = this.rideId(r, USEFUL[a.t] ?? []);
      return { id, ride: s.rides.get(id) };
    };
    // The natural party when p < 7, else actor `a`.
    const party = (p: number, a: number, addr: string | undefined) =>
      (p < 7 && addr !== undefined && addr !== ZeroAddress ? byAddress(addr) : undefined) ?? actor(a);

    switch (a.t) {
      case "advance": {
        // The natural next step of a live ride, by the right party: sequences reach deep.
        const live = [...s.rides.entries()].filter(([, x]) => M.LIVE.has(x.state));
        if (live.length === 0)
          return this.prepare({ t: "request", a: a.r, fare: 20n * U, ttl: 3_600, minRating: 0, pin: -1 }, ts);
        const [id, ride] = live[live.length - 1 - (a.r % live.length)];
        const rIx = -1 - id; // a negative index names the ride directly
        const next: Record<State, Exclude<Action, { t: "wait" | "advance" }>> = {
          [State.Requested]:
            a.choice < 4
              ? { t: "accept", a: a.choice, r: rIx, mismatch: false }
              : { t: "offer", a: a.choice, r: rIx, pct: 80, ttl: 600 },
          [State.Accepted]: a.choice < 3 ? { t: "start", p: 0, a: 0, r: rIx } : { t: "arrive", p: 0, a: 0, r: rIx },
          [State.Started]:
            a.choice < 3
              ? { t: "confirm", p: 0, a: 0, r: rIx, rating: 1 + a.choice }
              : { t: "complete", p: 0, a: 0, r: rIx },
          [State.Completed]:
            a.choice < 3
              ? { t: "confirm", p: 0, a: 0, r: rIx, rating: 5 }
              : { t: "finalize", a: a.choice, r: rIx, late: true },
          [State.Disputed]: {
            t: "resolve",
            court: true,
            r: rIx,
            riderPct: a.choice * 20,
            penalty: BigInt(a.choice) * U,
          },
          [State.None]: { t: "expire", a: 0, r: rIx, late: true },
          [State.Finalized]: { t: "expire", a: 0, r: rIx, late: true },
          [State.Cancelled]: { t: "expire", a: 0, r: rIx, late: true },
          [State.Resolved]: { t: "expire", a: 0, r: rIx, late: true },
        };
        return this.prepare(next[ride.state], ts);
      }
      case "request": {
        const rider = actor(a.a);
        const req: M.Request = {
          maxFare: a.fare,
          expiresAt: ts + a.ttl,
          minRating: a.minRating,
          driver: a.pin < 0 ? ZeroAddress : actor(a.pin).address,
        };
        const id = s.nextRideId;
        return {
          rideId: id,
          send: () =>
            m(rider).requestRide(
              {
                pickupCell: cellToBytes6("wydm6v"),
                dropoffCell: cellToBytes6("wydq8e"),
                commitment: ZeroHash,
                ...req,
              },
              { gasLimit: GAS },
            ),
          model: (x) => void M.requestRide(x, rider.address, req),
        };
      }
      case "cancel": {
        const { id, ride } = rideOf(a.r);
        const who = party(a.p, a.a, ride?.rider);
        return {
          rideId: id,
          send: () => m(who).cancelRide(id, { gasLimit: GAS }),
          model: (x) => M.cancelRide(x, id, who.address),
        };
      }
      case "expire": {
        const { id } = rideOf(a.r);
        const who = actor(a.a);
        return {
          rideId: id,
          send: () => m(who).expireRequest(id, { gasLimit: GAS }),
          model: (x) => M.expireRequest(x, id),
        };
      }
      case "accept": {
        const { id, ride } = rideOf(a.r);
        const who = this.driverFor(a.a);
        const fare = (ride?.fare ?? 1n) + (a.mismatch ? 1n : 0n);
        return {
          rideId: id,
          send: () => m(who).acceptRide(id, fare, { gasLimit: GAS }),
          model: (x) => M.acceptRide(x, id, who.address, fare),
        };
      }
      case "offer": {
        const { id, ride } = rideOf(a.r);
        const who = this.driverFor(a.a);
        const fare = ((ride?.fare ?? 100n) * BigInt(a.pct)) / 100n;
        const expiresAt = Math.min(ts + a.ttl, 2 ** 40 - 1);
        return {
          rideId: id,
          send: () => m(who).makeOffer(id, fare, expiresAt, { gasLimit: GAS }),
          model: (x) => M.makeOffer(x, id, who.address, fare, expiresAt),
        };
      }
      case "acceptOffer": {
        const { id, ride } = rideOf(a.r);
        const who = party(a.p, a.a, ride?.rider);
        const offered = [...s.offers.keys()].filter((k) => k.startsWith(`${id}:`)).map((k) => k.split(":")[1]);
        const driver =
          (a.d < 6 && offered.length > 0 ? byAddress(offered[a.d % offered.length]) : undefined) ?? actor(a.d);
        const fare = (s.offers.get(`${id}:${driver.address}`)?.fare ?? 1n) + (a.mismatch ? 1n : 0n);
        return {
          rideId: id,
          send: () => m(who).acceptOffer(id, driver.address, fare, { gasLimit: GAS }),
          model: (x) => M.acceptOffer(x, id, who.address, driver.address, fare),
        };
      }
      case "arrive":
      case "start":
      case "complete":
      case "riderNoShow": {
        const { id, ride } = rideOf(a.r);
        const who = party(a.p, a.a, ride?.driver);
        const calls = {
          arrive: [() => m(who).markArrived(id, { gasLimit: GAS }), M.markArrived],
          start: [() => m(who).startRide(id, { gasLimit: GAS }), M.startRide],
          complete: [() => m(who).completeRide(id, { gasLimit: GAS }), M.completeRide],
          riderNoShow: [() => m(who).cancelRiderNoShow(id, { gasLimit: GAS }), M.cancelRiderNoShow],
        } as const;
        const [send, fn] = calls[a.t];
        return { rideId: id, send, model: (x) => fn(x, id, who.address) };
      }
      case "driverNoShow": {
        const { id, ride } = rideOf(a.r);
        const who = party(a.p, a.a, ride?.rider);
        return {
          rideId: id,
          send: () => m(who).cancelDriverNoShow(id, { gasLimit: GAS }),
          model: (x) => M.cancelDriverNoShow(x, id, who.address),
        };
      }
      case "confirm": {
        const { id, ride } = rideOf(a.r);
        const who = party(a.p, a.a, ride?.rider);
        return {
          rideId: id,
          send: () => m(who).confirmRide(id, a.rating, { gasLimit: GAS }),
          model: (x) => M.confirmRide(x, id, who.address, a.rating),
        };
      }
      case "finalize": {
        const { id } = rideOf(a.r);
        return {
          rideId: id,
          send: () => m(actor(a.a)).finalizeRide(id, { gasLimit: GAS }),
          model: (x) => M.finalizeRide(x, id),
        };
      }
      case "abandon": {
        const { id } = rideOf(a.r);
        return {
          rideId: id,
          send: () => m(actor(a.a)).reclaimAbandoned(id, { gasLimit: GAS }),
          model: (x) => M.reclaimAbandoned(x, id),
        };
      }
      case "rate": {
        const { id, ride } = rideOf(a.r);
        const who = party(a.p, a.a, a.byDriver ? ride?.driver : ride?.rider);
        return {
          rideId: id,
          send: () => m(who).rate(id, a.rating, { gasLimit: GAS }),
          model: (x) => M.rate(x, id, who.address, a.rating),
        };
      }
      case "dispute": {
        const { id, ride } = rideOf(a.r);
        const caller = a.court ? court : keeper;
        const by = (a.byDriver ? ride?.driver : ride?.rider) ?? actor(a.a).address;
        return {
          rideId: id,
          send: () => m(caller).openDispute(id, by, { gasLimit: GAS }),
          model: (x) => M.openDispute(x, caller.address, id, by),
        };
      }
      case "resolve": {
        const { id, ride } = rideOf(a.r);
        const caller = a.court ? court : keeper;
        const riderAmount = ((ride?.fare ?? 100n) * BigInt(a.riderPct)) / 100n;
        return {
          rideId: id,
          send: () => m(caller).resolveDispute(id, riderAmount, a.penalty, { gasLimit: GAS }),
          model: (x) => M.resolveDispute(x, caller.address, id, riderAmount, a.penalty),
        };
      }
      case "withdraw": {
        const who = actor(a.a);
        const to = targets[a.to % targets.length];
        return {
          withdrawer: who.address,
          send: () => m(who).withdraw(to, { gasLimit: GAS }),
          model: (x) => M.withdraw(x, who.address, to),
        };
      }
      case "register": {
        const who = actor(a.a);
        return {
          send: () => m(who).registerDriver(a.stake, { gasLimit: GAS }),
          model: (x) => M.registerDriver(x, who.address, a.stake),
        };
      }
      case "addStake": {
        const who = actor(a.a);
        return {
          send: () => m(who).addStake(a.amount, { gasLimit: GAS }),
          model: (x) => M.addStake(x, who.address, a.amount),
        };
      }
      case "withdrawStake": {
        const who = actor(a.a);
        return {
          send: () => m(who).withdrawStake(a.amount, { gasLimit: GAS }),
          model: (x) => M.withdrawStake(x, who.address, a.amount),
        };
      }
      case "deregister": {
        const who = actor(a.a);
        return {
          send: () => m(who).deregisterDriver({ gasLimit: GAS }),
          model: (x) => M.deregisterDriver(x, who.address),
        };
      }
      case "claimRewards": {
        const who = actor(a.a);
        return { send: () => m(who).claimRewards({ gasLimit: GAS }), model: (x) => M.claimRewards(x, who.address) };
      }
      case "treasury": {
        const caller = a.gov ? governance : keeper;
        const to = targets[a.to % targets.length];
        // pct 0..110 of a tenth of the treasury: around the outflow limit per period.
        const amount = (s.treasuryPending * BigInt(a.pct)) / 1000n;
        return {
          send: () => m(caller).withdrawTreasury(to, amount, { gasLimit: GAS }),
          model: (x) => M.withdrawTreasury(x, caller.address, to, amount),
        };
      }
      case "setParam": {
        const caller = a.gov ? governance : keeper;
        const [lo, hi] = M.bounds(U)[a.name];
        const inside = lo + ((hi - lo) * BigInt(Math.floor(a.frac * 1e6))) / 1_000_000n;
        const value = { min: lo, max: hi, in: inside, under: lo === 0n ? hi + 1n : lo - 1n, over: hi + 1n }[a.mode];
        return {
          send: () => m(caller).setParameter(encodeBytes32String(a.name), value, { gasLimit: GAS }),
          model: (x) => M.setParameter(x, caller.address, a.name, value),
        };
      }
      case "donate": {
        const who = actor(a.a);
        return {
          send: async () => tusd.connect(who).transfer(s.market, a.amount, { gasLimit: GAS }),
          model: (x) => M.donate(x, who.address, a.amount),
        };
      }
      case "sweep": {
        const caller = a.gov ? governance : keeper;
        const to = targets[a.to % targets.length];
        return {
          send: () => m(caller).sweep(tusd.target, to, a.amount, { gasLimit: GAS }),
          model: (x) => M.sweep(x, caller.address, to, a.amount),
        };
      }
      case "transferRide": {
        const from = actor(a.a);
        const to = actor(a.b);
        const amount = ((s.ride.get(from.address) ?? 0n) * BigInt(a.pct)) / 100n;
        return {
          send: () => token.connect(from).transfer(to.address, amount, { gasLimit: GAS }),
          model: (x) => M.transferRide(x, from.address, to.address, amount),
        };
      }
      case "delegate": {
        const from = actor(a.a);
        const to = actor(a.b);
        return {
          send: () => token.connect(from).delegate(to.address, { gasLimit: GAS }),
          model: (x) => M.delegate(x, from.address, to.address),
        };
      }
      case "claimRevenue": {
        const who = actor(a.a);
        const to = targets[a.to % targets.length];
        return {
          send: () => token.connect(who).claimRevenue(to, { gasLimit: GAS }),
          model: (x) => M.claimRevenue(x, who.address, to),
        };
      }
    }
  }

  /**
   * For a keeper-style action marked `late`: the first second its deadline is due, for the
   * caller it will have (the party's remedy opens KEEPER_DELAY earlier than a stranger's).
   */
  private dueTime(a: Action): number | undefined {
    if (!("late" in a) || !a.late) return undefined;
    const ride = this.s.rides.get(this.rideId(a.r, USEFUL[a.t] ?? []));
    if (ride === undefined) return undefined;
    const p = this.s.params;
    const stamp = BigInt(ride.stamp);
    const isParty = (who: string) => "p" in a && a.p < 7 && who !== ZeroAddress;
    const windows: Record<string, bigint> = {
      expire: stamp,
      finalize: stamp + p.confirmWindow,
      abandon: stamp + p.rideWindow,
      driverNoShow: stamp + p.pickupWindow + (isParty(ride.rider) ? 0n : BigInt(M.KEEPER_DELAY)),
      riderNoShow: stamp + p.noShowWindow + (isParty(ride.driver) ? 0n : BigInt(M.KEEPER_DELAY)),
    };
    const due = windows[a.t];
    return due === undefined ? undefined : Number(due) + 1;
  }

  /** Runs one action on chain and in the model, compares outcomes, then checks every invariant. */
  async step(a: Action, index: number): Promise<void> {
    if (a.t === "wait") {
      this.s.now += a.seconds;
      return;
    }
    const due = this.dueTime(a);
    if (due !== undefined && due - 1 > this.s.now) this.s.now = due - 1;
    const ts = this.s.now + 1;
    const before = structuredClone(this.s);
    this.s.now = ts;
    const step = this.prepare(a, ts);
    let expected: string | null = null;
    try {
      step.model(this.s);
    } catch (e) {
      if (!(e instanceof M.Revert)) throw e;
      expected = e.errorName;
      this.s = structuredClone(before);
      this.s.now = ts;
    }
    const rideBefore = step.rideId === undefined ? undefined : (this.seenState.get(step.rideId) ?? State.None);
    const creditsBefore = this.lastCredits ?? (await this.credits());
    await time.setNextBlockTimestamp(ts);
    let actual: string | null = null;
    try {
      await step.send();
    } catch (e) {
      actual = decodeError(e, this.interfaces);
    }
    const where = `step ${index} ${JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`;
    expect(actual, `${where}: chain reverted with ${actual}, model expected ${expected}`).to.equal(expected);
    this.steps += 1;
    const key = `${a.t} ${actual ?? "ok"}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

    if (rideBefore !== undefined && step.rideId !== undefined) await this.checkRide(step.rideId, rideBefore, where);
    await this.checkInvariants(creditsBefore, actual === null ? step.withdrawer : undefined, where);
    this.recordVotes(ts);
    if (this.steps % 25 === 0) await this.checkEverything(where);
  }

  private async credits(): Promise<bigint[]> {
    return Promise.all(this.w.actors.map((a) => this.w.market.creditOf(a.address)));
  }

  private async checkRide(id: number, prev: number, where: string): Promise<void> {
    const chain = await this.w.market.getRide(id);
    const next = Number(chain.state) as State;
    this.seenState.set(id, next);
    expect(
      next === prev || M.ARROWS[prev as State].includes(next),
      `${where}: ride ${id} moved ${State[prev]} -> ${State[next]}`,
    ).to.equal(true);
    const model = this.s.rides.get(id);
    expect(next, `${where}: ride ${id} state`).to.equal(model?.state ?? State.None);
    if (model !== undefined) {
      expect(chain.fare, `${where}: ride ${id} escrow`).to.equal(model.fare);
      expect(chain.driver, `${where}: ride ${id} driver`).to.equal(model.driver);
      expect(Number(chain.stamp), `${where}: ride ${id} stamp`).to.equal(model.stamp);
      expect(Number(chain.flags), `${where}: ride ${id} flags`).to.equal(model.flags);
    }
  }

  private async checkInvariants(creditsBefore: bigint[], withdrawer: string | undefined, where: string): Promise<void> {
    const { market, token, tusd, actors } = this.w;
    const s = this.s;
    // Money: the model's parts add up, and the chain holds exactly what the model says.
    expect(s.totalOwed, `${where}: model owed = escrows + stakes + credits + fees`).to.equal(M.owedFromParts(s));
    const [held, totals, supply, tokenHeld, revenue] = await Promise.all([
      tusd.balanceOf(s.market),
      market.totals(),
      token.totalSupply(),
      tusd.balanceOf(s.token),
      token.revenueTotals(),
    ]);
    expect(totals.owed, `${where}: market owed`).to.equal(s.totalOwed);
    expect(held, `${where}: market balance`).to.equal(s.usd.get(s.market));
    expect(held >= totals.owed, `${where}: market holds at least what it owes`).to.equal(true);
    expect(totals.nextRideId, `${where}: next ride id`).to.equal(BigInt(s.nextRideId));
    expect(totals.treasuryPending, `${where}: treasury's fees`).to.equal(s.treasuryPending);
    // RIDE: supply + unclaimed == earned by confirmed rides <= cap.
    expect(totals.earned, `${where}: RIDE earned`).to.equal(s.rewardsEarned);
    expect(supply, `${where}: RIDE supply`).to.equal(s.supply);
    expect(await token.totalPending(), `${where}: RIDE accrued, not minted`).to.equal(s.totalPending);
    expect(s.supply + M.unclaimedRewards(s), `${where}: supply + unclaimed == earned`).to.equal(s.rewardsEarned);
    expect(s.rewardsEarned <= s.cap, `${where}: earned within the cap`).to.equal(true);
    // Revenue share: what the token holds, with what the market kept for it, is what holders
    // were given and did not claim.
    expect(await market.unsentRevenue(), `${where}: revenue kept by the market`).to.equal(s.revenueUnsent);
    expect(tokenHeld + s.revenueUnsent, `${where}: revenue held`).to.equal(s.deposited - s.totalClaimed);
    expect([revenue.deposited, revenue.claimed, revenue.waiting], `${where}: revenue totals`).to.deep.equal([
      s.deposited,
      s.totalClaimed,
      s.waiting,
    ]);
    let claimable = 0n;
    for (const a of actors) claimable += M.claimable(s, a.address);
    const dust = s.deposited - s.waiting - s.totalClaimed - claimable;
    expect(dust >= 0n && dust <= BigInt(s.deposits * actors.length), `${where}: revenue dust ${dust}`).to.equal(true);
    // Credits never fall except by their owner's withdrawal.
    const after = await this.credits();
    this.lastCredits = after;
    actors.forEach((a, i) => {
      expect(after[i], `${where}: credit of actor ${i}`).to.equal(s.credits.get(a.address) ?? 0n);
      if (a.address !== withdrawer) {
        expect(after[i] >= creditsBefore[i], `${where}: credit of actor ${i} fell without a withdrawal`).to.equal(true);
      }
    });
    // Past votes never change: re-read a few recorded checkpoints.
    const latest = this.s.now;
    const sample = this.pastVotes.filter((_, i) => (i * 7 + this.steps) % 23 === 0);
    for (const p of sample) {
      if (p.t >= latest) continue;
      expect(await token.getPastVotes(p.who, p.t), `${where}: past votes of ${p.who} at ${p.t}`).to.equal(p.votes);
    }
  }

  private recordVotes(t: number): void {
    if (this.pastVotes.length > 400) return;
    for (const a of this.w.actors) this.pastVotes.push({ t, who: a.address, votes: M.votes(this.s, a.address) });
  }

  /** The whole state: every ride, account, reward, vote, balance and claimable share. */
  async checkEverything(where: string): Promise<void> {
    const { market, token, tusd, actors } = this.w;
    const s = this.s;
    for (let id = 1; id < s.nextRideId; id++) {
      const r = await market.getRide(id);
      const m = s.rides.get(id);
      const prev = this.seenState.get(id) ?? State.None;
      const next = Number(r.state) as State;
      expect(
        next === prev || M.ARROWS[prev as State].includes(next),
        `${where}: ride ${id} moved ${State[prev]} -> ${State[next]}`,
      ).to.equal(true);
      this.seenState.set(id, next);
      expect([Number(r.state), r.fare, r.driver, r.feeBps], `${where}: ride ${id}`).to.deep.equal([
        m?.state,
        m?.fare,
        m?.driver,
        m?.feeBps,
      ]);
    }
    for (const a of actors) {
      const acc = await market.getAccount(a.address);
      const m = M.account(s, a.address);
      expect(
        [
          acc.stake,
          Number(acc.activeRide),
          Number(acc.ratingSum),
          Number(acc.ratingCount),
          Number(acc.openRides),
          acc.registered,
        ],
        `${where}: account ${a.address}`,
      ).to.deep.equal([m.stake, m.activeRide, m.ratingSum, m.ratingCount, m.openRides, m.registered]);
      const tally = s.riderRatings.get(a.address) ?? { sum: 0, count: 0 };
      const [riderAverage, riderCount] = await market.riderRating(a.address);
      expect([riderAverage, Number(riderCount)], `${where}: rider rating of ${a.address}`).to.deep.equal([
        tally.count === 0 ? 0n : (BigInt(tally.sum) * 100n) / BigInt(tally.count),
        tally.count,
      ]);
      expect((await market.rewardsOf(a.address)).accrued, `${where}: accrued of ${a.address}`).to.equal(
        s.rewards.get(a.address)?.accrued ?? 0n,
      );
      expect(await token.balanceOf(a.address), `${where}: RIDE of ${a.address}`).to.equal(s.ride.get(a.address) ?? 0n);
      expect(await token.getVotes(a.address), `${where}: votes of ${a.address}`).to.equal(M.votes(s, a.address));
      expect(await token.claimableRevenue(a.address), `${where}: claimable of ${a.address}`).to.equal(
        M.claimable(s, a.address),
      );
      expect(await tusd.balanceOf(a.address), `${where}: tUSD of ${a.address}`).to.equal(s.usd.get(a.address));
    }
    const latest = await time.latest();
    for (const p of this.pastVotes) {
      if (p.t >= latest) continue;
      expect(await token.getPastVotes(p.who, p.t), `${where}: past votes of ${p.who} at ${p.t}`).to.equal(p.votes);
    }
  }
}
