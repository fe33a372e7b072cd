import { encodeBytes32String, id as hashText } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { RevenueSandwicher, RideFlashLender } from "../../typechain-types";
import type { SimClock } from "./clock";
import type { Suite } from "./simulation";

/**
 * Adversaries of the simulation (issue 13). Each has a flag, acts once during the run and
 * reports what it paid, what it got and its net, with RIDE valued at what it can fetch: its
 * share of the treasury plus a year of holders' revenue at the run's honest fee flow, diluted
 * by a year of RIDE issued at the run's rate. Adding one: implement `Adversary`, add its factory
 * to `ADVERSARIES`; the script gives it signers, a flag and a report section.
 */
export interface AdversaryReport {
  name: string;
  title: string;
  paid: bigint;
  got: bigint;
  net: bigint;
  /** Markdown lines explaining the numbers. */
  lines: string[];
}

/** What the simulation lends an adversary: the deployment, the clock and the honest holders. */
export interface AdversaryContext {
  suite: Suite;
  clock: SimClock;
  keeper: HardhatEthersSigner;
  /** Honest RIDE holders (drivers), who vote against a capture. */
  honest: HardhatEthersSigner[];
  /** Simulated seconds so far, for the year's extrapolation. */
  elapsed: () => number;
  /** Holders' revenue deposited so far by honest rides (the adversaries' own fees excluded). */
  honestRevenue: () => Promise<bigint>;
  /** Deploys a contract (the sandwicher's flash lender and borrower). */
  deploy: <T>(name: string, args: unknown[]) => Promise<T>;
}

export interface Adversary {
  readonly name: string;
  /** Signers it needs, by role: the script makes them from the seed. */
  readonly roles: Record<string, number>;
  setUp(ctx: AdversaryContext, signers: Record<string, HardhatEthersSigner[]>): Promise<void>;
  /** Acts once, a third into the run. */
  act(ctx: AdversaryContext): Promise<void>;
  /**
   * Offered each ride a rider forgot to confirm, once its window has passed (after `act`):
   * returns true if it finalized the ride itself, so that the keeper does not.
   */
  finalize?(ctx: AdversaryContext, rideId: bigint): Promise<boolean>;
  /** Cashes out what it can and values the rest; called before the honest cash-out. */
  report(ctx: AdversaryContext): Promise<AdversaryReport>;
}

export interface AdversaryOptions {
  /** Sybil farmer: drivers and riders it controls. */
  farmDrivers: number;
  farmRiders: number;
  /** Revenue sandwicher: the flash lender's fee in basis points of the amount lent. */
  flashFeeBps: number;
}

const YEAR = 365 * 24 * 3600;
const WEEK = 7 * 24 * 3600;
const fmt = (units: bigint): string => {
  const neg = units < 0n;
  const a = neg ? -units : units;
  return `${neg ? "-" : ""}${a / 1_000_000n}.${(a % 1_000_000n).toString().padStart(6, "0").slice(0, 2)}`;
};

/**
 * What `ride` RIDE can fetch at the run's end: its share of the treasury, plus a year of the
 * holders' honest revenue flow, week by week, while RIDE keeps being issued at the run's rate.
 */
export async function rideValue(ctx: AdversaryContext, ride: bigint): Promise<bigint> {
  const { market, token } = ctx.suite;
  const shares = (await token.totalSupply()) + (await token.totalPending());
  if (shares === 0n || ride === 0n) return 0n;
  const totals = await market.totals();
  const elapsed = BigInt(Math.max(1, ctx.elapsed()));
  const weeklyRevenue = ((await ctx.honestRevenue()) * BigInt(WEEK)) / elapsed;
  const weeklyIssue = (totals.earned * BigInt(WEEK)) / elapsed;
  let value = (totals.treasuryPending * ride) / shares;
  for (let w = 0n; w < BigInt(Math.floor(YEAR / WEEK)); w++)
    value += (weeklyRevenue * ride) / (shares + weeklyIssue * w);
  return value;
}

/** Everything `who` own in tUSD: wallets, market credits and stakes, claimable revenue. */
async function wealth(suite: Suite, who: HardhatEthersSigner[]): Promise<bigint> {
  let total = 0n;
  for (const w of who) {
    total += await suite.tusd.balanceOf(w.address);
    total += await suite.market.creditOf(w.address);
    total += (await suite.market.getAccount(w.address)).stake;
    total += await suite.token.claimableRevenue(w.address);
  }
  return total;
}

/**
 * A sybil farmer: k drivers and m throw-away riders; every rider rides with every driver for
 * the pair cap (within each driver's cap), all RIDE is claimed and delegated to one driver,
 * which proposes a treasury drain (the most one vote can spend) and a fee capture (fee and
 * holders' share each one full step up). Honest holders vote against.
 */
export class SybilFarmer implements Adversary {
  readonly name = "sybil";
  readonly roles: Record<string, number>;
  private drivers: HardhatEthersSigner[] = [];
  private riders: HardhatEthersSigner[] = [];
  private start = 0n;
  private feesPaid = 0n;
  private farmed = 0n;
  private treasuryTaken = 0n;
  private outcomes: string[] = [];

  constructor(
    private readonly k: number,
    private readonly m: number,
  ) {
    this.roles = { "farm-driver": k, "farm-rider": m };
  }

  async setUp(ctx: AdversaryContext, signers: Record<string, HardhatEthersSigner[]>): Promise<void> {
    const { tusd, market } = ctx.suite;
    this.drivers = signers["farm-driver"];
    this.riders = signers["farm-rider"];
    const stake = (await market.parameters())[1].minStake * 2n;
    for (const who of [...this.drivers, ...this.riders]) {
      await ctx.clock.send("farm.faucet", () => tusd.connect(who).faucet(1_000_000_000n));
      await ctx.clock.send("farm.approve", () => tusd.connect(who).approve(market.getAddress(), (1n << 255n) - 1n));
    }
    for (const d of this.drivers)
      await ctx.clock.send("farm.registerDriver", () => market.connect(d).registerDriver(stake));
    this.start = await wealth(ctx.suite, [...this.drivers, ...this.riders]);
  }

  async act(ctx: AdversaryContext): Promise<void> {
    const { market, token } = ctx.suite;
    const [, , caps] = await market.parameters();
    for (const d of this.drivers) {
      let room = caps.driverFareCap;
      for (const r of this.riders) {
        const fare = room < caps.pairFareCap ? room : caps.pairFareCap;
        if (fare === 0n) break;
        room -= fare;
        const id = (await market.totals()).nextRideId;
        await ctx.clock.send("farm.requestRide", () =>
          market.connect(r).requestRide({
            pickupCell: "0x7779646d3676",
            dropoffCell: "0x7779646d3679",
            commitment: encodeBytes32String("farm"),
            maxFare: fare,
            expiresAt: ctx.clock.now + 600,
            minRating: 0,
            driver: d.address,
          }),
        );
        await ctx.clock.send("farm.acceptRide", () => market.connect(d).acceptRide(id, fare));
        await ctx.clock.send("farm.startRide", () => market.connect(d).startRide(id));
        await ctx.clock.send("farm.confirmRide", () => market.connect(r).confirmRide(id, 5));
        this.feesPaid += (fare * BigInt((await market.getRide(id)).feeBps)) / 10_000n;
      }
      const accrued = (await market.rewardsOf(d.address)).accrued;
      this.farmed += accrued;
      if (accrued > 0n) await ctx.clock.send("farm.claimRewards", () => market.connect(d).claimRewards());
      if (d !== this.drivers[0]) {
        await ctx.clock.send("farm.delegate", () => token.connect(d).delegate(this.drivers[0].address));
      }
    }
    ctx.clock.advance(1);
    const treasury = (await market.totals()).treasuryPending;
    const spend = (treasury * (await market.TREASURY_OUTFLOW_BPS())) / 10_000n;
    const [params] = await market.parameters();
    this.treasuryTaken = spend;
    const mk = (name: string, value: bigint) =>
      market.interface.encodeFunctionData("setParameter", [encodeBytes32String(name), value]);
    await this.capture(ctx, "treasury drain", [
      market.interface.encodeFunctionData("withdrawTreasury", [this.drivers[0].address, spend]),
    ]);
    await this.capture(ctx, "fee capture", [
      mk("feeBps", BigInt(params.feeBps) + 250n > 1_000n ? 1_000n : BigInt(params.feeBps) + 250n),
      mk(
        "holdersShareBps",
        BigInt(params.holdersShareBps) + 2_500n > 10_000n ? 10_000n : BigInt(params.holdersShareBps) + 2_500n,
      ),
    ]);
  }

  private async capture(ctx: AdversaryContext, what: string, calldatas: string[]): Promise<void> {
    const { governor, market } = ctx.suite;
    const target = await market.getAddress();
    const targets = calldatas.map(() => target);
    const values = calldatas.map(() => 0n);
    const description = `${what} (sybil farmer, block ${ctx.clock.now})`;
    const proposer = this.drivers[0];
    // A farm whose RIDE does not reach the proposal threshold cannot propose at all.
    const votes = await ctx.suite.token.getVotes(proposer.address);
    const threshold = await governor.proposalThreshold();
    if (votes < threshold) {
      this.outcomes.push(
        `${what}: never proposed (${fmt(votes / 10n ** 12n)} RIDE of votes, the threshold is ${fmt(threshold / 10n ** 12n)})`,
      );
      if (what === "treasury drain") this.treasuryTaken = 0n;
      return;
    }
    await ctx.clock.send("farm.propose", () =>
      governor.connect(proposer).propose(targets, values, calldatas, description),
    );
    const id = await governor.getProposalId(targets, values, calldatas, hashText(description));
    ctx.clock.advance(Number(await governor.votingDelay()) + 1);
    await ctx.clock.send("farm.castVote", () => governor.connect(proposer).castVote(id, 1));
    for (const h of ctx.honest) {
      if ((await ctx.suite.token.getPastVotes(h.address, await governor.proposalSnapshot(id))) === 0n) continue;
      await ctx.clock.send("honest.castVote", () => governor.connect(h).castVote(id, 0));
    }
    ctx.clock.advance(Number(await governor.votingPeriod()) + Number(await governor.lateQuorumVoteExtension()) + 1);
    await ctx.clock.sync();
    const state = Number(await governor.state(id));
    if (state !== 4) {
      this.outcomes.push(`${what}: defeated by the honest holders`);
      if (what === "treasury drain") this.treasuryTaken = 0n;
      return;
    }
    await ctx.clock.send("farm.queue", () =>
      governor.connect(ctx.keeper).queue(targets, values, calldatas, hashText(description)),
    );
    ctx.clock.advance(Number(await governor.proposalEta(id)) - ctx.clock.now + 1);
    try {
      await ctx.clock.send("farm.execute", () =>
        governor.connect(ctx.keeper).execute(targets, values, calldatas, hashText(description)),
      );
      this.outcomes.push(`${what}: passed and executed`);
    } catch {
      this.outcomes.push(`${what}: passed, refused at execution`);
    }
  }

  async report(ctx: AdversaryContext): Promise<AdversaryReport> {
    const { token, market } = ctx.suite;
    const all = [...this.drivers, ...this.riders];
    // Cash out: credits withdrawn, stakes back, revenue claimed; the RIDE is kept and valued.
    for (const w of all) {
      if ((await market.creditOf(w.address)) > 0n) {
        await ctx.clock.send("farm.withdraw", () => market.connect(w).withdraw(w.address));
      }
      if ((await token.claimableRevenue(w.address)) > 0n) {
        await ctx.clock.send("farm.claimRevenue", () => token.connect(w).claimRevenue(w.address));
      }
    }
    for (const d of this.drivers) await ctx.clock.send("farm.deregister", () => market.connect(d).deregisterDriver());
    let held = 0n;
    for (const w of all) held += (await token.balanceOf(w.address)) + (await token.pendingOf(w.address));
    const cash = (await wealth(ctx.suite, all)) - this.start;
    const value = await rideValue(ctx, held);
    const paid = cash < 0n ? -cash : 0n;
    const got = (cash > 0n ? cash : 0n) + value;
    return {
      name: this.name,
      title: `Sybil farmer (${this.k} drivers x ${this.m} riders)`,
      paid,
      got,
      net: got - paid,
      lines: [
        `Farmed ${fmt(this.farmed / 10n ** 12n)} RIDE for ${fmt(this.feesPaid)} tUSD of fees (the fares came back to its own drivers).`,
        ...this.outcomes.map((o) => `- ${o}`),
        `Cash: ${fmt(cash)} tUSD after its revenue share and ${fmt(this.treasuryTaken)} tUSD asked of the treasury; its ${fmt(held / 10n ** 12n)} RIDE fetch ${fmt(value)} tUSD.`,
      ],
    };
  }
}

/**
 * A revenue sandwicher: races the keeper for every ride a rider forgot to confirm, and
 * finalizes it inside a flash loan of half the circulating RIDE, from a lender the largest
 * honest holder stocked. Fees are deposited ride by ride, so the loan can take only the
 * borrowed RIDE's share of that one ride's holders' fee (the lender's share, SECURITY.md item
 * 19), and it pays the lender's fee in RIDE bought at what RIDE fetches.
 */
export class RevenueSandwich implements Adversary {
  readonly name = "sandwich";
  readonly roles = { sandwicher: 1 };
  private sandwicher?: RevenueSandwicher;
  private lender?: RideFlashLender;
  private lend = 0n;
  private loans = 0;
  private feeRide = 0n;
  private borrowedRide = 0n;

  constructor(private readonly flashFeeBps: number) {}

  async setUp(ctx: AdversaryContext): Promise<void> {
    const token = await ctx.suite.token.getAddress();
    this.lender = await ctx.deploy<RideFlashLender>("RideFlashLender", [token, this.flashFeeBps]);
    this.sandwicher = await ctx.deploy<RevenueSandwicher>("RevenueSandwicher", [await this.lender.getAddress(), token]);
  }

  async act(ctx: AdversaryContext): Promise<void> {
    const { token } = ctx.suite;
    // The largest honest holder lends half of the supply (or all it has) to the flash lender.
    let top = ctx.honest[0];
    for (const h of ctx.honest) if ((await token.balanceOf(h.address)) > (await token.balanceOf(top.address))) top = h;
    const half = (await token.totalSupply()) / 2n;
    const mine = await token.balanceOf(top.address);
    this.lend = mine < half ? mine : half;
    if (this.lend === 0n) return;
    await ctx.clock.send("lender.stock", () => token.connect(top).transfer(this.lender!.getAddress(), this.lend));
  }

  async finalize(ctx: AdversaryContext, rideId: bigint): Promise<boolean> {
    const lender = this.lender!;
    const sandwicher = this.sandwicher!;
    if (this.lend === 0n) return false;
    const { token, market } = ctx.suite;
    const fee = await lender.flashFee(token.getAddress(), this.lend);
    if (fee > 0n) {
      // It buys the fee's RIDE just before the loan, from the honest holder with the most.
      let seller = ctx.honest[0];
      for (const h of ctx.honest)
        if ((await token.balanceOf(h.address)) > (await token.balanceOf(seller.address))) seller = h;
      if ((await token.balanceOf(seller.address)) < fee) return false;
      await ctx.clock.send("sandwich.buyFee", () => token.connect(seller).transfer(sandwicher.getAddress(), fee));
    }
    const data = market.interface.encodeFunctionData("finalizeRide", [rideId]);
    await ctx.clock.send("sandwich.flashLoan", () => sandwicher.sandwich(this.lend, market.getAddress(), data));
    this.loans++;
    this.feeRide += fee;
    this.borrowedRide += this.lend;
    return true;
  }

  async report(ctx: AdversaryContext): Promise<AdversaryReport> {
    const got = await ctx.suite.token.claimableRevenue(this.sandwicher!.getAddress());
    const paid = await rideValue(ctx, this.feeRide);
    // The fee at which the loans would have broken even: revenue taken per unit of RIDE value borrowed.
    const borrowedValue = await rideValue(ctx, this.borrowedRide);
    const breakEven = borrowedValue === 0n ? 0n : (got * 1_000_000n) / borrowedValue;
    return {
      name: this.name,
      title: "Revenue sandwicher (flash loan)",
      paid,
      got,
      net: got - paid,
      lines: [
        `Finalized ${this.loans} forgotten rides as keeper, each inside a flash loan of ${fmt(this.lend / 10n ** 12n)} RIDE at the lender's ${(this.flashFeeBps / 100).toFixed(2)}% fee.`,
        `It paid ${fmt(this.feeRide / 10n ** 12n)} RIDE of fees (they fetch ${fmt(paid)} tUSD) and took ${fmt(got)} tUSD: the borrowed RIDE's share of each of those rides' holders' fee, the lender's own share, nothing of earlier rides.`,
        `The loans break even at a ${fmt(breakEven * 100n)}% flash fee${this.loans === 0 ? "" : " (revenue taken per tUSD of RIDE borrowed)"}; fees are deposited ride by ride, so no batch waits for whoever holds at a chosen moment.`,
      ],
    };
  }
}

/** Every adversary the simulation knows, by flag name; all are on unless switched off. */
export const ADVERSARIES: Record<string, (o: AdversaryOptions) => Adversary> = {
  sybil: (o) => new SybilFarmer(o.farmDrivers, o.farmRiders),
  sandwich: (o) => new RevenueSandwich(o.flashFeeBps),
};
