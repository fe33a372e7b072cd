import fs from "node:fs";
import path from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { formatUnits } from "ethers";
import type { SimResult } from "./simulation";

const usd = (units: bigint): string => `${Number(formatUnits(units, 6)).toFixed(2)} tUSD`;
const rideAmount = (wei: bigint): string => `${Number(formatUnits(wei, 18)).toFixed(2)} RIDE`;
const pct = (part: bigint, whole: bigint): string =>
  whole === 0n ? "0.0%" : `${(Number((part * 100_000n) / whole) / 1000).toFixed(1)}%`;

/** The five numbers that matter, for the console's last lines. */
export function headline(r: SimResult): string[] {
  const driverShare = r.rides.grossFares - r.rides.fees;
  return [
    `rides driven: ${r.rides.driven} of ${r.rides.requested} requested`,
    `drivers kept ${pct(driverShare, r.rides.grossFares)} of ${usd(r.rides.grossFares)} in fares ` +
      `(a 25% platform would have taken ${usd(r.drivers.commission25)}; the cooperative took ${usd(r.rides.fees)})`,
    `fee vote: ${r.fee.before / 100}% -> ${r.fee.after / 100}% (${r.vote.state}; ${r.vote.voters} of ${r.vote.holders} holders voted)`,
    `gas per ride: ${r.gasPerRide.happyPath} (rider confirms), ${r.gasPerRide.silentRider} (keeper finalizes)`,
    `money conservation: market holds ${usd(r.conservation.marketBalance)}, owes ${usd(r.conservation.owedBySum)}: ` +
      `difference ${r.conservation.difference} units${r.conservation.difference === 0n ? " (exact)" : " (BROKEN)"}`,
  ];
}

/**
 * vega and vega-lite ship as ES modules only; this project compiles to CommonJS (ts-node), where
 * TypeScript would turn `import()` into `require()`. A real dynamic import keeps them loadable.
 */
const importEsm = new Function("specifier", "return import(specifier)") as <T>(specifier: string) => Promise<T>;

async function svg(spec: TopLevelSpec): Promise<string> {
  const vega = await importEsm<typeof import("vega")>("vega");
  const vegaLite = await importEsm<typeof import("vega-lite")>("vega-lite");
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  return view.toSVG();
}

/** Writes report.md, summary.json and the SVG charts into `dir`. */
export async function writeReport(r: SimResult, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  // Each driver twice: what the cooperative credited, and what the same fares would have left
  // on a platform keeping 25% (sorted by the cooperative's figure, so the gap reads at a glance).
  const byDriver = r.drivers.earned
    .map((e, i) => ({
      coop: Number(formatUnits(e, 6)),
      platform: Number(formatUnits((r.drivers.grossFares[i] * 3n) / 4n, 6)),
    }))
    .sort((a, b) => b.coop - a.coop);
  const charts: Record<string, TopLevelSpec> = {
    "earnings.svg": {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Each driver's earnings over the run: RideCoop against a 25% platform (tUSD)",
      width: { step: 16 },
      height: 240,
      data: {
        values: byDriver.flatMap((d, i) => [
          { driver: i + 1, where: "RideCoop", earned: d.coop },
          { driver: i + 1, where: "a 25% platform", earned: d.platform },
        ]),
      },
      mark: "bar",
      encoding: {
        x: { field: "driver", type: "ordinal", title: "driver (by earnings)", axis: { labelAngle: 0 } },
        xOffset: { field: "where", sort: ["RideCoop", "a 25% platform"] },
        y: { field: "earned", type: "quantitative", title: "earned (tUSD)" },
        color: {
          field: "where",
          type: "nominal",
          title: null,
          sort: ["RideCoop", "a 25% platform"],
          legend: { orient: "top", labelLimit: 400 },
        },
      },
    },
    "fee.svg": {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Cooperative fee by day (%)",
      width: 480,
      height: 200,
      data: { values: r.fee.byDay.map((d) => ({ day: d.day, fee: d.feeBps / 100 })) },
      mark: { type: "line", point: true, interpolate: "step-after" },
      encoding: {
        x: { field: "day", type: "quantitative", title: "day" },
        y: { field: "fee", type: "quantitative", title: "fee (%)", scale: { domain: [0, 10] } },
      },
    },
    "gas.svg": {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Mean gas per operation",
      width: 480,
      height: { step: 14 },
      data: { values: r.gas.filter((g) => !g.op.startsWith("tusd.")).map((g) => ({ op: g.op, gas: g.mean })) },
      mark: "bar",
      encoding: {
        // Operation names are long ("court.proposeSettlement"): never cut them.
        y: { field: "op", type: "nominal", sort: "-x", title: null, axis: { labelLimit: 400 } },
        x: { field: "gas", type: "quantitative", title: "gas" },
      },
    },
  };
  for (const [file, spec] of Object.entries(charts)) fs.writeFileSync(path.join(dir, file), await svg(spec));

  const o = r.options;
  const lines = [
    `# RideCoop simulation, seed ${o.seed}`,
    "",
    `${o.drivers} drivers and ${o.riders} riders in Seoul over ${r.simulatedDays} simulated days; ` +
      `${o.rides} ride requests; a fee vote halfway through; a two-person ring farming RIDE.`,
    "Reproduce: `npm run simulate -- " +
      `--seed ${o.seed} --drivers ${o.drivers} --riders ${o.riders} --rides ${o.rides} --days ${o.days}\`.`,
    "",
    "## The five numbers",
    "",
    ...headline(r).map((l) => `- ${l}`),
    "",
    "## Rides by outcome",
    "",
    "| outcome | rides |",
    "| --- | ---: |",
    ...Object.entries(r.outcomes).map(([k, v]) => `| ${k} | ${v} |`),
    "",
    `Fares: ${usd(r.rides.grossFares)} over ${r.rides.driven} rides driven, mean ${usd(r.rides.meanFare)}.`,
    "",
    "## Drivers' earnings against a 25% platform",
    "",
    `Drivers were credited ${usd(r.drivers.earned.reduce((a, b) => a + b, 0n))} (fares less the cooperative fee, ` +
      `plus cancellation fees and dispute shares). A platform keeping 25% would have taken ` +
      `${usd(r.drivers.commission25)} of the same fares; the cooperative's fee was ${usd(r.rides.fees)}, ` +
      `of which ${usd(r.revenue.toHolders)} went back to RIDE holders (mostly the drivers) and ` +
      `${usd(r.revenue.toTreasury)} to the treasury the holders govern.`,
    "",
    "![earnings](earnings.svg)",
    "",
    "Each driver's pair of bars: what the cooperative credited, and the same fares less a 25% commission.",
    "",
    "## RIDE",
    "",
    `Supply ${rideAmount(r.ride.supply)} (earned ${rideAmount(r.ride.earned)}, cap ${rideAmount(r.ride.cap)}), ` +
      `held by ${r.ride.holders} accounts; Gini ${r.ride.gini.toFixed(3)}. RIDE accrues only for rides the rider ` +
      "confirmed, capped per rider-driver pair and per driver each week, and from the second week a fee buys " +
      "RIDE at no less than 1.25 times its appraisal (its treasury share and a year of revenue).",
    "",
    "## The fee vote",
    "",
    `Proposal ${r.vote.proposalId.slice(0, 12)}…: fee ${r.fee.before / 100}% -> ${r.fee.after / 100}%, ` +
      `${r.vote.state}. For ${rideAmount(r.vote.forVotes)}, against ${rideAmount(r.vote.againstVotes)}, ` +
      `abstain ${rideAmount(r.vote.abstainVotes)}; turnout ${r.vote.voters} of ${r.vote.holders} holders. ` +
      "Rides accepted before execution kept the fee they were accepted at.",
    "",
    "![fee](fee.svg)",
    "",
    "## Disputes",
    "",
    r.disputes.skipped
      ? "Disputes were not simulated: this deployment has no dispute court."
      : `${r.disputes.opened} opened: ${r.disputes.settled} settled by the two parties (no arbiter fee), ` +
        `${r.disputes.ruled} ruled by an arbiter drawn at random, by stake, from ${r.disputes.arbiters} drivers ` +
        `who staked half their RIDE; ${r.disputes.fallback} split 50/50 because no eligible arbiter could be ` +
        `drawn within the court's limit of failed draws. After everyone withdrew, the court holds ` +
        `${r.disputes.courtUnaccounted} ` +
        "units it does not owe anyone.",
    "",
    r.disputes.skipped || r.disputes.session.opened === 0
      ? ""
      : `After the month, a court session: ${r.disputes.session.opened} rides disputed by their riders, opened in one ` +
        `Staking phase and drawn from one epoch's value (not counted in the rides above): ${r.disputes.session.ruled} ` +
        `ruled and executed, ${r.disputes.session.fallback} split by the fallback. Every round-0 draw of the month and ` +
        "the session was watched by the draw steerer (see Adversaries).",
    "",
    "## The self-dealing ring",
    "",
    `Two friends gave each other ${r.ring.rides} rides to farm RIDE. They paid ${usd(r.ring.feesPaid)} in fees, ` +
      `earned ${rideAmount(r.ring.rideEarned)} (the weekly pair cap stops the rest), and got ` +
      `${usd(r.ring.revenueClaimed)} back as revenue share: net ${usd(r.ring.net)}.`,
    "",
    "## Adversaries",
    "",
    "Each adversary is switched on by its flag (all on by default). RIDE it keeps is valued at what it can fetch: " +
      "its share of the treasury plus a year of holders' revenue at this run's honest fee flow, diluted by a year " +
      "of RIDE issued at this run's rate.",
    "",
    "| adversary | paid | got | net |",
    "| --- | ---: | ---: | ---: |",
    ...r.adversaries.map((a) => `| ${a.title} | ${usd(a.paid)} | ${usd(a.got)} | ${usd(a.net)} |`),
    ...(r.arrivalGriefer === undefined
      ? []
      : [
          `| Arrival griefer | ${usd(r.arrivalGriefer.paid)} | ${usd(r.arrivalGriefer.got)} | ${usd(r.arrivalGriefer.net)} |`,
        ]),
    "",
    ...r.adversaries.flatMap((a) => [`### ${a.title}`, "", ...a.lines, ""]),
    ...arrivalGrieferSection(r),
    ...drawSteererSection(r),
    "## Gas per operation",
    "",
    `Per ride in total: ${r.gasPerRide.happyPath} gas when the rider confirms (request, accept, pickup, confirm); ` +
      `${r.gasPerRide.silentRider} when the keeper finalizes (request, accept, pickup, complete, finalize).`,
    "",
    "| operation | calls | mean | min | max |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...r.gas.map((g) => `| ${g.op} | ${g.count} | ${g.mean} | ${g.min} | ${g.max} |`),
    "",
    "![gas](gas.svg)",
    "",
    "## Money conservation",
    "",
    `The market holds ${r.conservation.marketBalance} units; its ledger says it owes ${r.conservation.owedByLedger}; ` +
      `the sum of every stake, credit and pending fee is ${r.conservation.owedBySum}. Difference: ` +
      `${r.conservation.difference} units.`,
    "",
  ];
  fs.writeFileSync(path.join(dir, "report.md"), lines.join("\n"));
  fs.writeFileSync(
    path.join(dir, "summary.json"),
    JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n",
  );
  return path.join(dir, "report.md");
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const probability = (p: number): string => (p < 0.001 ? "< 0.001" : p.toFixed(3));

/**
 * The draw steerer's section (issue 12, scenario 1): seats won against the seats its stake
 * share gives, with the Wilson interval of its seat rate and the exact chance of its count.
 */
function drawSteererSection(r: SimResult): string[] {
  if (r.disputes.skipped) return [];
  const s = r.disputes.steering;
  const verdict =
    s.draws === 0
      ? "It met no draw it could sit in."
      : s.pAtLeast < 0.05
        ? `It won more seats than its stake share explains (P = ${probability(s.pAtLeast)} of at least ${s.seated} seats from stake alone): the draws are not stake-proportional.`
        : `It won no more seats than its stake share explains: ${s.seated} or more seats had probability ${probability(s.pAtLeast)} from stake alone.`;
  return [
    "### Draw steerer",
    "",
    "The staked driver with the most RIDE. In each round-0 draw it could sit in, it saw the epoch's random value " +
      "before the draw, simulated the draw on a snapshot, and tried the stake moves it could make (asking back 1 RIDE " +
      "or a tenth of its stake, staking 1 RIDE more) on further snapshots, ready to make for real any move that " +
      "would seat it. Its chance in each draw is its weight in the frozen tree over the weight left once the " +
      "dispute's parties are masked; the expected seats are the sum of those chances.",
    "",
    "| draws | seats won | expected from stake | seat rate | mean stake share | 95% interval (Wilson) | P(at least won) | P(at most won) |",
    "| ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: |",
    `| ${s.draws} | ${s.seated} | ${s.expected.toFixed(1)} | ${percent(s.draws === 0 ? 0 : s.seated / s.draws)} | ` +
      `${percent(s.meanShare)} | ${percent(s.interval[0])} – ${percent(s.interval[1])} | ${probability(s.pAtLeast)} | ${probability(s.pAtMost)} |`,
    "",
    `${verdict} Moves tried: ${s.tried}; moves that would have seated it: ${s.moved} (the tree is frozen while ` +
      `Drawing: a stake change waits for the next Staking phase). Draws of its own disputes (${s.asParty}, masked ` +
      "for it) are not counted. P values are exact (Poisson binomial over the per-draw chances).",
    "",
  ];
}

/** The arrival griefer's section (issue 13, scenario 3): what it paid, what it got, its net. */
function arrivalGrieferSection(r: SimResult): string[] {
  const g = r.arrivalGriefer;
  if (g === undefined) return [];
  const tricks = [
    ["instantArrival", "marks arrival at once, hoping a rider cancelling in grace pays the fee"],
    ["lateArrival", "never comes, then front-runs the rider's no-show claim with an arrival"],
    ["frontRunOffer", "front-runs a rider's acceptOffer with acceptRide at the maximum fare"],
  ] as const;
  return [
    "### Arrival griefer",
    "",
    "A driver tries the three arrival tricks against simulated riders, in turn, every eighth ride.",
    "",
    "| trick | what it does | attempts | defeated |",
    "| --- | --- | ---: | ---: |",
    ...tricks.map(([k, what]) => `| ${k} | ${what} | ${g.attempts[k]} | ${g.defeated[k]} |`),
    "",
    `It paid ${usd(g.paid)} in no-show penalties and got ${usd(g.got)} in cancellation fees: ` +
      `net ${usd(g.net)}, plus ${g.gas} gas for its own transactions. Its victims rated it ${(Number(g.rating.averageX100) / 100).toFixed(2)} ` +
      `(${g.rating.count} ratings).`,
    "",
  ];
}
