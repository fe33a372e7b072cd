import hre from "hardhat";
import { parseUnits } from "ethers";
import type { Suite } from "./simulation";

/** Deploys the suite for the simulation on the in-process network (local-chain settings). */
export async function deploySimSuite(): Promise<Suite> {
  const { ethers } = hre;
  const [deployer] = await ethers.getSigners();
  const usd = (a: string) => parseUnits(a, 6);
  const tusd = await ethers.deployContract("TestUSD");
  const timelock = await ethers.deployContract("TimelockController", [300, [], [ethers.ZeroAddress], deployer.address]);
  const token = await ethers.deployContract("CoopToken", [
    parseUnits("100000000", 18),
    await tusd.getAddress(),
    await timelock.getAddress(),
  ]);
  const governor = await ethers.deployContract("CoopGovernor", [
    await token.getAddress(),
    await timelock.getAddress(),
    60,
    3600,
    parseUnits("50", 18),
    4,
    600,
  ]);
  const market = await ethers.deployContract("RideMarket", [
    await tusd.getAddress(),
    await token.getAddress(),
    await timelock.getAddress(),
    {
      feeBps: 500,
      holdersShareBps: 5_000,
      rewardPerToken: parseUnits("1", 18),
      gracePeriod: 120,
      pickupWindow: 15 * 60,
      noShowWindow: 5 * 60,
      confirmWindow: 60 * 60,
      rideWindow: 4 * 60 * 60,
    },
    { minStake: usd("50"), cancellationFee: usd("3"), noShowPenalty: usd("5") },
    { pairFareCap: usd("200"), driverFareCap: usd("2000") },
  ]);
  await token.setMinter(await market.getAddress());
  await timelock.grantRole(await timelock.PROPOSER_ROLE(), await governor.getAddress());
  await timelock.grantRole(await timelock.CANCELLER_ROLE(), await governor.getAddress());
  await timelock.renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), deployer.address);
  return { tusd, token, market, governor };
}
