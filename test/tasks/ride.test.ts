import { expect } from "chai";
import fs from "node:fs";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { deploymentPath, loadDeployment } from "../../src/node/deployment";
import type { RequestResult, RideView, OpenRequest, LiveOffer, Balances } from "../../src/client/client";
import type { DeployResult } from "../../src/deploy";
import { DRIVER, OTHER_DRIVER, RIDER, deployedWithParties, run, takeOutput } from "./helpers";

const SEOUL = "37.4979,127.0276";
const JONGNO = "wydq8e";

async function requested(): Promise<RequestResult> {
  await loadFixture(deployedWithParties);
  return run<RequestResult>("rider:request", {
    account: RIDER,
    from: SEOUL,
    to: JONGNO,
    maxFare: "12.50",
    expires: "15m",
  });
}

describe("tasks: deploy", function () {
  it("writes deployments/hardhat.json with chain id, block, commit, addresses and deployment transactions", async function () {
    const { deployment } = await loadFixture(deployedWithParties);
    const onDisk = loadDeployment("hardhat", hre.config.paths.root);
    expect(onDisk).to.deep.equal(deployment);
    expect(onDisk.chainId).to.equal(31337);
    expect(onDisk.fareToken.symbol).to.equal("tUSD");
    for (const name of [
      "TestUSD",
      "Timelock",
      "CoopToken",
      "RideMarket",
      "CoopGovernor",
      "DisputeCourt",
      "ArbiterPool",
      "Randomness",
      "KeyRegistry",
      "Forwarder",
      "ParameterRules",
    ] as const) {
      const record = onDisk.contracts[name];
      expect(record, name).to.not.equal(undefined);
      const receipt = await hre.ethers.provider.getTransactionReceipt(record?.transactionHash ?? "");
      expect(receipt?.contractAddress, name).to.equal(record?.address);
    }
  });

  it("finds the live deployment and sends nothing when run again", async function () {
    await loadFixture(deployedWithParties);
    const before = await hre.ethers.provider.getBlockNumber();
    const again = await run<DeployResult>("deploy");
    expect(again.deployed).to.equal(false);
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
    expect(takeOutput()).to.contain("already deployed; nothing to do");
  });

  it("verifies that the timelock is the only authority and the deployer kept no role", async function () {
    const { checks } = await loadFixture(deployedWithParties);
    const names = checks.map((c) => c.what);
    expect(checks.every((c) => c.ok)).to.equal(true);
    expect(names).to.include("deployer renounced the timelock admin role");
    expect(names).to.include("timelock PROPOSER_ROLE members");
    expect(fs.existsSync(deploymentPath("hardhat", hre.config.paths.root))).to.equal(true);
  });
});

describe("tasks: a ride", function () {
  it("rider:request escrows the max fare with a permit instead of an approve", async function () {
    const r = await requested();
    expect(r.rideId).to.equal(1n);
    expect(r.usedPermit).to.equal(true);
    expect(r.txs).to.have.length(1);
    expect(takeOutput()).to.match(
      /Ride 1 requested: wydm6\w -> wydq8e, up to 12\.50 tUSD in escrow \(permit, no approve\)\n {2}open for 15m[^\n]*\n {2}request ride \(with permit\): 0x[0-9a-f]{64} \(gas [\d,]+\)/,
    );
  });

  it("rider:request keeps the exact points and the salt in .ridecoop/hardhat/rides.json", async function () {
    const r = await requested();
    const file = `${hre.config.paths.root}/.ridecoop/hardhat/rides.json`;
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, { salt: string; commitment: string }>;
    expect(saved[r.rideId.toString()].salt).to.equal(r.salt);
    expect(saved[r.rideId.toString()].commitment).to.equal(r.commitment);
  });

  it("driver:requests lists the open request near the pickup", async function () {
    const r = await requested();
    const open = await run<OpenRequest[]>("driver:requests", { account: DRIVER, near: "wydm6" });
    expect(open.map((o) => o.rideId)).to.deep.equal([r.rideId]);
    expect(open[0].maxFare).to.equal(12_500_000n);
  });

  it("driver:requests lists nothing far away", async function () {
    await requested();
    expect(await run<OpenRequest[]>("driver:requests", { account: DRIVER, near: "48.8566,2.3522" })).to.deep.equal([]);
  });

  it("driver:offer, rider:offers and rider:accept-offer match the ride at the offered fare", async function () {
    const r = await requested();
    await run("driver:offer", { account: DRIVER, ride: r.rideId.toString(), fare: "10", expires: "5m" });
    const offers = await run<LiveOffer[]>("rider:offers", { account: RIDER, ride: "1" });
    expect(offers.map((o) => [o.driver, o.fare])).to.deep.equal([
      [(await hre.ethers.getSigners())[2].address, 10_000_000n],
    ]);
    await run("rider:accept-offer", { account: RIDER, ride: "1", driver: offers[0].driver });
    const view = await run<RideView>("ride:show", { ride: "1" });
    expect(view.state).to.equal("Accepted");
    expect(view.fare).to.equal(10_000_000n);
  });

  it("drives the ride to the end: arrived, pickup, confirm, claim, withdraw", async function () {
    await requested();
    await run("driver:accept", { account: DRIVER, ride: "1" });
    await run("driver:arrived", { account: DRIVER, ride: "1" });
    await run("driver:pickup", { account: DRIVER, ride: "1" });
    await run("rider:confirm", { account: RIDER, ride: "1", rating: "5" });
    const balances = await run<Balances>("balance", { account: DRIVER });
    expect(balances.credit).to.equal(11_875_000n); // 12.50 less the 5% fee
    expect(balances.rewardsAccrued).to.equal(12_500_000_000_000_000_000n); // 1 RIDE per tUSD
    await run("driver:claim", { account: DRIVER });
    const { received } = await run<{ received: bigint }>("withdraw", { account: DRIVER });
    // The credit plus the holders' share of this ride's fee (12.50 x 5% x 50% = 0.3125, less a
    // unit of rounding): the ride's RIDE accrued before the fee was shared (issue 13).
    expect(received).to.equal(11_875_000n + 312_499n);
    expect((await run<Balances>("balance", { account: DRIVER })).votes).to.equal(12_500_000_000_000_000_000n);
  });

  it("ride:show says what each party can do next", async function () {
    await requested();
    await run("driver:accept", { account: DRIVER, ride: "1" });
    takeOutput();
    const view = await run<RideView>("ride:show", { ride: "1" });
    expect(view.next.map((n) => n.task)).to.include("driver:pickup --ride 1");
    expect(takeOutput()).to.match(/Ride 1: Accepted\n[\s\S]*fare {4}12\.50 tUSD, fee 5%[\s\S]*driver: pick up/);
  });

  it("prints --json with amounts as decimal strings", async function () {
    await requested();
    takeOutput();
    await run("balance", { account: RIDER, json: true });
    const parsed = JSON.parse(takeOutput()) as { fareToken: string };
    expect(parsed.fareToken).to.equal("987500000");
  });
});

describe("tasks: errors", function () {
  it("decodes a revert into the error name, a sentence with the arguments and a hint", async function () {
    await requested();
    await run("rider:cancel", { account: RIDER, ride: "1" });
    await expect(run("driver:accept", { account: DRIVER, ride: "1", fare: "12.50" })).to.be.rejectedWith(
      "RideWrongState: ride 1 is Cancelled, expected Requested. Hint: run ride:show --ride 1 to see what can be done next.",
    );
  });

  it("formats amounts in the sentence with decimals and symbol", async function () {
    await requested();
    await expect(run("driver:accept", { account: DRIVER, ride: "1", fare: "12" })).to.be.rejectedWith(
      "FareMismatch: ride 1 is for 12.50 tUSD, not 12.00 tUSD",
    );
  });

  it("names the wrong flag and says why", async function () {
    await loadFixture(deployedWithParties);
    await expect(
      run("rider:request", { account: RIDER, from: SEOUL, to: JONGNO, maxFare: "12.5.0", expires: "15m" }),
    ).to.be.rejectedWith('--max-fare: "12.5.0" is not an amount; write it like 12.50 or 12.50 tUSD');
  });

  it("refuses a place that is neither lat,lon nor a geohash", async function () {
    await loadFixture(deployedWithParties);
    await expect(
      run("rider:request", { account: RIDER, from: "Gangnam", to: JONGNO, maxFare: "12.50", expires: "15m" }),
    ).to.be.rejectedWith('--from: "Gangnam" is neither lat,lon');
  });

  it("says a rider cannot accept their own ride (not that it is reserved for driver 0x000…0)", async function () {
    await requested();
    await run("driver:register", { account: RIDER, stake: "100" });
    const rider = (await hre.ethers.getSigners())[Number(RIDER)].address;
    await expect(run("driver:accept", { account: RIDER, ride: "1" })).to.be.rejectedWith(
      `ride 1 is your own request (${rider} asked for it), and a rider cannot drive their own ride. Hint: drive it from another account (--account)`,
    );
  });

  it("shows ERC-20 amounts in tokens: a stake above the wallet says what it holds and needs", async function () {
    await loadFixture(deployedWithParties);
    const other = (await hre.ethers.getSigners())[Number(OTHER_DRIVER)].address;
    await expect(run("driver:register", { account: OTHER_DRIVER, stake: "2000" })).to.be.rejectedWith(
      `ERC20InsufficientBalance: ${other} holds 1,000.00 tUSD, needs 2,000.00 tUSD`,
    );
  });

  it("refuses a deployment file of another chain and says how to redeploy", async function () {
    await loadFixture(deployedWithParties);
    const file = deploymentPath("hardhat", hre.config.paths.root);
    const saved = fs.readFileSync(file, "utf8");
    try {
      const stale = { ...loadDeployment("hardhat", hre.config.paths.root), blockHash: `0x${"ab".repeat(32)}` };
      fs.writeFileSync(file, JSON.stringify(stale));
      await expect(run("balance", { account: RIDER })).to.be.rejectedWith(
        /deployments\/hardhat\.json does not belong to this chain: .* Redeploy: `npx hardhat deploy --network hardhat`/,
      );
    } finally {
      fs.writeFileSync(file, saved);
    }
  });

  it("refuses an account index the node does not have", async function () {
    await loadFixture(deployedWithParties);
    await expect(run("balance", { account: "99" })).to.be.rejectedWith("--account: index 99 is out of range");
  });
});

describe("tasks: keeper", function () {
  it("keeper:run --once expires a request past its expiry and refunds the rider", async function () {
    await requested();
    await time.increase(16 * 60);
    const done = await run<{ kind: string; rideId?: bigint; hash?: string }[]>("keeper:run", {
      account: OTHER_DRIVER,
      once: true,
    });
    expect(done.map((d) => [d.kind, d.rideId])).to.deep.equal([["expire", 1n]]);
    expect((await run<RideView>("ride:show", { ride: "1" })).state).to.equal("Cancelled");
    expect((await run<Balances>("balance", { account: RIDER })).credit).to.equal(12_500_000n);
  });

  it("keeper:run --once finalizes a completed ride after the confirmation window", async function () {
    await requested();
    await run("driver:accept", { account: DRIVER, ride: "1" });
    await run("driver:pickup", { account: DRIVER, ride: "1" });
    await run("driver:complete", { account: DRIVER, ride: "1" });
    await time.increase(61 * 60);
    const done = await run<{ kind: string }[]>("keeper:run", { account: OTHER_DRIVER, once: true });
    expect(done.map((d) => d.kind)).to.include("finalize");
    expect((await run<RideView>("ride:show", { ride: "1" })).state).to.equal("Finalized");
  });

  it("keeper:run --once finds nothing when nothing is due", async function () {
    await requested();
    expect(await run("keeper:run", { once: true })).to.deep.equal([]);
  });
});
