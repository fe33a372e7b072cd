import { ClientStateError } from "../../client/errors";
import { formatDuration, formatTime, InputError } from "../../client/format";
import { formatParam, parseParamChange } from "../../client/params";
import type { RideCoopClient } from "../../client/client";
import { parseAddress, txJson, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The gov commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const govCommands: CommandSpec[] = [];

interface DelegateArgs extends CommonArgs {
  to?: string;
}

govCommands.push(
  command<DelegateArgs>({
    task: "gov:delegate",
    description: "Delegates your RIDE votes (to yourself by default)",
    params: [{ name: "to", description: "Delegate address", optional: true }],
    async run(ctx, args) {
      const client = await ctx.client();
      const tx = await client.delegate(args.to === undefined ? undefined : parseAddress(args.to, "to"));
      const votes = await client.token.getVotes(args.to ?? (await client.address()));
      ctx.report([`Delegated; the delegate now has ${client.formatRide(votes)} of votes`, txLine(tx)], {
        votes,
        tx: txJson(tx),
      });
      return { votes, tx };
    },
  }),
);

govCommands.push(
  command<CommonArgs>({
    task: "gov:params",
    description: "Shows every governed parameter with its hard bounds, and the governor's settings",
    params: [],
    async run(ctx) {
      const client = await ctx.client();
      const p = await client.governedParameters();
      const units = { fare: client.fareUnit, ride: client.rideUnit };
      const g = p.governor;
      ctx.report(
        [
          "Market parameters (value, bounds):",
          ...p.market.map(
            (m) =>
              `  ${m.name.padEnd(16)} ${formatParam(m.name, m.value, units).padEnd(14)} [${formatParam(m.name, m.min, units)} .. ${formatParam(m.name, m.max, units)}]`,
          ),
          "Governance:",
          `  voting delay ${formatDuration(g.votingDelay)}, voting period ${formatDuration(g.votingPeriod)}, timelock delay ${formatDuration(g.timelockDelay)}`,
          `  proposal threshold ${client.formatRide(g.proposalThreshold)}, quorum now ${client.formatRide(g.quorum)}`,
        ],
        p,
      );
      return p;
    },
  }),
);

interface ProposeArgs extends CommonArgs {
  set: string;
  description: string;
  more: string[];
}

govCommands.push(
  command<ProposeArgs>({
    task: "gov:propose",
    description: "Proposes parameter changes: --set fee=3% (more: --set fee=3%,pickup=10m or extra name=value words)",
    params: [
      { name: "set", description: "name=value[,name=value...]: fee=3%, pickupWindow=10m, minStake=60 ..." },
      { name: "description", description: "What and why, shown to voters" },
      { name: "more", description: "More name=value changes", variadic: true },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const units = { fare: client.fareUnit, ride: client.rideUnit };
      const texts = [...args.set.split(","), ...args.more].map((t) => t.trim()).filter((t) => t !== "");
      const changes = texts.map((t) => parseParamChange(t, units, "set"));
      if (args.description.trim() === "") throw new InputError("description", "say what the proposal changes and why");
      const { proposalId, tx } = await client.propose(changes, args.description);
      const p = await client.proposal(proposalId);
      const now = await client.now();
      ctx.report(
        [
          `Proposal ${proposalId}`,
          ...changes.map((c) => `  set ${c.name} to ${formatParam(c.name, c.value, units)}`),
          `  voting opens ${formatTime(p.snapshot, now)}, closes ${formatTime(p.deadline, now)}`,
          txLine(tx),
        ],
        { proposalId, changes, snapshot: p.snapshot, deadline: p.deadline, tx: txJson(tx) },
      );
      return { proposalId, tx };
    },
  }),
);

govCommands.push(
  command<CommonArgs>({
    task: "gov:proposals",
    description: "Lists proposals with state, votes and deadlines",
    params: [],
    async run(ctx) {
      const client = await ctx.client();
      const [list, now] = await Promise.all([client.proposals(), client.now()]);
      ctx.report(
        list.length === 0
          ? ["No proposals yet"]
          : list.flatMap((p) => [
              `${p.proposalId}`,
              `  ${p.state}: ${p.description}`,
              `  for ${client.formatRide(p.votes.for)}, against ${client.formatRide(p.votes.against)}, abstain ${client.formatRide(p.votes.abstain)}`,
              `  vote from ${formatTime(p.snapshot, now)} until ${formatTime(p.deadline, now)}${p.eta > 0n ? `; executable ${formatTime(p.eta, now)}` : ""}`,
            ]),
        list,
      );
      return list;
    },
  }),
);

interface ProposalArgs extends CommonArgs {
  proposal: string;
}

/** --proposal to a proposal id: a number, or `latest` for the most recently created proposal. */
async function resolveProposalId(client: RideCoopClient, text: string): Promise<bigint> {
  if (text.trim().toLowerCase() === "latest") {
    const list = await client.proposals();
    const last = list.at(-1);
    if (last === undefined)
      throw new InputError("proposal", "there is no proposal yet, so no latest one (gov:propose)");
    return last.proposalId;
  }
  if (!/^\d+$/.test(text.trim()))
    throw new InputError("proposal", `"${text}" is not a proposal id or latest (gov:proposals lists them)`);
  return BigInt(text.trim());
}

const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

interface VoteArgs extends ProposalArgs {
  support: string;
  reason?: string;
  force: boolean;
}

govCommands.push(
  command<VoteArgs>({
    task: "gov:vote",
    description: "Votes on a proposal",
    params: [
      { name: "proposal", description: "Proposal id, or latest (the most recent proposal)" },
      { name: "support", description: "for, against or abstain" },
      { name: "reason", description: "Why, recorded on chain", optional: true },
      { name: "force", description: "Vote even with no voting weight at the proposal's snapshot", flag: true },
    ],
    async run(ctx, args) {
      const support = SUPPORT[args.support.toLowerCase() as keyof typeof SUPPORT];
      if (support === undefined) throw new InputError("support", `"${args.support}" is not for, against or abstain`);
      const client = await ctx.client();
      const proposalId = await resolveProposalId(client, args.proposal);
      const weight = await client.weightAt(proposalId);
      const warning =
        weight === 0n
          ? `your voting weight at proposal ${proposalId}'s snapshot is ${client.formatRide(0n)}, so this vote counts for nothing`
          : undefined;
      if (warning !== undefined && !args.force) {
        throw new ClientStateError(
          `${warning}. Hint: votes count the RIDE delegated before the snapshot (gov:delegate, then vote on the next proposal); add --force to vote anyway`,
        );
      }
      const tx = await client.vote(proposalId, support, args.reason);
      const p = await client.proposal(proposalId);
      ctx.report(
        [
          ...(warning === undefined ? [] : [`Warning: ${warning}`]),
          `Voted ${args.support.toLowerCase()} on ${proposalId}: for ${client.formatRide(p.votes.for)}, against ${client.formatRide(p.votes.against)}, abstain ${client.formatRide(p.votes.abstain)}`,
          txLine(tx),
        ],
        { proposalId, support: args.support.toLowerCase(), weight, votes: p.votes, tx: txJson(tx) },
      );
      return { proposalId, tx };
    },
  }),
);

for (const [name, description, verb] of [
  ["gov:queue", "Queues a succeeded proposal in the timelock", "queued"],
  ["gov:execute", "Executes a queued proposal after the timelock delay", "executed"],
] as const) {
  govCommands.push(
    command<ProposalArgs>({
      task: name,
      description,
      params: [{ name: "proposal", description: "Proposal id, or latest (the most recent proposal)" }],
      async run(ctx, args) {
        const client = await ctx.client();
        const proposalId = await resolveProposalId(client, args.proposal);
        const tx = verb === "queued" ? await client.queue(proposalId) : await client.execute(proposalId);
        const p = await client.proposal(proposalId);
        const now = await client.now();
        ctx.report(
          [
            `Proposal ${proposalId} ${verb}${verb === "queued" ? `; executable ${formatTime(p.eta, now)}` : ""}`,
            txLine(tx),
          ],
          { proposalId, state: p.state, eta: p.eta, tx: txJson(tx) },
        );
        return { proposalId, tx };
      },
    }),
  );
}
