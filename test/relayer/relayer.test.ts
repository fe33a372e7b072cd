import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import type { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { encryptKeystoreJson, HDNodeWallet, JsonRpcProvider, Network, Wallet, type Signer } from "ethers";
import { RideCoopClient } from "../../src/client/client";
import { parsePlace } from "../../src/client/location";
import { parseParamChange } from "../../src/client/params";
import { signPermit } from "../../src/client/signatures";
import { signForwardRequest } from "../../src/client/forwarder";
import {
  RelayClient,
  RelayedSigner,
  RelayError,
  toPermitWire,
  toWire,
  type PermitBody,
  type RelayBody,
} from "../../src/client/relay";
import type { Deployment } from "../../src/client/deployment";
import { Relayer } from "../../src/relayer/relayer";
import { serve } from "../../src/relayer/server";
import { RelayStore } from "../../src/relayer/store";
import {
  ArbiterPool__factory,
  CoopToken__factory,
  DisputeCourt__factory,
  ERC20Permit__factory,
  RideMarket__factory,
  CoopGovernor__factory,
} from "../../src/client/contracts";
import { RideCoopForwarder__factory } from "../../typechain-types/factories/contracts/gasless/RideCoopForwarder__factory";
import type { DeployResult } from "../../src/deploy";
import { loadFixture } from "../helpers/fixture";
import { deployedWithParties, RIDER } from "../tasks/helpers";

/**
 * The gasless relayer (docs/RELAYER.md) over HTTP: people holding 0 ETH act through it, it
 * refuses what it must with a code and a sentence, replaces a stuck transaction, and a relayer
 * killed mid-flight finishes every accepted request exactly once after a restart.
 * Spawned processes get generous limits; there are no timing assertions.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const MNEMONIC = "test test test test test test test test test test test junk";
const hardhatKey = (i: number) => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
const SPAWN_MS = 3 * 60_000;
const usd = (n: string) => BigInt(Math.round(Number(n) * 100)) * 10_000n;

async function relayerSuite() {
  return deployedWithParties();
}

describe("Relayer: gasless requests over HTTP", function () {
  this.timeout(SPAWN_MS);
  let node: JsonRpcServer | undefined;
  let rpc = "";
  let provider: JsonRpcProvider;
  let deployment: Deployment;
  let relayer: Relayer;
  let http: Awaited<ReturnType<typeof serve>>;
  let store: RelayStore;
  const rider = Wallet.createRandom();
  const driver = Wallet.createRandom();
  let riderClient: RideCoopClient;
  let driverClient: RideCoopClient;
  let rideId = 0n;

  const forwarder = () => RideCoopForwarder__factory.connect(deployment.contracts.Forwarder?.address ?? "", provider);
  const relayed = (w: Wallet | HDNodeWallet, url = http.url): Signer =>
    new RelayedSigner(w.connect(provider), url, forwarder(), { pollMs: 100 });
  const rpcCall = (method: string, params: unknown[] = []) => provider.send(method, params);

  /** A body `who` signs for `data` on `to`, as RelayedSigner would POST it. */
  async function body(
    who: Wallet | HDNodeWallet,
    to: string,
    data: string,
    opts: { deadline?: bigint } = {},
  ): Promise<RelayBody> {
    const nonce = await forwarder().nonces(who.address);
    const request = await signForwardRequest(forwarder(), who.connect(provider), to, data, {
      nonce,
      gas: 300_000n,
      ...opts,
    });
    return toWire(request, nonce);
  }

  /** A request that always succeeds: delegate one's RIDE votes to oneself. */
  async function delegateBody(who: Wallet | HDNodeWallet): Promise<RelayBody> {
    const token = CoopToken__factory.connect(deployment.contracts.CoopToken.address, provider);
    return body(who, await token.getAddress(), token.interface.encodeFunctionData("delegate", [who.address]));
  }

  /** POSTs and expects a refusal; returns it. */
  async function refused(b: RelayBody, url = http.url): Promise<RelayError> {
    try {
      await new RelayClient(url).relay(b);
    } catch (err) {
      expect(err).to.be.instanceOf(RelayError);
      return err as RelayError;
    }
    throw new Error("the relayer accepted the request");
  }

  /** A permit `who` signs on `token` for `spender`, as RelayedSigner would POST it to /permit. */
  async function permitBody(
    who: Wallet | HDNodeWallet,
    token: string,
    spender: string,
    value: bigint,
    opts: { deadline?: bigint } = {},
  ): Promise<PermitBody> {
    const t = ERC20Permit__factory.connect(token, provider);
    const deadline = opts.deadline ?? BigInt((await provider.getBlock("latest"))?.timestamp ?? 0) + 3600n;
    const nonce = await t.nonces(who.address);
    const p = await signPermit(t, who.connect(provider), spender, value, deadline);
    return toPermitWire({ token, owner: who.address, spender, value, deadline, nonce }, p.signature);
  }

  /** POSTs a permit and expects a refusal; returns it. */
  async function refusedPermit(b: PermitBody, url = http.url): Promise<RelayError> {
    try {
      await new RelayClient(url).permit(b);
    } catch (err) {
      expect(err).to.be.instanceOf(RelayError);
      return err as RelayError;
    }
    throw new Error("the relayer accepted the permit");
  }

  before(async function () {
    if ((hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true) this.skip();
    const result = await loadFixture<DeployResult>(relayerSuite);
    deployment = result.deployment;
    node = (await hre.run(TASK_NODE_CREATE_SERVER, {
      hostname: "127.0.0.1",
      port: 0,
      provider: hre.network.provider,
    })) as JsonRpcServer;
    const { port } = await node.listen();
    rpc = `http://127.0.0.1:${port}`;
    provider = new JsonRpcProvider(rpc, Network.from(31337), { staticNetwork: true, cacheTimeout: -1 });
    provider.pollingInterval = 100;
    store = await RelayStore.open(undefined);
    relayer = new Relayer({
      deployment,
      provider,
      wallet: hardhatKey(9).connect(provider),
      store,
      quota: { requestsPerHour: 100, gasPerDay: 50_000_000n },
      replaceAfterMs: 300,
      pollMs: 100,
      // RIDECOOP_RELAYER_LOG=1 prints the relayer's log (docs/RELAYER.md's transcript).
      log: process.env.RIDECOOP_RELAYER_LOG === "1" ? (line) => console.log(`      relayer: ${line}`) : undefined,
    });
    await relayer.start();
    http = await serve(relayer, "127.0.0.1", 0);
    // Fare tokens only: account 1's tUSD shared out, no ETH moves to the two people.
    const [, funded] = await hre.ethers.getSigners();
    const fare = ERC20Permit__factory.connect(deployment.fareToken.address, funded);
    await (await fare.transfer(rider.address, usd("100"))).wait();
    await (await fare.transfer(driver.address, usd("150"))).wait();
    riderClient = new RideCoopClient(deployment, relayed(rider));
    driverClient = new RideCoopClient(deployment, relayed(driver));
    expect(RIDER).to.equal("1");
  });

  after(async function () {
    await http?.close();
    await relayer?.stop();
    await store?.close();
    await node?.close();
  });

  it("registers a driver holding 0 ETH through the relayer alone (the stake's permit and the registration relayed)", async function () {
    const market = deployment.contracts.RideMarket.address;
    const txs = await driverClient.registerDriver(usd("100"));
    expect(txs.map((t) => t.label)).to.deep.equal(["permit", "register driver"]);
    // Both transactions are the relayer's: the permit to the fare token, the registration through the forwarder.
    const hot = hardhatKey(9).address;
    const sent = await Promise.all(txs.map((t) => provider.getTransaction(t.hash)));
    expect(sent.map((t) => [t?.from, t?.to])).to.deep.equal([
      [hot, deployment.fareToken.address],
      [hot, deployment.contracts.Forwarder?.address],
    ]);
    const account = await RideMarket__factory.connect(market, provider).getAccount(driver.address);
    expect([account.registered, account.stake]).to.deep.equal([true, usd("100")]);
    expect(await provider.getBalance(driver.address)).to.equal(0n);
  });

  it("carries a whole ride of a rider and a driver holding 0 ETH: request with permit, offer, accept, arrive, pickup, complete, confirm, rate, withdraw, claim", async function () {
    const req = await riderClient.requestRide({
      pickup: parsePlace("37.4979,127.0276", "from"),
      dropoff: parsePlace("wydq8e", "to"),
      maxFare: usd("20"),
      ttl: 900,
    });
    expect(req.usedPermit).to.equal(true);
    rideId = req.rideId;
    await driverClient.offer(rideId, usd("18"), 300);
    await riderClient.acceptOffer(rideId, driver.address, usd("18"));
    await driverClient.arrived(rideId);
    await driverClient.pickup(rideId);
    await driverClient.complete(rideId);
    await riderClient.confirm(rideId, 5);
    await driverClient.rate(rideId, 4);
    expect((await driverClient.showRide(rideId)).state).to.equal("Finalized");
    await driverClient.withdraw();
    await riderClient.withdraw();
    await driverClient.claimRewards();
    const market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider);
    expect(await market.creditOf(driver.address)).to.equal(0n);
    const fare = ERC20Permit__factory.connect(deployment.fareToken.address, provider);
    // The driver: 150 - 100 stake + 18 less the fee; the rider 100 - 18.
    expect(await fare.balanceOf(driver.address)).to.be.greaterThan(usd("60"));
    expect(await fare.balanceOf(rider.address)).to.equal(usd("82"));
    expect((await driverClient.balances()).ride).to.be.greaterThan(0n);
    expect([await provider.getBalance(rider.address), await provider.getBalance(driver.address)]).to.deep.equal([
      0n,
      0n,
    ]);
  });

  it("lets a holder with 0 ETH delegate, propose and vote through it", async function () {
    await driverClient.delegate();
    const change = parseParamChange("fee=4%", { fare: driverClient.fareUnit, ride: driverClient.rideUnit });
    const { proposalId } = await driverClient.propose([change], "Fee to 4% (relayed)");
    await rpcCall("evm_increaseTime", [5]);
    await rpcCall("evm_mine");
    await driverClient.vote(proposalId, 1, "relayed vote");
    const governor = CoopGovernor__factory.connect(deployment.contracts.CoopGovernor.address, provider);
    expect(await governor.hasVoted(proposalId, driver.address)).to.equal(true);
    expect(await provider.getBalance(driver.address)).to.equal(0n);
  });

  it("opens a dispute for a rider holding 0 ETH, the fee paid through a permit the relayer submits", async function () {
    const req = await riderClient.requestRide({
      pickup: parsePlace("37.4979,127.0276", "from"),
      dropoff: parsePlace("wydq8e", "to"),
      maxFare: usd("10"),
      ttl: 900,
    });
    await driverClient.accept(req.rideId);
    const court = DisputeCourt__factory.connect(deployment.contracts.DisputeCourt?.address ?? "", provider);
    const fare = ERC20Permit__factory.connect(deployment.fareToken.address, provider);
    const before = await fare.balanceOf(rider.address);
    const { fee, txs } = await riderClient.openDispute(req.rideId);
    expect(fee).to.be.greaterThan(0n);
    expect(txs.map((t) => t.label)).to.deep.equal(["permit court", "open dispute"]);
    const hot = hardhatKey(9).address;
    for (const t of txs) expect((await provider.getTransaction(t.hash))?.from).to.equal(hot);
    expect((await court.getDispute(req.rideId)).rider).to.equal(rider.address);
    expect(await fare.balanceOf(rider.address)).to.equal(before - fee);
    expect(await provider.getBalance(rider.address)).to.equal(0n);
  });

  it("stakes a 0-ETH holder's RIDE in the arbiter pool through a permit the relayer submits", async function () {
    const ride = (await driverClient.balances()).ride;
    expect(ride).to.be.greaterThan(0n);
    const txs = await driverClient.stakeArbiter(ride);
    expect(txs.map((t) => t.label)).to.deep.equal(["permit pool", "stake"]);
    expect((await provider.getTransaction(txs[0].hash))?.to).to.equal(deployment.contracts.CoopToken.address);
    const pool = ArbiterPool__factory.connect(deployment.contracts.ArbiterPool?.address ?? "", provider);
    expect((await pool.arbiterOf(driver.address)).stake).to.equal(ride);
    expect(await provider.getBalance(driver.address)).to.equal(0n);
  });

  describe("ridecoop --relay", function () {
    function ridecoop(
      args: string[],
      env: NodeJS.ProcessEnv,
    ): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const proc = spawn(process.execPath, [path.join(ROOT, "bin", "ridecoop.js"), ...args], {
          cwd: ROOT,
          env: { ...process.env, FORCE_COLOR: "0", ...env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => {
          proc.kill("SIGKILL");
          reject(new Error(`ridecoop ${args.join(" ")} took too long:\n${stdout}${stderr}`));
        }, SPAWN_MS);
        proc.on("close", (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      });
    }

    let keyDir = "";
    let file = "";
    const holder = Wallet.createRandom();
    before(async function () {
      keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "ridecoop-relay-cli-"));
      file = path.join(keyDir, "holder.json");
      const key = { address: holder.address, privateKey: holder.privateKey };
      fs.writeFileSync(file, await encryptKeystoreJson(key, "correct horse", { scrypt: { N: 1 << 10 } }));
    });
    after(function () {
      fs.rmSync(keyDir, { recursive: true, force: true });
    });

    it("delegates for a keystore holding 0 ETH through the relayer", async function () {
      const out = await ridecoop(
        ["gov", "delegate", "--keystore", file, "--relay", http.url, "--network", "hardhat", "--rpc", rpc],
        { RIDECOOP_KEYSTORE_PASSWORD: "correct horse" },
      );
      expect(out.stderr).to.equal("");
      expect(out.stdout).to.match(/^Delegated; the delegate now has 0\.00 RIDE of votes/);
      const token = CoopToken__factory.connect(deployment.contracts.CoopToken.address, provider);
      expect(await token.delegates(holder.address)).to.equal(holder.address);
      expect(await provider.getBalance(holder.address)).to.equal(0n);
    });

    it("registers a driver for a keystore holding 0 ETH: the stake's permit and the registration both relayed", async function () {
      const [, funded] = await hre.ethers.getSigners();
      const fare = ERC20Permit__factory.connect(deployment.fareToken.address, funded);
      await (await fare.transfer(holder.address, usd("100"))).wait();
      const out = await ridecoop(
        [
          "driver",
          "register",
          "--stake",
          "100",
          "--keystore",
          file,
          "--relay",
          http.url,
          "--network",
          "hardhat",
          "--rpc",
          rpc,
        ],
        { RIDECOOP_KEYSTORE_PASSWORD: "correct horse" },
      );
      expect(out.stderr).to.equal("");
      const lines = out.stdout.trimEnd().split("\n");
      expect(lines[0]).to.match(/^Registered as a driver with 100(\.00)? \S+ of stake$/);
      expect(lines.slice(1).map((l) => l.trim().split(":")[0])).to.deep.equal(["permit", "register driver"]);
      const account = await RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider).getAccount(
        holder.address,
      );
      expect([account.registered, account.stake]).to.deep.equal([true, usd("100")]);
      expect(await provider.getBalance(holder.address)).to.equal(0n);
    });

    it("prints a refusal once, as its sentence and hint, and exits with 1", async function () {
      const out = await ridecoop(
        [
          "driver",
          "pickup",
          "--ride",
          "1",
          "--keystore",
          file,
          "--relay",
          http.url,
          "--network",
          "hardhat",
          "--rpc",
          rpc,
        ],
        { RIDECOOP_KEYSTORE_PASSWORD: "correct horse" },
      );
      expect(out.code).to.equal(1);
      expect(out.stdout).to.equal("");
      expect(out.stderr).to.match(/^ridecoop: RideWrongState: ride 1 is Finalized, expected \w+\. Hint: [^\n]+\.\n$/);
    });

    it("carries a whole ride of a rider and a driver keystore holding 0 ETH through `ridecoop ... --relay` (test-output/relayer/cli-ride.txt)", async function () {
      const people = { rider: Wallet.createRandom(), driver: Wallet.createRandom() };
      const files = { rider: path.join(keyDir, "rider.json"), driver: path.join(keyDir, "driver.json") };
      for (const who of ["rider", "driver"] as const) {
        const w = people[who];
        const key = { address: w.address, privateKey: w.privateKey };
        fs.writeFileSync(files[who], await encryptKeystoreJson(key, "correct horse", { scrypt: { N: 1 << 10 } }));
      }
      // Fare tokens only: account 1's tUSD, never ETH.
      const [, funded] = await hre.ethers.getSigners();
      const fare = ERC20Permit__factory.connect(deployment.fareToken.address, funded);
      await (await fare.transfer(people.rider.address, usd("100"))).wait();
      await (await fare.transfer(people.driver.address, usd("150"))).wait();
      const market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider);
      const token = CoopToken__factory.connect(deployment.contracts.CoopToken.address, provider);

      // The transcript is rewritten after every command, so a failed run leaves what it got to.
      const transcriptFile = path.join(ROOT, "test-output", "relayer", "cli-ride.txt");
      fs.mkdirSync(path.dirname(transcriptFile), { recursive: true });
      const transcript: string[] = [];
      /** Runs one command as `who` through the relayer; expects exit 0, no stderr and `first` as line 1. */
      async function step(who: "rider" | "driver", args: string[], first: RegExp): Promise<string[]> {
        const out = await ridecoop(
          [...args, "--keystore", files[who], "--relay", http.url, "--network", "hardhat", "--rpc", rpc],
          { RIDECOOP_KEYSTORE_PASSWORD: "correct horse" },
        );
        const shown = [...args, "--keystore", `${who}.json`, "--relay", "<relay-url>", "--network", "hardhat"];
        transcript.push(
          `$ ridecoop ${shown.join(" ")} --rpc <rpc-url>`,
          out.stdout.trimEnd().split(`${ROOT}${path.sep}`).join(""),
          "",
        );
        fs.writeFileSync(transcriptFile, transcript.join("\n"));
        expect(out.stderr, `ridecoop ${args.join(" ")}`).to.equal("");
        expect(out.code, `ridecoop ${args.join(" ")}`).to.equal(0);
        const lines = out.stdout.trimEnd().split("\n");
        expect(lines[0]).to.match(first);
        return lines;
      }

      await step(
        "driver",
        ["driver", "register", "--stake", "100"],
        /^Registered as a driver with 100\.00 tUSD of stake$/,
      );
      const requested = await step(
        "rider",
        ["rider", "request", "--from", "37.4979,127.0276", "--to", "wydq8e", "--max-fare", "20", "--expires", "15m"],
        /^Ride \d+ requested: \w+ -> wydq8e\w*, up to 20\.00 tUSD in escrow \(permit, no approve\)$/,
      );
      const ride = (/^Ride (\d+) /.exec(requested[0]) ?? [])[1];
      await step(
        "driver",
        ["driver", "offer", "--ride", ride, "--fare", "18"],
        new RegExp(`^Offered 18\\.00 tUSD on ride ${ride}$`),
      );
      await step(
        "rider",
        ["rider", "accept-offer", "--ride", ride, "--driver", people.driver.address],
        new RegExp(`^Ride ${ride} accepted with ${people.driver.address} at 18\\.00 tUSD$`),
      );
      await step("driver", ["driver", "arrived", "--ride", ride], new RegExp(`^Ride ${ride} arrived at the pickup$`));
      await step("driver", ["driver", "pickup", "--ride", ride], new RegExp(`^Ride ${ride} started$`));
      await step("driver", ["driver", "complete", "--ride", ride], new RegExp(`^Ride ${ride} completed$`));
      await step(
        "rider",
        ["rider", "confirm", "--ride", ride, "--rating", "5"],
        new RegExp(`^Ride ${ride} confirmed with 5 star\\(s\\); the driver is paid$`),
      );
      await step(
        "driver",
        ["ride", "rate", "--ride", ride, "--rating", "5"],
        new RegExp(`^Rated ride ${ride} with 5 star\\(s\\)$`),
      );
      await step(
        "driver",
        ["ride", "show", "--ride", ride],
        new RegExp(`^Ride ${ride}: Finalized \\(driver arrived\\)$`),
      );

      // The driver's credit is the fare less the fee; the rider's is the escrow above the fare.
      const r = await market.getRide(BigInt(ride));
      expect(r.fare).to.equal(usd("18"));
      const fee = (r.fare * r.feeBps) / 10_000n;
      expect(await market.creditOf(people.driver.address)).to.equal(r.fare - fee);
      expect(await market.creditOf(people.rider.address)).to.equal(usd("2"));

      const accrued = (await market.rewardsOf(people.driver.address)).accrued;
      expect(accrued).to.be.greaterThan(0n);
      await step(
        "driver",
        ["driver", "claim"],
        /^Claimed (\d+\.\d\d) RIDE; you hold \1 RIDE with \d+\.\d\d RIDE of votes$/,
      );
      expect(await token.balanceOf(people.driver.address)).to.equal(accrued);

      // Withdraw takes the market credit and the fee revenue the driver's RIDE earned.
      const driverBefore = await fare.balanceOf(people.driver.address);
      expect(driverBefore).to.equal(usd("50"));
      const revenue = await token.claimableRevenue(people.driver.address);
      await step("driver", ["withdraw"], /^Withdrew \d+\.\d{2,6} tUSD$/);
      expect(await fare.balanceOf(people.driver.address)).to.equal(driverBefore + r.fare - fee + revenue);
      await step("rider", ["withdraw"], /^Withdrew 2\.00 tUSD$/);
      expect(await fare.balanceOf(people.rider.address)).to.equal(usd("82"));

      expect((await market.getAccount(people.driver.address)).stake).to.equal(usd("100"));
      expect([
        await provider.getBalance(people.rider.address),
        await provider.getBalance(people.driver.address),
      ]).to.deep.equal([0n, 0n]);
    });
  });

  describe("refusals, each with its code and sentence", function () {
    it("refuses a replayed request (its forwarder nonce is used)", async function () {
      const b = await delegateBody(rider);
      const accepted = await new RelayClient(http.url).relay(b);
      expect((await new RelayClient(http.url).settled(accepted.id, 100)).status).to.equal("mined");
      const err = await refused(b);
      expect(err.code).to.equal("Replayed");
      expect(err.message).to.match(
        /^RelayerReplayed: 0x[0-9a-fA-F]{40}'s forwarder nonce \d+ is used: this request already ran\. Hint: /,
      );
    });

    it("refuses an expired request", async function () {
      const market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider);
      const b = await body(rider, await market.getAddress(), market.interface.encodeFunctionData("claimRewards"), {
        deadline: 1n,
      });
      const err = await refused(b);
      expect(err.code).to.equal("Expired");
      expect(err.message).to.match(
        /^RelayerExpired: the signed request expired at 1970-01-01T00:00:01\.000Z\. Hint: sign it again/,
      );
    });

    it("refuses the fare token as a target (it does not trust the forwarder)", async function () {
      const fare = ERC20Permit__factory.connect(deployment.fareToken.address, provider);
      const b = await body(
        rider,
        await fare.getAddress(),
        fare.interface.encodeFunctionData("transfer", [driver.address, 1n]),
      );
      const err = await refused(b);
      expect(err.code).to.equal("TargetNotAllowed");
      expect(err.sentence).to.match(
        /is not one of the suite's contracts that trust the forwarder \(the fare token does not trust the forwarder\)$/,
      );
    });

    it("refuses a selector off the allowlist (a governance setter)", async function () {
      const governor = CoopGovernor__factory.connect(deployment.contracts.CoopGovernor.address, provider);
      const b = await body(
        rider,
        await governor.getAddress(),
        governor.interface.encodeFunctionData("setVotingDelay", [5]),
      );
      const err = await refused(b);
      expect(err.code).to.equal("SelectorNotAllowed");
      expect(err.sentence).to.equal("CoopGovernor.setVotingDelay is not a user action this relayer relays");
    });

    it("refuses a request that carries value", async function () {
      const market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider);
      const b = await body(rider, await market.getAddress(), market.interface.encodeFunctionData("claimRewards"));
      b.request.value = "1";
      const err = await refused(b);
      expect(err.code).to.equal("ValueNotZero");
      expect(err.sentence).to.match(/^the request carries 1 wei; this relayer forwards no ETH/);
    });

    it("refuses a request the target would revert, with the target's own error (NotRider)", async function () {
      const market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider);
      const b = await body(
        driver,
        await market.getAddress(),
        market.interface.encodeFunctionData("confirmRide", [rideId, 5]),
      );
      const err = await refused(b);
      expect(err.code).to.equal("Reverted");
      expect(err.errorName).to.equal("NotRider");
      expect(err.sentence).to.equal(`${driver.address} is not the rider of ride ${rideId}`);
    });

    it("refuses a signer over its hourly quota", async function () {
      const strict = new Relayer({ ...relayer.opts, quota: { requestsPerHour: 0, gasPerDay: 1n } });
      const server = await serve(strict, "127.0.0.1", 0);
      try {
        const b = await delegateBody(rider);
        const err = await refused(b, server.url);
        expect(err.code).to.equal("RequestQuota");
        expect(err.sentence).to.match(/already sent \d+ requests in the last hour, this relayer's limit per signer$/);
      } finally {
        await server.close();
      }
    });

    it("refuses a permit whose spender is not a suite contract that pulls the token", async function () {
      const thief = Wallet.createRandom().address;
      const b = await permitBody(rider, deployment.fareToken.address, thief, usd("1"));
      const err = await refusedPermit(b);
      expect(err.code).to.equal("SpenderNotAllowed");
      expect(err.sentence).to.equal(
        `${thief} is not a suite contract that pulls the fare token, so this relayer submits no permit for it`,
      );
      expect(err.hint).to.match(/may only name RideMarket or DisputeCourt as the spender/);
    });

    it("refuses a RIDE permit for the market (only the arbiter pool pulls RIDE)", async function () {
      const market = deployment.contracts.RideMarket.address;
      const b = await permitBody(driver, deployment.contracts.CoopToken.address, market, 1n);
      const err = await refusedPermit(b);
      expect(err.code).to.equal("SpenderNotAllowed");
      expect(err.sentence).to.equal(
        `${market} is not a suite contract that pulls RIDE, so this relayer submits no permit for it`,
      );
    });

    it("refuses a permit for a token that is neither the fare token nor RIDE", async function () {
      const [, funded] = await hre.ethers.getSigners();
      const other = await (await hre.ethers.getContractFactory("TestUSD", funded)).deploy();
      const token = await other.getAddress();
      const b = await permitBody(rider, token, deployment.contracts.RideMarket.address, 1n);
      const err = await refusedPermit(b);
      expect(err.code).to.equal("TokenNotAllowed");
      expect(err.sentence).to.equal(
        `${token} is neither the fare token nor RIDE, so this relayer submits no permit for it`,
      );
    });

    it("refuses an expired permit", async function () {
      const b = await permitBody(rider, deployment.fareToken.address, deployment.contracts.RideMarket.address, 1n, {
        deadline: 1n,
      });
      const err = await refusedPermit(b);
      expect(err.code).to.equal("Expired");
      expect(err.message).to.match(
        /^RelayerExpired: the signed permit expired at 1970-01-01T00:00:01\.000Z\. Hint: sign it again/,
      );
    });

    it("refuses a permit signed by someone other than its owner", async function () {
      const b = await permitBody(driver, deployment.fareToken.address, deployment.contracts.RideMarket.address, 1n);
      b.permit.owner = rider.address;
      const err = await refusedPermit(b);
      expect(err.code).to.equal("BadSignature");
      expect(err.sentence).to.match(
        new RegExp(`^the signature is not ${rider.address}'s over this permit at its token nonce \\d+$`),
      );
    });

    it("refuses a permit whose token nonce is used (it already ran)", async function () {
      const b = await permitBody(rider, deployment.fareToken.address, deployment.contracts.RideMarket.address, 1n);
      const accepted = await new RelayClient(http.url).permit(b);
      const done = await new RelayClient(http.url).settled(accepted.id, 100);
      expect([done.kind, done.status]).to.deep.equal(["permit", "mined"]);
      const err = await refusedPermit(b);
      expect(err.code).to.equal("Replayed");
      expect(err.sentence).to.match(
        /^0x[0-9a-fA-F]{40}'s token nonce \d+ is used: this permit already ran \(or another one took its nonce\)$/,
      );
    });

    it("refuses a second copy of a permit it is still sending", async function () {
      const b = await permitBody(rider, deployment.fareToken.address, deployment.contracts.RideMarket.address, 2n);
      const client = new RelayClient(http.url);
      await rpcCall("evm_setAutomine", [false]);
      try {
        const first = await client.permit(b);
        const err = await refusedPermit(b);
        expect(err.code).to.equal("Replayed");
        expect(err.sentence).to.equal(
          `${rider.address}'s permit at token nonce ${b.permit.nonce} is already accepted here as request ${first.id}, not mined yet`,
        );
        await rpcCall("evm_mine");
        expect((await client.settled(first.id, 100)).status).to.equal("mined");
      } finally {
        await rpcCall("evm_setAutomine", [true]);
      }
    });

    it("refuses a second copy of a request it is still sending", async function () {
      const b = await delegateBody(rider);
      const client = new RelayClient(http.url);
      await rpcCall("evm_setAutomine", [false]);
      try {
        const first = await client.relay(b);
        const err = await refused(b);
        expect(err.code).to.equal("Replayed");
        expect(err.sentence).to.equal(
          `${rider.address}'s request at forwarder nonce ${b.request.nonce} is already accepted here as request ${first.id}, not mined yet`,
        );
        await rpcCall("evm_mine");
        expect((await client.settled(first.id, 100)).status).to.equal("mined");
      } finally {
        await rpcCall("evm_setAutomine", [true]);
      }
    });

    it("counts refusals per reason in its public status", async function () {
      const status = await new RelayClient(http.url).status();
      expect(status.refused).to.include.keys([
        "Replayed",
        "Expired",
        "TargetNotAllowed",
        "SelectorNotAllowed",
        "ValueNotZero",
        "Reverted",
        "SpenderNotAllowed",
        "TokenNotAllowed",
        "BadSignature",
      ]);
      expect((status.gasBySigner as Record<string, unknown>)[driver.address]).to.have.property("gasUsed");
      expect((status.requestsByKind as Record<string, number>).permit).to.be.greaterThan(0);
    });
  });

  it("replaces a stuck transaction with the same nonce and at least 10% more on both fees", async function () {
    const b = await delegateBody(rider);
    // Its own relayer: no replacement until the first transaction has been read from the pool.
    const stuckStore = await RelayStore.open(undefined);
    const stuck = new Relayer({
      ...relayer.opts,
      store: stuckStore,
      wallet: hardhatKey(7).connect(provider),
      replaceAfterMs: 3_600_000,
    });
    await stuck.start();
    const server = await serve(stuck, "127.0.0.1", 0);
    await rpcCall("evm_setAutomine", [false]);
    try {
      const client = new RelayClient(server.url);
      const { id, txHash } = await client.relay(b);
      const first = await provider.getTransaction(txHash ?? "");
      expect(first?.blockNumber).to.equal(null);
      stuck.opts.replaceAfterMs = 0;
      let s = await client.request(id);
      while (s.txHashes.length < 2) {
        await new Promise((r) => setTimeout(r, 100));
        s = await client.request(id);
      }
      await rpcCall("evm_mine");
      const done = await client.settled(id, 100);
      expect(done.status).to.equal("mined");
      expect(done.txHash).to.equal(done.txHashes.at(-1)).and.not.equal(txHash);
      const last = await provider.getTransaction(done.txHash ?? "");
      expect(last?.nonce).to.equal(first?.nonce);
      expect(last?.maxFeePerGas).to.be.gte(((first?.maxFeePerGas ?? 0n) * 110n) / 100n);
      expect(last?.maxPriorityFeePerGas).to.be.gte(((first?.maxPriorityFeePerGas ?? 0n) * 110n) / 100n);
    } finally {
      await rpcCall("evm_setAutomine", [true]);
      await server.close();
      await stuck.stop();
      await stuckStore.close();
    }
  });

  describe("killed mid-flight and restarted", function () {
    let dataDir = "";
    let child: ChildProcess | undefined;

    function start(): Promise<{ proc: ChildProcess; url: string }> {
      const proc = spawn(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          path.join(ROOT, "src", "relayer", "main.ts"),
          "--rpc",
          rpc,
          "--deployment",
          path.join(ROOT, "deployments", "hardhat.json"),
          "--account",
          "8",
          "--data-dir",
          dataDir,
          "--port",
          "0",
          "--poll-ms",
          "100",
          "--replace-after",
          "3600",
        ],
        { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      child = proc;
      let out = "";
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the relayer did not start:\n${out}`)), SPAWN_MS);
        proc.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m !== null) {
            clearTimeout(timer);
            resolve({ proc, url: m[1] });
          }
        });
        proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
        proc.on("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`the relayer exited with ${code}:\n${out}`));
        });
      });
    }

    before(function () {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ridecoop-relayer-test-"));
    });

    after(async function () {
      child?.kill("SIGKILL");
      await rpcCall("evm_setAutomine", [true]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("finishes every accepted request and permit exactly once (forwarder and token nonces, ride states, the hot key's nonce)", async function () {
      const hot = hardhatKey(8).address;
      const market = RideMarket__factory.connect(deployment.contracts.RideMarket.address, provider);
      const fare = ERC20Permit__factory.connect(deployment.fareToken.address, provider);
      const [, funded] = await hre.ethers.getSigners();
      const riders = [Wallet.createRandom(), Wallet.createRandom()];
      for (const r of riders) await (await fare.connect(funded).transfer(r.address, usd("30"))).wait();
      const first = await start();
      const nonceBefore = await provider.getTransactionCount(hot, "latest");
      const nextRide = (await market.totals()).nextRideId;
      await rpcCall("evm_setAutomine", [false]);
      const client = new RelayClient(first.url);
      const ids: number[] = [];
      for (const r of riders) {
        const rc = new RideCoopClient(deployment, r.connect(provider));
        const deadline = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0) + 3600n;
        const permit = await rc.signPermit(usd("20"), deadline);
        const request = {
          pickupCell: "0x" + Buffer.from("wydm6v").toString("hex"),
          dropoffCell: "0x" + Buffer.from("wydq8e").toString("hex"),
          commitment: "0x" + "11".repeat(32),
          maxFare: usd("20"),
          expiresAt: deadline - 1800n,
          minRating: 0,
          driver: "0x0000000000000000000000000000000000000000",
        };
        const data = market.interface.encodeFunctionData("requestRideWithPermit", [
          request,
          deadline,
          permit.v,
          permit.r,
          permit.s,
        ]);
        const b = await body(r, await market.getAddress(), data);
        const accepted = await client.relay(b);
        expect(accepted.txHash).to.match(/^0x[0-9a-f]{64}$/);
        ids.push(accepted.id);
      }
      // A permit too: stored and sent like the requests, its token nonce makes a second copy revert.
      const owner = Wallet.createRandom();
      const permitted = await client.permit(
        await permitBody(owner, await fare.getAddress(), await market.getAddress(), usd("5")),
      );
      expect(permitted.txHash).to.match(/^0x[0-9a-f]{64}$/);
      first.proc.kill("SIGKILL");
      await new Promise((r) => first.proc.once("exit", r));
      await rpcCall("evm_mine");
      await rpcCall("evm_setAutomine", [true]);
      const second = await start();
      const again = new RelayClient(second.url);
      for (const id of [...ids, permitted.id]) expect((await again.settled(id, 100)).status).to.equal("mined");
      for (const r of riders) expect(await forwarder().nonces(r.address)).to.equal(1n);
      for (let i = 0n; i < 2n; i++) expect((await market.getRide(nextRide + i)).state).to.equal(1n);
      expect((await market.totals()).nextRideId).to.equal(nextRide + 2n);
      expect(await fare.nonces(owner.address)).to.equal(1n);
      expect(await fare.allowance(owner.address, await market.getAddress())).to.equal(usd("5"));
      expect(await provider.getTransactionCount(hot, "latest")).to.equal(nonceBefore + 3);
      second.proc.kill("SIGTERM");
    });
  });
});
