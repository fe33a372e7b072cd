/**
 * Gas benchmark: the gas of every user operation (first use and repeat), and the totals of the
 * happy path and the silent-rider path, measured after 10 and after 10,000 earlier rides on the
 * suite as `npx hardhat deploy` deploys it; plus governance, RIDE transfers with and without
 * the revenue-share hook, disputes, and the arbiter sum tree at 10 and 10,000 arbiters; and
 * every court operation with 10 and with 10,000 arbiters staked in the real pool
 * (scripts/bench-court.ts).
 *
 *   npm run bench:gas                     compare with gas-snapshot.json; fail on >1% growth
 *   npm run bench:gas -- --update         rewrite gas-snapshot.json
 *   npm run bench:gas -- --rides 500      a quicker look (no snapshot is written)
 *   npm run bench:gas -- --arbiters 1000  the court with fewer arbiters (no snapshot is written)
 *
 * Budgets live here, never in timed tests: the repeat happy path must stay under 300,000 gas,
 * and a draw may grow by at most DRAW_GAS_PER_LEVEL per seat for each level the pool's sum
 * tree gains (logarithmic in the number of arbiters).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseUnits, type ContractTransactionResponse } from "ethers";
import {
  ArbiterPool__factory,
  BlockhashRandomness__factory,
  DisputeCourt__factory,
  RideCoopForwarder__factory,
  TestUSD__factory,
  type ArbiterPool,
  type DisputeCourt,
  type RideCoopForwarder,
  type TestUSD,
} from "../typechain-types";
import { parseParamChange, RideCoopClient, signForwardRequest } from "../src/client";
import { deployRideCoop } from "../src/deploy";
import { courtScenario, NEEDS_ELEVEN, type CourtScenario } from "./bench-court";
import { calldataGas, groupGas, measuredRequest } from "./gas-common";

const SNAPSHOT = path.join(__dirname, "..", "gas-snapshot.json");
const TOLERANCE = 0.01;
const HAPPY_PATH_BUDGET = 300_000n;
const HAPPY_PATH_AIM = 220_000n;
const WEEK = 7 * 24 * 3600;
/** The court is measured with this many arbiters and with `--arbiters` (10,000 in the snapshot). */
const FEW_ARBITERS = 10;
/**
 * Most a draw may grow per seat for each level its sum tree gains: a level costs a draw at
 * most 4 cold reads (walking down) and two path writes (masking the drawn leaf and restoring
 * it), about 15,000 gas. A scan of 10,000 leaves would cost over 21,000,000.
 */
const DRAW_GAS_PER_LEVEL = 20_000n;
const usd = (a: string): bigint => parseUnits(a, 6);
const rideWei = (a: string): bigint => parseUnits(a, 18);

interface Options {
  update: boolean;
  rides: number;
  arbiters: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { update: false, rides: 10_000, arbiters: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--update") opts.update = true;
    else if (arg === "--rides" || arg === "--arbiters") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 10 || n > 100_000) {
        throw new Error(`${arg} takes a whole number from 10 to 100,000, not "${argv[i] ?? ""}"`);
      }
      if (arg === "--rides") opts.rides = n;
      else opts.arbiters = n;
    } else throw new Error(`unknown flag ${arg}: the benchmark takes --update, --rides <n> and --arbiters <n>`);
  }
  return opts;
}

/** A transaction's gas, and the part of it its calldata costs (16 per non-zero byte, 4 per zero). */
interface Gas {
  total: bigint;
  calldata: bigint;
}
type Figures = Map<string, Gas>;

async function gasOf(tx: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<Gas> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return { total: receipt.gasUsed, calldata: calldataGas(sent.data) };
}

function sum(...parts: Gas[]): Gas {
  return parts.reduce((a, b) => ({ total: a.total + b.total, calldata: a.calldata + b.calldata }));
}

/** What a TxResult from the client reports, with the calldata of its transaction. */
async function gasOfResult(r: { gasUsed: bigint; hash: string }): Promise<Gas> {
  const tx = await hre.ethers.provider.getTransaction(r.hash);
  if (tx === null) throw new Error(`transaction ${r.hash} not found`);
  return { total: r.gasUsed, calldata: calldataGas(tx.data) };
}

interface Bench {
  client: RideCoopClient;
  tusd: TestUSD;
  court: DisputeCourt;
  pool: ArbiterPool;
  forwarder: RideCoopForwarder;
  randomnessDelay: number;
  riders: HardhatEthersSigner[];
  drivers: HardhatEthersSigner[];
  others: HardhatEthersSigner[];
}

/** The suite as `npx hardhat deploy` makes it, with riders and drivers funded and approved. */
async function deploy(): Promise<Bench> {
  const { deployment } = await deployRideCoop(hre, { fresh: true });
  const signers = await hre.ethers.getSigners();
  const [, r0, r1, r2, d0, d1, d2, ...others] = signers;
  const client = new RideCoopClient(deployment, signers[0]);
  const c = deployment.contracts;
  if (
    c.TestUSD === undefined ||
    c.DisputeCourt === undefined ||
    c.ArbiterPool === undefined ||
    c.Randomness === undefined ||
    c.Forwarder === undefined
  ) {
    throw new Error("the benchmark needs the whole local suite (TestUSD and the dispute court)");
  }
  const tusd = TestUSD__factory.connect(c.TestUSD.address, signers[0]);
  const court = DisputeCourt__factory.connect(c.DisputeCourt.address, signers[0]);
  const pool = ArbiterPool__factory.connect(c.ArbiterPool.address, signers[0]);
  const forwarder = RideCoopForwarder__factory.connect(c.Forwarder.address, signers[0]);
  const randomnessDelay = Number(
    await BlockhashRandomness__factory.connect(c.Randomness.address, signers[0]).delayBlocks(),
  );
  const market = await client.market.getAddress();
  for (const who of [r0, r1, r2, d0, d1, d2, ...others.slice(0, 6)]) {
    await tusd.connect(who).faucet(usd("1000"));
    await tusd.connect(who).approve(market, hre.ethers.MaxUint256);
    await tusd.connect(who).approve(await court.getAddress(), hre.ethers.MaxUint256);
  }
  for (const d of [d0, d1, d2]) await client.market.connect(d).registerDriver(usd("100"));
  return {
    client,
    tusd,
    court,
    pool,
    forwarder,
    randomnessDelay,
    riders: [r0, r1, r2],
    drivers: [d0, d1, d2],
    others,
  };
}

/** Requests a ride of `fare` as `rider`; its id and the request's gas. */
async function request(b: Bench, rider: HardhatEthersSigner, fare: bigint): Promise<{ id: bigint; gas: Gas }> {
  const id = (await b.client.market.totals()).nextRideId;
  const tx = b.client.market.connect(rider).requestRide(await measuredRequest(fare));
  return { id, gas: await gasOf(tx) };
}

/** `n` full rides by a background pair, so the measured pair meets a market with history. */
async function backgroundRides(b: Bench, n: number): Promise<void> {
  const { market } = b.client;
  const [rider, driver] = [b.riders[2], b.drivers[2]];
  const fare = usd("1");
  for (let i = 0; i < n; i++) {
    const { id } = await request(b, rider, fare);
    await market.connect(driver).acceptRide(id, fare);
    await market.connect(driver).startRide(id);
    await market.connect(rider).confirmRide(id, 5);
    // The faucet gives 1,000 tUSD a day: the fares go round from the driver back to the rider.
    if ((i + 1) % 500 === 0) {
      await market.connect(driver).withdraw(rider.address);
    }
    if ((i + 1) % 2_000 === 0) console.log(`  ${i + 1} earlier rides`);
  }
}

/**
 * The first rewarded ride of a reward epoch also has RIDE appraise itself and sets the week's
 * price (docs/TOKEN.md, "What RIDE costs"): once a week, paid by that ride's confirmation.
 * Measured last, since it moves the clock to the next epoch.
 */
async function measureWeeklyPrice(b: Bench, out: Figures): Promise<void> {
  const { market } = b.client;
  const [rider, driver] = [b.riders[2], b.drivers[2]];
  const fare = usd("20");
  await time.increaseTo((Math.floor((await time.latest()) / WEEK) + 1) * WEEK + 60);
  const { id } = await request(b, rider, fare);
  await market.connect(driver).acceptRide(id, fare);
  await market.connect(driver).startRide(id);
  out.set("market.confirmRide.newEpoch", await gasOf(market.connect(rider).confirmRide(id, 5)));
  const next = await request(b, rider, fare);
  await market.connect(driver).acceptRide(next.id, fare);
  await market.connect(driver).startRide(next.id);
  out.set("market.confirmRide.samePairAfterPrice", await gasOf(market.connect(rider).confirmRide(next.id, 5)));
}

/** Every market operation by a fresh rider-driver pair, first use then repeat. */
async function measureMarket(b: Bench, out: Figures): Promise<void> {
  const { market } = b.client;
  const [rider, driver, other] = [b.riders[0], b.drivers[0], b.drivers[1]];
  const fare = usd("20");
  const record = (name: string, gas: Gas) => out.set(name, gas);

  const newcomer = b.others[0];
  record("market.registerDriver", await gasOf(market.connect(newcomer).registerDriver(usd("100"))));

  for (const round of ["first", "repeat"] as const) {
    const { id: rideId, gas: req } = await request(b, rider, fare);
    let id = rideId;
    const accept = await gasOf(market.connect(driver).acceptRide(id, fare));
    const start = await gasOf(market.connect(driver).startRide(id));
    const confirm = await gasOf(market.connect(rider).confirmRide(id, 5));
    record(`market.requestRide.${round}`, req);
    record(`market.acceptRide.${round}`, accept);
    record(`market.startRide.${round}`, start);
    record(`market.confirmRide.${round}`, confirm);
    record(`path.happy.${round}`, sum(req, accept, start, confirm));
    record(`market.rate.${round}`, await gasOf(market.connect(driver).rate(id, 5)));

    // The silent rider: the driver completes, anyone finalizes after the window.
    const silent = await request(b, rider, fare);
    id = silent.id;
    const r2 = silent.gas;
    const a2 = await gasOf(market.connect(driver).acceptRide(id, fare));
    const s2 = await gasOf(market.connect(driver).startRide(id));
    const complete = await gasOf(market.connect(driver).completeRide(id));
    await time.increase(Number((await market.parameters())[0].confirmWindow) + 1);
    const finalize = await gasOf(market.connect(other).finalizeRide(id));
    record(`market.completeRide.${round}`, complete);
    record(`market.finalizeRide.${round}`, finalize);
    record(`path.silentRider.${round}`, sum(r2, a2, s2, complete, finalize));

    // An offer below the max fare, taken by the rider; arrival; a cancellation after it.
    id = (await request(b, rider, fare)).id;
    const expiry = (await time.latest()) + 600;
    record(`market.makeOffer.${round}`, await gasOf(market.connect(driver).makeOffer(id, usd("18"), expiry)));
    record(
      `market.acceptOffer.${round}`,
      await gasOf(market.connect(rider).acceptOffer(id, driver.address, usd("18"))),
    );
    record(`market.markArrived.${round}`, await gasOf(market.connect(driver).markArrived(id)));
    record(`market.cancelRide.accepted.${round}`, await gasOf(market.connect(rider).cancelRide(id)));

    id = (await request(b, rider, fare)).id;
    record(`market.cancelRide.requested.${round}`, await gasOf(market.connect(rider).cancelRide(id)));

    record(`market.withdraw.${round}`, await gasOf(market.connect(driver).withdraw(driver.address)));
    record(`market.claimRewards.${round}`, await gasOf(market.connect(driver).claimRewards()));
    record(`token.claimRevenue.${round}`, await gasOf(b.client.token.connect(driver).claimRevenue(driver.address)));
  }
}

/**
 * The happy path gasless (issue 14): each step signed by its rider or driver and submitted through
 * the ERC-2771 forwarder by a relayer, which pays. A fresh pair (first, then repeat), measured last
 * like the direct pair's first and repeat: `forwarded.<op>.<round>` less `market.<op>.<round>` is
 * what the forwarder adds (signature check, nonce, event, the longer calldata).
 */
async function measureForwarded(b: Bench, out: Figures): Promise<void> {
  const { market } = b.client;
  const [rider, driver, relayer] = [b.others[4], b.others[5], b.others[6]];
  await market.connect(driver).registerDriver(usd("100"));
  const target = await market.getAddress();
  const forward = async (who: HardhatEthersSigner, data: string): Promise<Gas> => {
    const signed = await signForwardRequest(b.forwarder, who, target, data);
    return gasOf(b.forwarder.connect(relayer).execute(signed));
  };
  const fare = usd("20");
  for (const round of ["first", "repeat"] as const) {
    const id = (await market.totals()).nextRideId;
    const req = await forward(rider, market.interface.encodeFunctionData("requestRide", [await measuredRequest(fare)]));
    const accept = await forward(driver, market.interface.encodeFunctionData("acceptRide", [id, fare]));
    const start = await forward(driver, market.interface.encodeFunctionData("startRide", [id]));
    const confirm = await forward(rider, market.interface.encodeFunctionData("confirmRide", [id, 5]));
    out.set(`forwarded.requestRide.${round}`, req);
    out.set(`forwarded.acceptRide.${round}`, accept);
    out.set(`forwarded.startRide.${round}`, start);
    out.set(`forwarded.confirmRide.${round}`, confirm);
    out.set(`path.happy.forwarded.${round}`, sum(req, accept, start, confirm));
    out.set(
      `forwarded.withdraw.${round}`,
      await forward(driver, market.interface.encodeFunctionData("withdraw", [driver.address])),
    );
  }
}

/**
 * The happy path funded from a balance in the market (issue 16): the rider deposits once, then
 * each request escrows from its credit (`requestRideFromCredit`, no token call). A fresh pair,
 * first then repeat; the deposit is measured too (a first deposit fills the credit slot).
 */
async function measureFromCredit(b: Bench, out: Figures): Promise<void> {
  const { market } = b.client;
  const [rider, driver] = [b.others[7], b.others[8]];
  for (const who of [rider, driver]) {
    await b.tusd.connect(who).faucet(usd("1000"));
    await b.tusd.connect(who).approve(await market.getAddress(), hre.ethers.MaxUint256);
  }
  await market.connect(driver).registerDriver(usd("100"));
  const fare = usd("20");
  for (const round of ["first", "repeat"] as const) {
    out.set(`credit.deposit.${round}`, await gasOf(market.connect(rider).deposit(usd("100"))));
    const id = (await market.totals()).nextRideId;
    const req = await gasOf(market.connect(rider).requestRideFromCredit(await measuredRequest(fare)));
    const accept = await gasOf(market.connect(driver).acceptRide(id, fare));
    const start = await gasOf(market.connect(driver).startRide(id));
    const confirm = await gasOf(market.connect(rider).confirmRide(id, 5));
    out.set(`credit.requestRideFromCredit.${round}`, req);
    out.set(`credit.acceptRide.${round}`, accept);
    out.set(`credit.startRide.${round}`, start);
    out.set(`credit.confirmRide.${round}`, confirm);
    out.set(`path.happy.credit.${round}`, sum(req, accept, start, confirm));
  }
}

/** A RIDE transfer with the revenue-share hook against the same transfer of a plain ERC20Votes. */
async function measureToken(b: Bench, out: Figures): Promise<void> {
  const [holder, receiver] = [b.drivers[0], b.riders[0]];
  const plain = await hre.ethers.deployContract("PlainVotesToken");
  await plain.mint(holder.address, rideWei("100"));
  for (const round of ["first", "repeat"] as const) {
    out.set(
      `token.transfer.${round}`,
      await gasOf(b.client.token.connect(holder).transfer(receiver.address, rideWei("1"))),
    );
    out.set(
      `plainVotes.transfer.${round}`,
      await gasOf(plain.connect(holder).transfer(receiver.address, rideWei("1"))),
    );
  }
}

/** Propose a fee change, vote (directly and by signature), queue and execute. */
async function measureGovernance(b: Bench, out: Figures): Promise<void> {
  const [proposer, sigVoter, relayer] = [b.drivers[0], b.drivers[1], b.others[1]];
  // The second voter earns RIDE from a confirmed ride, like every holder.
  const { market } = b.client;
  const { id } = await request(b, b.riders[1], usd("20"));
  await market.connect(sigVoter).acceptRide(id, usd("20"));
  await market.connect(sigVoter).startRide(id);
  await market.connect(b.riders[1]).confirmRide(id, 5);
  await market.connect(sigVoter).claimRewards();
  await mine(1);

  const asProposer = b.client.as(proposer);
  const { proposalId, tx } = await asProposer.propose(
    [parseParamChange("fee=3%", { fare: b.client.fareUnit, ride: b.client.rideUnit })],
    "Lower the cooperative fee to 3%",
  );
  out.set("governor.propose", await gasOfResult(tx));
  await time.increase(Number(await b.client.governor.votingDelay()) + 1);
  out.set("governor.castVote", await gasOfResult(await asProposer.vote(proposalId, 1)));
  const ballot = await b.client.as(sigVoter).signBallot(proposalId, 1);
  out.set(
    "governor.castVoteBySig",
    await gasOfResult(await b.client.as(relayer).voteBySig(proposalId, 1, ballot.voter, ballot.signature)),
  );
  const deadline = await b.client.governor.proposalDeadline(proposalId);
  await time.increaseTo(deadline + 1n);
  out.set("governor.queue", await gasOfResult(await asProposer.queue(proposalId)));
  await time.increaseTo((await b.client.governor.proposalEta(proposalId)) + 1n);
  out.set("governor.execute", await gasOfResult(await asProposer.execute(proposalId)));
}

/** `driver` (registered) drives a 100 tUSD ride, claims its RIDE and approves the pool to stake it. */
async function earnRideForPool(b: Bench, driver: HardhatEthersSigner): Promise<void> {
  const { market, token } = b.client;
  const own = await request(b, b.riders[0], usd("100"));
  await market.connect(driver).acceptRide(own.id, usd("100"));
  await market.connect(driver).startRide(own.id);
  await market.connect(b.riders[0]).confirmRide(own.id, 5);
  await market.connect(driver).claimRewards();
  await token.connect(driver).approve(await b.pool.getAddress(), hre.ethers.MaxUint256);
}

/** Disputes: open, settle, draw, rule, appeal; arbiter stake and unstake. */
async function measureDisputes(b: Bench, out: Figures): Promise<void> {
  const { market } = b.client;
  const { court, pool } = b;
  const [rider, driver] = [b.riders[1], b.drivers[1]];
  // One arbiter, the newcomer driver, earns RIDE from a ride of its own and stakes it: with a
  // single eligible arbiter the draw's path does not depend on the block hash.
  const arbiter = b.others[0];
  await earnRideForPool(b, arbiter);
  out.set("pool.stake.first", await gasOf(pool.connect(arbiter).stake(rideWei("20"))));
  out.set("pool.stake.repeat", await gasOf(pool.connect(arbiter).stake(rideWei("20"))));
  let id = (await request(b, rider, usd("20"))).id;
  await market.connect(driver).acceptRide(id, usd("20"));
  out.set("court.openDispute", await gasOf(court.connect(rider).openDispute(id)));
  out.set("court.proposeSettlement", await gasOf(court.connect(rider).proposeSettlement(id, 6_000)));
  out.set("court.acceptSettlement", await gasOf(court.connect(driver).acceptSettlement(id, 6_000)));

  id = (await request(b, rider, usd("20"))).id;
  await market.connect(driver).acceptRide(id, usd("20"));
  await court.connect(rider).openDispute(id);
  await time.increase(Number(await pool.MIN_STAKING_TIME()));
  out.set("pool.passPhase.toGenerating", await gasOf(pool.passPhase()));
  await mine(b.randomnessDelay + 1);
  out.set("pool.passPhase.toDrawing", await gasOf(pool.passPhase()));
  out.set("court.drawArbiters.oneSeat", await gasOf(court.drawArbiters(id)));
  out.set("pool.passPhase.toStaking", await gasOf(pool.passPhase()));
  // Three more stakers only now (rides of their own), so that an appeal's three seats can be
  // filled: with one eligible arbiter at the draw, its path does not depend on the block hash,
  // and the draw costs the same after 10 and after 10,000 earlier rides.
  for (const extra of b.others.slice(1, 4)) {
    await market.connect(extra).registerDriver(usd("100"));
    await earnRideForPool(b, extra);
    await pool.connect(extra).stake(rideWei("20"));
  }

  const seat = await court.getSeat(id, 0, 0);
  const seated = b.others.slice(0, 4).find((o) => o.address === seat.arbiter);
  if (seated === undefined) throw new Error(`unexpected arbiter ${seat.arbiter}`);
  out.set("pool.applyDelayed", await gasOf(pool.applyDelayed(seated.address)));
  out.set("court.rule", await gasOf(court.connect(seated).rule(id, 10_000)));
  out.set("court.appeal", await gasOf(court.connect(driver).appeal(id, await court.appealFee(id, 1))));

  out.set("pool.requestUnstake", await gasOf(pool.connect(arbiter).requestUnstake(rideWei("1"))));
  await time.increase(Number((await pool.parameters()).unstakeCooldown) + 1);
  out.set("pool.withdrawUnstaked", await gasOf(pool.connect(arbiter).withdrawUnstaked(arbiter.address)));
}

/** The sum tree alone at 10 and at 10,000 arbiters: a draw and a stake update grow with log n. */
async function measureTree(out: Figures): Promise<void> {
  const tree = await hre.ethers.deployContract("SortitionTreeHarness");
  const grow = async (from: number, to: number) => {
    for (let first = from; first < to; first += 100) {
      await tree.fill(0x1000 + first, Math.min(100, to - first), { gasLimit: 16_000_000 });
    }
  };
  const random = 2n ** 255n + 12_345n;
  const probe = hre.ethers.getAddress("0x0000000000000000000000000000000000001003");
  await grow(0, 10);
  out.set("tree.draw.10arbiters", await gasOf(tree.drawTx(random)));
  out.set("tree.update.10arbiters", await gasOf(tree.set(probe, rideWei("2"))));
  await grow(10, 10_000);
  out.set("tree.draw.10000arbiters", await gasOf(tree.drawTx(random)));
  out.set("tree.update.10000arbiters", await gasOf(tree.set(probe, rideWei("3"))));
}

async function scenario(earlierRides: number): Promise<Figures> {
  await hre.network.provider.send("hardhat_reset");
  // Start at the beginning of a reward epoch so no run crosses an epoch boundary.
  const now = await time.latest();
  await time.increaseTo((Math.floor(now / WEEK) + 1) * WEEK + 3600);
  const b = await deploy();
  console.log(`scenario: ${earlierRides} earlier rides`);
  await backgroundRides(b, earlierRides);
  const figures: Figures = new Map();
  await measureMarket(b, figures);
  await measureToken(b, figures);
  await measureGovernance(b, figures);
  await measureDisputes(b, figures);
  await measureWeeklyPrice(b, figures);
  await measureForwarded(b, figures);
  await measureFromCredit(b, figures);
  return figures;
}

interface Snapshot {
  note: string;
  earlierRides: [number, number];
  gas: Record<string, { at10: number; atMany: number }>;
  tree: Record<string, number>;
  /** Staked arbiters of the court's two columns. */
  courtArbiters?: [number, number];
  /** Court operations with few and many arbiters; null where that pool cannot seat the round. */
  court?: Record<string, { few: number | null; many: number | null }>;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

const fmtGas = (g: bigint | undefined): string => (g === undefined ? "unseatable" : groupGas(g));

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  // The court's draws walk the sum tree along a path chosen by block hashes: they are the same
  // on every run only from a fixed genesis (hardhat.config.ts), which `npm run bench:gas` sets.
  if (process.env.RIDECOOP_FIXED_GENESIS !== "1") {
    throw new Error("run the benchmark as `npm run bench:gas` (it needs RIDECOOP_FIXED_GENESIS=1)");
  }
  const few = await scenario(10);
  const many = await scenario(opts.rides);
  const tree: Figures = new Map();
  await measureTree(tree);
  const courts: CourtScenario[] = [];
  for (const arbiters of [FEW_ARBITERS, opts.arbiters]) {
    console.log(`court: ${arbiters} staked arbiters`);
    const c = await courtScenario(arbiters);
    console.log(`  staked in ${c.populateSeconds.toFixed(0)} s; scenario ${c.totalSeconds.toFixed(0)} s`);
    courts.push(c);
  }
  const [courtFew, courtMany] = courts;

  const failures: string[] = [];
  const previous: Snapshot | undefined = fs.existsSync(SNAPSHOT)
    ? (JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Snapshot)
    : undefined;
  const compare = (name: string, value: bigint, snap: number | undefined): string => {
    if (snap === undefined) {
      if (!opts.update) failures.push(`${name}: not in the snapshot (run with --update)`);
      return "new";
    }
    if (Number(value) > snap * (1 + TOLERANCE)) {
      failures.push(`${name}: ${value} gas is more than 1% over the snapshot's ${snap}`);
      return `${snap} (GREW)`;
    }
    return Number(value) < snap ? `${snap} (lower)` : String(snap);
  };

  console.log(`\n${pad("operation", 38)}${pad("at 10", 10)}${pad(`at ${opts.rides}`, 12)}snapshot`);
  for (const [name, at10] of few) {
    const atMany = many.get(name);
    if (atMany === undefined) throw new Error(`${name} was measured after 10 rides only`);
    // Execution gas must be equal; calldata may differ (a larger ride id has more non-zero bytes).
    if (atMany.total - atMany.calldata !== at10.total - at10.calldata) {
      failures.push(
        `${name}: ${at10.total - at10.calldata} execution gas after 10 rides but ` +
          `${atMany.total - atMany.calldata} after ${opts.rides}`,
      );
    }
    const note = compare(name, at10.total, previous?.gas[name]?.at10);
    console.log(`${pad(name, 38)}${pad(String(at10.total), 10)}${pad(String(atMany.total), 12)}${note}`);
  }
  console.log(`\n${pad("sum tree (arbiter pool)", 38)}gas`);
  for (const [name, gas] of tree) {
    console.log(`${pad(name, 38)}${pad(String(gas.total), 10)}${compare(name, gas.total, previous?.tree[name])}`);
  }

  console.log(
    `\n${pad("court operation", 38)}${pad(`${FEW_ARBITERS} arbiters`, 14)}${pad(`${opts.arbiters} arbiters`, 16)}snapshot`,
  );
  const compareOptional = (name: string, value: bigint | undefined, snap: number | null | undefined): string => {
    if (value !== undefined) return compare(name, value, snap ?? undefined);
    if (typeof snap === "number") failures.push(`${name}: measured in the snapshot (${snap}) but not now`);
    return "-";
  };
  for (const [name, atFew] of courtFew.figures) {
    if (!courtMany.figures.has(name)) throw new Error(`${name} was measured with ${FEW_ARBITERS} arbiters only`);
    const atMany = courtMany.figures.get(name);
    if (atMany === undefined && !NEEDS_ELEVEN.includes(name))
      failures.push(`${name}: not measured with ${opts.arbiters} arbiters`);
    const snap = previous?.court?.[name];
    // Like --rides, --arbiters other than the snapshot's is a look: only the few-arbiter column is compared.
    const notes = [compareOptional(`${name} (${FEW_ARBITERS} arbiters)`, atFew, snap?.few)];
    if (opts.arbiters === (previous?.courtArbiters?.[1] ?? 10_000)) {
      notes.push(compareOptional(`${name} (${opts.arbiters} arbiters)`, atMany, snap?.many));
    }
    console.log(`${pad(name, 38)}${pad(fmtGas(atFew), 14)}${pad(fmtGas(atMany), 16)}${notes.join(" / ")}`);
  }
  // The draw is logarithmic: its growth per seat and per level the tree gained stays bounded.
  const levels = BigInt(courtMany.depth - courtFew.depth);
  for (const [name, seats] of [
    ["court.drawArbiters.oneSeat", 1n],
    ["court.drawArbiters.threeSeats", 3n],
  ] as const) {
    const a = courtFew.figures.get(name);
    const b = courtMany.figures.get(name);
    if (a === undefined || b === undefined) throw new Error(`${name} was not measured`);
    const perLevel = levels === 0n ? 0n : (b - a) / levels / seats;
    console.log(
      `${name}: ${fmtGas(a)} gas at depth ${courtFew.depth}, ${fmtGas(b)} at depth ${courtMany.depth}: ` +
        `${fmtGas(perLevel)} per seat and level (at most ${fmtGas(DRAW_GAS_PER_LEVEL)})`,
    );
    if (perLevel > DRAW_GAS_PER_LEVEL) {
      failures.push(`${name} grew by ${perLevel} gas per seat and level of the tree: not logarithmic`);
    }
  }

  // K = 4: from 10 to 10,000 arbiters the tree gains five levels; a draw reads 4 more slots
  // per level. Linear growth would cost millions.
  const drawGrowth =
    (tree.get("tree.draw.10000arbiters")?.total ?? 0n) - (tree.get("tree.draw.10arbiters")?.total ?? 0n);
  if (drawGrowth > 60_000n)
    failures.push(`a draw grew by ${drawGrowth} gas from 10 to 10,000 arbiters: not logarithmic`);

  const happy = few.get("path.happy.repeat")?.total ?? 0n;
  console.log(
    `\nrepeat happy path (request, accept, pickup, confirm): ${happy} gas; budget ${HAPPY_PATH_BUDGET}, aim ${HAPPY_PATH_AIM}`,
  );
  // Issue 16's budgets, reported (the gate above stays the 300,000 budget until they are met).
  for (const [name, budget] of [
    ["path.happy.repeat", 230_000n],
    ["path.happy.credit.repeat", 210_000n],
    ["path.happy.first", 285_000n],
    ["path.silentRider.repeat", 245_000n],
  ] as const) {
    const gas = few.get(name)?.total ?? 0n;
    const over = gas > budget ? `over by ${fmtGas(gas - budget)}` : "within";
    console.log(`issue 16: ${pad(name, 28)} ${fmtGas(gas)} gas, budget ${fmtGas(budget)}: ${over}`);
  }
  if (happy > HAPPY_PATH_BUDGET)
    failures.push(`the repeat happy path costs ${happy} gas, over the ${HAPPY_PATH_BUDGET} budget`);

  if (opts.update) {
    if (opts.rides !== 10_000) throw new Error("--update records the snapshot at 10,000 earlier rides: drop --rides");
    if (opts.arbiters !== 10_000) throw new Error("--update records the court with 10,000 arbiters: drop --arbiters");
    const snapshot: Snapshot = {
      note:
        "Written by `npm run bench:gas -- --update`. at10/atMany: total gas after 10 and 10,000 earlier rides " +
        "(they differ only by calldata: a larger ride id has more non-zero bytes; execution gas is equal). " +
        "court: few/many: total gas with 10 and 10,000 staked arbiters (null: a pool of 10 cannot seat round 2).",
      earlierRides: [10, opts.rides],
      gas: Object.fromEntries(
        [...few].map(([name, gas]) => [
          name,
          { at10: Number(gas.total), atMany: Number(many.get(name)?.total ?? -1n) },
        ]),
      ),
      tree: Object.fromEntries([...tree].map(([name, gas]) => [name, Number(gas.total)])),
      courtArbiters: [FEW_ARBITERS, opts.arbiters],
      court: Object.fromEntries(
        [...courtFew.figures].map(([name, gas]) => {
          const many = courtMany.figures.get(name);
          return [
            name,
            { few: gas === undefined ? null : Number(gas), many: many === undefined ? null : Number(many) },
          ];
        }),
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
  console.error(process.env.RIDECOOP_DEBUG ? err : err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
