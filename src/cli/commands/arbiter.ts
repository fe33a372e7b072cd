import { describeEvidence } from "../../client/client";
import { formatBps, formatTime, parseAmount, parseSplit } from "../../client/format";
import { parseAddress, parseDisputeId, txJson, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The arbiter commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const arbiterCommands: CommandSpec[] = [];

interface AmountArgs extends CommonArgs {
  amount: string;
}

arbiterCommands.push(
  command<AmountArgs>({
    task: "arbiter:stake",
    description:
      "Stakes RIDE in the arbiter pool: you may be drawn to rule disputes (approves the pool if needed; with --relay, a permit the relayer submits)",
    params: [
      { name: "amount", description: "RIDE to stake, like 25 (at least the draw lock to be drawable: arbiter:status)" },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const amount = parseAmount(args.amount, client.rideUnit, "amount");
      const txs = await client.stakeArbiter(amount);
      const s = await client.arbiterStatus();
      ctx.report(
        [
          `Staked ${client.formatRide(amount)}; your stake is ${client.formatRide(s.stake)}, draw weight ${client.formatRide(s.weight)} of ${client.formatRide(s.totalWeight)}` +
            (s.weight === 0n ? ` (below the draw lock of ${client.formatRide(s.drawLock)}: not drawable)` : ""),
          ...txs.map(txLine),
        ],
        { amount, stake: s.stake, weight: s.weight, totalWeight: s.totalWeight, txs: txs.map(txJson) },
      );
      return { amount, status: s, txs };
    },
  }),
);

arbiterCommands.push(
  command<CommonArgs>({
    task: "arbiter:status",
    description: "Shows your arbiter stake: free, locked by disputes, asked back, draw weight, RIDE credit",
    params: [],
    async run(ctx) {
      const client = await ctx.client();
      const [s, now] = await Promise.all([client.arbiterStatus(), client.now()]);
      const r = (v: bigint) => client.formatRide(v);
      ctx.report(
        [
          `Arbiter ${s.account}`,
          `  stake        ${r(s.stake)} (${r(s.free)} free, ${r(s.locked)} locked by disputes)`,
          `  draw weight  ${r(s.weight)} of ${r(s.totalWeight)}${s.weight === 0n ? ` (drawable from ${r(s.drawLock)} free)` : ""}`,
          s.unstaking > 0n
            ? `  asked back   ${r(s.unstaking)}, withdrawable ${formatTime(s.unstakeAt, now)} (arbiter:withdraw)`
            : "  asked back   nothing",
          `  RIDE credit  ${r(s.credit)}${s.credit > 0n ? " (withdraw)" : ""}`,
        ],
        s,
      );
      return s;
    },
  }),
);

arbiterCommands.push(
  command<CommonArgs>({
    task: "arbiter:disputes",
    description: "Lists the disputes where you hold a seat and must rule, with deadlines and evidence",
    params: [],
    async run(ctx) {
      const client = await ctx.client();
      const [duties, now] = await Promise.all([client.arbiterDuties(), client.now()]);
      ctx.report(
        duties.length === 0
          ? ["No dispute is waiting for your ruling"]
          : [
              "Disputes waiting for your ruling:",
              ...duties.flatMap((d) => [
                `  dispute ${d.disputeId} (round ${d.round}, seat ${d.seat}): fare ${client.formatFare(d.fare)}, rule by ${formatTime(d.deadline, now)}`,
                `    rider ${d.rider}, driver ${d.driver}; ${client.formatRide(d.locked)} of your stake locked`,
                ...(d.proposal === undefined
                  ? []
                  : [
                      `    standing settlement offer: ${formatBps(d.proposal.riderBps)} to the rider (by ${d.proposal.proposer})`,
                    ]),
                ...d.evidence.map((e) => `    evidence by ${e.party}: ${describeEvidence(e)}`),
              ]),
              "Rule with arbiter:rule --dispute <id> --split <rider %>",
            ],
        duties,
      );
      return duties;
    },
  }),
);

arbiterCommands.push(
  command<CommonArgs>({
    task: "arbiter:register-key",
    description:
      "Registers your evidence key (derived from your wallet's signature, never stored) so parties can seal evidence to you",
    params: [],
    async run(ctx) {
      const client = await ctx.client();
      const { publicKey, tx } = await client.registerEvidenceKey();
      ctx.report(
        tx === undefined
          ? [`Your evidence key ${publicKey} is already registered; nothing sent`]
          : [
              `Registered your evidence key ${publicKey}: evidence sealed to it opens only with your wallet`,
              txLine(tx),
            ],
        { publicKey, tx: tx === undefined ? undefined : txJson(tx) },
      );
      return { publicKey, tx };
    },
  }),
);

interface EvidenceArgs extends CommonArgs {
  dispute: string;
}

arbiterCommands.push(
  command<EvidenceArgs>({
    task: "arbiter:evidence",
    description:
      "Shows a dispute's evidence, opening the route reveal sealed to you and checking it against the ride's commitment",
    params: [{ name: "dispute", description: "Dispute id (its ride's id)" }],
    async run(ctx, args) {
      const disputeId = parseDisputeId(args.dispute);
      const client = await ctx.client();
      const evidence = await client.evidence(disputeId);
      ctx.report(
        evidence.length === 0
          ? [`No evidence in dispute ${disputeId}`]
          : [`Evidence in dispute ${disputeId}:`, ...evidence.map((e) => `  by ${e.party}: ${describeEvidence(e)}`)],
        evidence,
      );
      return evidence;
    },
  }),
);

interface RuleArgs extends CommonArgs {
  dispute: string;
  split: string;
}

arbiterCommands.push(
  command<RuleArgs>({
    task: "arbiter:rule",
    description: "Rules a dispute you are seated in: the rider's share of the fare (you earn the arbiter fee)",
    params: [
      { name: "dispute", description: "Dispute id (its ride's id)" },
      { name: "split", description: "The rider's share in percent, like 75 (the driver gets the rest)" },
    ],
    async run(ctx, args) {
      const disputeId = parseDisputeId(args.dispute);
      const riderBps = parseSplit(args.split, "split");
      const client = await ctx.client();
      const tx = await client.rule(disputeId, riderBps);
      const view = await client.showDispute(disputeId);
      const ruled = view.status === "Ruled";
      ctx.report(
        [
          `Ruled ${formatBps(riderBps)} to the rider in dispute ${disputeId}` +
            (ruled
              ? `; the round's ruling is ${formatBps(view.riderBps)}, appealable until ${formatTime(view.deadline, view.now)}`
              : "; waiting for the rest of the panel"),
          txLine(tx),
        ],
        { disputeId, riderBps, status: view.status, ruling: ruled ? view.riderBps : undefined, tx: txJson(tx) },
      );
      return { disputeId, riderBps, status: view.status, tx };
    },
  }),
);

arbiterCommands.push(
  command<AmountArgs>({
    task: "arbiter:unstake",
    description: "Asks stake back: it leaves the draw now, withdraw it after the cooldown (arbiter:withdraw)",
    params: [{ name: "amount", description: "RIDE to ask back, like 10 (at most the free stake)" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const amount = parseAmount(args.amount, client.rideUnit, "amount");
      const tx = await client.requestUnstake(amount);
      const [s, now] = await Promise.all([client.arbiterStatus(), client.now()]);
      ctx.report(
        [
          `Asked ${client.formatRide(amount)} back (${client.formatRide(s.unstaking)} in all); withdraw it ${formatTime(s.unstakeAt, now)} with arbiter:withdraw`,
          txLine(tx),
        ],
        { amount, unstaking: s.unstaking, availableAt: s.unstakeAt, stake: s.stake, tx: txJson(tx) },
      );
      return { amount, availableAt: s.unstakeAt, tx };
    },
  }),
);

interface WithdrawArgs extends CommonArgs {
  to?: string;
}

arbiterCommands.push(
  command<WithdrawArgs>({
    task: "arbiter:withdraw",
    description: "Withdraws the stake asked back, once the cooldown passed",
    params: [{ name: "to", description: "Recipient (default: --account)", optional: true }],
    async run(ctx, args) {
      const client = await ctx.client();
      const to = args.to === undefined ? undefined : parseAddress(args.to, "to");
      const { unstaking } = await client.arbiterStatus();
      const tx = await client.withdrawUnstaked(to);
      ctx.report([`Withdrew ${client.formatRide(unstaking)} of arbiter stake`, txLine(tx)], {
        amount: unstaking,
        tx: txJson(tx),
      });
      return { amount: unstaking, tx };
    },
  }),
);
