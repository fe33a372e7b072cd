// Anyone: the faucet, balances and withdrawals.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { getAddress } from "ethers";
import { TestUSD__factory, type TestUSD } from "./contracts";
import { ClientStateError } from "./errors";
import type { TxResult, Balances } from "./types";
import type { RideCoopClient } from "./client";

export const accountOps = {
  /** Draws `amount` from TestUSD's faucet (local chains only). */
  async faucet(this: RideCoopClient, amount: bigint): Promise<TxResult> {
    if (this.deployment.contracts.TestUSD === undefined) {
      throw new ClientStateError(`the fare token on ${this.deployment.network} is not TestUSD: there is no faucet`);
    }
    const tusd: TestUSD = TestUSD__factory.connect(this.deployment.contracts.TestUSD.address, this.signer);
    return this.send("faucet", () => tusd.faucet(amount));
  },

  async balances(this: RideCoopClient, account?: string): Promise<Balances> {
    const who = account === undefined ? await this.address() : getAddress(account);
    const [
      fareToken,
      credit,
      acc,
      ride,
      votes,
      delegate,
      rewards,
      revenue,
      [avg, count],
      courtCredit,
      arbiter,
      arbiterCredit,
    ] = await Promise.all([
      this.fare.balanceOf(who),
      this.market.creditOf(who),
      this.market.getAccount(who),
      this.token.balanceOf(who),
      this.token.getVotes(who),
      this.token.delegates(who),
      this.market.rewardsOf(who),
      this.token.claimableRevenue(who),
      this.market.averageRating(who),
      this.hasCourt ? this.court.creditOf(who) : 0n,
      this.hasCourt ? this.pool.arbiterOf(who).then((a) => a.stake) : 0n,
      this.hasCourt ? this.pool.creditOf(who) : 0n,
    ]);
    return {
      account: who,
      fareToken,
      credit,
      stake: acc.stake,
      registered: acc.registered,
      openRides: Number(acc.openRides),
      activeRide: acc.activeRide,
      ride,
      votes,
      delegate,
      rewardsAccrued: rewards.accrued,
      revenueClaimable: revenue,
      ratingX100: avg,
      ratings: count,
      courtCredit,
      arbiterStake: arbiter,
      arbiterCredit,
    };
  },

  /**
   * Withdraws the market credit, the court credit (fee refunds, arbiter fees), and claims the
   * RIDE holders' fee revenue and any RIDE slash credit, to `to`.
   */
  async withdraw(this: RideCoopClient, to?: string): Promise<TxResult[]> {
    const me = await this.address();
    const dest = to === undefined ? me : getAddress(to);
    const txs: TxResult[] = [];
    const [credit, revenue, courtCredit, poolCredit] = await Promise.all([
      this.market.creditOf(me),
      this.token.claimableRevenue(me),
      this.hasCourt ? this.court.creditOf(me) : 0n,
      this.hasCourt ? this.pool.creditOf(me) : 0n,
    ]);
    if (credit === 0n && revenue === 0n && courtCredit === 0n && poolCredit === 0n) {
      // Let the contract say it, with its error and hint.
      txs.push(await this.send("withdraw", () => this.market.withdraw(dest)));
    }
    if (credit > 0n) txs.push(await this.send("withdraw", () => this.market.withdraw(dest)));
    if (courtCredit > 0n) txs.push(await this.send("withdraw court credit", () => this.court.withdraw(dest)));
    if (revenue > 0n) txs.push(await this.send("claim revenue", () => this.token.claimRevenue(dest)));
    if (poolCredit > 0n) txs.push(await this.send("claim RIDE credit", () => this.pool.claimCredit(dest)));
    return txs;
  },
};

export type AccountOps = typeof accountOps;
