import { encodeBytes32String, hexlify, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CoopGovernor, CoopToken, RideMarket, TestUSD } from "../../typechain-types";
import { areaWithNeighbours, cellOf, cellToBytes6, routeCommitment, type LatLon } from "../geo";
import { SimClock } from "./clock";
import { Rng } from "./rng";
import { fareCents, near, pickHotspot, SEOUL } from "./seoul";
import { GasTally, gini, tails, wilsonInterval } from "./stats";
import type { CourtDriver, SteeringTally } from "./disputes";
import { parseParamChange, type RideCoopClient } from "../client";
import { ArrivalGriefer, type ArrivalGrieferResult } from "./adversaries/arrival-griefer";
import type { Adversary, AdversaryContext, AdversaryReport } from "./adversaries";

/** An adversary with the signers the script made for its roles. */
export interface AdversarySlot {
  adversary: Adversary;
  signers: Record<string, HardhatEthersSigner[]>;
}

/** How often each behaviour happens, per matched ride. */
export interface Rates {
  offer: number;
  cancelInGrace: number;
  cancelAfterGrace: number;
  driverNoShow: number;
  riderNoShow: number;
  forget: number;
  dispute: number;
  driverRates: number;
}

export const DEFAULT_RATES: Rates = {
  offer: 0.25,
  cancelInGrace: 0.03,
  cancelAfterGrace: 0.02,
  driverNoShow: 0.02,
  riderNoShow: 0.02,
  forget: 0.1,
  dispute: 0.04,
  driverRates: 0.5,
};

export interface SimOptions {
  seed: number;
  drivers: number;
  riders: number;
  rides: number;
  days: number;
  rates: Rates;
  /** Rides the self-dealing ring gives itself. */
  ringRides: number;
  /** The fee (bps) the cooperative votes on halfway through. */
  proposedFeeBps: number;
  /** An adversary tries the arrival tricks every ARRIVAL_GRIEF_EVERY rides (on by default). */
  arrivalGriefer: boolean;
  /**
   * Rides disputed by their riders in a court session after the month (drawn in one epoch):
   * enough round-0 draws to judge the draw-steering adversary.
   */
  courtDisputes: number;
  /** Called after each ride with the number done. */
  onProgress?: (done: number) => void;
}

/**
 * The draw-steering adversary against stake-proportional draws: `seated` of `draws` round-0
 * draws it could be seated in, `expected` seats from its frozen weight share in each draw, the
 * Wilson 95% interval of its seat rate, and the exact (Poisson binomial) chance of at least /
 * at most `seated` seats if the draws follow stake.
 */
export interface SteeringResult {
  draws: number;
  seated: number;
  expected: number;
  meanShare: number;
  interval: [number, number];
  pAtLeast: number;
  pAtMost: number;
  asParty: number;
  tried: number;
  moved: number;
}

/** The steering tally as the report states it. */
export function steeringResult(t: SteeringTally | undefined): SteeringResult {
  const chances = t?.chances ?? [];
  const draws = t?.draws ?? 0;
  const seated = t?.seated ?? 0;
  const expected = chances.reduce((a, b) => a + b, 0);
  const { atLeast, atMost } = tails(chances, seated);
  return {
    draws,
    seated,
    expected,
    meanShare: draws === 0 ? 0 : expected / draws,
    interval: wilsonInterval(seated, draws),
    pAtLeast: atLeast,
    pAtMost: atMost,
    asParty: t?.asParty ?? 0,
    tried: t?.tried ?? 0,
    moved: t?.moved ?? 0,
  };
}

export interface Suite {
  tusd: TestUSD;
  token: CoopToken;
  market: RideMarket;
  governor: CoopGovernor;
  /** The dispute court; absent, disputes are skipped and the report says so. */
  court?: CourtDriver;
  /** The typed client over the deployment: drivers find requests through it. */
  client: RideCoopClient;
}

export type Outcome =
  | "confirmed"
  | "finalizedByKeeper"
  | "cancelledInGrace"
  | "cancelledAfterGrace"
  | "driverNoShow"
  | "riderNoShow"
  | "expiredUnmatched"
  | "disputeSettled"
  | "disputeRuled"
  | "disputeFallback"
  | "riderOutOfFunds";

interface DriverState {
  signer: HardhatEthersSigner;
  position: LatLon;
  busyUntil: number;
  /** Fares of rides driven to the end (finalized or resolved), in tUSD units. */
  grossFares: bigint;
  /** What reached the driver's credit: fares less fees, cancellation fees, dispute shares. */
  earned: bigint;
  prefersLowerFee: boolean;
}

interface Deferred {
  due: number;
  run: () => Promise<void>;
}

export interface SimResult {
  options: Omit<SimOptions, "onProgress">;
  outcomes: Record<Outcome, number>;
  rides: { requested: number; driven: number; grossFares: bigint; fees: bigint; meanFare: bigint };
  drivers: { earned: bigint[]; grossFares: bigint[]; commission25: bigint };
  fee: { before: number; after: number; byDay: { day: number; feeBps: number }[] };
  vote: {
    proposalId: string;
    forVotes: bigint;
    againstVotes: bigint;
    abstainVotes: bigint;
    holders: number;
    voters: number;
    state: string;
  };
  ride: { supply: bigint; earned: bigint; cap: bigint; gini: number; holders: number };
  revenue: { toHolders: bigint; claimed: bigint; toTreasury: bigint };
  ring: { rides: number; feesPaid: bigint; rideEarned: bigint; revenueClaimed: bigint; net: bigint };
  arrivalGriefer?: ArrivalGrieferResult;
  disputes: {
    opened: number;
    settled: number;
    ruled: number;
    fallback: number;
    arbiters: number;
    courtUnaccounted: bigint;
    skipped: boolean;
    /** The court session after the month: disputes opened, ruled, split by the fallback. */
    session: { opened: number; ruled: number; fallback: number };
    steering: SteeringResult;
  };
  gas: ReturnType<GasTally["rows"]>;
  gasPerRide: { happyPath: number; silentRider: number };
  conservation: { marketBalance: bigint; owedByLedger: bigint; owedBySum: bigint; difference: bigint };
  simulatedDays: number;
  /** One entry per adversary switched on: what it paid, got and its net (tUSD units). */
  adversaries: AdversaryReport[];
}

const DAY = 24 * 3600;
const ARRIVAL_GRIEF_EVERY = 8;
const STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];

/** One month of a cooperative: many riders and drivers, a fee vote, disputes, a farming ring. */
export class Simulation {
  private readonly gas = new GasTally();
  private readonly deferred: Deferred[] = [];
  private readonly outcomes: Record<Outcome, number> = {
    confirmed: 0,
    finalizedByKeeper: 0,
    cancelledInGrace: 0,
    cancelledAfterGrace: 0,
    driverNoShow: 0,
    riderNoShow: 0,
    expiredUnmatched: 0,
    disputeSettled: 0,
    disputeRuled: 0,
    disputeFallback: 0,
    riderOutOfFunds: 0,
  };
  private readonly drivers: DriverState[] = [];
  private readonly feeByDay: { day: number; feeBps: number }[] = [];
  private grossFares = 0n;
  private fees = 0n;
  private driven = 0;
  private requested = 0;
  private disputesOpened = 0;
  private readonly session = { opened: 0, ruled: 0, fallback: 0 };
  private arbitersSeated = 0;
  private readonly happyPathGas: bigint[] = [];
  private readonly silentPathGas: bigint[] = [];
  private readonly clock: SimClock;
  private readonly startTime: number;
  private lastDay = -1;

  constructor(
    private readonly suite: Suite,
    private readonly opts: SimOptions,
    private readonly rng: Rng,
    private readonly accounts: {
      drivers: HardhatEthersSigner[];
      riders: HardhatEthersSigner[];
      ring: [HardhatEthersSigner, HardhatEthersSigner];
      keeper: HardhatEthersSigner;
      /** The arrival griefer and the bystander driver who makes honest offers. */
      griefer?: [HardhatEthersSigner, HardhatEthersSigner];
    },
    provider: ConstructorParameters<typeof SimClock>[0],
    startTime: number,
    private readonly adversaries: AdversarySlot[] = [],
    private readonly deploy: <T>(name: string, args: unknown[]) => Promise<T> = () =>
      Promise.reject(new Error("no deployer given to the simulation")),
  ) {
    this.clock = new SimClock(provider, startTime, this.gas);
    this.startTime = startTime;
  }

  private adversariesActed = false;

  private adversaryContext(): AdversaryContext {
    return {
      suite: this.suite,
      clock: this.clock,
      keeper: this.accounts.keeper,
      honest: this.accounts.drivers,
      elapsed: () => this.clock.now - this.startTime,
      honestRevenue: async () =>
        (this.fees * BigInt((await this.suite.market.parameters())[0].holdersShareBps)) / 10_000n,
      deploy: <T>(name: string, args: unknown[]) => this.clock.at(() => this.deploy<T>(name, args)),
    };
  }

  /** Offers a ride due for finalization to the adversaries that race the keeper (after they acted). */
  private async finalizedByAdversary(id: bigint): Promise<boolean> {
    if (!this.adversariesActed) return false;
    const ctx = this.adversaryContext();
    for (const a of this.adversaries) if (await a.adversary.finalize?.(ctx, id)) return true;
    return false;
  }

  async run(): Promise<SimResult> {
    await this.setUp();
    const ctx = this.adversaryContext();
    for (const a of this.adversaries) await a.adversary.setUp(ctx, a.signers);
    const adversaryAt = Math.floor(this.opts.rides / 3);
    const { rides, days } = this.opts;
    const interval = (days * DAY) / rides;
    const voteAt = Math.floor(rides / 2);
    const seatAt = Math.floor(rides / 4);
    const ringEvery = this.opts.ringRides > 0 ? Math.max(1, Math.floor(rides / this.opts.ringRides)) : 0;
    let ringDone = 0;
    const ring = { feesPaid: 0n, rideEarned: 0n };
    const [grief, bystander] = this.opts.arrivalGriefer ? (this.accounts.griefer ?? []) : [];
    const { market, tusd } = this.suite;
    // Its own random stream: the honest riders' and drivers' draws stay those of the seed.
    const griefer =
      grief === undefined || bystander === undefined
        ? undefined
        : new ArrivalGriefer(market, this.clock, new Rng(this.opts.seed + 13), grief, bystander);
    await griefer?.setUp(tusd);

    for (let i = 0; i < rides; i++) {
      this.clock.advanceTo(this.startTime + DAY + i * interval + this.rng.int(Math.max(1, Math.floor(interval / 2))));
      await this.runDue();
      await this.dailyChores();
      if (i === voteAt) await this.feeVote();
      if (i === seatAt && this.suite.court !== undefined) {
        this.arbitersSeated = await this.suite.court.seatArbiters(
          this.clock,
          this.drivers.map((d) => d.signer),
        );
      }
      if (i === adversaryAt) {
        for (const a of this.adversaries) await a.adversary.act(ctx);
        this.adversariesActed = true;
      }
      await this.oneRide();
      if (ringEvery > 0 && i % ringEvery === 0 && ringDone < this.opts.ringRides) {
        const r = await this.ringRide();
        ring.feesPaid += r.fee;
        ring.rideEarned += r.reward;
        ringDone++;
      }
      if (griefer && i % ARRIVAL_GRIEF_EVERY === ARRIVAL_GRIEF_EVERY - 1) await griefer.attempt(this.accounts.riders);
      this.opts.onProgress?.(i + 1);
    }
    // Let every window close, then the keeper does what is due; the court session; everyone cashes out.
    this.clock.advance(3 * DAY);
    await this.runDue();
    await this.courtSession();
    this.clock.advance(3 * DAY);
    await this.runDue();
    const reports: AdversaryReport[] = [];
    for (const a of this.adversaries) reports.push(await a.adversary.report(ctx));
    const arrivalGriefer = await griefer?.result();
    return { ...(await this.finish(ringDone, ring)), adversaries: reports, arrivalGriefer };
  }

  // ------------------------------------------------------------------ set-up

  private async setUp(): Promise<void> {
    const { tusd, market } = this.suite;
    const marketAddress = await market.getAddress();
    const everyone = [...this.accounts.drivers, ...this.accounts.riders, ...this.accounts.ring];
    for (const who of everyone) {
      await this.clock.send("tusd.faucet", () => tusd.connect(who).faucet(1_000_000_000n));
      await this.clock.send("tusd.approve", () => tusd.connect(who).approve(marketAddress, (1n << 255n) - 1n));
    }
    await this.suite.court?.approveCourt(this.clock, [...this.accounts.riders, ...this.accounts.drivers]);
    const stake = (await market.parameters())[1].minStake * 2n;
    for (const signer of [...this.accounts.drivers, this.accounts.ring[1]]) {
      await this.clock.send("market.registerDriver", () => market.connect(signer).registerDriver(stake));
    }
    for (const signer of this.accounts.drivers) {
      this.drivers.push({
        signer,
        position: near(this.rng, pickHotspot(this.rng), 2),
        busyUntil: 0,
        grossFares: 0n,
        earned: 0n,
        prefersLowerFee: this.rng.chance(0.8),
      });
    }
  }

  // ------------------------------------------------------------------ one ride

  private async oneRide(): Promise<void> {
    const { market } = this.suite;
    const rider = this.rng.pick(this.accounts.riders);
    const from = near(this.rng, pickHotspot(this.rng));
    let toSpot = pickHotspot(this.rng);
    while (toSpot.lat === from.lat) toSpot = pickHotspot(this.rng);
    const to = near(this.rng, toSpot);
    const fare = BigInt(fareCents(from, to)) * 10_000n; // cents to 6-decimal units
    const maxFare = (fare * 115n) / 100n;
    const pickupCell = cellOf(from);
    const salt = keccak256(toUtf8Bytes(`${this.opts.seed}:${this.requested}`));
    const expiresAt = this.clock.now + 15 * 60;
    if (!(await this.ensureFunds(rider, maxFare))) {
      this.outcomes.riderOutOfFunds++;
      return;
    }
    const id = (await market.totals()).nextRideId;
    const gasParts: bigint[] = [];
    gasParts.push(
      await this.clock.send("market.requestRide", () =>
        market.connect(rider).requestRide({
          pickupCell: cellToBytes6(pickupCell),
          dropoffCell: cellToBytes6(cellOf(to)),
          commitment: routeCommitment(from, to, salt),
          maxFare,
          expiresAt,
          minRating: 0,
          driver: ZeroAddress,
        }),
      ),
    );
    this.requested++;

    const driver = await this.findDriver(pickupCell, id);
    if (driver === undefined) {
      this.defer(expiresAt + 1, async () => {
        await this.clock.send("market.expireRequest", () => market.connect(this.accounts.keeper).expireRequest(id));
        this.outcomes.expiredUnmatched++;
      });
      return;
    }
    const d = driver.signer;
    let agreed = maxFare;
    if (this.rng.chance(this.opts.rates.offer)) {
      agreed = fare;
      gasParts.push(await this.clock.send("market.makeOffer", () => market.connect(d).makeOffer(id, fare, expiresAt)));
      this.clock.advance(30);
      gasParts.push(
        await this.clock.send("market.acceptOffer", () => market.connect(rider).acceptOffer(id, d.address, fare)),
      );
    } else {
      this.clock.advance(20);
      gasParts.push(await this.clock.send("market.acceptRide", () => market.connect(d).acceptRide(id, maxFare)));
    }
    const [params, amounts] = await market.parameters();
    const feeBps = BigInt((await market.getRide(id)).feeBps);
    const r = this.opts.rates;
    const roll = this.rng.next();
    let edge = 0;
    const within = (p: number) => roll < (edge += p);

    if (within(r.cancelInGrace)) {
      this.clock.advance(30);
      await this.clock.send("market.cancelRide", () => market.connect(rider).cancelRide(id));
      this.outcomes.cancelledInGrace++;
    } else if (within(r.cancelAfterGrace)) {
      this.clock.advance(Number(params.gracePeriod) + 60);
      await this.clock.send("market.cancelRide", () => market.connect(rider).cancelRide(id));
      driver.earned += amounts.cancellationFee < agreed ? amounts.cancellationFee : agreed;
      this.outcomes.cancelledAfterGrace++;
    } else if (within(r.driverNoShow)) {
      const due = this.clock.now + Number(params.pickupWindow) + 1;
      driver.busyUntil = due;
      this.defer(due, async () => {
        await this.clock.send("market.cancelDriverNoShow", () => market.connect(rider).cancelDriverNoShow(id));
        this.outcomes.driverNoShow++;
      });
    } else if (within(r.riderNoShow)) {
      this.clock.advance(5 * 60);
      await this.clock.send("market.markArrived", () => market.connect(d).markArrived(id));
      const due = this.clock.now + Number(params.noShowWindow) + 1;
      driver.busyUntil = due;
      const fee = amounts.cancellationFee < agreed ? amounts.cancellationFee : agreed;
      this.defer(due, async () => {
        await this.clock.send("market.cancelRiderNoShow", () => market.connect(d).cancelRiderNoShow(id));
        driver.earned += fee;
        this.outcomes.riderNoShow++;
      });
    } else {
      this.clock.advance(4 * 60);
      gasParts.push(await this.clock.send("market.startRide", () => market.connect(d).startRide(id)));
      this.clock.advance(8 * 60 + this.rng.int(20 * 60));
      driver.position = to;
      if (within(r.dispute) && this.suite.court !== undefined) {
        await this.dispute(id, rider, driver, agreed);
      } else if (within(r.forget)) {
        const completeGas = await this.clock.send("market.completeRide", () => market.connect(d).completeRide(id));
        const due = this.clock.now + Number(params.confirmWindow) + 1;
        this.defer(due, async () => {
          if (!(await this.finalizedByAdversary(id))) {
            const g = await this.clock.send("market.finalizeRide", () =>
              market.connect(this.accounts.keeper).finalizeRide(id),
            );
            this.silentPathGas.push([...gasParts, completeGas, g].reduce((a, b) => a + b, 0n));
          }
          this.paid(driver, agreed, feeBps);
          this.outcomes.finalizedByKeeper++;
        });
      } else {
        gasParts.push(
          await this.clock.send("market.confirmRide", () => market.connect(rider).confirmRide(id, 4 + this.rng.int(2))),
        );
        if (gasParts.length === 4) this.happyPathGas.push(gasParts.reduce((a, b) => a + b, 0n));
        this.paid(driver, agreed, feeBps);
        this.outcomes.confirmed++;
        if (this.rng.chance(r.driverRates)) {
          await this.clock.send("market.rate", () => market.connect(d).rate(id, 4 + this.rng.int(2)));
        }
      }
    }
  }

  /**
   * A rider short of tUSD withdraws refunds credited by the market, then draws from the faucet
   * if its cooldown has passed. False when the rider still cannot pay.
   */
  private async ensureFunds(rider: HardhatEthersSigner, amount: bigint): Promise<boolean> {
    const { market, tusd } = this.suite;
    if ((await tusd.balanceOf(rider.address)) >= amount) return true;
    if ((await market.creditOf(rider.address)) > 0n) {
      await this.clock.send("market.withdraw", () => market.connect(rider).withdraw(rider.address));
    }
    if ((await tusd.balanceOf(rider.address)) < amount && (await tusd.faucetCooldownLeft(rider.address)) === 0n) {
      await this.clock.send("tusd.faucet", () => tusd.connect(rider).faucet(1_000_000_000n));
    }
    return (await tusd.balanceOf(rider.address)) >= amount;
  }

  /** A driver nearby, free, who sees the request through the event query drivers use. */
  private async findDriver(pickupCell: string, id: bigint): Promise<DriverState | undefined> {
    const areas = new Set(areaWithNeighbours(pickupCell));
    const free = this.drivers.filter((d) => d.busyUntil <= this.clock.now && areas.has(cellOf(d.position, 5)));
    if (free.length === 0) return undefined;
    const chosen = free[this.rng.int(free.length)];
    // The driver's client: one log filter over its area and the eight around it.
    const open = await this.suite.client.as(chosen.signer).openRequestsNear(cellOf(chosen.position, 6));
    if (!open.some((r) => r.rideId === id)) {
      throw new Error(`driver ${chosen.signer.address} did not see ride ${id} in its area`);
    }
    return chosen;
  }

  private paid(driver: DriverState, fare: bigint, feeBps: bigint): void {
    const fee = (fare * feeBps) / 10_000n;
    driver.grossFares += fare;
    driver.earned += fare - fee;
    this.grossFares += fare;
    this.fees += fee;
    this.driven++;
  }

  /**
   * The rider disputes a started ride. Half the time the two settle on a split; otherwise (once
   * arbiters are staked) a randomly drawn arbiter rules and the keeper executes the ruling after
   * the appeal window.
   */
  private async dispute(id: bigint, rider: HardhatEthersSigner, driver: DriverState, fare: bigint): Promise<void> {
    const court = this.suite.court!;
    this.disputesOpened++;
    let riderBps = this.rng.pick([2_500, 5_000, 7_500, 10_000]);
    const disputeId = await court.open(this.clock, id, rider);
    if (!court.canArbitrate || this.rng.chance(0.5)) {
      await court.settle(this.clock, disputeId, rider, driver.signer, riderBps);
      this.outcomes.disputeSettled++;
    } else {
      const result = await court.arbitrate(this.clock, disputeId, riderBps);
      if (result.fallback) {
        this.outcomes.disputeFallback++;
        riderBps = 5_000;
      } else {
        this.defer(result.due, async () => {
          await court.execute(this.clock, disputeId);
          this.outcomes.disputeRuled++;
        });
      }
    }
    const driverShare = (fare * BigInt(10_000 - riderBps)) / 10_000n;
    driver.earned += driverShare;
    driver.grossFares += fare;
    this.grossFares += fare;
    this.driven++;
  }

  /**
   * The court session: `courtDisputes` rides, each a rider's request to a driver, taken and
   * started, that the rider disputes. All are opened in one Staking phase, so one epoch's value
   * draws them all (the draw-steering adversary watches each); each seated arbiter rules and the
   * keeper executes after the appeal window. Its own random stream: the month's draws stay those
   * of the seed. Not counted in the month's rides, fares or drivers' earnings.
   */
  private async courtSession(): Promise<void> {
    const court = this.suite.court;
    const n = this.opts.courtDisputes;
    if (court === undefined || !court.canArbitrate || n === 0) return;
    const { market } = this.suite;
    const rng = new Rng(this.opts.seed + 29);
    const cases: { disputeId: bigint; riderBps: number }[] = [];
    for (let i = 0; i < n; i++) {
      const rider = rng.pick(this.accounts.riders);
      const driver = rng.pick(this.drivers).signer;
      const fare = BigInt(5 + rng.int(26)) * 1_000_000n;
      if (!(await this.ensureFunds(rider, fare + 5_000_000n))) continue;
      const id = (await market.totals()).nextRideId;
      await this.clock.send("market.requestRide", () =>
        market.connect(rider).requestRide({
          pickupCell: cellToBytes6("wydm6v"),
          dropoffCell: cellToBytes6("wydq8e"),
          commitment: keccak256(toUtf8Bytes(`${this.opts.seed}:session:${i}`)),
          maxFare: fare,
          expiresAt: this.clock.now + 15 * 60,
          minRating: 0,
          driver: driver.address,
        }),
      );
      this.clock.advance(20);
      await this.clock.send("market.acceptRide", () => market.connect(driver).acceptRide(id, fare));
      this.clock.advance(4 * 60);
      await this.clock.send("market.startRide", () => market.connect(driver).startRide(id));
      this.clock.advance(10 * 60);
      cases.push({
        disputeId: await court.open(this.clock, id, rider),
        riderBps: rng.pick([2_500, 5_000, 7_500, 10_000]),
      });
    }
    this.session.opened = cases.length;
    const results = await court.session(this.clock, cases);
    results.forEach((r, i) => {
      if (r.fallback) this.session.fallback++;
      else
        this.defer(r.due, async () => {
          await court.execute(this.clock, cases[i].disputeId);
          this.session.ruled++;
        });
    });
  }

  // ------------------------------------------------------------------ the ring

  /** Two friends ride each other to farm RIDE: the caps and the fee make it a loss. */
  private async ringRide(): Promise<{ fee: bigint; reward: bigint }> {
    const { market } = this.suite;
    const [rider, driver] = this.accounts.ring;
    const fare = 20_000_000n;
    const id = (await market.totals()).nextRideId;
    const before = (await market.rewardsOf(driver.address)).accrued;
    await this.clock.send("ring.requestRide", () =>
      market.connect(rider).requestRide({
        pickupCell: cellToBytes6("wydm6v"),
        dropoffCell: cellToBytes6("wydm6y"),
        commitment: encodeBytes32String("ring"),
        maxFare: fare,
        expiresAt: this.clock.now + 600,
        minRating: 0,
        driver: driver.address,
      }),
    );
    await this.clock.send("ring.acceptRide", () => market.connect(driver).acceptRide(id, fare));
    await this.clock.send("ring.startRide", () => market.connect(driver).startRide(id));
    await this.clock.send("ring.confirmRide", () => market.connect(rider).confirmRide(id, 5));
    const feeBps = BigInt((await market.getRide(id)).feeBps);
    const reward = (await market.rewardsOf(driver.address)).accrued - before;
    // The ring's best case: it claims at once, so its RIDE earns revenue share from then on.
    if (reward > 0n) await this.clock.send("ring.claimRewards", () => market.connect(driver).claimRewards());
    return { fee: (fare * feeBps) / 10_000n, reward };
  }

  // ------------------------------------------------------------------ the keeper and the days

  private defer(due: number, run: () => Promise<void>): void {
    this.deferred.push({ due, run });
  }

  /** The keeper: everything whose deadline has passed, oldest first. */
  private async runDue(): Promise<void> {
    this.deferred.sort((a, b) => a.due - b.due);
    while (this.deferred.length > 0 && this.deferred[0].due <= this.clock.now) {
      const next = this.deferred.shift()!;
      this.clock.advanceTo(next.due);
      await next.run();
    }
  }

  private async dailyChores(): Promise<void> {
    const day = Math.floor((this.clock.now - this.startTime) / DAY);
    if (day === this.lastDay) return;
    this.lastDay = day;
    const { market } = this.suite;
    this.feeByDay.push({ day, feeBps: Number((await market.parameters())[0].feeBps) });
    // Drivers claim their RIDE once a week (staggered by driver): minted RIDE votes and earns
    // revenue share, accrued RIDE does neither.
    for (let i = day % 7; i < this.drivers.length; i += 7) {
      const d = this.drivers[i].signer;
      if ((await market.rewardsOf(d.address)).accrued > 0n) {
        await this.clock.send("market.claimRewards", () => market.connect(d).claimRewards());
      }
    }
  }

  // ------------------------------------------------------------------ the fee vote

  private vote = {
    proposalId: "",
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    holders: 0,
    voters: 0,
    state: "not held",
  };
  private feeBefore = 0;

  private async feeVote(): Promise<void> {
    const { market, governor, token } = this.suite;
    this.feeBefore = Number((await market.parameters())[0].feeBps);
    // Drivers claim the RIDE they earned; claiming self-delegates, so it votes at once.
    const holders: DriverState[] = [];
    for (const d of this.drivers) {
      if ((await market.rewardsOf(d.signer.address)).accrued > 0n) {
        await this.clock.send("market.claimRewards", () => market.connect(d.signer).claimRewards());
      }
      if ((await token.balanceOf(d.signer.address)) > 0n) holders.push(d);
    }
    if (holders.length === 0) return;
    let proposer = holders[0];
    for (const h of holders) {
      if ((await token.balanceOf(h.signer.address)) > (await token.balanceOf(proposer.signer.address))) proposer = h;
    }
    this.clock.advance(1);
    const threshold = await governor.proposalThreshold();
    const proposerVotes = await token.getVotes(proposer.signer.address);
    if (proposerVotes < threshold) {
      this.vote.state = `not proposed: the top holder has ${proposerVotes} RIDE wei of votes, below the ${threshold} threshold`;
      return;
    }
    const client = this.suite.client;
    const change = parseParamChange(`fee=${this.opts.proposedFeeBps / 100}%`, {
      fare: client.fareUnit,
      ride: client.rideUnit,
    });
    const description = `Lower the cooperative fee from ${this.feeBefore / 100}% to ${this.opts.proposedFeeBps / 100}%`;
    const { proposalId } = await this.clock.act("governor.propose", async () => {
      const proposed = await client.as(proposer.signer).propose([change], description);
      return { ...proposed, gasUsed: proposed.tx.gasUsed };
    });
    this.clock.advance(Number(await governor.votingDelay()) + 1);
    let voters = 0;
    for (const h of holders) {
      if (!this.rng.chance(0.85)) continue; // turnout
      const support = h.prefersLowerFee ? 1 : this.rng.chance(0.5) ? 0 : 2;
      const reason = support === 1 ? "more for drivers" : "keep the treasury";
      await this.clock.act("governor.castVote", () => client.as(h.signer).vote(proposalId, support, reason));
      voters++;
    }
    this.clock.advance(Number(await governor.votingPeriod()) + Number(await governor.lateQuorumVoteExtension()) + 1);
    await this.clock.sync();
    const state = Number(await governor.state(proposalId));
    const votes = await governor.proposalVotes(proposalId);
    this.vote = {
      proposalId: proposalId.toString(),
      againstVotes: votes[0],
      forVotes: votes[1],
      abstainVotes: votes[2],
      holders: holders.length,
      voters,
      state: STATES[state],
    };
    if (STATES[state] !== "Succeeded") return;
    const keeper = client.as(this.accounts.keeper);
    await this.clock.act("governor.queue", () => keeper.queue(proposalId));
    this.clock.advance(Number(await governor.proposalEta(proposalId)) - this.clock.now + 1);
    try {
      await this.clock.act("governor.execute", () => keeper.execute(proposalId));
      this.vote.state = STATES[Number(await governor.state(proposalId))];
    } catch (err: unknown) {
      // E.g. an adversary's proposal changed the fee within PARAMETER_COOLDOWN: the vote waits.
      this.vote.state = `Queued, refused at execution: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  // ------------------------------------------------------------------ the end

  private async finish(
    ringRides: number,
    ring: { feesPaid: bigint; rideEarned: bigint },
  ): Promise<Omit<SimResult, "adversaries">> {
    const { market, token, tusd } = this.suite;
    const keeper = this.accounts.keeper;
    // Everyone with RIDE claims it and their revenue share; everyone withdraws their credit.
    const adversaries = this.opts.arrivalGriefer ? (this.accounts.griefer ?? []) : [];
    const people = [...this.accounts.drivers, ...this.accounts.riders, ...this.accounts.ring, ...adversaries];
    let claimed = 0n;
    let ringRevenue = 0n;
    for (const who of people) {
      if ((await market.rewardsOf(who.address)).accrued > 0n) {
        await this.clock.send("market.claimRewards", () => market.connect(who).claimRewards());
      }
    }
    for (const who of people) {
      const share = await token.claimableRevenue(who.address);
      if (share > 0n) {
        await this.clock.send("token.claimRevenue", () => token.connect(who).claimRevenue(who.address));
        claimed += share;
        if (who === this.accounts.ring[1]) ringRevenue = share;
      }
      if ((await market.creditOf(who.address)) > 0n) {
        await this.clock.send("market.withdraw", () => market.connect(who).withdraw(who.address));
      }
    }

    // Money conservation: the market holds exactly what its ledger says it owes, and that
    // equals the stakes, credits and pending fees of everyone (no ride is still open).
    const totals = await market.totals();
    const marketBalance = await tusd.balanceOf(await market.getAddress());
    let owedBySum = totals.treasuryPending;
    const everyone = [...people, keeper];
    for (const who of everyone) {
      owedBySum += (await market.getAccount(who.address)).stake + (await market.creditOf(who.address));
    }
    let courtUnaccounted = 0n;
    const governance = await market.governance();
    owedBySum += await market.creditOf(governance);
    if (this.suite.court !== undefined) {
      await this.suite.court.withdrawAll(this.clock, everyone);
      courtUnaccounted = await this.suite.court.unaccounted(everyone);
    }

    const supply = await token.totalSupply();
    const balances: bigint[] = [];
    for (const who of people) {
      const b = await token.balanceOf(who.address);
      if (b > 0n) balances.push(b);
    }
    const revenueTotals = await token.revenueTotals();
    const driven = this.driven;
    return {
      options: { ...this.opts, onProgress: undefined } as Omit<SimOptions, "onProgress">,
      outcomes: this.outcomes,
      rides: {
        requested: this.requested,
        driven,
        grossFares: this.grossFares,
        fees: this.fees,
        meanFare: driven === 0 ? 0n : this.grossFares / BigInt(driven),
      },
      drivers: {
        earned: this.drivers.map((d) => d.earned),
        grossFares: this.drivers.map((d) => d.grossFares),
        commission25: this.grossFares / 4n,
      },
      fee: {
        before: this.feeBefore,
        after: Number((await market.parameters())[0].feeBps),
        byDay: this.feeByDay,
      },
      vote: this.vote,
      ride: {
        supply,
        earned: totals.earned,
        cap: await token.cap(),
        gini: gini(balances),
        holders: balances.length,
      },
      revenue: { toHolders: revenueTotals.deposited, claimed, toTreasury: totals.treasuryPending },
      ring: {
        rides: ringRides,
        feesPaid: ring.feesPaid,
        rideEarned: ring.rideEarned,
        revenueClaimed: ringRevenue,
        net: ringRevenue - ring.feesPaid,
      },
      disputes: {
        opened: this.disputesOpened,
        settled: this.outcomes.disputeSettled,
        ruled: this.outcomes.disputeRuled,
        fallback: this.outcomes.disputeFallback,
        arbiters: this.arbitersSeated,
        courtUnaccounted,
        skipped: this.suite.court === undefined,
        session: this.session,
        steering: steeringResult(this.suite.court?.steering),
      },
      gas: this.gas.rows(),
      gasPerRide: { happyPath: mean(this.happyPathGas), silentRider: mean(this.silentPathGas) },
      conservation: {
        marketBalance,
        owedByLedger: totals.owed,
        owedBySum,
        difference: marketBalance - owedBySum,
      },
      simulatedDays: Math.round(((this.clock.now - this.startTime) / DAY) * 10) / 10,
    };
  }
}

function mean(xs: bigint[]): number {
  return xs.length === 0 ? 0 : Math.round(Number(xs.reduce((a, b) => a + b, 0n)) / xs.length);
}

/** Deterministic addresses for the simulation's people, derived from the seed. */
export function personAddress(seed: number, role: string, i: number): string {
  return hexlify(keccak256(toUtf8Bytes(`ridecoop-sim:${seed}:${role}:${i}`))).slice(0, 42);
}

export const HOTSPOT_COUNT = SEOUL.length;
