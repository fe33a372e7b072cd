// npm run bench:cli [-- --runs 7]: start-up of a read-only command, `ridecoop ride show` against
// the Hardhat task `ride:show`, both on one running node. Starts `hardhat node` on a free
// loopback port, deploys, creates a ride, then times each command `--runs` times (wall clock,
// from spawn to exit) and prints the medians. deployments/localhost.json and the other local
// state of `--network localhost` are set aside during the run and put back after it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const LOCAL_STATE = [
  path.join("deployments", "localhost.json"),
  path.join("ignition", "deployments", "ridecoop-localhost"),
  path.join(".ridecoop", "localhost"),
];

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name}: "${process.argv[i + 1]}" is not a whole number from 1`);
  return n;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Runs a command line; fails with its output when it exits non-zero. Returns the wall-clock ms. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main(): Promise<void> {
  const runs = flag("runs", 7);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, RIDECOOP_LOCALHOST_URL: url, FORCE_COLOR: "0" };
  const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
  const ridecoop = path.join(ROOT, "bin", "ridecoop.js");
  const aside = fs.mkdtempSync(path.join(os.tmpdir(), "ridecoop-bench-cli-"));
  for (const rel of LOCAL_STATE) {
    const from = path.join(ROOT, rel);
    if (fs.existsSync(from)) {
      fs.mkdirSync(path.dirname(path.join(aside, rel)), { recursive: true });
      fs.cpSync(from, path.join(aside, rel), { recursive: true });
      fs.rmSync(from, { recursive: true, force: true });
    }
  }
  let node: ChildProcess | undefined;
  try {
    node = spawn(bin("hardhat"), ["node", "--port", String(port), "--hostname", "127.0.0.1"], {
      cwd: ROOT,
      env,
      stdio: "ignore",
      detached: true,
    });
    const deadline = Date.now() + 5 * 60_000;
    while (!(await answers(url))) {
      if (Date.now() > deadline) throw new Error(`hardhat node did not answer on ${url} in 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(`node at ${url}; deploying and requesting ride 1`);
    run(bin("hardhat"), ["deploy", "--network", "localhost"], env);
    run(process.execPath, [ridecoop, "faucet", "--account", "1"], env);
    run(
      process.execPath,
      [
        ridecoop,
        "rider",
        "request",
        "--account",
        "1",
        "--from",
        "37.4979,127.0276",
        "--to",
        "wydq8e",
        "--max-fare",
        "12.50",
      ],
      env,
    );
    const cases: [string, string, string[]][] = [
      [
        "ridecoop ride show --ride 1 (the bin, node_modules/.bin/ridecoop)",
        process.execPath,
        [ridecoop, "ride", "show", "--ride", "1"],
      ],
      ["npx ridecoop ride show --ride 1", "npx", ["ridecoop", "ride", "show", "--ride", "1"]],
      [
        "npx hardhat ride:show --network localhost --ride 1",
        "npx",
        ["hardhat", "ride:show", "--network", "localhost", "--ride", "1"],
      ],
    ];
    const results: { command: string; medianMs: number; runsMs: number[] }[] = [];
    for (const [label, command, args] of cases) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(run(command, args, env));
      results.push({ command: label, medianMs: Math.round(median(times)), runsMs: times.map(Math.round) });
      console.log(
        `${label}: median ${Math.round(median(times))} ms over ${runs} runs (${times.map(Math.round).join(", ")})`,
      );
    }
    const load = os.loadavg()[0].toFixed(2);
    console.log(`load average (1 min) at the end: ${load} on ${os.cpus().length} cores`);
  } finally {
    if (node?.pid !== undefined) {
      try {
        process.kill(-node.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    for (const rel of LOCAL_STATE) {
      fs.rmSync(path.join(ROOT, rel), { recursive: true, force: true });
      if (fs.existsSync(path.join(aside, rel)))
        fs.cpSync(path.join(aside, rel), path.join(ROOT, rel), { recursive: true });
    }
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
