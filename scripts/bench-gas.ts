/**
 * Gas benchmark: the gas of every user operation (first use and repeat), and the totals of the
 * happy path and the silent-rider path, measured after 10 and after 10,000 earlier rides.
 *
 *   npm run bench:gas               compare with gas-snapshot.json; fail on >1% growth
 *   npm run bench:gas -- --update   rewrite gas-snapshot.json
 *   npm run bench:gas -- --rides 500   a quicker run (the snapshot is only written at 10,000)
 *
 * Budgets live here, never in timed tests: the repeat happy path must stay under 300,000 gas.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { deployMarketFixture, requestParams, usd, type MarketFixture } from "../test/fixtures/market";

const SNAPSHOT = path.join(__dirname, "..", "gas-snapshot.json");
const TOLERANCE = 0.01;
const HAPPY_PATH_BUDGET = 300_000n;
const HAPPY_PATH_AIM = 220_000n;
const WEEK = 7 * 24 * 3600;

interface Options {
  update: boolean;
  rides: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { update: false, rides: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--update") opts.update = true;
    else if (arg === "--rides") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 10)
        throw new Error(`--rides takes a whole number of at least 10, not "${argv[i]}"`);
      opts.rides = n;
    } else throw new Error(`unknown flag ${arg}: the benchmark takes --update and --rides <n>`);
  }
  return opts;
}

type Figures = Map<string, bigint>;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return receipt.gasUsed;
}

/** `n` full rides by a background pair, so the measured pair meets a market with history. */
async function backgroundRides(f: MarketFixture, n: number): Promise<void> {
  const [rider, driver] = [f.riders[2], f.drivers[2]];
  const fare = usd("1");
  let id = (await f.market.totals()).nextRideId;
  for (let i = 0; i < n; i++, id++) {
    await f.market.connect(rider).requestRide(await requestParams({ maxFare: fare }));
    await f.market.connect(driver).acceptRide(id, fare);
    await f.market.connect(driver).startRide(id);
    await f.market.connect(rider).confirmRide(id, 5);
    if ((i + 1) % 2_000 === 0) console.log(`  ${i + 1} earlier rides`);
  }
}

/** Every market operation by a fresh rider-driver pair, first use then repeat. */
async function measureMarket(f: MarketFixture, out: Figures): Promise<void> {
  const { market, tusd } = f;
  const [rider, driver, other] = [f.riders[0], f.drivers[0], f.drivers[1]];
  const fare = usd("20");
  const record = (name: string, gas: bigint) => out.set(name, gas);

  const newcomer = f.others[0];
  await tusd.connect(newcomer).faucet(usd("1000"));
  await tusd.connect(newcomer).approve(await market.getAddress(), hre.ethers.MaxUint256);
  record("market.registerDriver", await gasOf(market.connect(newcomer).registerDriver(usd("100"))));

  for (const round of ["first", "repeat"] as const) {
    let id = (await market.totals()).nextRideId;
    const request = await gasOf(market.connect(rider).requestRide(await requestParams({ maxFare: fare })));
    const accept = await gasOf(market.connect(driver).acceptRide(id, fare));
    const start = await gasOf(market.connect(driver).startRide(id));
    const confirm = await gasOf(market.connect(rider).confirmRide(id, 5));
    record(`market.requestRide.${round}`, request);
    record(`market.acceptRide.${round}`, accept);
    record(`market.startRide.${round}`, start);
    record(`market.confirmRide.${round}`, confirm);
    record(`path.happy.${round}`, request + accept + start + confirm);
    record(`market.rate.${round}`, await gasOf(market.connect(driver).rate(id, 5)));

    // The silent rider: the driver completes, anyone finalizes after the window.
    id = (await market.totals()).nextRideId;
    const r2 = await gasOf(market.connect(rider).requestRide(await requestParams({ maxFare: fare })));
    const a2 = await gasOf(market.connect(driver).acceptRide(id, fare));
    const s2 = await gasOf(market.connect(driver).startRide(id));
    const complete = await gasOf(market.connect(driver).completeRide(id));
    await time.increase(Number((await market.parameters())[0].confirmWindow) + 1);
    const finalize = await gasOf(market.connect(other).finalizeRide(id));
    record(`market.completeRide.${round}`, complete);
    record(`market.finalizeRide.${round}`, finalize);
    record(`path.silentRider.${round}`, r2 + a2 + s2 + complete + finalize);

    // An offer below the max fare, taken by the rider.
    id = (await market.totals()).nextRideId;
    await market.connect(rider).requestRide(await requestParams({ maxFare: fare }));
    const expiry = (await time.latest()) + 600;
    record(`market.makeOffer.${round}`, await gasOf(market.connect(driver).makeOffer(id, usd("18"), expiry)));
    record(
      `market.acceptOffer.${round}`,
      await gasOf(market.connect(rider).acceptOffer(id, driver.address, usd("18"))),
    );
    record(`market.markArrived.${round}`, await gasOf(market.connect(driver).markArrived(id)));
    record(`market.cancelRide.accepted.${round}`, await gasOf(market.connect(rider).cancelRide(id)));

    id = (await market.totals()).nextRideId;
    await market.connect(rider).requestRide(await requestParams({ maxFare: fare }));
    record(`market.cancelRide.requested.${round}`, await gasOf(market.connect(rider).cancelRide(id)));

    record(`market.withdraw.${round}`, await gasOf(market.connect(driver).withdraw(driver.address)));
    record(`market.claimRewards.${round}`, await gasOf(market.connect(driver).claimRewards()));
    record(`market.distributeRevenue.${round}`, await gasOf(market.connect(other).distributeRevenue()));
  }
}

async function scenario(earlierRides: number): Promise<Figures> {
  await hre.network.provider.send("hardhat_reset");
  // Start at the beginning of a reward epoch so no run crosses an epoch boundary.
  const now = await time.latest();
  await time.increaseTo((Math.floor(now / WEEK) + 1) * WEEK + 3600);
  const f = await deployMarketFixture();
  console.log(`scenario: ${earlierRides} earlier rides`);
  await backgroundRides(f, earlierRides);
  const figures: Figures = new Map();
  await measureMarket(f, figures);
  return figures;
}

interface Snapshot {
  note: string;
  earlierRides: [number, number];
  gas: Record<string, { at10: number; atMany: number }>;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  await hre.run("compile", { quiet: true });
  const few = await scenario(10);
  const many = await scenario(opts.rides);

  const failures: string[] = [];
  const previous: Snapshot | undefined = fs.existsSync(SNAPSHOT)
    ? (JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Snapshot)
    : undefined;

  console.log(`\n${pad("operation", 36)}${pad("at 10", 10)}${pad(`at ${opts.rides}`, 12)}snapshot`);
  for (const [name, at10] of few) {
    const atMany = many.get(name) ?? -1n;
    const snap = previous?.gas[name]?.at10;
    let note = snap === undefined ? "new" : String(snap);
    if (atMany !== at10) failures.push(`${name}: ${at10} gas after 10 rides but ${atMany} after ${opts.rides}`);
    if (snap !== undefined && Number(at10) > snap * (1 + TOLERANCE)) {
      failures.push(`${name}: ${at10} gas is more than 1% over the snapshot's ${snap}`);
      note += " (GREW)";
    } else if (snap !== undefined && Number(at10) < snap) note += " (lower)";
    else if (snap === undefined && !opts.update) failures.push(`${name}: not in the snapshot (run with --update)`);
    console.log(`${pad(name, 36)}${pad(String(at10), 10)}${pad(String(atMany), 12)}${note}`);
  }

  const happy = few.get("path.happy.repeat") ?? 0n;
  console.log(
    `\nrepeat happy path (request, accept, pickup, confirm): ${happy} gas; budget ${HAPPY_PATH_BUDGET}, aim ${HAPPY_PATH_AIM}`,
  );
  if (happy > HAPPY_PATH_BUDGET)
    failures.push(`the repeat happy path costs ${happy} gas, over the ${HAPPY_PATH_BUDGET} budget`);

  if (opts.update) {
    if (opts.rides !== 10_000) throw new Error("--update records the snapshot at 10,000 earlier rides: drop --rides");
    const snapshot: Snapshot = {
      note: "Written by `npm run bench:gas -- --update`. at10/atMany: gas after 10 and 10,000 earlier rides.",
      earlierRides: [10, opts.rides],
      gas: Object.fromEntries(
        [...few].map(([name, gas]) => [name, { at10: Number(gas), atMany: Number(many.get(name) ?? -1n) }]),
      ),
    };
    fs.writeFileSync(SNAPSHOT, JSON.stringify(snapshot, null, 2) + "\n");
    console.log(`wrote ${path.relative(process.cwd(), SNAPSHOT)}`);
  }
  if (failures.length > 0) {
    console.error(`\ngas benchmark failed:\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  } else console.log("gas benchmark passed");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
