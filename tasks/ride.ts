import { getAddress, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { describeEvidence, type DisputeView, type EvidenceInput } from "../src/client/client";
import { formatBps, formatTime, InputError, parseSplit, parseStars } from "../src/client/format";
import { RideStore } from "../src/node/rides-store";
import {
  clientFor,
  parseDisputeId,
  parseRideId,
  report,
  roleTask,
  txJson,
  txLine,
  type CommonArgs,
} from "./lib/common";

interface RideArgs extends CommonArgs {
  ride: string;
}

roleTask(
  task("ride:show", "Shows a ride: state, parties, fare, deadlines, and what each party can do next").addParam(
    "ride",
    "Ride id",
  ),
  async (args: RideArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const view = await client.showRide(parseRideId(args.ride));
    const when = (t: bigint | undefined, word: string) =>
      t === undefined ? "" : ` ${word} ${formatTime(t, view.now)}`;
    report(
      args,
      [
        `Ride ${view.rideId}: ${view.state}${view.arrived ? " (driver arrived)" : ""}`,
        `  rider   ${view.rider}`,
        `  driver  ${view.driver === "0x0000000000000000000000000000000000000000" ? "none yet" : view.driver}`,
        `  fare    ${client.formatFare(view.fare)}${view.feeBps > 0 ? `, fee ${formatBps(view.feeBps)}` : ""}`,
        ...Object.entries(view.deadlines).map(([k, t]) => `  ${k.padEnd(16)} ${formatTime(t, view.now)}`),
        view.next.length === 0 ? "Nothing more can happen to this ride." : "Next:",
        ...view.next.map((n) => `  ${n.who}: ${n.action} (${n.task})${when(n.from, "from")}${when(n.until, "until")}`),
      ],
      view,
    );
    return view;
  },
);

interface RateArgs extends RideArgs {
  rating: string;
}

roleTask(
  task(
    "ride:rate",
    "Rates the other party of a finalized ride once, or the party who wronged you on a cancelled one (no-show, abandoned, paid cancellation)",
  )
    .addParam("ride", "Ride id")
    .addParam("rating", "Stars, 1 to 5"),
  async (args: RateArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const rating = parseStars(args.rating, "rating");
    const tx = await client.rate(rideId, rating);
    report(args, [`Rated ride ${rideId} with ${rating} star(s)`, txLine(tx)], { rideId, rating, tx: txJson(tx) });
    return { rideId, tx };
  },
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

roleTask(
  task(
    "ride:dispute",
    "Opens a dispute on a ride, paying the dispute fee (approves the court if needed); the rider reveals the route later, sealed to the panel (ride:reveal)",
  )
    .addParam("ride", "Ride id")
    .addOptionalParam("evidence", "A URI to more evidence, like ipfs://<cid> (posted with the keccak256 of the URI)"),
  async (args: DisputeArgs, hre: HardhatRuntimeEnvironment) => {
    const rideId = parseRideId(args.ride);
    const extra = args.evidence === undefined ? undefined : parseEvidence(args.evidence);
    const client = await clientFor(hre, args);
    const me = await client.address();
    const ride = await client.market.getRide(rideId);
    const evidence: EvidenceInput[] = extra === undefined ? [] : [extra];
    const byRider = ride.rider !== ZeroAddress && getAddress(ride.rider) === me;
    const { disputeId, fee, txs } = await client.openDispute(rideId, evidence);
    report(
      args,
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
);

roleTask(
  task(
    "ride:reveal",
    "The rider seals the exact route to each arbiter seated in the dispute (their registered keys); only its hash is public",
  ).addParam("dispute", "Dispute id (its ride's id)"),
  async (args: DisputeIdArgs, hre: HardhatRuntimeEnvironment) => {
    const disputeId = parseDisputeId(args.dispute);
    const client = await clientFor(hre, args);
    const store = new RideStore(hre.network.name, hre.config.paths.root);
    const secret = store.get(disputeId);
    if (secret === undefined) {
      throw new InputError(
        "dispute",
        `no exact route for ride ${disputeId} in ${store.file}: only the rider's machine that ran rider:request keeps it`,
      );
    }
    const r = await client.revealRouteToPanel(disputeId, secret);
    report(
      args,
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
);

interface SettleArgs extends CommonArgs {
  dispute: string;
  split: string;
  counter: boolean;
}

roleTask(
  task(
    "ride:settle",
    "Proposes a split of a disputed fare, or accepts the other party's proposal of the same split (no arbiter fee)",
  )
    .addParam("dispute", "Dispute id (its ride's id)")
    .addParam("split", "The rider's share in percent, like 60 (the driver gets the rest)")
    .addFlag("counter", "Propose your split even though the other party proposed another"),
  async (args: SettleArgs, hre: HardhatRuntimeEnvironment) => {
    const disputeId = parseDisputeId(args.dispute);
    const riderBps = parseSplit(args.split, "split");
    const client = await clientFor(hre, args);
    const { action, tx } = await client.settle(disputeId, riderBps, args.counter);
    const view = await client.showDispute(disputeId);
    const riderAmount = (view.fare * BigInt(riderBps)) / 10_000n;
    report(
      args,
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
);

interface DisputeIdArgs extends CommonArgs {
  dispute: string;
}

roleTask(
  task("ride:appeal", "The losing party appeals a ruling to a larger panel, paying the appeal fee").addParam(
    "dispute",
    "Dispute id (its ride's id)",
  ),
  async (args: DisputeIdArgs, hre: HardhatRuntimeEnvironment) => {
    const disputeId = parseDisputeId(args.dispute);
    const client = await clientFor(hre, args);
    const { fee, txs } = await client.appeal(disputeId);
    const view = await client.showDispute(disputeId);
    report(
      args,
      [
        `Appealed dispute ${disputeId} for ${client.formatFare(fee)}: round ${view.round} draws a larger panel`,
        ...txs.map(txLine),
      ],
      { disputeId, fee, round: view.round, txs: txs.map(txJson) },
    );
    return { disputeId, fee, txs };
  },
);

roleTask(
  task("dispute:show", "Shows a dispute: status, split, panel, settlement offer, evidence, deadline").addParam(
    "dispute",
    "Dispute id (its ride's id)",
  ),
  async (args: DisputeIdArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
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
    report(
      args,
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
          (s) => `  arbiter ${s.arbiter}: ${s.voted ? `ruled ${formatBps(s.riderBps)} to the rider` : "has not ruled"}`,
        ),
        ...v.evidence.map((e) => `  evidence by ${e.party}: ${describeEvidence(e)}`),
      ],
      v,
    );
    return v;
  },
);
