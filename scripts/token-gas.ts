/**
 * Gas of the RIDE token's user operations on the in-process Hardhat chain, as a markdown table
 * for docs/TOKEN.md. Run: `npx hardhat run scripts/token-gas.ts`.
 * Mints go through MockMinter (the token refuses an EOA minter), which adds its own call overhead.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { ride, signPermit, TOKEN_CAP, usd } from "../test/fixtures/token";

async function gas(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function main(): Promise<void> {
  const [, governance, depositor, a, b, d, e, f, g] = await ethers.getSigners();
  const tusd = await ethers.deployContract("TestUSD");
  const forwarder = await ethers.deployContract("RideCoopForwarder");
  const token = await ethers.deployContract("CoopToken", [
    TOKEN_CAP,
    await tusd.getAddress(),
    governance.address,
    await forwarder.getAddress(),
  ]);
  const minter = await ethers.deployContract("MockMinter", [await token.getAddress()]);
  await token.setMinter(await minter.getAddress());
  await tusd.connect(depositor).faucet(usd("1000"));
  await tusd.connect(depositor).approve(await token.getAddress(), ethers.MaxUint256);

  const rows: [string, bigint][] = [];
  // Warm-up: the very first mint also creates the total-supply checkpoint array.
  await minter.mint(f.address, ride("10"));
  await minter.mint(g.address, ride("10"));
  rows.push([
    "mint, first to an undelegated account (auto self-delegation)",
    await gas(minter.mint(a.address, ride("10"))),
  ]);
  rows.push(["mint, again to the same account", await gas(minter.mint(a.address, ride("10")))]);
  rows.push(["delegate to self, before holding anything", await gas(token.connect(b).delegate(b.address))]);
  rows.push(["mint, first to an account that delegated itself before", await gas(minter.mint(b.address, ride("10")))]);
  rows.push([
    "delegate, holder of 20 RIDE to another self-delegated account",
    await gas(token.connect(a).delegate(b.address)),
  ]);
  await token.connect(a).delegate(a.address);
  rows.push([
    "transfer between two self-delegated holders, no revenue yet",
    await gas(token.connect(f).transfer(g.address, ride("1"))),
  ]);
  rows.push([
    "depositRevenue, first (accumulator zero to non-zero)",
    await gas(token.connect(depositor).depositRevenue(usd("5"))),
  ]);
  rows.push(["depositRevenue, later", await gas(token.connect(depositor).depositRevenue(usd("5")))]);
  rows.push([
    "transfer between two self-delegated holders, after revenue",
    await gas(token.connect(g).transfer(f.address, ride("1"))),
  ]);
  rows.push([
    "transfer again between the same two holders (corrections already non-zero)",
    await gas(token.connect(f).transfer(g.address, ride("1"))),
  ]);
  rows.push([
    "transfer to a new, undelegated address, after revenue",
    await gas(token.connect(a).transfer(d.address, ride("1"))),
  ]);
  const deadline = BigInt((await time.latest()) + 3_600);
  const p = await signPermit(token, a, e.address, ride("1"), deadline);
  rows.push(["permit", await gas(token.connect(e).permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s))]);
  rows.push(["claimRevenue, first", await gas(token.connect(a).claimRevenue(a.address))]);
  await token.connect(depositor).depositRevenue(usd("5"));
  rows.push(["claimRevenue, later", await gas(token.connect(a).claimRevenue(a.address))]);

  console.log("| Operation | Gas |\n| --- | ---: |");
  for (const [name, used] of rows) console.log(`| ${name} | ${used.toLocaleString("en-US")} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
