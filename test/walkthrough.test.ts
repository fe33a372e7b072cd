import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";

/**
 * Runs docs/CLIENT.md's walkthrough as a newcomer would: a `hardhat node` in one process and
 * every command line of the walkthrough's ```sh blocks, verbatim and in order, in a shell.
 * The node listens on a free loopback port of its own (never 8545; parallel runs on one machine
 * each get theirs) and the commands reach it through RIDECOOP_LOCALHOST_URL, which
 * hardhat.config.ts reads for `--network localhost`.
 *
 * Nothing here depends on the machine's speed (docs/MARKET-TESTS.md, "How tests handle time"):
 * - waits are readiness polls or per-command limits, generous on a loaded 2-core machine, each
 *   failing with a sentence that says what did not happen in time;
 * - the node's clock runs with the wall clock, and a fresh Hardhat process takes seconds to a
 *   minute to start, so the walkthrough's windows (a 5-minute offer, a 5-minute vote) would
 *   close on a slow machine. Before each command the next block is pinned to one second after
 *   the latest: the chain's clock moves by the walkthrough's own `time:advance` commands only.
 */

const ROOT = path.resolve(__dirname, "..");
/** How long the node may take to answer, and each command to finish, on a loaded machine. */
const NODE_READY_MS = 5 * 60_000;
const COMMAND_MS = 5 * 60_000;
const DOC = path.join(ROOT, "docs", "CLIENT.md");
/** What `--network localhost` leaves behind: set aside before the run, put back after it. */
const LOCAL_STATE = [
  path.join("deployments", "localhost.json"),
  path.join("ignition", "deployments", "ridecoop-localhost"),
  path.join(".ridecoop", "localhost"),
];
/** Their parent folders, removed after the run if the run created them (and left them empty). */
const PARENTS = ["deployments", path.join("ignition", "deployments"), ".ridecoop"];

/** Every command line of the walkthrough's ```sh blocks, in order, without `npm run node`. */
export function walkthroughCommands(markdown: string): string[] {
  const start = markdown.indexOf("## Walkthrough on a local node");
  if (start < 0) throw new Error("docs/CLIENT.md has no '## Walkthrough on a local node' section");
  const next = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split("\n").map((l) => l.trim())) {
      if (line === "" || line.startsWith("#") || line === "npm run node") continue;
      commands.push(line);
    }
  }
  return commands;
}

interface Outcome {
  code: number | null;
  output: string;
}

function runShell(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd: ROOT, env, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`"${command}" took longer than ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A loopback port that nothing listens on at the moment of asking. */
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

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method} on ${url}: ${body.error.message}`);
  return body.result as T;
}

async function answersChainId(url: string): Promise<boolean> {
  try {
    return (await rpc<string>(url, "eth_chainId")) === "0x7a69";
  } catch {
    return false;
  }
}

/**
 * Stops the chain's clock from running between commands: the next block comes one second after
 * the latest, however long the next Hardhat process takes to start. Before `time:advance`, which
 * moves the clock itself, any such pin still pending is used up by an empty block instead, so that
 * the advance counts from there.
 */
async function holdClock(url: string, command: string): Promise<void> {
  if (/^npx (hardhat time:advance|ridecoop time advance) /.test(command)) {
    await rpc(url, "evm_mine");
    return;
  }
  const latest = await rpc<{ timestamp: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  await rpc(url, "evm_setNextBlockTimestamp", [Number(BigInt(latest.timestamp) + 1n)]);
}

/** What a few key commands must print, beyond exiting with 0 (matched against their output). */
const EXPECTED: { command: RegExp; output: RegExp }[] = [
  {
    command: /^npx ridecoop rider confirm .*--ride 1 /,
    output: /Ride 1 confirmed with 5 star\(s\); the driver is paid/,
  },
  { command: /^npx ridecoop gov execute /, output: /Proposal \d+ executed/ },
  {
    command: /^npx ridecoop ride reveal .*--dispute 2$/,
    output: /Sealed the route of ride 2 to 1 arbiter\(s\) of round 0/,
  },
  {
    command: /^npx ridecoop arbiter evidence .*--dispute 2$/,
    output:
      /sealed route reveal for round 0, opened with your key: pickup 37\.4979,127\.0276, .*matches the ride's commitment/,
  },
  { command: /^npx ridecoop arbiter rule .*--dispute 2 /, output: /Ruled 75% to the rider in dispute 2/ },
];

describe("docs/CLIENT.md walkthrough on a local node", function () {
  let url = "";
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0" };
  const commands = walkthroughCommands(fs.readFileSync(DOC, "utf8"));
  let node: ChildProcess | undefined;
  let nodeLog = "";
  let aside: string | undefined;
  /** Set by `after`: a run cut short by mocha's timeout sends no more commands. */
  let stopped = false;
  let createdParents: string[] = [];
  /** Each command run so far with what it printed. */
  const outputs: [string, string][] = [];

  before(async function () {
    // Under `hardhat coverage` the contracts are instrumented in-process; a separate node and
    // separate Hardhat processes would measure nothing and take minutes.
    if ((hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true) this.skip();
    // A Hardhat deploy and about 50 `npx ridecoop` runs take 2 to 3 minutes: CI always runs it (CI=true);
    // locally it runs with `npm run test:walkthrough` (RIDECOOP_WALKTHROUGH=1).
    if (process.env.CI !== "true" && process.env.RIDECOOP_WALKTHROUGH !== "1") this.skip();
    // Starting the node is bounded by the readiness poll below, with its own message.
    this.timeout(NODE_READY_MS + 60_000);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env.RIDECOOP_LOCALHOST_URL = url;
    // A node already answering on the port would make the run depend on its state.
    if (await answersChainId(url)) throw new Error(`something already answers on ${url}; stop it first`);
    createdParents = PARENTS.filter((p) => !fs.existsSync(path.join(ROOT, p)));
    aside = fs.mkdtempSync(path.join(os.tmpdir(), "ridecoop-walkthrough-"));
    for (const rel of LOCAL_STATE) {
      const from = path.join(ROOT, rel);
      if (fs.existsSync(from)) {
        fs.mkdirSync(path.dirname(path.join(aside, rel)), { recursive: true });
        fs.cpSync(from, path.join(aside, rel), { recursive: true });
        fs.rmSync(from, { recursive: true, force: true });
      }
    }
    node = spawn("npx", ["hardhat", "node", "--port", String(port), "--hostname", "127.0.0.1"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: `after` ends npx and the node it started together
    });
    node.stdout?.on("data", (d: Buffer) => (nodeLog += d.toString()));
    node.stderr?.on("data", (d: Buffer) => (nodeLog += d.toString()));
    const deadline = Date.now() + NODE_READY_MS;
    while (!(await answersChainId(url))) {
      if (node.exitCode !== null) throw new Error(`hardhat node exited (${node.exitCode}):\n${nodeLog}`);
      if (Date.now() > deadline) {
        throw new Error(`hardhat node did not answer on ${url} in ${NODE_READY_MS / 1000} s:\n${nodeLog}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  after(async function () {
    stopped = true;
    if (node?.pid !== undefined && node.exitCode === null) {
      const exited = new Promise((resolve) => node?.once("exit", resolve));
      try {
        process.kill(-node.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (node.exitCode === null && node.signalCode === null) {
        try {
          process.kill(-node.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    for (const rel of LOCAL_STATE) {
      fs.rmSync(path.join(ROOT, rel), { recursive: true, force: true });
      if (aside !== undefined && fs.existsSync(path.join(aside, rel))) {
        fs.cpSync(path.join(aside, rel), path.join(ROOT, rel), { recursive: true });
      }
    }
    if (aside !== undefined) fs.rmSync(aside, { recursive: true, force: true });
    for (const p of createdParents) {
      const dir = path.join(ROOT, p);
      if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
    }
  });

  it("finds the walkthrough's commands, none with a placeholder", function () {
    expect(commands.length).to.be.greaterThan(40);
    expect(commands.filter((c) => /<[^>]+>/.test(c))).to.deep.equal([]);
    // The deploy goes through Hardhat (Ignition); every other line is a `ridecoop` command, whose
    // network is localhost unless it says otherwise.
    expect(commands.filter((c) => !c.startsWith("npx ridecoop "))).to.deep.equal([
      "npx hardhat deploy --network localhost",
    ]);
  });

  it("runs every command as written, in order, each exiting with 0", async function () {
    // ~50 `npx ridecoop` runs: 2-3 s apiece alone, more on a loaded machine. Each
    // has its own limit (runShell's message names it), so the whole may take all of theirs.
    this.timeout(commands.length * COMMAND_MS);
    for (const command of commands) {
      if (stopped) return;
      await holdClock(url, command);
      const { code, output } = await runShell(command, env, COMMAND_MS);
      if (code !== 0) {
        // The two commands before it usually say why (a keeper pass that did not draw, say).
        const before = outputs.slice(-2).map(([c, o]) => `$ ${c}\n${o}`);
        expect.fail(`"${command}" exited with ${code}:\n${output}\nafter:\n${before.join("\n")}`);
      }
      outputs.push([command, output]);
      for (const e of EXPECTED) {
        if (e.command.test(command)) expect(output, command).to.match(e.output);
      }
    }
  });

  /** What the last run of a command matching `pattern` printed ("" if none ran). */
  function lastOutput(pattern: RegExp): string {
    return outputs.filter(([c]) => pattern.test(c)).at(-1)?.[1] ?? "";
  }

  it("sets the fee to 3% through the governor (gov:params after gov:execute)", function () {
    expect(lastOutput(/^npx ridecoop gov params/)).to.match(/feeBps\s+3%/);
  });

  it("resolves dispute 2 with the arbiter's 75% once the appeal day passed", function () {
    expect(lastOutput(/^npx ridecoop dispute show .*--dispute 2$/)).to.match(
      /Dispute 2: Resolved[\s\S]*resolved \(.*\): 75% to the rider/,
    );
  });

  it("settles dispute 3 at 60% of the 20 tUSD fare to the rider", function () {
    expect(lastOutput(/^npx ridecoop ride settle .*--account 1 --dispute 3 /)).to.match(
      /Dispute 3 settled: 12(\.00)? tUSD to the rider, 8(\.00)? tUSD to the driver/,
    );
  });
});
