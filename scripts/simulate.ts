/**
 * `npm run simulate`: a cooperative's month on the in-process Hardhat network, with a report.
 *
 *   npm run simulate -- [--seed 7] [--drivers 30] [--riders 80] [--rides 400] [--days 30]
 *                       [--ring-rides 24] [--proposed-fee 3%] [--<behaviour>-rate 0.05]
 *                       [--arrival-griefer on|off] [--court-disputes 200]
 *                       [--sybil on|off] [--sandwich on|off] [--farm-drivers 2] [--farm-riders 3]
 *                       [--flash-fee-bps 30]
 *                       [--sweep]
 *
 * After the month, a court session: `--court-disputes` rides disputed by their riders and drawn
 * in one epoch, so that the draw-steering adversary (issue 12) meets enough draws to judge.
 * Adversaries (issue 13) are all on unless switched off; `--sweep` runs the same seed at three
 * farm sizes and writes reports/simulation-<seed>/sweep.json with each adversary's net. The
 * sandwicher's lender charges `--flash-fee-bps` (30: Uniswap v3's common pool fee, which is its
 * flash fee; Aave charges 5 to 9, Balancer 0).
 *
 * Writes reports/simulation-<seed>/ (report.md, summary.json, charts) and ends with the five
 * numbers that matter.
 */
import path from "node:path";
import hre from "hardhat";
import { SingleBar, Presets } from "cli-progress";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Rng } from "../src/sim/rng";
import { DEFAULT_RATES, personAddress, Simulation, type Rates, type SimOptions } from "../src/sim/simulation";
import { headline, writeReport } from "../src/sim/report";
import { deploySimSuite } from "../src/sim/deploy";
import { ADVERSARIES, type AdversaryOptions } from "../src/sim/adversaries";
import type { AdversarySlot, SimResult } from "../src/sim/simulation";
import fs from "node:fs";

/** Farm sizes (drivers x riders) the sweep runs. */
export const SWEEP: [number, number][] = [
  [1, 2],
  [2, 5],
  [4, 10],
];

export interface AdversaryArgs extends AdversaryOptions {
  /** Adversary names switched on (all by default). */
  on: string[];
  sweep: boolean;
}

const WEEK = 7 * 24 * 3600;

const RATE_FLAGS: Record<string, keyof Rates> = {
  "--offer-rate": "offer",
  "--cancel-in-grace-rate": "cancelInGrace",
  "--cancel-after-grace-rate": "cancelAfterGrace",
  "--driver-no-show-rate": "driverNoShow",
  "--rider-no-show-rate": "riderNoShow",
  "--forget-rate": "forget",
  "--dispute-rate": "dispute",
  "--driver-rates-rate": "driverRates",
};

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${flag} takes a whole number from ${min} to ${max}, not "${raw ?? ""}"`);
  }
  return n;
}

/** Takes the adversary flags out of `argv`; returns them and the rest. */
export function parseAdversaryArgs(argv: string[]): { adversaries: AdversaryArgs; rest: string[] } {
  const adversaries: AdversaryArgs = {
    on: Object.keys(ADVERSARIES),
    farmDrivers: 2,
    farmRiders: 3,
    flashFeeBps: 30,
    sweep: false,
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = flag.replace(/^--/, "");
    if (flag === "--sweep") adversaries.sweep = true;
    else if (flag === "--farm-drivers") adversaries.farmDrivers = wholeNumber(flag, argv[++i], 1, 50);
    else if (flag === "--farm-riders") adversaries.farmRiders = wholeNumber(flag, argv[++i], 1, 200);
    else if (flag === "--flash-fee-bps") adversaries.flashFeeBps = wholeNumber(flag, argv[++i], 0, 10_000);
    else if (name in ADVERSARIES) {
      const v = argv[++i];
      if (v !== "on" && v !== "off") throw new Error(`${flag} takes on or off, not "${v ?? ""}"`);
      adversaries.on = adversaries.on.filter((n) => n !== name);
      if (v === "on") adversaries.on.push(name);
    } else rest.push(flag);
  }
  adversaries.on.sort((a, b) => Object.keys(ADVERSARIES).indexOf(a) - Object.keys(ADVERSARIES).indexOf(b));
  return { adversaries, rest };
}

export function parseArgs(argv: string[]): Omit<SimOptions, "onProgress"> {
  const opts: Omit<SimOptions, "onProgress"> = {
    seed: 7,
    drivers: 30,
    riders: 80,
    rides: 400,
    days: 30,
    rates: { ...DEFAULT_RATES },
    ringRides: 24,
    proposedFeeBps: 300,
    arrivalGriefer: true,
    courtDisputes: 200,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    i++;
    if (flag === "--seed") opts.seed = wholeNumber(flag, value, 0, 2 ** 31);
    else if (flag === "--drivers") opts.drivers = wholeNumber(flag, value, 2, 2_000);
    else if (flag === "--riders") opts.riders = wholeNumber(flag, value, 1, 10_000);
    else if (flag === "--rides") opts.rides = wholeNumber(flag, value, 1, 100_000);
    else if (flag === "--days") opts.days = wholeNumber(flag, value, 1, 365);
    else if (flag === "--ring-rides") opts.ringRides = wholeNumber(flag, value, 0, 1_000);
    else if (flag === "--court-disputes") opts.courtDisputes = wholeNumber(flag, value, 0, 5_000);
    else if (flag === "--arrival-griefer") {
      if (value !== "on" && value !== "off") throw new Error(`--arrival-griefer takes on or off, not "${value ?? ""}"`);
      opts.arrivalGriefer = value === "on";
    } else if (flag === "--proposed-fee") {
      const m = /^(\d+(?:\.\d{1,2})?)%$/.exec(value ?? "");
      const bps = m === null ? NaN : Math.round(Number(m[1]) * 100);
      if (!(bps >= 0 && bps <= 1_000)) {
        throw new Error(
          `--proposed-fee takes a percentage from 0% to 10% (the contract's hard bound), not "${value ?? ""}"`,
        );
      }
      opts.proposedFeeBps = bps;
    } else if (flag in RATE_FLAGS) {
      const p = Number(value);
      if (value === undefined || !(p >= 0 && p <= 1))
        throw new Error(`${flag} takes a probability from 0 to 1, not "${value ?? ""}"`);
      opts.rates[RATE_FLAGS[flag]] = p;
    } else {
      throw new Error(
        `unknown flag "${flag}": use --seed, --drivers, --riders, --rides, --days, --ring-rides, --court-disputes, --proposed-fee, --arrival-griefer, ` +
          Object.keys(RATE_FLAGS).join(", "),
      );
    }
  }
  const behaviours = ["cancelInGrace", "cancelAfterGrace", "driverNoShow", "riderNoShow", "forget", "dispute"] as const;
  const total = behaviours.reduce((s, k) => s + opts.rates[k], 0);
  if (total > 1) throw new Error(`the behaviour rates add up to ${total.toFixed(2)}: they must add up to at most 1`);
  return opts;
}

async function people(seed: number, role: string, n: number): Promise<HardhatEthersSigner[]> {
  const out: HardhatEthersSigner[] = [];
  for (let i = 0; i < n; i++) {
    const address = personAddress(seed, role, i);
    await hre.network.provider.send("hardhat_setBalance", [address, "0x56BC75E2D63100000"]); // 100 ETH
    out.push(await hre.ethers.getImpersonatedSigner(address));
  }
  return out;
}

async function main(): Promise<void> {
  const { adversaries, rest } = parseAdversaryArgs(process.argv.slice(2));
  const opts = parseArgs(rest);
  if (!adversaries.sweep) {
    await runOnce(opts, adversaries, true);
    return;
  }
  const rows: { farm: string; adversaries: { name: string; paid: string; got: string; net: string }[] }[] = [];
  for (const [k, m] of SWEEP) {
    await hre.network.provider.send("hardhat_reset");
    const r = await runOnce(opts, { ...adversaries, farmDrivers: k, farmRiders: m }, false);
    rows.push({
      farm: `${k}x${m}`,
      adversaries: r.adversaries.map((a) => ({
        name: a.name,
        paid: a.paid.toString(),
        got: a.got.toString(),
        net: a.net.toString(),
      })),
    });
    for (const a of r.adversaries)
      console.log(`  farm ${k}x${m} ${a.name}: paid ${a.paid} got ${a.got} net ${a.net} (tUSD units)`);
  }
  const dir = path.join(process.cwd(), "reports", `simulation-${opts.seed}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify(rows, null, 2) + "\n");
  console.log(`sweep: ${path.relative(process.cwd(), path.join(dir, "sweep.json"))}`);
}

async function runOnce(opts: Omit<SimOptions, "onProgress">, adv: AdversaryArgs, write: boolean): Promise<SimResult> {
  const started = Date.now();
  // A fixed start, aligned to a reward epoch: the same seed gives the same chain.
  const latest = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  const start = (Math.floor(latest / WEEK) + 2) * WEEK;
  const keeper = (await people(opts.seed, "keeper", 1))[0];
  const suite = await deploySimSuite(hre, keeper, start);
  const accounts = {
    drivers: await people(opts.seed, "driver", opts.drivers),
    riders: await people(opts.seed, "rider", opts.riders),
    ring: (await people(opts.seed, "ring", 2)) as [HardhatEthersSigner, HardhatEthersSigner],
    keeper,
    griefer: (await people(opts.seed, "griefer", 2)) as [HardhatEthersSigner, HardhatEthersSigner],
  };
  const tty = process.stdout.isTTY === true;
  const bar = tty
    ? new SingleBar({ format: "rides {bar} {value}/{total} | {duration}s" }, Presets.shades_classic)
    : undefined;
  bar?.start(opts.rides, 0);
  const every = Math.max(1, Math.floor(opts.rides / 10));
  let peakHeap = 0;
  const heapSamples: string[] = [];
  const sim = new Simulation(
    suite,
    {
      ...opts,
      onProgress: (done) => {
        const heap = process.memoryUsage().heapUsed;
        peakHeap = Math.max(peakHeap, heap);
        if (done % every === 0)
          heapSamples.push(`${Math.round((100 * done) / opts.rides)}%: ${(heap / 2 ** 20).toFixed(0)}`);
        if (bar !== undefined) bar.update(done);
        else if (done % every === 0 || done === opts.rides) {
          console.log(`rides ${done}/${opts.rides} (${Math.round((Date.now() - started) / 1000)} s)`);
        }
      },
    },
    new Rng(opts.seed),
    accounts,
    hre.network.provider,
    // A fixed start (the deployment takes a few wall-clock seconds): same seed, same chain.
    start + 3600,
    await adversarySlots(opts.seed, adv),
    async <T>(name: string, args: unknown[]) => (await hre.ethers.deployContract(name, args, keeper)) as unknown as T,
  );
  const result = await sim.run();
  bar?.stop();
  if (!write) return result;
  const dir = path.join(process.cwd(), "reports", `simulation-${opts.seed}`);
  const report = await writeReport(result, dir);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(
    `\nreport: ${path.relative(process.cwd(), report)} (${seconds} s, peak JS heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB)`,
  );
  console.log(`JS heap by progress (MiB) ${heapSamples.join(", ")}`);
  for (const line of headline(result)) console.log(`  ${line}`);
  if (result.conservation.difference !== 0n || result.conservation.owedByLedger !== result.conservation.marketBalance) {
    throw new Error("money conservation failed: the market's balance and what it owes differ");
  }
  return result;
}

async function adversarySlots(seed: number, adv: AdversaryArgs): Promise<AdversarySlot[]> {
  const slots: AdversarySlot[] = [];
  for (const name of adv.on) {
    const adversary = ADVERSARIES[name](adv);
    const signers: Record<string, HardhatEthersSigner[]> = {};
    for (const [role, n] of Object.entries(adversary.roles)) signers[role] = await people(seed, role, n);
    slots.push({ adversary, signers });
  }
  return slots;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(process.env.RIDECOOP_DEBUG ? err : err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
