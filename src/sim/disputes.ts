import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ArbiterPool, CoopToken, DisputeCourt, RideMarket, TestUSD } from "../../typechain-types";
import type { RideCoopClient } from "../client";
import type { SimClock } from "./clock";

/**
 * The draw-steering adversary's tally over the round-0 draws it watched and could be seated in
 * (draws of disputes it is a party to are masked for it and not counted).
 */
export interface SteeringTally {
  draws: number;
  seated: number;
  /** Its chance in each draw: its frozen weight over the weight left once the parties are masked. */
  chances: number[];
  /** Draws of its own disputes (it cannot be seated in them). */
  asParty: number;
  /** Stake moves it tried on snapshots after seeing the value, and how many would have seated it. */
  tried: number;
  moved: number;
}

/** How a drawn dispute ended up: ruled (executable at `due`) or split by the fallback. */
export type Arbitration = { fallback: true } | { fallback: false; arbiter: string; due: number };

/**
 * Disputes in the simulation, through the real court: the parties settle between themselves,
 * or an arbiter drawn at random (weighted by staked RIDE, from future block hashes) rules, and
 * after the appeal window the keeper executes the ruling.
 */
export class CourtDriver {
  private readonly signers = new Map<string, HardhatEthersSigner>();
  private ready = false;
  /** The staked driver with the most RIDE plays the adversary who tries to steer draws to itself. */
  private adversary?: HardhatEthersSigner;
  readonly steering: SteeringTally = { draws: 0, seated: 0, chances: [], asParty: 0, tried: 0, moved: 0 };

  constructor(
    private readonly contracts: {
      court: DisputeCourt;
      pool: ArbiterPool;
      market: RideMarket;
      token: CoopToken;
      tusd: TestUSD;
      randomnessDelay: number;
      client: RideCoopClient;
    },
    private readonly keeper: HardhatEthersSigner,
  ) {}

  /** Everyone who may open a dispute approves the court for the dispute fee. */
  async approveCourt(clock: SimClock, people: HardhatEthersSigner[]): Promise<void> {
    const court = await this.contracts.court.getAddress();
    for (const who of people) {
      this.signers.set(who.address, who);
      await clock.send("tusd.approve", () => this.contracts.tusd.connect(who).approve(court, (1n << 255n) - 1n));
    }
  }

  /**
   * Drivers who earned RIDE claim it and stake half as arbiters. The one with the most RIDE is
   * the draw-steering adversary (its half is sure to reach the draw lock); it keeps the other
   * half approved for stake moves.
   */
  async seatArbiters(clock: SimClock, drivers: HardhatEthersSigner[]): Promise<number> {
    const { market, token, pool } = this.contracts;
    const poolAddress = await pool.getAddress();
    let seated = 0;
    let largest = 0n;
    for (const d of drivers) {
      if ((await market.rewardsOf(d.address)).accrued > 0n) {
        await clock.send("market.claimRewards", () => market.connect(d).claimRewards());
      }
      const balance = await token.balanceOf(d.address);
      if (balance === 0n) continue;
      await clock.send("token.approve", () => token.connect(d).approve(poolAddress, balance));
      await clock.send("pool.stake", () => pool.connect(d).stake(balance / 2n));
      this.signers.set(d.address, d);
      if (balance > largest) {
        largest = balance;
        this.adversary = d;
      }
      seated++;
    }
    this.ready = seated >= 3;
    return seated;
  }

  /** Whether arbiters are staked, so that a dispute can go to an arbiter. */
  get canArbitrate(): boolean {
    return this.ready;
  }

  async open(clock: SimClock, rideId: bigint, opener: HardhatEthersSigner): Promise<bigint> {
    // The court was approved up front, so the client sends the one opening transaction.
    const opened = await clock.act("court.openDispute", async () => {
      const r = await this.contracts.client.as(opener).openDispute(rideId);
      return { ...r, gasUsed: r.txs.reduce((sum, tx) => sum + tx.gasUsed, 0n) };
    });
    return opened.disputeId;
  }

  /** The cheap path: one party proposes a split, the other accepts the same split. */
  async settle(
    clock: SimClock,
    disputeId: bigint,
    proposer: HardhatEthersSigner,
    other: HardhatEthersSigner,
    riderBps: number,
  ): Promise<void> {
    const { client } = this.contracts;
    const propose = async () => (await client.as(proposer).settle(disputeId, riderBps)).tx;
    await clock.act("court.proposeSettlement", propose);
    clock.advance(600);
    const accept = async () => (await client.as(other).settle(disputeId, riderBps)).tx;
    await clock.act("court.acceptSettlement", accept);
  }

  /**
   * Waits for the randomness, draws the arbiter (redrawing while a draw fails), and has it rule
   * `riderBps`. Returns the arbiter and when the appeal window closes, after which anyone
   * executes the ruling; or, when every draw failed (too little stake outside the parties),
   * `fallback`: the court already split the escrow 50/50.
   */
  async arbitrate(clock: SimClock, disputeId: bigint, riderBps: number): Promise<Arbitration> {
    const { court } = this.contracts;
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.reachDraw(clock, disputeId);
      await this.drawWatched(clock, disputeId);
      const d = await court.getDispute(disputeId);
      if (d.status !== 1n) break; // no longer Drawing: the panel is seated
    }
    await this.endDrawing(clock);
    return this.ruleSeated(clock, disputeId, riderBps);
  }

  /**
   * A court session: disputes opened in one Staking phase are drawn in the same epoch, one after
   * the other (each watched by the adversary), then each seated arbiter rules. A dispute whose
   * draw failed goes on as in `arbitrate`.
   */
  async session(clock: SimClock, cases: { disputeId: bigint; riderBps: number }[]): Promise<Arbitration[]> {
    const { court } = this.contracts;
    for (const c of cases) {
      await this.reachDraw(clock, c.disputeId);
      await this.drawWatched(clock, c.disputeId);
    }
    await this.endDrawing(clock);
    const out: Arbitration[] = [];
    for (const c of cases) {
      const d = await court.getDispute(c.disputeId);
      if (d.status === 1n) out.push(await this.arbitrate(clock, c.disputeId, c.riderBps));
      else out.push(await this.ruleSeated(clock, c.disputeId, c.riderBps, 60));
    }
    return out;
  }

  /** The keeper's draw, after the adversary saw the value and tried to steer it; tallied. */
  private async drawWatched(clock: SimClock, disputeId: bigint): Promise<void> {
    const { court } = this.contracts;
    const chance = await this.steer(disputeId);
    await clock.send("court.drawArbiters", () => court.connect(this.keeper).drawArbiters(disputeId));
    const after = await court.getDispute(disputeId);
    if (chance === undefined || after.status !== 2n) return;
    if (chance === "party") {
      this.steering.asParty++;
      return;
    }
    this.steering.draws++;
    this.steering.chances.push(chance);
    if ((await court.getSeat(disputeId, after.round, 0)).arbiter === this.adversary?.address) this.steering.seated++;
  }

  /** The seated arbiter rules `riderBps` after `wait` s; or the dispute already ended in the fallback. */
  private async ruleSeated(clock: SimClock, disputeId: bigint, riderBps: number, wait = 1800): Promise<Arbitration> {
    const { court } = this.contracts;
    const d = await court.getDispute(disputeId);
    if (d.status === 4n) return { fallback: true }; // Resolved by the 50/50 fallback
    const seat = await court.getSeat(disputeId, d.round, 0);
    const arbiter = this.signers.get(seat.arbiter);
    if (arbiter === undefined) throw new Error(`arbiter ${seat.arbiter} is not one of the simulation's people`);
    clock.advance(wait);
    await clock.act("court.rule", () => this.contracts.client.as(arbiter).rule(disputeId, riderBps));
    const params = await court.parameters();
    return { fallback: false, arbiter: seat.arbiter, due: clock.now + Number(params.appealWindow) + 1 };
  }

  /**
   * The keeper moves the arbiter pool on (anyone's `passPhase`) until the dispute's epoch is
   * Drawing, or has passed (the draw then counts as failed): it waits out the staking time,
   * mines the blocks the epoch's randomness waits for, and ends earlier Drawing phases.
   */
  private async reachDraw(clock: SimClock, disputeId: bigint): Promise<void> {
    const { court, pool } = this.contracts;
    const [minStaking, maxDrawing] = await Promise.all([pool.MIN_STAKING_TIME(), pool.MAX_DRAWING_TIME()]);
    for (let step = 0; step < 8; step++) {
      const [p, d] = await Promise.all([pool.phaseState(), court.getDispute(disputeId)]);
      if (p.epoch > d.drawEpoch || (p.epoch === d.drawEpoch && p.phase !== 1n)) return;
      if (p.phase === 0n) clock.advanceTo(Number(p.startedAt + minStaking));
      else if (p.phase === 1n) await clock.mine(this.contracts.randomnessDelay + 1);
      else if ((await pool.drawsDue(p.epoch)) !== 0n) clock.advanceTo(Number(p.startedAt + maxDrawing) + 1);
      await clock.send("pool.passPhase", () => pool.connect(this.keeper).passPhase());
    }
  }

  /**
   * The adversary sees the epoch's value (the pool is Drawing), simulates the draw on a
   * snapshot, and if it would not be seated tries the stake moves it can make now (asking
   * back 1 RIDE or a tenth of its stake, or staking 1 RIDE more) on further snapshots, keeping
   * a move that would seat it. Returns its chance of this draw from the frozen tree (its weight
   * over the weight left once the parties are masked), "party" for its own dispute, or nothing
   * when no draw is due.
   */
  private async steer(disputeId: bigint): Promise<number | "party" | undefined> {
    const { court, pool } = this.contracts;
    const adversary = this.adversary;
    const p = await pool.phaseState();
    const d = await court.getDispute(disputeId);
    if (adversary === undefined || p.phase !== 2n || p.epoch !== d.drawEpoch || d.round !== 0n) return undefined;
    if (adversary.address === d.rider || adversary.address === d.driver) return "party";
    const provider = this.keeper.provider;
    const seatedAfter = async (move?: () => Promise<unknown>): Promise<boolean> => {
      const snap: string = await provider.send("evm_snapshot", []);
      try {
        if (move !== undefined) await move();
        await (await court.connect(this.keeper).drawArbiters(disputeId)).wait();
        const now = await court.getDispute(disputeId);
        return now.status === 2n && (await court.getSeat(disputeId, now.round, 0)).arbiter === adversary.address;
      } catch {
        return false;
      } finally {
        await provider.send("evm_revert", [snap]);
      }
    };
    const [own, rider, driver] = await Promise.all([
      pool.weightOf(adversary.address),
      pool.weightOf(d.rider),
      pool.weightOf(d.driver),
    ]);
    const eligible = own.total - rider.weight - driver.weight;
    const chance = eligible === 0n ? 0 : Number((own.weight * 1_000_000_000n) / eligible) / 1e9;
    if (await seatedAfter()) return chance;
    const info = await pool.arbiterOf(adversary.address);
    const free = info.stake - info.locked;
    const moves: (() => Promise<unknown>)[] = [];
    for (const amount of [10n ** 18n, free / 10n]) {
      if (amount === 0n || amount > free) continue;
      moves.push(async () => (await pool.connect(adversary).requestUnstake(amount)).wait());
    }
    if ((await this.contracts.token.balanceOf(adversary.address)) >= 10n ** 18n) {
      moves.push(async () => (await pool.connect(adversary).stake(10n ** 18n)).wait());
    }
    for (const move of moves) {
      this.steering.tried++;
      if (await seatedAfter(move)) {
        this.steering.moved++;
        await move(); // the move would seat it: make it for real
        break;
      }
    }
    return chance;
  }

  /** Back to Staking once the Drawing phase's draws are done, so stake changes land at once. */
  private async endDrawing(clock: SimClock): Promise<void> {
    const { pool } = this.contracts;
    const p = await pool.phaseState();
    if (p.phase === 2n && (await pool.drawsDue(p.epoch)) === 0n) {
      await clock.send("pool.passPhase", () => pool.connect(this.keeper).passPhase());
    }
  }

  /** The keeper executes a ruling whose appeal window has closed. */
  async execute(clock: SimClock, disputeId: bigint): Promise<void> {
    await clock.send("court.executeRuling", () => this.contracts.court.connect(this.keeper).executeRuling(disputeId));
  }

  /** Everyone withdraws what the court credited them (fee refunds, arbiter fees). */
  async withdrawAll(clock: SimClock, people: HardhatEthersSigner[]): Promise<void> {
    const { court } = this.contracts;
    for (const who of people) {
      if ((await court.creditOf(who.address)) > 0n) {
        await clock.send("court.withdraw", () => court.connect(who).withdraw(who.address));
      }
    }
  }

  /** The court's fare-token balance minus what it owes the given people (0 when all resolved). */
  async unaccounted(people: HardhatEthersSigner[]): Promise<bigint> {
    const { court, tusd } = this.contracts;
    let owed = 0n;
    for (const who of people) owed += await court.creditOf(who.address);
    owed += await court.creditOf(await court.governance());
    return (await tusd.balanceOf(await court.getAddress())) - owed;
  }
}
