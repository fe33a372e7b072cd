/**
 * The court's part of the gas benchmark (scripts/bench-gas.ts): every court operation a person
 * triggers, measured against the suite as `npx hardhat deploy` deploys it, with `arbiters`
 * staked arbiters in the real ArbiterPool (10 and 10,000 in the snapshot).
 *
 * The arbiters get their RIDE the only way RIDE exists, from confirmed rides: drivers each drive
 * one ride of the pair cap with each of up to 50 riders (the per-driver cap), claim, and send
 * every arbiter the draw lock (10 RIDE); each arbiter approves the pool and stakes it. Those
 * transactions are sent from impersonated accounts with automine off and mined many to a block
 * (gas price 0: nobody needs ETH), which is what keeps 10,000 arbiters at about a minute.
 *
 * Every block has a pinned timestamp and the genesis is fixed (`RIDECOOP_FIXED_GENESIS=1`, set
 * by `npm run bench:gas`), so block hashes, the local randomness and with it which arbiter a
 * draw walks to are the same on every run: the draw's gas (which depends on the path) can be
 * held to a snapshot.
 */
import hre from "hardhat";
import { PrivateKey } from "eciesjs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  encodeBytes32String,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  ZeroAddress,
  type ContractTransactionResponse,
} from "ethers";
import {
  ArbiterPool__factory,
  BlockhashRandomness__factory,
  DisputeCourt__factory,
  KeyRegistry__factory,
  TestUSD__factory,
  type ArbiterPool,
  type CoopToken,
  type DisputeCourt,
  type KeyRegistry,
  type RideMarket,
  type TestUSD,
} from "../typechain-types";
import { RideCoopClient, type RideSecret } from "../src/client";
import { deployRideCoop } from "../src/deploy";
import { cellOf, cellToBytes6, routeCommitment, type LatLon } from "../src/geo";
import { withFixedTimestamps } from "../src/sim/deploy";

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** What one of the simulation's people needs for gas when it signs as itself (100 ETH). */
const ETH_FOR_GAS = "0x56BC75E2D63100000";
/** Gas limit of each batched population transaction (blocks fill by gas used, not by limit). */
const BATCH_GAS_LIMIT = 1_000_000n;
/**
 * Transactions sent before they are mined, about one block's worth: a large mempool slows
 * every block down (20,000 stakes at once: ~100 s; 200 at a time: ~45 s), and so do many
 * small blocks.
 */
const BATCH_CHUNK = 200;
const PICKUP: LatLon = { lat: 37.5665, lon: 126.978 };
const DROPOFF: LatLon = { lat: 37.4979, lon: 127.0276 };

/** Gas of each court operation; `undefined`: the operation cannot happen with this pool. */
export type CourtFigures = Map<string, bigint | undefined>;

export interface CourtScenario {
  arbiters: number;
  /** Depth of the pool's 4-ary sum tree (levels a draw walks down). */
  depth: number;
  figures: CourtFigures;
  /** Wall-clock seconds to stake the arbiters, and for the whole scenario. */
  populateSeconds: number;
  totalSeconds: number;
}

/** The operations measured only where the pool can seat them (round 2 needs 11 arbiters). */
export const NEEDS_ELEVEN = ["court.appeal.round2", "court.drawArbiters.sevenSeats", "court.executeRuling.round2"];

/** Whether a call reverted with the custom error `name` (as ethers or Hardhat reports it). */
function revertedWith(err: unknown, name: string): boolean {
  if (typeof err === "object" && err !== null && "revert" in err) {
    const revert = (err as { revert: { name?: string } | null }).revert;
    if (revert?.name === name) return true;
  }
  return err instanceof Error && err.message.includes(`custom error '${name}(`);
}

/** Levels of a 4-ary sum tree holding `members` leaves (one leaf is the root itself). */
export function treeDepth(members: number): number {
  let depth = 0;
  for (let capacity = 1; capacity < members; capacity *= 4) depth++;
  return depth;
}

interface RawTx {
  from: string;
  to: string;
  data: string;
}

/**
 * The benchmark's chain time: each measured transaction is mined at the next second of this
 * clock (never at the wall clock), and batches are mined in blocks of pinned timestamps.
 */
class PinnedChain {
  constructor(public now: number) {}

  private request(method: string, params: unknown[]): Promise<unknown> {
    return hre.network.provider.request({ method, params });
  }

  advance(seconds: number): void {
    this.now += seconds;
  }

  /** Sends one transaction in its own block at the next second; its gas. */
  async send(tx: () => Promise<ContractTransactionResponse>): Promise<bigint> {
    await this.request("evm_setNextBlockTimestamp", [++this.now]);
    const receipt = await (await tx()).wait();
    if (receipt === null) throw new Error("transaction was not mined");
    return receipt.gasUsed;
  }

  /** Mines `n` empty blocks, one a second. */
  async mine(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.request("evm_mine", [++this.now]);
  }

  /**
   * Sends `txs` from impersonated accounts with automine off and mines them, many to a block
   * (each sender's in nonce order). Gas price 0 (the base fee is held at 0 while batching).
   * Callers check the outcome on chain: a reverted transaction would fail that check.
   */
  async batch(txs: RawTx[]): Promise<void> {
    await this.request("evm_setAutomine", [false]);
    try {
      // A few blocks' worth at a time: a large mempool slows every block down.
      for (let first = 0; first < txs.length; first += BATCH_CHUNK) {
        const chunk = txs.slice(first, first + BATCH_CHUNK);
        await this.request("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
        for (const tx of chunk) {
          await this.request("eth_sendTransaction", [
            { ...tx, gas: toBeHex(BATCH_GAS_LIMIT), maxFeePerGas: "0x0", maxPriorityFeePerGas: "0x0" },
          ]);
        }
        let mined = 0;
        while (mined < chunk.length) {
          await this.request("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
          await this.request("evm_mine", [++this.now]);
          const count = Number(await this.request("eth_getBlockTransactionCountByNumber", ["latest"]));
          if (count === 0) throw new Error(`a batch stalled with ${chunk.length - mined} transactions pending`);
          mined += count;
        }
      }
    } finally {
      await this.request("evm_setAutomine", [true]);
    }
  }
}

/** Deterministic accounts for the population, impersonated (they send through `batch`). */
async function population(role: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const address = getAddress(keccak256(toUtf8Bytes(`ridecoop-bench:${role}:${i}`)).slice(0, 42));
    await hre.network.provider.request({ method: "hardhat_impersonateAccount", params: [address] });
    out.push(address);
  }
  return out;
}

/** An impersonated population account as a signer, with ETH for its own gas. */
async function signerFor(address: string): Promise<HardhatEthersSigner> {
  await hre.network.provider.request({ method: "hardhat_setBalance", params: [address, ETH_FOR_GAS] });
  return hre.ethers.getImpersonatedSigner(address);
}

interface Court {
  client: RideCoopClient;
  market: RideMarket;
  token: CoopToken;
  tusd: TestUSD;
  court: DisputeCourt;
  pool: ArbiterPool;
  keys: KeyRegistry;
  delayBlocks: number;
}

/**
 * Stakes `n` arbiters, each the draw lock, with RIDE earned by rides (see the file comment).
 * Returns their addresses in staking order.
 */
async function populate(c: Court, chain: PinnedChain, n: number): Promise<string[]> {
  const { market, token, tusd, pool } = c;
  const [params, amounts, caps] = await market.parameters();
  const lock = (await pool.parameters()).drawLock;
  const fare = caps.pairFareCap;
  const reward = (fare * params.rewardPerToken) / 10n ** BigInt(c.client.fareUnit.decimals);
  const ridesPerDriver = Number(caps.driverFareCap / caps.pairFareCap);
  const rides = Number((BigInt(n) * lock + reward - 1n) / reward);
  const driverCount = Math.ceil(rides / ridesPerDriver);
  const riderCount = Math.min(rides, ridesPerDriver);
  const drivers = await population("driver", driverCount);
  const riders = await population("rider", riderCount);
  const arbiters = await population("arbiter", n);
  const marketAddress = await market.getAddress();
  const poolAddress = await pool.getAddress();
  const call = (to: string, data: string, from: string): RawTx => ({ from, to, data });
  const tusdAddress = await tusd.getAddress();
  const tokenAddress = await token.getAddress();

  // Who rides with whom: driver j with riders 0..k-1, once each (the pair cap), k <= 50.
  const pairs: { driver: number; rider: number }[] = [];
  for (let j = 0; j < driverCount; j++) {
    const k = Math.min(ridesPerDriver, rides - j * ridesPerDriver);
    for (let i = 0; i < k; i++) pairs.push({ driver: j, rider: i });
  }
  const faucetMax = await tusd.FAUCET_MAX();
  const perRider = fare * BigInt(driverCount);
  const draws = Number((perRider + faucetMax - 1n) / faucetMax);

  const faucet = (who: string, amount: bigint) =>
    call(tusdAddress, tusd.interface.encodeFunctionData("faucet", [amount]), who);
  const setUp: RawTx[] = [];
  for (const r of riders) {
    setUp.push(faucet(r, perRider < faucetMax ? perRider : faucetMax));
    setUp.push(call(tusdAddress, tusd.interface.encodeFunctionData("approve", [marketAddress, perRider]), r));
  }
  for (const d of drivers) {
    setUp.push(faucet(d, amounts.minStake));
    setUp.push(call(tusdAddress, tusd.interface.encodeFunctionData("approve", [marketAddress, amounts.minStake]), d));
    setUp.push(call(marketAddress, market.interface.encodeFunctionData("registerDriver", [amounts.minStake]), d));
  }
  await chain.batch(setUp);
  for (let day = 1; day < draws; day++) {
    chain.advance(DAY); // the faucet's cooldown
    const left = perRider - BigInt(day) * faucetMax;
    await chain.batch(riders.map((r) => faucet(r, left < faucetMax ? left : faucetMax)));
  }

  // Requests addressed to their driver; ride ids read back from the events.
  const firstId = (await market.totals()).nextRideId;
  const fromBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const expiresAt = chain.now + 3 * HOUR;
  await chain.batch(
    pairs.map((p) =>
      call(
        marketAddress,
        market.interface.encodeFunctionData("requestRide", [
          {
            pickupCell: cellToBytes6("wydm6v"),
            dropoffCell: cellToBytes6("wydq8e"),
            commitment: encodeBytes32String("bench"),
            maxFare: fare,
            expiresAt,
            minRating: 0,
            driver: drivers[p.driver],
          },
        ]),
        riders[p.rider],
      ),
    ),
  );
  const requested = await market.queryFilter(market.filters.RideRequested(), fromBlock);
  if (requested.length !== pairs.length || requested[0].args.rideId !== firstId) {
    throw new Error(`populating: ${requested.length} of ${pairs.length} rides were requested`);
  }
  const rideOf = new Map(requested.map((e) => [`${e.args.driver}:${e.args.rider}`, e.args.rideId]));
  const idOf = (p: { driver: number; rider: number }): bigint => {
    const id = rideOf.get(`${drivers[p.driver]}:${riders[p.rider]}`);
    if (id === undefined) throw new Error("populating: a ride was not requested");
    return id;
  };
  // Each driver drives its rides one after the other (completing frees it for the next).
  const driving: RawTx[] = [];
  for (const p of pairs) {
    const id = idOf(p);
    const d = drivers[p.driver];
    driving.push(call(marketAddress, market.interface.encodeFunctionData("acceptRide", [id, fare]), d));
    driving.push(call(marketAddress, market.interface.encodeFunctionData("startRide", [id]), d));
    driving.push(call(marketAddress, market.interface.encodeFunctionData("completeRide", [id]), d));
  }
  await chain.batch(driving);
  await chain.batch(
    pairs.map((p) =>
      call(marketAddress, market.interface.encodeFunctionData("confirmRide", [idOf(p), 5]), riders[p.rider]),
    ),
  );
  for (const d of drivers) {
    const expected = reward * BigInt(pairs.filter((p) => drivers[p.driver] === d).length);
    const accrued = (await market.rewardsOf(d)).accrued;
    if (accrued !== expected) throw new Error(`populating: driver ${d} accrued ${accrued} RIDE wei, not ${expected}`);
  }
  await chain.batch(drivers.map((d) => call(marketAddress, market.interface.encodeFunctionData("claimRewards"), d)));

  // Every arbiter gets the draw lock from a driver, approves the pool and stakes it.
  if (reward % lock !== 0n) throw new Error("populating: a ride's reward is not a whole number of draw locks");
  const perDriver = Number(reward / lock) * ridesPerDriver;
  await chain.batch(
    arbiters.map((a, i) =>
      call(tokenAddress, token.interface.encodeFunctionData("transfer", [a, lock]), drivers[Math.floor(i / perDriver)]),
    ),
  );
  const staking: RawTx[] = [];
  for (const a of arbiters) {
    staking.push(call(tokenAddress, token.interface.encodeFunctionData("approve", [poolAddress, lock]), a));
    staking.push(call(poolAddress, pool.interface.encodeFunctionData("stake", [lock]), a));
  }
  await chain.batch(staking);
  const members = await pool.eligibleCount([]);
  const { total } = await pool.weightOf(ZeroAddress);
  if (members !== BigInt(n) || total !== BigInt(n) * lock) {
    throw new Error(
      `populating: the pool has ${members} arbiters and ${total} RIDE wei of weight, not ${n} and ${BigInt(n) * lock}`,
    );
  }
  return arbiters;
}

/** The suite, deployed at pinned timestamps from a fixed genesis. */
async function deploy(): Promise<{ c: Court; chain: PinnedChain; signers: HardhatEthersSigner[] }> {
  await hre.network.provider.request({ method: "hardhat_reset", params: [] });
  const genesis = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  const start = (Math.floor(genesis / WEEK) + 1) * WEEK + HOUR;
  const { deployment } = await withFixedTimestamps(hre, start, () => deployRideCoop(hre, { fresh: true }));
  const chain = new PinnedChain((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  const signers = await hre.ethers.getSigners();
  const client = new RideCoopClient(deployment, signers[0]);
  const k = deployment.contracts;
  if (
    k.TestUSD === undefined ||
    k.DisputeCourt === undefined ||
    k.ArbiterPool === undefined ||
    k.Randomness === undefined ||
    k.KeyRegistry === undefined
  ) {
    throw new Error("the court benchmark needs the whole local suite (TestUSD, the court, its pool and keys)");
  }
  const c: Court = {
    client,
    market: client.market,
    token: client.token,
    tusd: TestUSD__factory.connect(k.TestUSD.address, signers[0]),
    court: DisputeCourt__factory.connect(k.DisputeCourt.address, signers[0]),
    pool: ArbiterPool__factory.connect(k.ArbiterPool.address, signers[0]),
    keys: KeyRegistry__factory.connect(k.KeyRegistry.address, signers[0]),
    delayBlocks: Number(await BlockhashRandomness__factory.connect(k.Randomness.address, signers[0]).delayBlocks()),
  };
  return { c, chain, signers };
}

/** Every court operation with `arbiters` staked arbiters in the pool. */
export async function courtScenario(arbiters: number): Promise<CourtScenario> {
  const started = Date.now();
  const { c, chain, signers } = await deploy();
  const { market, court, pool, token, tusd, keys } = c;
  const out: CourtFigures = new Map();
  const record = async (name: string, tx: () => Promise<ContractTransactionResponse>) =>
    out.set(name, await chain.send(tx));

  const populating = Date.now();
  await populate(c, chain, arbiters);
  const populateSeconds = (Date.now() - populating) / 1000;

  // The parties (never arbiters), a newcomer arbiter, the keeper.
  const riders = signers.slice(1, 7);
  const drivers = signers.slice(7, 13);
  const [newcomer, keeper] = signers.slice(13, 15);
  const { minStake } = (await market.parameters())[1];
  for (const who of [...riders, ...drivers, newcomer]) {
    await chain.send(() => tusd.connect(who).faucet(1_000_000_000n));
    await chain.send(() => tusd.connect(who).approve(market.getAddress(), hre.ethers.MaxUint256));
    await chain.send(() => tusd.connect(who).approve(court.getAddress(), hre.ethers.MaxUint256));
  }
  for (const d of [...drivers, newcomer]) await chain.send(() => market.connect(d).registerDriver(minStake * 2n));
  const fare = 20_000_000n;
  /** A ride of `rider` taken by `driver` and started; its id. */
  const ride = async (
    rider: HardhatEthersSigner,
    driver: HardhatEthersSigner,
    amount = fare,
    commitment = encodeBytes32String("bench"),
  ): Promise<bigint> => {
    const id = (await market.totals()).nextRideId;
    await chain.send(() =>
      market.connect(rider).requestRide({
        pickupCell: cellToBytes6(cellOf(PICKUP)),
        dropoffCell: cellToBytes6(cellOf(DROPOFF)),
        commitment,
        maxFare: amount,
        expiresAt: chain.now + 900,
        minRating: 0,
        driver: ZeroAddress,
      }),
    );
    await chain.send(() => market.connect(driver).acceptRide(id, amount));
    await chain.send(() => market.connect(driver).startRide(id));
    return id;
  };

  // The newcomer earns RIDE from a ride of its own and joins the pool.
  const own = await ride(riders[0], newcomer, 100_000_000n);
  await chain.send(() => market.connect(riders[0]).confirmRide(own, 5));
  await chain.send(() => market.connect(newcomer).claimRewards());
  await chain.send(() => token.connect(newcomer).approve(pool.getAddress(), hre.ethers.MaxUint256));
  const lock = (await pool.parameters()).drawLock;
  await record("pool.stake.first", () => pool.connect(newcomer).stake(lock * 2n));
  await record("pool.stake.repeat", () => pool.connect(newcomer).stake(lock));

  // A: settled while its draw waits. B, H: ruled and appealed. C: silent, then the fallback.
  // D: left undrawn (its epoch lapses), then ruled. E: settled once its arbiter is seated.
  const [rA, rB, rC, rD, rE, rH] = riders;
  const [dA, dB, dC, dD, dE, dH] = drivers;
  const salt = keccak256(toUtf8Bytes("bench:route"));
  const a = await ride(rA, dA);
  await record("court.openDispute", () => court.connect(rA).openDispute(a));
  await record("court.submitEvidence", () =>
    court.connect(rA).submitEvidence(a, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", salt),
  );
  await record("court.proposeSettlement", () => court.connect(rA).proposeSettlement(a, 6_000));
  await record("court.withdrawSettlement", () => court.connect(rA).withdrawSettlement(a));
  await chain.send(() => court.connect(dA).proposeSettlement(a, 6_000));
  await record("court.acceptSettlement.drawing", () => court.connect(rA).acceptSettlement(a, 6_000));

  const b = await ride(rB, dB, fare, routeCommitment(PICKUP, DROPOFF, salt));
  const ids: Record<string, bigint> = { b };
  for (const [name, r, d] of [
    ["c", rC, dC],
    ["d", rD, dD],
    ["e", rE, dE],
    ["h", rH, dH],
  ] as const) {
    ids[name] = await ride(r, d);
  }
  for (const [id, r] of [
    [b, rB],
    [ids.c, rC],
    [ids.d, rD],
    [ids.e, rE],
    [ids.h, rH],
  ] as const) {
    await chain.send(() => court.connect(r).openDispute(id));
  }
  const { c: cc, d: dd, e: ee, h: hh } = ids;

  const minStaking = Number(await pool.MIN_STAKING_TIME());
  const seatOf = async (id: bigint, round: number, seat = 0) => (await court.getSeat(id, round, seat)).arbiter;
  const arbiterSigner = async (id: bigint, round: number, seat = 0) => signerFor(await seatOf(id, round, seat));
  const toGenerating = async (passName?: string) => {
    chain.advance(minStaking);
    if (passName === undefined) await chain.send(() => pool.connect(keeper).passPhase());
    else await record(passName, () => pool.connect(keeper).passPhase());
  };
  /** The keeper writes every delayed stake change of the arbiters seated in `disputes`. */
  const applyDelayed = async (disputes: bigint[], measure: boolean) => {
    const seen = new Set<string>();
    for (const id of disputes) {
      const d = await court.getDispute(id);
      for (let round = 0; round <= Number(d.round); round++) {
        for (let s = 0; s < Number(await court.panelSize(round)); s++) {
          const who = await seatOf(id, round, s);
          if (who === ZeroAddress || seen.has(who)) continue;
          seen.add(who);
          const stale = await pool.applyDelayed.staticCall(who).then(
            () => true,
            () => false,
          );
          if (!stale) continue;
          if (measure && !out.has("pool.applyDelayed")) await record("pool.applyDelayed", () => pool.applyDelayed(who));
          else await chain.send(() => pool.connect(keeper).applyDelayed(who));
        }
      }
    }
  };

  // ---- epoch 1: B, C, E, H drawn; D left undrawn.
  await toGenerating("pool.passPhase.toGenerating");
  await chain.mine(c.delayBlocks + 1);
  await record("pool.passPhase.toDrawing", () => pool.connect(keeper).passPhase());
  await record("court.drawArbiters.oneSeat", () => court.connect(keeper).drawArbiters(b));
  for (const id of [cc, ee, hh]) await chain.send(() => court.connect(keeper).drawArbiters(id));
  // B's arbiter registers its evidence key; the rider seals the route to it.
  const bArbiter = await arbiterSigner(b, 0);
  const key = new PrivateKey(getBytes(keccak256(toUtf8Bytes(`bench:key:${bArbiter.address}`))), "x25519");
  await record("keys.registerKey", () => keys.connect(bArbiter).registerKey(hexlify(key.publicKey.toBytes())));
  const secret: RideSecret = {
    rideId: b.toString(),
    rider: rB.address,
    pickup: PICKUP,
    dropoff: DROPOFF,
    pickupCell: cellOf(PICKUP),
    dropoffCell: cellOf(DROPOFF),
    salt,
    commitment: routeCommitment(PICKUP, DROPOFF, salt),
    requestedAt: new Date(0).toISOString(),
  };
  {
    // A sealed box is random (ECIES' ephemeral key), and so would be every later block hash
    // and draw: the reveal is measured in a snapshot and undone (its gas does not depend on
    // the bytes: the envelope's length is fixed and its text has no zero byte).
    const snapshot = await hre.network.provider.request({ method: "evm_snapshot", params: [] });
    const before = chain.now;
    await hre.network.provider.request({ method: "evm_setNextBlockTimestamp", params: [++chain.now] });
    const sealed = await c.client.as(rB).revealRouteToPanel(b, secret);
    if (sealed.sealedTo.length !== 1) throw new Error("the route was not sealed to B's arbiter");
    out.set("court.submitEvidence.sealed", sealed.tx.gasUsed);
    await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
    chain.now = before;
  }
  await record("court.rule.oneSeat", () => court.connect(bArbiter).rule(b, 2_500));
  await chain.send(async () => court.connect(await arbiterSigner(hh, 0)).rule(hh, 2_500));
  await chain.send(() => court.connect(rE).proposeSettlement(ee, 5_000));
  await record("court.acceptSettlement.seated", () => court.connect(dE).acceptSettlement(ee, 5_000));
  await record("court.appeal.round1", async () => court.connect(rB).appeal(b, await court.appealFee(b, 1)));
  await chain.send(async () => court.connect(rH).appeal(hh, await court.appealFee(hh, 1)));

  // A day on: the Drawing phase times out with D undrawn; C's arbiter was silent.
  chain.advance(Number(await pool.MAX_DRAWING_TIME()));
  await record("pool.passPhase.drawingTimeout", () => pool.connect(keeper).passPhase());
  await record("court.timeoutRuling", () => court.connect(keeper).timeoutRuling(cc));
  await record("court.drawArbiters.lapsed", () => court.connect(keeper).drawArbiters(dd));
  await applyDelayed([b, cc, ee, hh], true);
  const credit = await pool.creditOf(rC.address);
  if (credit > 0n) await record("pool.claimCredit", () => pool.connect(rC).claimCredit(rC.address));

  // ---- epoch 2: the value expires once (renewed), then B and H (3 seats), C and D.
  await toGenerating();
  await chain.mine(c.delayBlocks + 257);
  await record("pool.passPhase.renewal", () => pool.connect(keeper).passPhase());
  await chain.mine(c.delayBlocks + 1);
  await chain.send(() => pool.connect(keeper).passPhase());
  await record("court.drawArbiters.threeSeats", () => court.connect(keeper).drawArbiters(b));
  for (const id of [hh, cc, dd]) await chain.send(() => court.connect(keeper).drawArbiters(id));
  await record("pool.passPhase.toStaking", () => pool.connect(keeper).passPhase());
  for (let s = 0; s < 3; s++) {
    const arbiter = await arbiterSigner(b, 1, s);
    const name = s === 0 ? "court.rule.panelVote" : s === 2 ? "court.rule.panelLast" : undefined;
    if (name === undefined) await chain.send(() => court.connect(arbiter).rule(b, 2_500));
    else await record(name, () => court.connect(arbiter).rule(b, 2_500));
    await chain.send(async () => court.connect(await arbiterSigner(hh, 1, s)).rule(hh, 2_500));
  }
  await chain.send(async () => court.connect(await arbiterSigner(dd, 0)).rule(dd, 7_500));
  const roundTwo = await court.appealFee(hh, 2);
  const seatable = await court
    .connect(rH)
    .appeal.staticCall(hh, roundTwo)
    .then(
      () => true,
      (err: unknown) => {
        if (!revertedWith(err, "AppealUnseatable")) throw err;
        return false;
      },
    );
  if (seatable) await record("court.appeal.round2", () => court.connect(rH).appeal(hh, roundTwo));
  chain.advance(Number((await court.parameters()).appealWindow));
  await chain.send(() => court.connect(keeper).timeoutRuling(cc));
  await record("court.executeRuling.oneSeat", () => court.connect(keeper).executeRuling(dd));
  await record("court.executeRuling.round1", () => court.connect(keeper).executeRuling(b));
  if (!seatable) await chain.send(() => court.connect(keeper).executeRuling(hh));
  await applyDelayed([b, cc, dd, hh], false);

  // ---- epoch 3: no value within a day: abandoned. C's third failed draw ends in the fallback.
  await toGenerating();
  chain.advance(Number(await pool.MAX_GENERATING_TIME()));
  await record("pool.passPhase.abandon", () => pool.connect(keeper).passPhase());
  await record("court.drawArbiters.fallback", () => court.connect(keeper).drawArbiters(cc));
  if ((await court.getDispute(cc)).status !== 4n) throw new Error("C did not end in the fallback");

  // ---- epoch 4 (a pool that can seat 7 more): H's last round.
  if (seatable) {
    await chain.send(() => court.connect(keeper).drawArbiters(hh)); // its epoch was abandoned
    await toGenerating();
    await chain.mine(c.delayBlocks + 1);
    await chain.send(() => pool.connect(keeper).passPhase());
    await record("court.drawArbiters.sevenSeats", () => court.connect(keeper).drawArbiters(hh));
    await chain.send(() => pool.connect(keeper).passPhase());
    for (let s = 0; s < 7; s++) {
      await chain.send(async () => court.connect(await arbiterSigner(hh, 2, s)).rule(hh, 10_000));
    }
    await record("court.executeRuling.round2", () => court.connect(keeper).executeRuling(hh));
  }
  for (const name of NEEDS_ELEVEN) if (!out.has(name)) out.set(name, undefined);

  // Withdrawals: an arbiter's fees, the newcomer's stake after the cooldown, the pool's revenue.
  await record("court.withdraw", () => court.connect(bArbiter).withdraw(bArbiter.address));
  await record("pool.requestUnstake", () => pool.connect(newcomer).requestUnstake(lock));
  chain.advance(Number((await pool.parameters()).unstakeCooldown));
  await record("pool.withdrawUnstaked", () => pool.connect(newcomer).withdrawUnstaked(newcomer.address));
  await record("pool.harvestRevenue", () => pool.connect(keeper).harvestRevenue());

  return {
    arbiters,
    depth: treeDepth(arbiters + 1), // the population and the newcomer
    figures: out,
    populateSeconds,
    totalSeconds: (Date.now() - started) / 1000,
  };
}
