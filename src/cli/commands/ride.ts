import { getAddress, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import { describeEvidence, type DisputeView, type EvidenceInput } from "../../client/client";
import { formatBps, formatTime, InputError, parseSplit, parseStars } from "../../client/format";

import { parseDisputeId, parseRideId, txJson, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The ride commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const rideCommands: CommandSpec[] = [];

interface RideArgs extends CommonArgs {
  ride: string;
}

rideCommands.push(
  command<RideArgs>({
    task: "ride:show",
    description: "Shows a ride: state, parties, fare, deadlines, and what each party can do next",
    params: [{ name: "ride", description: "Ride id" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const view = await client.showRide(parseRideId(args.ride));
      const when = (t: bigint | undefined, word: string) =>
        t === undefined ? "" : ` ${word} ${formatTime(t, view.now)}`;
      ctx.report(
        [
          `Ride ${view.rideId}: ${view.state}${view.arrived ? " (driver arrived)" : ""}`,
          `  rider   ${view.rider}`,
          `  driver  ${view.driver === "0x0000000000000000000000000000000000000000" ? "none yet" : view.driver}`,
          `  fare    ${client.formatFare(view.fare)}${view.feeBps > 0 ? `, fee ${formatBps(view.feeBps)}` : ""}`,
          ...Object.entries(view.deadlines).map(([k, t]) => `  ${k.padEnd(16)} ${formatTime(t, view.now)}`),
          view.next.length === 0 ? "Nothing more can happen to this ride." : "Next:",
          ...view.next.map(
            (n) => `  ${n.who}: ${n.action} (${n.task})${when(n.from, "from")}${when(n.until, "until")}`,
          ),
        ],
        view,
      );
      return view;
    },
  }),
);

interface RateArgs extends RideArgs {
  rating: string;
}

rideCommands.push(
  command<RateArgs>({
    task: "ride:rate",
    description:
      "Rates the other party of a finalized ride once, or the party who wronged you on a cancelled one (no-show, abandoned, paid cancellation)",
    params: [
      { name: "ride", description: "Ride id" },
      { name: "rating", description: "Stars, 1 to 5" },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const rating = parseStars(args.rating, "rating");
      const tx = await client.rate(rideId, rating);
      ctx.report([`Rated ride ${rideId} with ${rating} star(s)`, txLine(tx)], { rideId, rating, tx: txJson(tx) });
      return { rideId, tx };
    },
  }),
);

/** --evidence: a URI (ipfs://, https://, ar://, data:...), posted with the keccak256 of its text. */
function parseEvidence(text: string): EvidenceInput {
  const uri = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(uri)) {
    throw new InputError(
      "evidence",
      `"${text}" is not a URI; give one like ipfs://<cid> or https://example.org/photo.jpg`,
    );
  }
  return { uri, hash: keccak256(toUtf8Bytes(uri)) };
}

interface DisputeArgs extends RideArgs {
  evidence?: string;
}

rideCommands.push(
  command<DisputeArgs>({
    task: "ride:dispute",
    description:
      "Opens a dispute on a ride, paying the dispute fee (approves the court if needed; with --relay, a permit the relayer submits); the rider reveals the route later, sealed to the panel (ride:reveal)",
    params: [
      { name: "ride", description: "Ride id" },
      {
        name: "evidence",
        description: "A URI to more evidence, like ipfs://<cid> (posted with the keccak256 of the URI)",
        optional: true,
      },
    ],
    async run(ctx, args) {
      const rideId = parseRideId(args.ride);
      const extra = args.evidence === undefined ? undefined : parseEvidence(args.evidence);
      const client = await ctx.client();
      const me = await client.address();
      const ride = await client.market.getRide(rideId);
      const evidence: EvidenceInput[] = extra === undefined ? [] : [extra];
      const byRider = ride.rider !== ZeroAddress && getAddress(ride.rider) === me;
      const { disputeId, fee, txs } = await client.openDispute(rideId, evidence);
      ctx.report(
        [
          `Dispute ${disputeId} opened on ride ${rideId}; you paid the dispute fee of ${client.formatFare(fee)}`,
          ...(extra === undefined ? [] : [`  evidence posted: ${extra.uri}`]),
          ...(byRider
            ? [
                `  once the panel is drawn, seal the exact route to it with ride:reveal --dispute ${disputeId} (it never goes on chain in the clear)`,
              ]
            : []),
          `  settle with ride:settle --dispute ${disputeId} --split <rider %>, or await the arbiter (dispute:show --dispute ${disputeId})`,
          ...txs.map(txLine),
        ],
        { disputeId, fee, evidence, txs: txs.map(txJson) },
      );
      return { disputeId, fee, evidence, txs };
    },
  }),
);

rideCommands.push(
  command<DisputeIdArgs>({
    task: "ride:reveal",
    description:
      "The rider seals the exact route to each arbiter seated in the dispute (their registered keys); only its hash is public",
    params: [{ name: "dispute", description: "Dispute id (its ride's id)" }],
    async run(ctx, args) {
      const disputeId = parseDisputeId(args.dispute);
      const client = await ctx.client();
      const store = ctx.rides();
      const secret = store.get(disputeId);
      if (secret === undefined) {
        throw new InputError(
          "dispute",
          `no exact route for ride ${disputeId} in ${store.file}: only the rider's machine that ran rider:request keeps it`,
        );
      }
      const r = await client.revealRouteToPanel(disputeId, secret);
      ctx.report(
        [
          `Sealed the route of ride ${disputeId} to ${r.sealedTo.length} arbiter(s) of round ${r.round}: ${r.sealedTo.join(", ")}`,
          ...(r.missingKey.length === 0
            ? []
            : [
                `  ${r.missingKey.join(", ")} registered no evidence key and cannot read it; run ride:reveal again once they have (arbiter:register-key)`,
              ]),
          txLine(r.tx),
        ],
        { disputeId, round: r.round, sealedTo: r.sealedTo, missingKey: r.missingKey, tx: txJson(r.tx) },
      );
      return r;
    },
  }),
);

interface SettleArgs extends CommonArgs {
  dispute: string;
  split: string;
  counter: boolean;
}

rideCommands.push(
  command<SettleArgs>({
    task: "ride:settle",
    description:
      "Proposes a split of a disputed fare, or accepts the other party's proposal of the same split (no arbiter fee)",
    params: [
      { name: "dispute", description: "Dispute id (its ride's id)" },
      { name: "split", description: "The rider's share in percent, like 60 (the driver gets the rest)" },
      { name: "counter", description: "Propose your split even though the other party proposed another", flag: true },
    ],
    async run(ctx, args) {
      const disputeId = parseDisputeId(args.dispute);
      const riderBps = parseSplit(args.split, "split");
      const client = await ctx.client();
      const { action, tx } = await client.settle(disputeId, riderBps, args.counter);
      const view = await client.showDispute(disputeId);
      const riderAmount = (view.fare * BigInt(riderBps)) / 10_000n;
      ctx.report(
        [
          action === "accepted"
            ? `Dispute ${disputeId} settled: ${client.formatFare(riderAmount)} to the rider, ${client.formatFare(view.fare - riderAmount)} to the driver; the fees go back to whoever paid them (withdraw)`
            : `Proposed ${formatBps(riderBps)} to the rider in dispute ${disputeId}; the other party accepts with ride:settle --dispute ${disputeId} --split ${formatBps(riderBps)}`,
          txLine(tx),
        ],
        { disputeId, action, riderBps, status: view.status, riderAmount, tx: txJson(tx) },
      );
      return { disputeId, action, riderBps, status: view.status, tx };
    },
  }),
);

interface DisputeIdArgs extends CommonArgs {
  dispute: string;
}

rideCommands.push(
  command<DisputeIdArgs>({
    task: "ride:appeal",
    description: "The losing party appeals a ruling to a larger panel, paying the appeal fee",
    params: [{ name: "dispute", description: "Dispute id (its ride's id)" }],
    async run(ctx, args) {
      const disputeId = parseDisputeId(args.dispute);
      const client = await ctx.client();
      const { fee, txs } = await client.appeal(disputeId);
      const view = await client.showDispute(disputeId);
      ctx.report(
        [
          `Appealed dispute ${disputeId} for ${client.formatFare(fee)}: round ${view.round} draws a larger panel`,
          ...txs.map(txLine),
        ],
        { disputeId, fee, round: view.round, txs: txs.map(txJson) },
      );
      return { disputeId, fee, txs };
    },
  }),
);

rideCommands.push(
  command<DisputeIdArgs>({
    task: "dispute:show",
    description: "Shows a dispute: status, split, panel, settlement offer, evidence, deadline",
    params: [{ name: "dispute", description: "Dispute id (its ride's id)" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const v: DisputeView = await client.showDispute(parseDisputeId(args.dispute));
      const deadline =
        v.status === "Voting"
          ? [`  the panel rules until ${formatTime(v.deadline, v.now)}`]
          : v.status === "Ruled"
            ? [`  ruled ${formatBps(v.riderBps)} to the rider; appealable until ${formatTime(v.deadline, v.now)}`]
            : v.status === "Drawing"
              ? [`  waiting for randomness (${v.randomness}); keeper:run draws the panel`]
              : v.status === "Resolved"
                ? [`  resolved (${v.outcome ?? "?"}): ${formatBps(v.riderBps)} to the rider`]
                : [];
      ctx.report(
        [
          `Dispute ${v.disputeId}: ${v.status}, round ${v.round}${v.failedDraws > 0 ? `, ${v.failedDraws} failed draw(s)` : ""}`,
          `  rider   ${v.rider}${v.openedByRider ? " (opened it)" : ""}`,
          `  driver  ${v.driver}${v.openedByRider ? "" : " (opened it)"}`,
          `  fare    ${client.formatFare(v.fare)}`,
          ...deadline,
          ...(v.proposal === undefined
            ? []
            : [`  settlement offer: ${formatBps(v.proposal.riderBps)} to the rider, by ${v.proposal.proposer}`]),
          ...v.seats.map(
            (s) =>
              `  arbiter ${s.arbiter}: ${s.voted ? `ruled ${formatBps(s.riderBps)} to the rider` : "has not ruled"}`,
          ),
          ...v.evidence.map((e) => `  evidence by ${e.party}: ${describeEvidence(e)}`),
        ],
        v,
      );
      return v;
    },
  }),
);
