// The keeper: the work due on rides, disputes and the arbiter pool, and doing it.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { type ContractTransactionResponse } from "ethers";
import { DISPUTE_STATUSES, POOL_PHASES, RANDOMNESS_STATUSES, RIDE_STATES, type RandomnessStatusName } from "./errors";
import { type TxResult, type DueWork, ARRIVED } from "./types";
import type { RideCoopClient } from "./client";

export const keeperOps = {
  /**
   * Where the random value for a draw in pool epoch `epoch` stands: Ready once that epoch is
   * Drawing (or past: the draw then counts as failed and is re-queued), the epoch's request
   * status while Generating, Pending before.
   */
  /** @internal */
  async drawRandomness(this: RideCoopClient, epoch: bigint): Promise<RandomnessStatusName> {
    const p = await this.pool.phaseState();
    if (p.epoch > epoch || (p.epoch === epoch && POOL_PHASES[Number(p.phase)] !== "Generating")) return "Ready";
    if (p.epoch === epoch) return RANDOMNESS_STATUSES[Number(await this.randomness.status(p.requestId))];
    return "Pending";
  },

  /** Whether a draw for pool epoch `epoch` can be made (Drawing) or fails (the epoch passed). */
  /** @internal */
  async drawDue(this: RideCoopClient, epoch: bigint): Promise<boolean> {
    const p = await this.pool.phaseState();
    return p.epoch > epoch || (p.epoch === epoch && POOL_PHASES[Number(p.phase)] !== "Generating");
  },

  /** Anyone moves the arbiter pool to its next phase (Staking, Generating, Drawing). */
  async passPoolPhase(this: RideCoopClient): Promise<TxResult> {
    return this.send("pass pool phase", () => this.pool.passPhase());
  },

  /** Pool work: a phase that may pass now (a static call says so), and delayed stake changes. */
  /** @internal */
  async duePoolWork(this: RideCoopClient, now: bigint): Promise<DueWork[]> {
    const pool = this.pool;
    const work: DueWork[] = [];
    const passable = await pool.passPhase.staticCall().then(
      () => true,
      () => false,
    );
    if (passable) work.push({ kind: "pass-phase", dueSince: now, run: () => pool.passPhase() });
    const p = await pool.phaseState();
    if (POOL_PHASES[Number(p.phase)] !== "Staking") return work;
    const delayed = await this.events(pool.filters.StakeChangeDelayed(), pool);
    const seen = new Set<string>();
    for (const l of delayed) {
      const who = l.args.arbiter;
      if (seen.has(who)) continue;
      seen.add(who);
      const stale = await pool.applyDelayed.staticCall(who).then(
        () => true,
        () => false,
      );
      if (stale) work.push({ kind: "apply-delayed", dueSince: now, run: () => pool.applyDelayed(who) });
    }
    return work;
  },

  /** Disputes opened since the deployment and not yet resolved, from the court's events. */
  /** @internal */
  async openDisputeIds(this: RideCoopClient): Promise<bigint[]> {
    const court = this.court;
    const [opened, resolved] = await Promise.all([
      this.events(court.filters.DisputeOpened(), court),
      this.events(court.filters.DisputeResolved(), court),
    ]);
    const closed = new Set(resolved.map((l) => l.args.disputeId));
    return opened.map((l) => l.args.disputeId).filter((id) => !closed.has(id));
  },

  /** Dispute work a deadline or the randomness made due: draws, silent panels, executable rulings. */
  async dueDisputeWork(this: RideCoopClient): Promise<DueWork[]> {
    if (!this.hasCourt) return [];
    const court = this.court;
    const [ids, now] = await Promise.all([this.openDisputeIds(), this.now()]);
    const work: DueWork[] = [];
    for (const disputeId of ids) {
      const d = await court.getDispute(disputeId);
      const status = DISPUTE_STATUSES[Number(d.status)];
      if (status === "Drawing") {
        // Ready: the dispute's epoch is Drawing, or passed (the draw then counts as failed).
        if (await this.drawDue(d.drawEpoch)) {
          work.push({ kind: "draw", disputeId, dueSince: now, run: () => court.drawArbiters(disputeId) });
        }
      } else if (status === "Voting" && now > d.deadline) {
        work.push({
          kind: "timeout-ruling",
          disputeId,
          dueSince: d.deadline,
          run: () => court.timeoutRuling(disputeId),
        });
      } else if (status === "Ruled" && (d.round >= 2n || now > d.deadline)) {
        work.push({
          kind: "execute-ruling",
          disputeId,
          dueSince: d.deadline,
          run: () => court.executeRuling(disputeId),
        });
      }
    }
    // Draws first, then the pool's phase (a Drawing phase passes once its draws are done).
    work.push(...(await this.duePoolWork(now)));
    return work;
  },

  /**
   * Seconds before the pool's Staking phase may end for a queued draw (0: it may now, or
   * nothing is queued, or the pool is not Staking). Local chains advance time by it.
   */
  async secondsUntilPoolPhase(this: RideCoopClient): Promise<number> {
    if (!this.hasCourt) return 0;
    const pool = this.pool;
    const [p, now, minStaking] = await Promise.all([pool.phaseState(), this.now(), pool.MIN_STAKING_TIME()]);
    if (POOL_PHASES[Number(p.phase)] !== "Staking" || (await pool.drawsDue(p.epoch + 1n)) === 0n) return 0;
    const readyAt = p.startedAt + minStaking;
    return readyAt > now ? Number(readyAt - now) : 0;
  },

  /**
   * Blocks to mine before the pool's pending epoch randomness is ready (BlockhashRandomness:
   * its target block must be mined). Local chains only: a public chain mines by itself.
   */
  async blocksUntilRandomness(this: RideCoopClient): Promise<number> {
    if (!this.hasCourt) return 0;
    const [p, latest] = await Promise.all([this.pool.phaseState(), this.provider.getBlockNumber()]);
    if (POOL_PHASES[Number(p.phase)] !== "Generating") return 0;
    if (RANDOMNESS_STATUSES[Number(await this.randomness.status(p.requestId))] !== "Pending") return 0;
    const target = Number(await this.randomness.targetBlock(p.requestId));
    return Math.max(0, target - latest + 1);
  },

  /**
   * Work a deadline has made due, found from events: expired requests, rides past the
   * confirmation window, no-shows past the keeper delay, abandoned rides,
   * and the disputes' draws, silent panels and executable rulings (court events).
   */
  async dueWork(this: RideCoopClient): Promise<DueWork[]> {
    const m = this.market;
    const [requested, ended, [params], now, keeperDelay] = await Promise.all([
      this.events(m.filters.RideRequested(), m),
      Promise.all([
        this.events(m.filters.RideCancelled(), m),
        this.events(m.filters.RideFinalized(), m),
        this.events(m.filters.RideResolved(), m),
      ]),
      m.parameters(),
      this.now(),
      m.KEEPER_DELAY(),
    ]);
    const closed = new Set(ended.flat().map((l) => l.args.rideId));
    const open = requested.map((l) => l.args.rideId).filter((id) => !closed.has(id));
    const work: DueWork[] = [];
    for (const rideId of open) {
      const ride = await m.getRide(rideId);
      const state = RIDE_STATES[Number(ride.state)];
      const s = ride.stamp;
      const arrived = (Number(ride.flags) & ARRIVED) !== 0;
      const add = (kind: DueWork["kind"], dueSince: bigint, run: () => Promise<ContractTransactionResponse>) => {
        if (now > dueSince) work.push({ kind, rideId, dueSince, run });
      };
      if (state === "Requested") add("expire", s, () => m.expireRequest(rideId));
      else if (state === "Completed") add("finalize", s + params.confirmWindow, () => m.finalizeRide(rideId));
      else if (state === "Started") add("abandoned", s + params.rideWindow, () => m.reclaimAbandoned(rideId));
      else if (state === "Accepted" && !arrived) {
        add("driver-no-show", s + params.pickupWindow + keeperDelay, () => m.cancelDriverNoShow(rideId));
      } else if (state === "Accepted" && arrived) {
        add("rider-no-show", s + params.noShowWindow + keeperDelay, () => m.cancelRiderNoShow(rideId));
      }
    }
    work.push(...(await this.dueDisputeWork()));
    return work;
  },

  /** Does each piece of due work; one that someone else did first is reported, not fatal. */
  async runDueWork(this: RideCoopClient, work: DueWork[]): Promise<{ work: DueWork; tx?: TxResult; error?: string }[]> {
    const out: { work: DueWork; tx?: TxResult; error?: string }[] = [];
    for (const w of work) {
      try {
        out.push({
          work: w,
          tx: await this.send(`${w.kind}${workTarget(w)}`, w.run),
        });
      } catch (err) {
        out.push({ work: w, error: (err as Error).message });
      }
    }
    return out;
  },
};

export type KeeperOps = typeof keeperOps;

/** " ride 3" / " dispute 3" / "": what a piece of due work is about. */
export function workTarget(w: { rideId?: bigint; disputeId?: bigint }): string {
  if (w.disputeId !== undefined) return ` dispute ${w.disputeId}`;
  return w.rideId === undefined ? "" : ` ride ${w.rideId}`;
}
