// Voters: delegate, the governed parameters, proposals, votes, queue and execute.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { encodeBytes32String, getAddress, id } from "ethers";
import { signBallot } from "./signatures";
import { ClientStateError } from "./errors";
import { formatParam, MARKET_PARAMETERS, type ParamChange } from "./params";
import { type TxResult, type Proposal, type ProposalView, PROPOSAL_STATES } from "./types";
import type { RideCoopClient } from "./client";

export const voterOps = {
  /** Delegates the caller's RIDE votes to `to` (default: itself). */
  async delegate(this: RideCoopClient, to?: string): Promise<TxResult> {
    const target = to === undefined ? await this.address() : getAddress(to);
    return this.send("delegate", () => this.token.delegate(target));
  },

  /** Every market parameter with its value and hard bounds, and the governor's settings. */
  async governedParameters(this: RideCoopClient): Promise<{
    market: { name: string; value: bigint; min: bigint; max: bigint }[];
    governor: Record<string, bigint>;
  }> {
    const market = await Promise.all(
      Object.keys(MARKET_PARAMETERS).map(async (name) => {
        const [value, min, max] = await this.market.parameter(encodeBytes32String(name));
        return { name, value, min, max };
      }),
    );
    const now = await this.now();
    const [votingDelay, votingPeriod, proposalThreshold, quorum, timelockDelay] = await Promise.all([
      this.governor.votingDelay(),
      this.governor.votingPeriod(),
      this.governor.proposalThreshold(),
      this.governor.quorum(now - 1n),
      this.timelock.getMinDelay(),
    ]);
    return { market, governor: { votingDelay, votingPeriod, proposalThreshold, quorum, timelockDelay } };
  },

  /** The calls a parameter proposal makes: one `setParameter` on the market per change. */
  proposalCalls(this: RideCoopClient, changes: ParamChange[]): Proposal {
    const target = this.deployment.contracts.RideMarket.address;
    return {
      targets: changes.map(() => target),
      values: changes.map(() => 0n),
      calldatas: changes.map((c) => this.market.interface.encodeFunctionData("setParameter", [c.key, c.value])),
    };
  },

  /**
   * Checks each change against the market's hard bounds before anything is sent: a proposal
   * outside them would pass the vote and then fail in the timelock, a week later.
   */
  async checkBounds(this: RideCoopClient, changes: ParamChange[]): Promise<void> {
    const units = { fare: this.fareUnit, ride: this.rideUnit };
    for (const c of changes) {
      const [, min, max] = await this.market.parameter(c.key);
      if (c.value < min || c.value > max) {
        const f = (v: bigint) => formatParam(c.name, v, units);
        throw new ClientStateError(
          `${c.name}=${f(c.value)} is outside its hard bounds [${f(min)} .. ${f(max)}], so the timelock could never execute it. Hint: propose a value within the bounds (gov:params lists them)`,
        );
      }
    }
  },

  /** The caller's voting weight at a proposal's snapshot (0: the vote would count for nothing). */
  async weightAt(this: RideCoopClient, proposalId: bigint, account?: string): Promise<bigint> {
    const who = account ?? (await this.address());
    const snapshot = await this.governor.proposalSnapshot(proposalId);
    const clock = await this.governor.clock();
    // A snapshot not yet past has no checkpoint: the current votes are what it will count.
    return snapshot < clock ? this.governor.getVotes(who, snapshot) : this.token.getVotes(who);
  },

  /**
   * Proposes parameter changes; returns the proposal id. The description gets OpenZeppelin's
   * `#proposer=<sender>` suffix (unless it already ends with one), so nobody can submit the
   * same proposal first to cancel it and kill its id: the governor refuses any other sender.
   */
  async propose(
    this: RideCoopClient,
    changes: ParamChange[],
    description: string,
  ): Promise<{ proposalId: bigint; tx: TxResult }> {
    await this.checkBounds(changes);
    const p = this.proposalCalls(changes);
    const signed = withProposerSuffix(description, await this.address());
    const proposalId = await this.governor.hashProposal(p.targets, p.values, p.calldatas, id(signed));
    const tx = await this.send("propose", () => this.governor.propose(p.targets, p.values, p.calldatas, signed));
    return { proposalId, tx };
  },

  /** Every proposal from ProposalCreated events, with its state, votes and deadlines. */
  async proposals(this: RideCoopClient): Promise<ProposalView[]> {
    const logs = await this.events(this.governor.filters.ProposalCreated(), this.governor);
    return Promise.all(
      logs.map(async (l) => {
        const a = l.args;
        const [state, [against, forVotes, abstain], deadline, eta] = await Promise.all([
          this.governor.state(a.proposalId),
          this.governor.proposalVotes(a.proposalId),
          this.governor.proposalDeadline(a.proposalId),
          this.governor.proposalEta(a.proposalId),
        ]);
        return {
          proposalId: a.proposalId,
          proposer: a.proposer,
          description: a.description,
          state: PROPOSAL_STATES[Number(state)] ?? `state ${state}`,
          targets: [...a.targets],
          values: [...a[3]], // by position: Result.values is Array.prototype.values
          calldatas: [...a.calldatas],
          snapshot: a.voteStart,
          deadline,
          eta,
          votes: { for: forVotes, against, abstain },
        };
      }),
    );
  },

  async proposal(this: RideCoopClient, proposalId: bigint): Promise<ProposalView> {
    const found = (await this.proposals()).find((p) => p.proposalId === proposalId);
    if (found === undefined)
      throw new ClientStateError(`there is no proposal ${proposalId} (gov:proposals lists them)`);
    return found;
  },

  async vote(this: RideCoopClient, proposalId: bigint, support: 0 | 1 | 2, reason?: string): Promise<TxResult> {
    return this.send("vote", () =>
      reason === undefined || reason === ""
        ? this.governor.castVote(proposalId, support)
        : this.governor.castVoteWithReason(proposalId, support, reason),
    );
  },

  /**
   * Signs an EIP-712 ballot for gasless voting: the signer pays nothing, anyone relays it
   * with {@link voteBySig}. The signature is bound to the voter's current governor nonce.
   */
  async signBallot(
    this: RideCoopClient,
    proposalId: bigint,
    support: 0 | 1 | 2,
  ): Promise<{ voter: string; signature: string }> {
    return {
      voter: await this.address(),
      signature: await signBallot(this.governor, this.signer, proposalId, support),
    };
  },

  /** Relays a ballot signed by `voter` (the relayer pays the gas; the vote is the voter's). */
  async voteBySig(
    this: RideCoopClient,
    proposalId: bigint,
    support: 0 | 1 | 2,
    voter: string,
    signature: string,
  ): Promise<TxResult> {
    return this.send("vote by signature", () => this.governor.castVoteBySig(proposalId, support, voter, signature));
  },

  async queue(this: RideCoopClient, proposalId: bigint): Promise<TxResult> {
    const p = await this.proposal(proposalId);
    return this.send("queue", () => this.governor.queue(p.targets, p.values, p.calldatas, id(p.description)));
  },

  async execute(this: RideCoopClient, proposalId: bigint): Promise<TxResult> {
    const p = await this.proposal(proposalId);
    return this.send("execute", () => this.governor.execute(p.targets, p.values, p.calldatas, id(p.description)));
  },
};

export type VoterOps = typeof voterOps;

/**
 * `description` ending with OpenZeppelin's `#proposer=<proposer>` suffix, which makes the
 * Governor refuse the same proposal from any other sender (front-run-and-cancel protection).
 */
export function withProposerSuffix(description: string, proposer: string): string {
  const suffix = `#proposer=${getAddress(proposer)}`;
  return description.toLowerCase().endsWith(suffix.toLowerCase()) ? description : `${description} ${suffix}`;
}
