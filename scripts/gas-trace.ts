/**
 * Where a ride's gas goes, measured, not estimated: each step of the repeat happy path (and the
 * request from a balance, the silent rider's completion and finalization, and the confirmation
 * of a pair's first ride) is traced with `debug_traceTransaction`, and every unit of its gas is
 * put in one column: the transaction's 21,000, calldata, fresh storage slots, slot reads, slot
 * rewrites, calls to another contract, events, the reentrancy guards' transient storage, hashing
 * (mapping keys) and the rest (dispatch, ABI decoding, checks, arithmetic, memory). The columns
 * add up to the receipt's gas (a refund, if any, is its own column): the table docs/DESIGN.md
 * shows, so the next person sees what each step still pays for.
 *
 *   npm run gas:trace            the table, by step and by contract
 *   npm run gas:trace -- --md    the same as Markdown
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseUnits, type ContractTransactionResponse } from "ethers";
import { TestUSD__factory, type RideMarket } from "../typechain-types";
import { RideCoopClient } from "../src/client";
import { deployRideCoop } from "../src/deploy";
import { calldataGas, groupGas, measuredRequest } from "./gas-common";

const usd = (a: string): bigint => parseUnits(a, 6);

const COLUMNS = [
  "transaction",
  "calldata",
  "fresh slots",
  "slot reads",
  "slot rewrites",
  "calls",
  "events",
  "guards",
  "hashing",
  "execution",
  "refund",
] as const;
type Column = (typeof COLUMNS)[number];

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

interface Step {
  name: string;
  gasUsed: bigint;
  columns: Map<Column, bigint>;
  counts: { fresh: number; coldReads: number; rewrites: number; calls: number; events: number };
  byContract: Map<string, bigint>;
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** Reads of another account: Solidity checks a callee's code size before a call that returns nothing. */
const ACCOUNT_READS = new Set(["EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"]);

/** What an opcode's own gas pays for (a call's own gas excludes what its callee spent). */
function columnOf(op: string, cost: number): Column {
  if (op === "SSTORE") return cost >= 20_000 ? "fresh slots" : "slot rewrites";
  if (op === "SLOAD") return "slot reads";
  if (CALLS.has(op) || ACCOUNT_READS.has(op)) return "calls";
  if (op.startsWith("LOG")) return "events";
  if (op === "TLOAD" || op === "TSTORE") return "guards";
  if (op === "KECCAK256" || op === "SHA3") return "hashing";
  return "execution";
}

/** The gas a call at `i` spent itself: what the caller lost across it, less what the callee used. */
function callOwnCost(logs: StructLog[], i: number): number {
  const depth = logs[i].depth;
  let j = i + 1;
  while (j < logs.length && logs[j].depth > depth) j++;
  const after = j < logs.length ? logs[j].gas : logs[i].gas - logs[i].gasCost;
  if (i + 1 >= logs.length || logs[i + 1].depth === depth) return logs[i].gas - after;
  const last = logs[j - 1];
  const calleeUsed = logs[i + 1].gas - (last.gas - last.gasCost);
  return logs[i].gas - after - calleeUsed;
}

async function trace(
  name: string,
  sent: Promise<ContractTransactionResponse>,
  names: Map<string, string>,
): Promise<Step> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (receipt === null || tx.to === null) throw new Error(`${name} was not mined`);
  const result = (await hre.network.provider.send("debug_traceTransaction", [
    tx.hash,
    { disableMemory: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const logs = result.structLogs;
  const columns = new Map<Column, bigint>(COLUMNS.map((c) => [c, 0n]));
  const add = (c: Column, gas: number | bigint) => columns.set(c, (columns.get(c) ?? 0n) + BigInt(gas));
  const counts = { fresh: 0, coldReads: 0, rewrites: 0, calls: 0, events: 0 };
  const byContract = new Map<string, bigint>();
  const frames = [names.get(tx.to.toLowerCase()) ?? tx.to];
  add("transaction", 21_000);
  add("calldata", calldataGas(tx.data));
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    while (frames.length > log.depth) frames.pop();
    const cost = CALLS.has(log.op) ? callOwnCost(logs, i) : log.gasCost;
    const column = columnOf(log.op, log.gasCost);
    add(column, cost);
    const where = frames[frames.length - 1];
    byContract.set(where, (byContract.get(where) ?? 0n) + BigInt(cost));
    if (column === "fresh slots") counts.fresh++;
    else if (log.op === "SLOAD" && cost >= 2_100) counts.coldReads++;
    else if (column === "slot rewrites" && cost >= 2_900) counts.rewrites++;
    else if (CALLS.has(log.op)) counts.calls++;
    else if (column === "events") counts.events++;
    if (CALLS.has(log.op) && i + 1 < logs.length && logs[i + 1].depth > log.depth) {
      const stack = log.stack ?? [];
      const target = "0x" + (stack[stack.length - 2] ?? "").replace(/^0x/, "").padStart(40, "0").slice(-40);
      // A delegate call runs in its caller's storage: the gas stays the caller's.
      frames.push(log.op === "DELEGATECALL" ? where : (names.get(target.toLowerCase()) ?? target));
    }
  }
  const counted = [...columns.values()].reduce((a, b) => a + b, 0n);
  // What is left is the refund: never positive (gas the trace did not see) and at most a fifth
  // of the gas before it (EIP-3529), else the columns are wrong.
  const refund = receipt.gasUsed - counted;
  if (refund > 0n || -refund > receipt.gasUsed / 4n) {
    throw new Error(`${name}: the trace counts ${counted} gas, the receipt ${receipt.gasUsed}: the columns are wrong`);
  }
  add("refund", refund);
  return { name, gasUsed: receipt.gasUsed, columns, counts, byContract };
}

/** The steps of a path added up, column by column. */
function total(name: string, parts: Step[]): Step {
  const columns = new Map<Column, bigint>(
    COLUMNS.map((c) => [c, parts.reduce((sum, p) => sum + (p.columns.get(c) ?? 0n), 0n)]),
  );
  const counts = { fresh: 0, coldReads: 0, rewrites: 0, calls: 0, events: 0 };
  const byContract = new Map<string, bigint>();
  for (const p of parts) {
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += p.counts[key];
    for (const [who, gas] of p.byContract) byContract.set(who, (byContract.get(who) ?? 0n) + gas);
  }
  return { name, gasUsed: parts.reduce((sum, p) => sum + p.gasUsed, 0n), columns, counts, byContract };
}

function print(steps: Step[], markdown: boolean): void {
  const header = ["step", "total", ...COLUMNS];
  const rows = steps.map((s) => [s.name, groupGas(s.gasUsed), ...COLUMNS.map((c) => groupGas(s.columns.get(c) ?? 0n))]);
  if (markdown) {
    console.log(`| ${header.join(" | ")} |`);
    console.log(`| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    console.log(line(header));
    for (const r of rows) console.log(line(r));
  }
  console.log("");
  for (const s of steps) {
    const parts = [...s.byContract].map(([who, gas]) => `${who} ${groupGas(gas)}`).join(", ");
    const c = s.counts;
    console.log(
      `${s.name}: ${c.fresh} fresh slots, ${c.coldReads} cold reads, ${c.rewrites} rewrites, ` +
        `${c.calls} calls, ${c.events} events; executed in ${parts}`,
    );
  }
}

async function main(): Promise<void> {
  const markdown = process.argv.includes("--md");
  const { deployment } = await deployRideCoop(hre, { fresh: true });
  const signers = await hre.ethers.getSigners();
  const [deployer, rider, driver, other, saver, newDriver] = signers;
  const names = new Map<string, string>(
    Object.entries(deployment.contracts).flatMap(([name, c]) =>
      c === undefined ? [] : [[c.address.toLowerCase(), name] as [string, string]],
    ),
  );
  const tusdAddress = deployment.contracts.TestUSD?.address;
  if (tusdAddress === undefined) throw new Error("the trace needs the local suite's TestUSD");
  const tusd = TestUSD__factory.connect(tusdAddress, deployer);
  const market: RideMarket = new RideCoopClient(deployment, deployer).market;
  const marketAddress = await market.getAddress();
  for (const who of [rider, driver, other, saver, newDriver]) {
    await tusd.connect(who).faucet(usd("1000"));
    await tusd.connect(who).approve(marketAddress, hre.ethers.MaxUint256);
  }
  await market.connect(driver).registerDriver(usd("100"));
  await market.connect(newDriver).registerDriver(usd("100"));
  const fare = usd("20");
  const request = async (who: HardhatEthersSigner, fromCredit: boolean) => {
    const r = await measuredRequest(fare);
    const id = (await market.totals()).nextRideId;
    const tx = fromCredit ? market.connect(who).requestRideFromCredit(r) : market.connect(who).requestRide(r);
    return { id, tx };
  };
  const steps: Step[] = [];

  const ride = async (who: HardhatEthersSigner, by: HardhatEthersSigner, fromCredit = false) => {
    const { id, tx } = await request(who, fromCredit);
    const req = await trace(fromCredit ? "requestRideFromCredit" : "requestRide", tx, names);
    const acc = await trace("acceptRide", market.connect(by).acceptRide(id, fare), names);
    const start = await trace("startRide", market.connect(by).startRide(id), names);
    const confirm = await trace("confirmRide", market.connect(who).confirmRide(id, 5), names);
    return { req, acc, start, confirm };
  };

  // A market with history (RIDE shares revenue from the first rides on), as the benchmark meets it.
  for (let i = 0; i < 3; i++) await ride(other, newDriver);
  // A new rider with a new driver: the first ride's confirmation fills their fresh slots; the
  // second is the repeat (within the pair's reward cap, so it accrues RIDE, like the benchmark's).
  const first = await ride(rider, driver);
  const repeat = await ride(rider, driver);
  steps.push(repeat.req, repeat.acc, repeat.start, repeat.confirm);
  steps.push(total("repeat happy path", [repeat.req, repeat.acc, repeat.start, repeat.confirm]));
  steps.push({ ...first.confirm, name: "confirmRide (pair's first)" });
  // From a balance: a rider who deposited once and rode before.
  await market.connect(saver).deposit(usd("200"));
  await ride(saver, newDriver, true);
  steps.push((await ride(saver, newDriver, true)).req);
  // The silent rider: the driver completes, anyone finalizes after the window.
  {
    const { id, tx } = await request(rider, false);
    await tx;
    await market.connect(driver).acceptRide(id, fare);
    await market.connect(driver).startRide(id);
    steps.push(await trace("completeRide", market.connect(driver).completeRide(id), names));
    await time.increase(Number((await market.parameters())[0].confirmWindow) + 1);
    steps.push(await trace("finalizeRide", market.connect(other).finalizeRide(id), names));
  }
  print(steps, markdown);
}

main().catch((err: unknown) => {
  console.error(process.env.RIDECOOP_DEBUG ? err : err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
