import { ZeroAddress, ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { RideMarket, TestUSD } from "../../../typechain-types";
import { cellToBytes6 } from "../../geo";
import type { SimClock } from "../clock";
import type { Rng } from "../rng";

/** The three arrival tricks of issue 13, scenario 3. */
export type ArrivalTrick = "instantArrival" | "lateArrival" | "frontRunOffer";
const TRICKS: readonly ArrivalTrick[] = ["instantArrival", "lateArrival", "frontRunOffer"];

export interface ArrivalGrieferResult {
  attempts: Record<ArrivalTrick, number>;
  /** Attempts the market refused (the trick's key transaction reverted) or that earned nothing. */
  defeated: Record<ArrivalTrick, number>;
  /** tUSD the griefer received: cancellation fees credited to it. */
  got: bigint;
  /** tUSD the griefer paid: no-show penalties taken from its stake. */
  paid: bigint;
  /** got - paid (gas is extra, and reported apart). */
  net: bigint;
  /** Gas of the griefer's transactions that were mined. */
  gas: bigint;
  /** The griefer's driver rating afterwards (average x100, count): its victims rated it. */
  rating: { averageX100: bigint; count: bigint };
}

/**
 * A driver that tries the arrival tricks against simulated riders, one every few rides, in turn:
 * - instantArrival: accepts and marks arrival at once, hoping the rider (about to cancel within
 *   the grace period) pays the cancellation fee;
 * - lateArrival: accepts, never comes, and front-runs the rider's driver-no-show claim with an
 *   arrival at the second the pickup window closes, to turn its no-show into the rider's;
 * - frontRunOffer: sees a rider about to take another driver's offer and front-runs it with
 *   acceptRide at the maximum fare (then would mark arrival at once).
 * A bystander driver makes the honest offers. The riders rate the griefer when it wronged them.
 */
export class ArrivalGriefer {
  private readonly attempts: Record<ArrivalTrick, number> = { instantArrival: 0, lateArrival: 0, frontRunOffer: 0 };
  private readonly defeated: Record<ArrivalTrick, number> = { instantArrival: 0, lateArrival: 0, frontRunOffer: 0 };
  private got = 0n;
  private paid = 0n;
  private gas = 0n;
  private tries = 0;
  private tusd?: TestUSD;

  constructor(
    private readonly market: RideMarket,
    private readonly clock: SimClock,
    private readonly rng: Rng,
    private readonly griefer: HardhatEthersSigner,
    private readonly bystander: HardhatEthersSigner,
  ) {}

  /** Funds the griefer and the bystander and registers both as drivers. */
  async setUp(tusd: TestUSD): Promise<void> {
    const marketAddress = await this.market.getAddress();
    const stake = (await this.market.parameters())[1].minStake * 2n;
    this.tusd = tusd;
    for (const d of [this.griefer, this.bystander]) {
      await this.clock.send("tusd.faucet", () => tusd.connect(d).faucet(1_000_000_000n));
      await this.clock.send("tusd.approve", () => tusd.connect(d).approve(marketAddress, (1n << 255n) - 1n));
      await this.clock.send("griefer.registerDriver", () => this.market.connect(d).registerDriver(stake));
    }
  }

  /** One attempt against one of `riders`, the next trick in turn. */
  async attempt(riders: readonly HardhatEthersSigner[]): Promise<void> {
    const rider = this.rng.pick(riders);
    const trick = TRICKS[this.tries % TRICKS.length];
    this.tries++;
    this.attempts[trick]++;
    const m = this.market;
    const g = this.griefer;
    // Penalties eat into its stake: it tops the stake up to the minimum to keep trying (the
    // top-up moves its own money into its stake, so the ledger below does not count it).
    const minimum = (await m.parameters())[1].minStake;
    for (const d of [g, this.bystander]) {
      const { stake } = await m.getAccount(d.address);
      if (stake >= minimum) continue;
      // A long run's penalties can empty its wallet: it brings more of its own money first.
      const tusd = this.tusd!;
      if ((await tusd.balanceOf(d.address)) < minimum - stake)
        await this.clock.send("tusd.faucet", () => tusd.connect(d).faucet(1_000_000_000n));
      await this.mine("griefer.addStake", () => m.connect(d).addStake(minimum - stake));
    }
    const before = await this.ledger();
    const maxFare = BigInt(8 + this.rng.int(20)) * 1_000_000n;
    const id = await this.request(rider, maxFare);
    const [params] = await m.parameters();
    let defeated = false;
    if (trick === "instantArrival") {
      await this.mine("griefer.acceptRide", () => m.connect(g).acceptRide(id, maxFare));
      await this.mine("griefer.markArrived", () => m.connect(g).markArrived(id));
      // The rider was about to cancel within the grace period and sees the arrival: it cancels.
      this.clock.advance(30);
      await this.clock.send("victim.cancelRide", () => m.connect(rider).cancelRide(id));
    } else if (trick === "lateArrival") {
      await this.mine("griefer.acceptRide", () => m.connect(g).acceptRide(id, maxFare));
      this.clock.advance(Number(params.pickupWindow));
      // Both land at the first second of the rider's claim; the griefer's goes first.
      defeated = !(await this.tryMine("griefer.markArrived", () => m.connect(g).markArrived(id)));
      if (defeated) {
        await this.clock.send("victim.cancelDriverNoShow", () => m.connect(rider).cancelDriverNoShow(id));
        await this.clock.send("victim.rate", () => m.connect(rider).rate(id, 1));
      } else {
        // The rider's claim now reverts (AlreadyArrived): the griefer claims the rider's no-show.
        this.clock.advance(Number(params.noShowWindow));
        await this.mine("griefer.cancelRiderNoShow", () => m.connect(g).cancelRiderNoShow(id));
      }
    } else {
      const fare = (maxFare * 80n) / 100n;
      const b = this.bystander;
      await this.clock.send("bystander.makeOffer", () => m.connect(b).makeOffer(id, fare, this.clock.now + 600));
      this.clock.advance(20);
      defeated = !(await this.tryMine("griefer.acceptRide", () => m.connect(g).acceptRide(id, maxFare)));
      if (!defeated) await this.mine("griefer.markArrived", () => m.connect(g).markArrived(id));
      else {
        await this.clock.send("victim.acceptOffer", () => m.connect(rider).acceptOffer(id, b.address, fare));
        await this.clock.send("bystander.startRide", () => m.connect(b).startRide(id));
        this.clock.advance(10 * 60);
        await this.clock.send("victim.confirmRide", () => m.connect(rider).confirmRide(id, 5));
      }
      // Had acceptRide gone through, the rider would cancel at once, within the notice.
      if (!defeated) await this.clock.send("victim.cancelRide", () => m.connect(rider).cancelRide(id));
    }
    const after = await this.ledger();
    const got = after.credit - before.credit;
    this.got += got;
    this.paid += before.stake - after.stake;
    if (defeated || got === 0n) this.defeated[trick]++;
  }

  async result(): Promise<ArrivalGrieferResult> {
    const [averageX100, count] = await this.market.averageRating(this.griefer.address);
    return {
      attempts: { ...this.attempts },
      defeated: { ...this.defeated },
      got: this.got,
      paid: this.paid,
      net: this.got - this.paid,
      gas: this.gas,
      rating: { averageX100, count },
    };
  }

  private async request(rider: HardhatEthersSigner, maxFare: bigint): Promise<bigint> {
    const id = (await this.market.totals()).nextRideId;
    await this.clock.send("victim.requestRide", () =>
      this.market.connect(rider).requestRide({
        pickupCell: cellToBytes6("wydm6v"),
        dropoffCell: cellToBytes6("wydq8e"),
        commitment: ZeroHash,
        maxFare,
        expiresAt: this.clock.now + 15 * 60,
        minRating: 0,
        driver: ZeroAddress,
      }),
    );
    return id;
  }

  private async ledger(): Promise<{ credit: bigint; stake: bigint }> {
    const [credit, acc] = await Promise.all([
      this.market.creditOf(this.griefer.address),
      this.market.getAccount(this.griefer.address),
    ]);
    return { credit, stake: acc.stake };
  }

  private async mine(op: string, tx: Parameters<SimClock["send"]>[1]): Promise<void> {
    this.gas += await this.clock.send(op, tx);
  }

  /** Sends a transaction the market may refuse; false when it reverted. */
  private async tryMine(op: string, tx: Parameters<SimClock["send"]>[1]): Promise<boolean> {
    try {
      await this.mine(op, tx);
      return true;
    } catch {
      return false;
    }
  }
}
