import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import type { SortitionTreeHarness } from "../../typechain-types";
import { requestRide, ride, usd } from "../fixtures/market";
import { deployDisputes10Fixture, fulfil, openedDispute } from "../fixtures/disputes";

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

/** Builds the tree to `size` members in batches that fit a block (real inserts, not a shortcut). */
async function growTo(tree: SortitionTreeHarness, from: number, size: number): Promise<void> {
  const batch = 100; // about 130k gas per insert: a batch stays under the 16.7M transaction cap
  for (let first = from; first < size; first += batch) {
    await tree.fill(0x1000 + first, Math.min(batch, size - first), { gasLimit: 16_000_000 });
  }
}

describe("Disputes: gas (printed as a table; see docs/DISPUTES.md)", function () {
  this.timeout(600_000);

  it("keeps a draw and a stake update logarithmic from 10 to 10,000 arbiters", async function () {
    const tree = await ethers.deployContract("SortitionTreeHarness");
    await growTo(tree, 0, 10);
    const random = 2n ** 255n + 12345n;
    const draw10 = await gasOf(tree.drawTx(random));
    const probe = ethers.getAddress("0x0000000000000000000000000000000000001003");
    const update10 = await gasOf(tree.set(probe, ride("2")));
    await growTo(tree, 10, 10_000);
    const draw10k = await gasOf(tree.drawTx(random));
    const update10k = await gasOf(tree.set(probe, ride("3")));
    const insert10k = await gasOf(tree.set(ethers.getAddress("0x00000000000000000000000000000000000fffff"), ride("1")));
    console.table({
      "tree draw": { "10 arbiters": draw10, "10,000 arbiters": draw10k },
      "tree stake update": { "10 arbiters": update10, "10,000 arbiters": update10k },
      "tree insert": { "10 arbiters": "-", "10,000 arbiters": insert10k },
    });
    // Depth grows from 2 to 7 levels (K = 4): about 5 more levels of 4 cold reads, or 5 writes.
    expect(draw10k - draw10).to.be.lessThan(60_000n);
    expect(update10k - update10).to.be.lessThan(40_000n);
  });

  it("measures each court and pool operation with 10 arbiters", async function () {
    const fx = await loadFixture(deployDisputes10Fixture);
    const { court, pool, market, riders, drivers, arbiters } = fx;
    const figures: Record<string, bigint> = {};

    const settleId = await requestRide(market, riders[1]);
    await market.connect(drivers[1]).acceptRide(settleId, usd("20"));
    figures["openDispute"] = await gasOf(court.connect(riders[1]).openDispute(settleId));
    figures["proposeSettlement"] = await gasOf(court.connect(riders[1]).proposeSettlement(settleId, 6_000));
    figures["acceptSettlement (settle)"] = await gasOf(court.connect(drivers[1]).acceptSettlement(settleId, 6_000));

    const id = await openedDispute(fx);
    await fulfil(fx, id);
    figures["drawArbiters (1 seat)"] = await gasOf(court.drawArbiters(id));
    const seat = await court.getSeat(id, 0, 0);
    const arbiter = arbiters.find((a) => a.address === seat.arbiter)!;
    figures["rule (1 seat, ends the round)"] = await gasOf(court.connect(arbiter).rule(id, 0));
    figures["appeal"] = await gasOf(court.connect(riders[0]).appeal(id, usd("16")));
    await fulfil(fx, id, 9n);
    figures["drawArbiters (3 seats)"] = await gasOf(court.drawArbiters(id));
    const seated = await Promise.all([0, 1, 2].map((s) => court.getSeat(id, 1, s)));
    for (const [i, s] of seated.entries()) {
      const who = arbiters.find((a) => a.address === s.arbiter)!;
      figures[`rule (panel of 3, vote ${i + 1})`] = await gasOf(court.connect(who).rule(id, 10_000));
    }
    await time.increase(24 * 60 * 60 + 1);
    figures["executeRuling"] = await gasOf(court.executeRuling(id));

    const staker = arbiters[0];
    figures["requestUnstake"] = await gasOf(pool.connect(staker).requestUnstake(ride("20")));
    await time.increase(7 * 24 * 60 * 60);
    figures["withdrawUnstaked"] = await gasOf(pool.connect(staker).withdrawUnstaked(staker.address));
    figures["stake"] = await gasOf(pool.connect(staker).stake(ride("20")));
    console.table(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, { gas: v }])));
    for (const v of Object.values(figures)) expect(v).to.be.lessThan(1_000_000n);
  });
});
