// Arbiters: stake, status, duties, rule.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { getAddress, ZeroAddress } from "ethers";
import { DISPUTE_STATUSES } from "./errors";
import type { TxResult, ArbiterDuty, ArbiterRuling, ArbiterStatus } from "./types";
import type { RideCoopClient } from "./client";

export const arbiterOps = {
  /**
   * Stakes `amount` RIDE in the arbiter pool (approving the pool when the allowance is short;
   * through a relayer, a permit the relayer submits).
   */
  async stakeArbiter(this: RideCoopClient, amount: bigint): Promise<TxResult[]> {
    const pool = this.pool;
    const txs: TxResult[] = [];
    const allowed = await this.allow("ride", await pool.getAddress(), amount, "pool");
    if (allowed !== undefined) txs.push(allowed);
    txs.push(await this.send("stake", () => pool.stake(amount)));
    return txs;
  },

  /** Asks `amount` of the free stake back: it leaves the draw now, and is withdrawable after the cooldown. */
  async requestUnstake(this: RideCoopClient, amount: bigint): Promise<TxResult> {
    return this.send("request unstake", () => this.pool.requestUnstake(amount));
  },

  /** Withdraws the stake asked back, once the cooldown passed. */
  async withdrawUnstaked(this: RideCoopClient, to?: string): Promise<TxResult> {
    const dest = to === undefined ? await this.address() : getAddress(to);
    return this.send("withdraw unstaked", () => this.pool.withdrawUnstaked(dest));
  },

  async arbiterStatus(this: RideCoopClient, account?: string): Promise<ArbiterStatus> {
    const who = account === undefined ? await this.address() : getAddress(account);
    const [a, [weight, totalWeight], params, credit] = await Promise.all([
      this.pool.arbiterOf(who),
      this.pool.weightOf(who),
      this.pool.parameters(),
      this.pool.creditOf(who),
    ]);
    return {
      account: who,
      stake: a.stake,
      locked: a.locked,
      free: a.stake - a.locked,
      unstaking: a.unstaking,
      unstakeAt: a.unstakeAt,
      weight,
      totalWeight,
      drawLock: params.drawLock,
      credit,
    };
  },

  /**
   * The seats the caller holds in panels that are ruling now and has not voted in, from its
   * ArbiterDrawn events (indexed by arbiter), with each dispute's evidence and deadline.
   */
  async arbiterDuties(this: RideCoopClient, account?: string): Promise<ArbiterDuty[]> {
    const court = this.court;
    const who = account === undefined ? await this.address() : getAddress(account);
    const drawn = await this.events(court.filters.ArbiterDrawn(undefined, undefined, undefined, who), court);
    const out: ArbiterDuty[] = [];
    const seen = new Set<string>();
    for (const l of drawn) {
      const { disputeId, round, seat } = l.args;
      const key = `${disputeId}/${round}/${seat}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [d, s] = await Promise.all([court.getDispute(disputeId), court.getSeat(disputeId, round, seat)]);
      if (DISPUTE_STATUSES[Number(d.status)] !== "Voting" || d.round !== round) continue;
      if (getAddress(s.arbiter) !== who || s.voted) continue;
      const [evidence, proposal] = await Promise.all([this.evidence(disputeId), court.getProposal(disputeId)]);
      out.push({
        disputeId,
        round: Number(round),
        seat: Number(seat),
        rider: d.rider,
        driver: d.driver,
        fare: d.fare,
        deadline: d.deadline,
        locked: s.locked,
        evidence,
        proposal:
          proposal.proposer === ZeroAddress
            ? undefined
            : { proposer: proposal.proposer, riderBps: Number(proposal.riderBps) },
      });
    }
    return out.sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0));
  },

  /** The rulings the caller gave (its `Voted` events), newest first, with where each dispute stands now. */
  async arbiterRulings(this: RideCoopClient, account?: string): Promise<ArbiterRuling[]> {
    const court = this.court;
    const who = account === undefined ? await this.address() : getAddress(account);
    const voted = await this.events(court.filters.Voted(undefined, undefined, who), court);
    const out: ArbiterRuling[] = [];
    for (const l of voted) {
      const { disputeId, round, riderBps, fee } = l.args;
      const d = await court.getDispute(disputeId);
      const status = DISPUTE_STATUSES[Number(d.status)];
      const sameRound = d.round === round;
      const decided = sameRound && (status === "Ruled" || status === "Resolved");
      out.push({
        disputeId,
        round: Number(round),
        riderBps: Number(riderBps),
        fee,
        blockNumber: l.blockNumber,
        status,
        panelRiderBps: decided ? Number(d.riderBps) : undefined,
        appealUntil: status === "Ruled" && sameRound ? d.deadline : undefined,
      });
    }
    return out.reverse();
  },

  /** A seated arbiter rules `riderBps` of the fare to the rider. */
  async rule(this: RideCoopClient, disputeId: bigint, riderBps: number): Promise<TxResult> {
    return this.send("rule", () => this.court.rule(disputeId, riderBps));
  },
};

export type ArbiterOps = typeof arbiterOps;
