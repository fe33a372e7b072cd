import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import type { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { encryptKeystoreJson, parseEther, Wallet } from "ethers";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/main";
import { loadFixture } from "../helpers/fixture";
import { DRIVER, RIDER, deployedWithParties, run, takeOutput } from "../tasks/helpers";

/**
 * `ridecoop` run as a person runs it: a separate process (bin/ridecoop.js, what
 * node_modules/.bin/ridecoop and `npx ridecoop` start) talking JSON-RPC to a node. The node is
 * this test's own in-process Hardhat network served on a free loopback port, so the setup
 * (deploy, a ride) goes through the tasks in-process and only the commands under test spawn.
 * Each spawn gets a generous limit: never a timing assertion (docs/MARKET-TESTS.md).
 */

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "ridecoop.js");
/** The first run may build dist/cli (scripts/build-cli.js) on a loaded machine. */
const SPAWN_MS = 3 * 60_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ridecoop(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ridecoop ${args.join(" ")} took longer than ${SPAWN_MS / 1000} s:\n${stdout}${stderr}`));
    }, SPAWN_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What ethers' keystore encryption takes of a wallet. */
function keyOf(w: { address: string; privateKey: string }): { address: string; privateKey: string } {
  return { address: w.address, privateKey: w.privateKey };
}

/**
 * The task tests' suite under a fixture of its own: sharing theirs would leave them reverting to
 * a snapshot whose deployments/hardhat.json another file has since rewritten.
 */
async function cliSuite() {
  return deployedWithParties();
}

/** Every leaf command of the program, with its path of words. */
function leaves(cmd: Command, prefix: string[] = []): { words: string[]; cmd: Command }[] {
  if (cmd.commands.length === 0) return [{ words: prefix, cmd }];
  return cmd.commands.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

describe("ridecoop: the command line", function () {
  describe("without a node", function () {
    it("gives every command a description and every flag one, with the defaults shown", function () {
      const all = leaves(buildProgram()).filter((l) => l.words[0] !== "help");
      expect(all.length).to.be.greaterThan(40);
      const missing = all.flatMap(({ words, cmd }) => [
        ...(cmd.description() === "" ? [`${words.join(" ")}: no description`] : []),
        ...cmd.options
          .filter((o) => o.description === "")
          .map((o) => `${words.join(" ")} ${o.long ?? o.flags}: no description`),
      ]);
      expect(missing).to.deep.equal([]);
      const request = all.find((l) => l.words.join(" ") === "rider request");
      expect(request?.cmd.helpInformation()).to.match(
        /--expires <value>\s+How long the request stays open.*\(default:\s+"15m"\)/s,
      );
    });

    it("keeps src/client free of Hardhat and Node-only modules (it serves a browser too)", function () {
      const dir = path.join(ROOT, "src", "client");
      const offending = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        .flatMap((f) =>
          [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/from "([^"]+)"/g)]
            .map((m) => m[1])
            .filter((m) => /^(node:|fs$|path$|os$|child_process$|hardhat)/.test(m))
            .map((m) => `${f}: ${m}`),
        );
      expect(offending).to.deep.equal([]);
    });
  });

  describe("against a node", function () {
    let server: JsonRpcServer | undefined;
    let rpc = "";
    let keystoreDir = "";
    const net = () => ["--network", "hardhat", "--rpc", rpc];

    before(async function () {
      this.timeout(SPAWN_MS);
      if ((hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true) this.skip();
      await loadFixture(cliSuite);
      await run("rider:request", { account: RIDER, from: "37.4979,127.0276", to: "wydq8e", maxFare: "12.50" });
      takeOutput();
      server = (await hre.run(TASK_NODE_CREATE_SERVER, {
        hostname: "127.0.0.1",
        port: 0,
        provider: hre.network.provider,
      })) as JsonRpcServer;
      const { port } = await server.listen();
      rpc = `http://127.0.0.1:${port}`;
      keystoreDir = fs.mkdtempSync(path.join(os.tmpdir(), "ridecoop-cli-test-"));
    });

    after(async function () {
      await server?.close();
      if (keystoreDir !== "") fs.rmSync(keystoreDir, { recursive: true, force: true });
    });

    it("ride show --json answers the ride's state and fare", async function () {
      this.timeout(SPAWN_MS);
      const out = await ridecoop(["ride", "show", "--ride", "1", "--json", ...net()]);
      expect(out.stderr).to.equal("");
      const view = JSON.parse(out.stdout) as { rideId: string; state: string; fare: string };
      expect([view.rideId, view.state, view.fare]).to.deep.equal(["1", "Requested", "12500000"]);
    });

    it("ride show names the next steps as ridecoop commands (driver accept, not driver:accept)", async function () {
      this.timeout(SPAWN_MS);
      const out = await ridecoop(["ride", "show", "--ride", "1", ...net()]);
      expect(out.stdout).to.match(/driver: accept or make an offer \(driver accept --ride 1\)/);
      expect(out.stdout).not.to.match(/driver:accept/);
    });

    it("prints a revert as one sentence with its hint, in tokens, and exits with 1 (no stack trace)", async function () {
      this.timeout(SPAWN_MS);
      const out = await ridecoop(["driver", "accept", "--account", DRIVER, "--ride", "1", "--fare", "12", ...net()]);
      expect(out.code).to.equal(1);
      expect(out.stdout).to.equal("");
      expect(out.stderr).to.match(
        /^ridecoop: FareMismatch: ride 1 is for 12\.50 tUSD, not 12\.00 tUSD\. Hint: [^\n]+\.\n$/,
      );
    });

    it("adds the stack trace with --debug", async function () {
      this.timeout(SPAWN_MS);
      const out = await ridecoop(["ride", "show", "--ride", "x", "--debug", ...net()]);
      expect(out.code).to.equal(1);
      expect(out.stderr).to.match(/^ridecoop: --ride: "x" is not a ride id[^\n]*\n[\s\S]*\n\s+at /);
    });

    it("signs with an encrypted keystore, its password from RIDECOOP_KEYSTORE_PASSWORD", async function () {
      this.timeout(SPAWN_MS);
      const wallet = Wallet.createRandom();
      const file = path.join(keystoreDir, "rider.json");
      // A cheap scrypt for the test; `ridecoop keystore new` uses ethers' default.
      fs.writeFileSync(file, await encryptKeystoreJson(keyOf(wallet), "correct horse", { scrypt: { N: 1 << 10 } }));
      const [funder] = await hre.ethers.getSigners();
      await (await funder.sendTransaction({ to: wallet.address, value: parseEther("1") })).wait();
      const out = await ridecoop(["faucet", "--keystore", file, "--amount", "25", ...net()], {
        RIDECOOP_KEYSTORE_PASSWORD: "correct horse",
      });
      expect(out.stderr).to.equal("");
      expect(out.stdout).to.match(/^Drew 25\.00 tUSD; balance 25\.00 tUSD/);
    });

    it("says in one sentence that a keystore did not open with the password", async function () {
      this.timeout(SPAWN_MS);
      const file = path.join(keystoreDir, "wrong.json");
      fs.writeFileSync(
        file,
        await encryptKeystoreJson(keyOf(Wallet.createRandom()), "right", { scrypt: { N: 1 << 10 } }),
      );
      const out = await ridecoop(["balance", "--keystore", file, ...net()], { RIDECOOP_KEYSTORE_PASSWORD: "wrong" });
      expect(out.code).to.equal(1);
      expect(out.stderr).to.match(/^ridecoop: --keystore: \S+ did not open with that password[^\n]*\n$/);
    });

    it("says how to start a node when none answers", async function () {
      this.timeout(SPAWN_MS);
      const out = await ridecoop([
        "ride",
        "show",
        "--ride",
        "1",
        "--network",
        "hardhat",
        "--rpc",
        "http://127.0.0.1:9",
      ]);
      expect(out.code).to.equal(1);
      expect(out.stderr).to.match(
        /^ridecoop: no node answers at http:\/\/127\.0\.0\.1:9\. Hint: start one with `npm run node`/,
      );
    });
  });
});
