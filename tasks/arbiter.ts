import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { describeEvidence } from "../src/client/client";
import { formatBps, formatTime, parseAmount, parseSplit } from "../src/client/format";
import {
  clientFor,
  parseAddress,
  parseDisputeId,
  report,
  roleTask,
  txJson,
  txLine,
  type CommonArgs,
} from "./lib/common";

interface AmountArgs extends CommonArgs {
  amount: string;
}

roleTask(
  task(
    "arbiter:stake",
    "Stakes RIDE in the arbiter pool: you may be drawn to rule disputes (approves the pool if needed)",
  ).addParam("amount", "RIDE to stake, like 25 (at least the draw lock to be drawable: arbiter:status)"),
  async (args: AmountArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const amount = parseAmount(args.amount, client.rideUnit, "amount");
    const txs = await client.stakeArbiter(amount);
    const s = await client.arbiterStatus();
    report(
      args,
      [
        `Staked ${client.formatRide(amount)}; your stake is ${client.formatRide(s.stake)}, draw weight ${client.formatRide(s.weight)} of ${client.formatRide(s.totalWeight)}` +
          (s.weight === 0n ? ` (below the draw lock of ${client.formatRide(s.drawLock)}: not drawable)` : ""),
        ...txs.map(txLine),
      ],
      { amount, stake: s.stake, weight: s.weight, totalWeight: s.totalWeight, txs: txs.map(txJson) },
    );
    return { amount, status: s, txs };
  },
);

roleTask(
  task("arbiter:status", "Shows your arbiter stake: free, locked by disputes, asked back, draw weight, RIDE credit"),
  async (args: CommonArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const [s, now] = await Promise.all([client.arbiterStatus(), client.now()]);
    const r = (v: bigint) => client.formatRide(v);
    report(
      args,
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
);

roleTask(
  task("arbiter:disputes", "Lists the disputes where you hold a seat and must rule, with deadlines and evidence"),
  async (args: CommonArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const [duties, now] = await Promise.all([client.arbiterDuties(), client.now()]);
    report(
      args,
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
);

roleTask(
  task(
    "arbiter:register-key",
    "Registers your evidence key (derived from your wallet's signature, never stored) so parties can seal evidence to you",
  ),
  async (args: CommonArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const { publicKey, tx } = await client.registerEvidenceKey();
    report(
      args,
      tx === undefined
        ? [`Your evidence key ${publicKey} is already registered; nothing sent`]
        : [`Registered your evidence key ${publicKey}: evidence sealed to it opens only with your wallet`, txLine(tx)],
      { publicKey, tx: tx === undefined ? undefined : txJson(tx) },
    );
    return { publicKey, tx };
  },
);

interface EvidenceArgs extends CommonArgs {
  dispute: string;
}

roleTask(
  task(
    "arbiter:evidence",
    "Shows a dispute's evidence, opening the route reveal sealed to you and checking it against the ride's commitment",
  ).addParam("dispute", "Dispute id (its ride's id)"),
  async (args: EvidenceArgs, hre: HardhatRuntimeEnvironment) => {
    const disputeId = parseDisputeId(args.dispute);
    const client = await clientFor(hre, args);
    const evidence = await client.evidence(disputeId);
    report(
      args,
      evidence.length === 0
        ? [`No evidence in dispute ${disputeId}`]
        : [`Evidence in dispute ${disputeId}:`, ...evidence.map((e) => `  by ${e.party}: ${describeEvidence(e)}`)],
      evidence,
    );
    return evidence;
  },
);

interface RuleArgs extends CommonArgs {
  dispute: string;
  split: string;
}

roleTask(
  task("arbiter:rule", "Rules a dispute you are seated in: the rider's share of the fare (you earn the arbiter fee)")
    .addParam("dispute", "Dispute id (its ride's id)")
    .addParam("split", "The rider's share in percent, like 75 (the driver gets the rest)"),
  async (args: RuleArgs, hre: HardhatRuntimeEnvironment) => {
    const disputeId = parseDisputeId(args.dispute);
    const riderBps = parseSplit(args.split, "split");
    const client = await clientFor(hre, args);
    const tx = await client.rule(disputeId, riderBps);
    const view = await client.showDispute(disputeId);
    const ruled = view.status === "Ruled";
    report(
      args,
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
);

roleTask(
  task(
    "arbiter:unstake",
    "Asks stake back: it leaves the draw now, withdraw it after the cooldown (arbiter:withdraw)",
  ).addParam("amount", "RIDE to ask back, like 10 (at most the free stake)"),
  async (args: AmountArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const amount = parseAmount(args.amount, client.rideUnit, "amount");
    const tx = await client.requestUnstake(amount);
    const [s, now] = await Promise.all([client.arbiterStatus(), client.now()]);
    report(
      args,
      [
        `Asked ${client.formatRide(amount)} back (${client.formatRide(s.unstaking)} in all); withdraw it ${formatTime(s.unstakeAt, now)} with arbiter:withdraw`,
        txLine(tx),
      ],
      { amount, unstaking: s.unstaking, availableAt: s.unstakeAt, stake: s.stake, tx: txJson(tx) },
    );
    return { amount, availableAt: s.unstakeAt, tx };
  },
);

interface WithdrawArgs extends CommonArgs {
  to?: string;
}

roleTask(
  task("arbiter:withdraw", "Withdraws the stake asked back, once the cooldown passed").addOptionalParam(
    "to",
    "Recipient (default: --account)",
  ),
  async (args: WithdrawArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const to = args.to === undefined ? undefined : parseAddress(args.to, "to");
    const { unstaking } = await client.arbiterStatus();
    const tx = await client.withdrawUnstaked(to);
    report(args, [`Withdrew ${client.formatRide(unstaking)} of arbiter stake`, txLine(tx)], {
      amount: unstaking,
      tx: txJson(tx),
    });
    return { amount: unstaking, tx };
  },
);
