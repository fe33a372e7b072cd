import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type {
  ArbiterDuty,
  ArbiterStatus,
  Balances,
  DisputeView,
  RequestResult,
  RideView,
} from "../../src/client/client";
import { saveDeployment } from "../../src/node/deployment";
import type { DeployResult } from "../../src/deploy";
import { DRIVER, OTHER_DRIVER, RIDER, deployedWithParties, run, takeOutput } from "./helpers";

const KEEPER = "4";
const SEOUL = "37.4979,127.0276";
const JONGNO = "wydq8e";
const DAY = 24 * 60 * 60;

type Done = { kind: string; rideId?: bigint; disputeId?: bigint; hash?: string; error?: string }[];

/** Parties funded, the driver registered: the suite for a settlement. */
async function partiesFixture(): Promise<DeployResult> {
  return deployedWithParties();
}

/** A 50 tUSD ride from the rider with `driver`, confirmed with 5 stars: the driver earns 40 RIDE (the weekly pair cap). */
async function earn(driver: string): Promise<void> {
  const { rideId } = await run<RequestResult>("rider:request", {
    account: RIDER,
    from: SEOUL,
    to: JONGNO,
    maxFare: "50",
    expires: "15m",
  });
  await run("driver:accept", { account: driver, ride: rideId.toString() });
  await run("driver:pickup", { account: driver, ride: rideId.toString() });
  await run("rider:confirm", { account: RIDER, ride: rideId.toString(), rating: "5" });
  await run("driver:claim", { account: driver });
}

/** Both drivers earned RIDE on a ride each and staked 20 RIDE as arbiters; everyone withdrew. */
async function arbitersFixture(): Promise<DeployResult> {
  const deployed = await deployedWithParties();
  await run("driver:register", { account: OTHER_DRIVER, stake: "100" });
  for (const driver of [DRIVER, OTHER_DRIVER]) {
    await earn(driver);
    await run("withdraw", { account: driver });
    await run("arbiter:stake", { account: driver, amount: "20" });
  }
  takeOutput();
  return deployed;
}

/**
 * Loads a fixture and puts its deployment file back: another fixture's deploy task may have
 * rewritten deployments/hardhat.json since the snapshot was taken.
 */
async function load(fixture: () => Promise<DeployResult>): Promise<DeployResult> {
  const deployed = await loadFixture(fixture);
  saveDeployment(deployed.deployment, hre.config.paths.root);
  return deployed;
}

/** A 20 tUSD ride with DRIVER, started, then disputed by `opener`; returns the ride (= dispute) id. */
async function disputedRide(opener = RIDER, evidence?: string): Promise<{ id: string; request: RequestResult }> {
  const request = await run<RequestResult>("rider:request", {
    account: RIDER,
    from: SEOUL,
    to: JONGNO,
    maxFare: "20",
    expires: "15m",
  });
  const id = request.rideId.toString();
  await run("driver:accept", { account: DRIVER, ride: id });
  await run("driver:pickup", { account: DRIVER, ride: id });
  await run("ride:dispute", { account: opener, ride: id, evidence });
  return { id, request };
}

async function balances(account: string): Promise<Balances> {
  return run<Balances>("balance", { account });
}

async function courtBalance(deployed: DeployResult): Promise<bigint> {
  const tusd = await hre.ethers.getContractAt("TestUSD", deployed.deployment.fareToken.address);
  return tusd.balanceOf(deployed.deployment.contracts.DisputeCourt?.address ?? "");
}

describe("tasks: a dispute settled by the parties", function () {
  it("ride:dispute by the rider pays the dispute fee and freezes the ride", async function () {
    await load(partiesFixture);
    const before = await balances(RIDER);
    const { id } = await disputedRide();
    expect((await balances(RIDER)).fareToken - before.fareToken).to.equal(-25_000_000n); // 20 escrow + 5 fee
    expect((await run<RideView>("ride:show", { ride: id })).state).to.equal("Disputed");
    expect(takeOutput()).to.contain(`Dispute ${id} opened on ride ${id}; you paid the dispute fee of 5.00 tUSD`);
  });

  it("ride:dispute by the rider posts no route: it is sealed to the panel later (ride:reveal)", async function () {
    await load(partiesFixture);
    const { id } = await disputedRide();
    const view = await run<DisputeView>("dispute:show", { dispute: id });
    expect(view.evidence).to.deep.equal([]);
    expect(takeOutput()).to.contain(
      `once the panel is drawn, seal the exact route to it with ride:reveal --dispute ${id}`,
    );
  });

  it("ride:dispute by the driver posts only the --evidence URI", async function () {
    await load(partiesFixture);
    const { id } = await disputedRide(DRIVER, "ipfs://bafy-dashcam");
    const view = await run<DisputeView>("dispute:show", { dispute: id });
    expect(view.evidence.map((e) => [e.uri, e.revealVerified])).to.deep.equal([["ipfs://bafy-dashcam", undefined]]);
    expect(view.openedByRider).to.equal(false);
  });

  it("ride:settle by the driver proposes, the same split by the rider accepts and resolves the ride", async function () {
    await load(partiesFixture);
    const { id } = await disputedRide();
    const proposed = await run<{ action: string }>("ride:settle", { account: DRIVER, dispute: id, split: "60" });
    const accepted = await run<{ action: string; status: string }>("ride:settle", {
      account: RIDER,
      dispute: id,
      split: "60%",
    });
    expect([proposed.action, accepted.action, accepted.status]).to.deep.equal(["proposed", "accepted", "Resolved"]);
    expect((await run<RideView>("ride:show", { ride: id })).state).to.equal("Resolved");
    expect(takeOutput()).to.contain(`Dispute ${id} settled: 12.00 tUSD to the rider, 8.00 tUSD to the driver`);
  });

  it("a settlement pays 60% to the rider, 40% to the driver, and returns the dispute fee to the rider", async function () {
    const deployed = await load(partiesFixture);
    const { id } = await disputedRide();
    await run("ride:settle", { account: DRIVER, dispute: id, split: "60" });
    await run("ride:settle", { account: RIDER, dispute: id, split: "60" });
    const rider = await run<{ received: bigint }>("withdraw", { account: RIDER });
    const driver = await run<{ received: bigint }>("withdraw", { account: DRIVER });
    expect([rider.received, driver.received]).to.deep.equal([12_000_000n + 5_000_000n, 8_000_000n]);
    expect(await courtBalance(deployed)).to.equal(0n);
  });

  it("ride:settle with another split than the standing proposal says SettlementMismatch and what to do", async function () {
    await load(partiesFixture);
    const { id } = await disputedRide();
    await run("ride:settle", { account: DRIVER, dispute: id, split: "60" });
    await expect(run("ride:settle", { account: RIDER, dispute: id, split: "80" })).to.be.rejectedWith(
      `SettlementMismatch: the other party proposed 60% to the rider in dispute ${id}, not 80% to the rider. Hint: accept theirs with ride:settle --dispute ${id} --split 60%, or replace it with yours by adding --counter.`,
    );
  });

  it("ride:settle --counter replaces the other party's proposal with yours", async function () {
    await load(partiesFixture);
    const { id } = await disputedRide();
    await run("ride:settle", { account: DRIVER, dispute: id, split: "60" });
    const r = await run<{ action: string }>("ride:settle", { account: RIDER, dispute: id, split: "80", counter: true });
    expect(r.action).to.equal("proposed");
    const view = await run<DisputeView>("dispute:show", { dispute: id });
    expect(view.proposal?.riderBps).to.equal(8000);
  });

  it("ride:dispute on a finalized ride says it cannot be disputed", async function () {
    await load(partiesFixture);
    const { rideId } = await run<RequestResult>("rider:request", {
      account: RIDER,
      from: SEOUL,
      to: JONGNO,
      maxFare: "20",
      expires: "15m",
    });
    await run("driver:accept", { account: DRIVER, ride: rideId.toString() });
    await run("driver:pickup", { account: DRIVER, ride: rideId.toString() });
    await run("rider:confirm", { account: RIDER, ride: rideId.toString(), rating: "5" });
    await expect(run("ride:dispute", { account: RIDER, ride: rideId.toString() })).to.be.rejectedWith(
      `RideNotDisputable: ride ${rideId} is Finalized; only an Accepted, Started or Completed ride can be disputed`,
    );
  });
});

describe("tasks: a dispute ruled by a drawn arbiter", function () {
  /** The disputed ride (id 3) after the keeper drew its arbiter. */
  async function drawn(): Promise<{ id: string; done: Done; deployed: DeployResult }> {
    const deployed = await load(arbitersFixture);
    const { id } = await disputedRide();
    const done = await run<Done>("keeper:run", { account: KEEPER, once: true, mine: true });
    return { id, done, deployed };
  }

  it("arbiter:stake stakes earned RIDE: the drivers' draw weights add up", async function () {
    await load(arbitersFixture);
    const s = await run<ArbiterStatus>("arbiter:status", { account: OTHER_DRIVER });
    expect([s.stake, s.weight, s.totalWeight]).to.deep.equal([20n * 10n ** 18n, 20n * 10n ** 18n, 40n * 10n ** 18n]);
  });

  it("keeper:run --mine mines the randomness blocks on a local chain and draws the panel", async function () {
    const { id, done } = await drawn();
    expect(done.filter((d) => d.disputeId !== undefined).map((d) => [d.kind, d.disputeId])).to.deep.equal([
      ["draw", BigInt(id)],
    ]);
    expect(takeOutput()).to.match(
      /Mined \d+ block\(s\) for a draw's randomness \(local chain\)\n[\s\S]*draw dispute 3/,
    );
  });

  it("keeper:run without --mine finds no draw while the randomness is pending", async function () {
    await load(arbitersFixture);
    const { id } = await disputedRide();
    const done = await run<Done>("keeper:run", { account: KEEPER, once: true });
    expect(done.filter((d) => d.disputeId === BigInt(id))).to.deep.equal([]);
  });

  it("arbiter:disputes lists the seat of the drawn arbiter, never a party, with its deadline and evidence", async function () {
    await drawn();
    const seated = await run<ArbiterDuty[]>("arbiter:disputes", { account: OTHER_DRIVER });
    const party = await run<ArbiterDuty[]>("arbiter:disputes", { account: DRIVER });
    expect(seated.map((d) => [d.disputeId, d.round, d.seat, d.fare])).to.deep.equal([[3n, 0, 0, 20_000_000n]]);
    expect(seated[0].deadline).to.equal(BigInt(await time.latest()) + BigInt(DAY)); // the draw was the last block
    expect(seated[0].evidence).to.deep.equal([]); // the route is sealed to the seat afterwards: private-evidence.test.ts
    expect(party).to.deep.equal([]);
  });

  it("arbiter:rule makes the round's ruling, appealable for a day", async function () {
    const { id } = await drawn();
    const r = await run<{ status: string }>("arbiter:rule", { account: OTHER_DRIVER, dispute: id, split: "75" });
    expect(r.status).to.equal("Ruled");
    expect(takeOutput()).to.match(/Ruled 75% to the rider in dispute 3; the round's ruling is 75%, appealable until/);
    expect(await run<ArbiterDuty[]>("arbiter:disputes", { account: OTHER_DRIVER })).to.deep.equal([]);
  });

  it("keeper:run leaves the ruling alone while the appeal window is open", async function () {
    const { id } = await drawn();
    await run("arbiter:rule", { account: OTHER_DRIVER, dispute: id, split: "75" });
    const done = await run<Done>("keeper:run", { account: KEEPER, once: true });
    expect(done.filter((d) => d.disputeId !== undefined)).to.deep.equal([]);
  });

  it("keeper:run executes the ruling after the appeal window: 75% to the rider, the pot to the winner, the loser pays the arbiter", async function () {
    const { id, deployed } = await drawn();
    await run("arbiter:rule", { account: OTHER_DRIVER, dispute: id, split: "75" });
    await time.increase(DAY + 1);
    const done = await run<Done>("keeper:run", { account: KEEPER, once: true });
    expect(done.filter((d) => d.disputeId !== undefined).map((d) => d.kind)).to.deep.equal(["execute-ruling"]);
    expect((await run<DisputeView>("dispute:show", { dispute: id })).outcome).to.equal("Ruled");
    const credits = await Promise.all([RIDER, DRIVER, OTHER_DRIVER].map(balances));
    // Rider: 15 of the 20 tUSD fare + the pot (5 fee - 2 arbiter fee) + the 2 tUSD arbiter fee it
    // bore, paid by the losing driver out of its 5; driver: 3; arbiter: the 2 tUSD fee.
    expect(credits.map((b) => [b.credit, b.courtCredit])).to.deep.equal([
      [17_000_000n, 3_000_000n],
      [3_000_000n, 0n],
      [0n, 2_000_000n],
    ]);
    for (const account of [RIDER, OTHER_DRIVER]) await run("withdraw", { account });
    expect(await courtBalance(deployed)).to.equal(0n);
  });

  it("arbiter:rule by an account without a seat says so", async function () {
    const { id } = await drawn();
    const driver = (await hre.ethers.getSigners())[2].address;
    await expect(run("arbiter:rule", { account: DRIVER, dispute: id, split: "50" })).to.be.rejectedWith(
      `NotDrawnArbiter: ${driver} holds no seat in dispute ${id}'s current panel`,
    );
  });

  it("keeper:run times out a silent arbiter after the ruling deadline; the parties get half the lock in RIDE", async function () {
    const { id } = await drawn();
    await time.increase(DAY + 1);
    const done = await run<Done>("keeper:run", { account: KEEPER, once: true });
    expect(done.filter((d) => d.disputeId !== undefined).map((d) => [d.kind, d.disputeId])).to.deep.equal([
      ["timeout-ruling", BigInt(id)],
    ]);
    // 50% of the 10 RIDE lock, half each to the rider and the driver.
    expect((await balances(RIDER)).arbiterCredit).to.equal(25n * 10n ** 17n);
    expect((await run<DisputeView>("dispute:show", { dispute: id })).status).to.equal("Drawing");
  });

  it("arbiter:unstake asks stake back; arbiter:withdraw returns it after the cooldown", async function () {
    await load(arbitersFixture);
    await run("arbiter:unstake", { account: OTHER_DRIVER, amount: "5" });
    await expect(run("arbiter:withdraw", { account: OTHER_DRIVER })).to.be.rejectedWith("UnstakeCoolingDown: ");
    await time.increase(7 * DAY);
    const { amount } = await run<{ amount: bigint }>("arbiter:withdraw", { account: OTHER_DRIVER });
    expect(amount).to.equal(5n * 10n ** 18n);
    // 40 earned (a 50 tUSD ride, rewarded up to the 40 tUSD weekly pair cap) - 20 staked + 5 back
    expect((await balances(OTHER_DRIVER)).ride).to.equal(25n * 10n ** 18n);
  });
});

describe("tasks: dispute flags", function () {
  it("arbiter:rule refuses a split above 100, naming the flag", async function () {
    await load(partiesFixture);
    await expect(run("arbiter:rule", { account: OTHER_DRIVER, dispute: "1", split: "120" })).to.be.rejectedWith(
      '--split: "120" is not a split; give the rider\'s share of the fare from 0 to 100, like 75 or 62.5%',
    );
  });

  it("ride:settle refuses a dispute id that is not a number", async function () {
    await load(partiesFixture);
    await expect(run("ride:settle", { account: RIDER, dispute: "first", split: "50" })).to.be.rejectedWith(
      '--dispute: "first" is not a dispute id (its ride\'s id, a whole number from 1)',
    );
  });

  it("ride:dispute refuses evidence that is not a URI", async function () {
    await load(partiesFixture);
    await expect(run("ride:dispute", { account: RIDER, ride: "1", evidence: "photo of the car" })).to.be.rejectedWith(
      '--evidence: "photo of the car" is not a URI; give one like ipfs://<cid>',
    );
  });

  it("arbiter:stake refuses an amount in the fare token", async function () {
    await load(partiesFixture);
    await expect(run("arbiter:stake", { account: DRIVER, amount: "5 tUSD" })).to.be.rejectedWith(
      '--amount: "5 tUSD" is in tUSD, but this amount is in RIDE',
    );
  });

  it("arbiter:stake without RIDE says the balance is short", async function () {
    await load(partiesFixture);
    await expect(run("arbiter:stake", { account: RIDER, amount: "5" })).to.be.rejectedWith(
      "ERC20InsufficientBalance: ",
    );
  });
});
