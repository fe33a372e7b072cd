import { expect } from "chai";
import hre from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { ProposalView } from "../../src/client/client";
import { DRIVER, OTHER_DRIVER, RIDER, deployedWithParties, run, takeOutput } from "./helpers";

/** The deployment after the driver earned 100 RIDE from a confirmed 100 tUSD ride and claimed it. */
async function driverHoldsRide() {
  const deployed = await deployedWithParties();
  const { rideId } = await run<{ rideId: bigint }>("rider:request", {
    account: RIDER,
    from: "wydm6v",
    to: "wydq8e",
    maxFare: "100",
    expires: "15m",
  });
  const ride = rideId.toString();
  await run("driver:accept", { account: DRIVER, ride });
  await run("driver:pickup", { account: DRIVER, ride });
  await run("rider:confirm", { account: RIDER, ride, rating: "5" });
  await run("driver:claim", { account: DRIVER });
  takeOutput();
  return deployed;
}

async function proposeFee(): Promise<bigint> {
  await loadFixture(driverHoldsRide);
  const { proposalId } = await run<{ proposalId: bigint }>("gov:propose", {
    account: DRIVER,
    set: "fee=3%",
    description: "Lower the cooperative fee to 3%",
  });
  return proposalId;
}

describe("tasks: a fee vote", function () {
  it("gov:propose opens a proposal that gov:proposals lists as Pending", async function () {
    const id = await proposeFee();
    const list = await run<ProposalView[]>("gov:proposals");
    const driver = (await hre.ethers.getSigners())[2].address;
    expect(list.map((p) => [p.proposalId, p.state, p.description])).to.deep.equal([
      [id, "Pending", `Lower the cooperative fee to 3% #proposer=${driver}`],
    ]);
  });

  it("gov:propose signs the description with #proposer=: the same proposal from another account reverts", async function () {
    const deployed = await loadFixture(driverHoldsRide);
    await proposeFee();
    const [p] = await run<ProposalView[]>("gov:proposals");
    const governor = await hre.ethers.getContractAt("CoopGovernor", deployed.deployment.contracts.CoopGovernor.address);
    const other = (await hre.ethers.getSigners())[3];
    await expect(governor.connect(other).propose(p.targets, p.values, p.calldatas, p.description))
      .to.be.revertedWithCustomError(governor, "GovernorRestrictedProposer")
      .withArgs(other.address);
  });

  it("gov:vote, gov:queue and gov:execute set the fee to 3% through the timelock", async function () {
    const id = (await proposeFee()).toString();
    await mine(1, { interval: 2 });
    await run("gov:vote", { account: DRIVER, proposal: id, support: "for", reason: "cheaper rides" });
    await time.increase(5 * 60 + 1);
    await run("gov:queue", { proposal: id, account: OTHER_DRIVER });
    await time.increase(61);
    await run("gov:execute", { proposal: id, account: OTHER_DRIVER });
    const params = await run<{ market: { name: string; value: bigint }[] }>("gov:params");
    expect(params.market.find((p) => p.name === "feeBps")?.value).to.equal(300n);
    expect(takeOutput()).to.match(/feeBps {11}3%/);
  });

  it("gov:vote, gov:queue and gov:execute take --proposal latest for the most recent proposal", async function () {
    await proposeFee();
    await run("time:advance", { by: "2s" });
    await run("gov:vote", { account: DRIVER, proposal: "latest", support: "for" });
    await run("time:advance", { by: "6m" });
    await run("gov:queue", { proposal: "latest", account: OTHER_DRIVER });
    await run("time:advance", { by: "2m" });
    await run("gov:execute", { proposal: "latest", account: OTHER_DRIVER });
    const params = await run<{ market: { name: string; value: bigint }[] }>("gov:params");
    expect(params.market.find((p) => p.name === "feeBps")?.value).to.equal(300n);
  });

  it("gov:vote --proposal latest without any proposal says there is none", async function () {
    await loadFixture(driverHoldsRide);
    await expect(run("gov:vote", { account: DRIVER, proposal: "latest", support: "for" })).to.be.rejectedWith(
      "--proposal: there is no proposal yet, so no latest one (gov:propose)",
    );
  });

  it("time:advance mines a block exactly --by after the latest one", async function () {
    await loadFixture(driverHoldsRide);
    await mine();
    const before = BigInt(await time.latest());
    const { seconds, timestamp } = await run<{ seconds: number; timestamp: bigint }>("time:advance", { by: "6m" });
    expect(seconds).to.equal(360);
    // Measured from the latest block, not the wall clock: exactly 360 s, on any machine.
    expect(timestamp - before).to.equal(360n);
    expect(BigInt(await time.latest())).to.equal(timestamp);
  });

  it("gov:vote before the vote opens says the proposal is Pending and what to do", async function () {
    const id = (await proposeFee()).toString();
    await expect(run("gov:vote", { account: DRIVER, proposal: id, support: "for" })).to.be.rejectedWith(
      `GovernorUnexpectedProposalState: proposal ${id} is Pending, expected Active`,
    );
  });

  it("gov:propose refuses an unknown parameter, naming the flag", async function () {
    await loadFixture(driverHoldsRide);
    await expect(run("gov:propose", { account: DRIVER, set: "tip=3%", description: "tips" })).to.be.rejectedWith(
      '--set: "tip" is not a governed parameter',
    );
  });

  it("gov:propose from an account without RIDE says the threshold", async function () {
    await loadFixture(driverHoldsRide);
    await expect(
      run("gov:propose", { account: RIDER, set: "fee=3%", description: "Lower the fee" }),
    ).to.be.rejectedWith("GovernorInsufficientProposerVotes: ");
  });

  it("gov:vote refuses a support that is not for, against or abstain", async function () {
    const id = (await proposeFee()).toString();
    await expect(run("gov:vote", { account: DRIVER, proposal: id, support: "yes" })).to.be.rejectedWith(
      '--support: "yes" is not for, against or abstain',
    );
  });

  it("gov:propose checks each change against its hard bound before sending anything", async function () {
    await loadFixture(driverHoldsRide);
    await expect(
      run("gov:propose", { account: DRIVER, set: "fee=12%", description: "A higher fee" }),
    ).to.be.rejectedWith("feeBps=12% is outside its hard bounds [0% .. 10%], so the timelock could never execute it");
    expect(await run<ProposalView[]>("gov:proposals")).to.deep.equal([]);
  });

  it("gov:vote refuses a voter with no weight at the snapshot unless --force", async function () {
    const id = (await proposeFee()).toString();
    await mine(1, { interval: 2 });
    await expect(run("gov:vote", { account: RIDER, proposal: id, support: "for" })).to.be.rejectedWith(
      `your voting weight at proposal ${id}'s snapshot is 0.00 RIDE, so this vote counts for nothing. Hint: votes count the RIDE delegated before the snapshot`,
    );
  });

  it("gov:vote --force votes with no weight and warns that it counts for nothing", async function () {
    const id = (await proposeFee()).toString();
    await mine(1, { interval: 2 });
    takeOutput();
    await run("gov:vote", { account: RIDER, proposal: id, support: "against", force: true });
    expect(takeOutput()).to.match(/^Warning: your voting weight at proposal \d+'s snapshot is 0\.00 RIDE/);
    const [p] = await run<ProposalView[]>("gov:proposals");
    expect(p.votes.against).to.equal(0n);
  });
});
