import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { id, ZeroAddress, ZeroHash } from "ethers";

/** TimelockController role ids (keccak256 of the role name; the admin role is zero). */
export const ROLES = {
  DEFAULT_ADMIN_ROLE: ZeroHash,
  PROPOSER_ROLE: id("PROPOSER_ROLE"),
  EXECUTOR_ROLE: id("EXECUTOR_ROLE"),
  CANCELLER_ROLE: id("CANCELLER_ROLE"),
} as const;

/** The fare stablecoin of local chains. Deployed first, into the same deployment id. */
export const TestUSDModule = buildModule("TestUSD", (m) => {
  const testUSD = m.contract("TestUSD");
  return { testUSD };
});

/**
 * The cooperative: a TimelockController (the only authority), RIDE, the governor and the
 * market, wired so the deployer holds no power once the module ends:
 * - RIDE's minter is the market (set once by the deployer);
 * - the governor is the timelock's only proposer and canceller; anyone may execute;
 * - the market and the arbiter pool answer to the DisputeCourt (set once by the deployer);
 * - the deployer renounces the timelock's admin role last, after every other step.
 *
 * Parameters (module "RideCoop"): fareToken, rideCap, marketParams, marketAmounts,
 * rewardCaps, timelockDelay, votingDelay, votingPeriod, proposalThreshold, quorumPercent,
 * lateQuorumExtension, randomnessDelayBlocks, poolParams, courtParams. The deploy task fills them from src/config.ts.
 */
export const RideCoopModule = buildModule("RideCoop", (m) => {
  const deployer = m.getAccount(0);
  const fareToken = m.getParameter<string>("fareToken");

  const timelock = m.contract("TimelockController", [m.getParameter("timelockDelay"), [], [ZeroAddress], deployer]);
  const token = m.contract("CoopToken", [m.getParameter("rideCap"), fareToken, timelock]);
  const governor = m.contract("CoopGovernor", [
    token,
    timelock,
    m.getParameter("votingDelay"),
    m.getParameter("votingPeriod"),
    m.getParameter("proposalThreshold"),
    m.getParameter("quorumPercent"),
    m.getParameter("lateQuorumExtension"),
  ]);
  const market = m.contract("RideMarket", [
    fareToken,
    token,
    timelock,
    m.getParameter("marketParams"),
    m.getParameter("marketAmounts"),
    m.getParameter("rewardCaps"),
  ]);

  const randomness = m.contract("BlockhashRandomness", [timelock, m.getParameter("randomnessDelayBlocks")]);
  const pool = m.contract("ArbiterPool", [token, randomness, timelock, m.getParameter("poolParams")]);
  const court = m.contract("DisputeCourt", [market, pool, timelock, m.getParameter("courtParams")]);

  const setMinter = m.call(token, "setMinter", [market]);
  const poolCourt = m.call(pool, "setCourt", [court], { id: "setPoolCourt" });
  const marketCourt = m.call(market, "setCourt", [court], { id: "setMarketCourt" });
  const grantProposer = m.call(timelock, "grantRole", [ROLES.PROPOSER_ROLE, governor], { id: "grantProposer" });
  const grantCanceller = m.call(timelock, "grantRole", [ROLES.CANCELLER_ROLE, governor], { id: "grantCanceller" });
  m.call(timelock, "renounceRole", [ROLES.DEFAULT_ADMIN_ROLE, deployer], {
    id: "renounceAdmin",
    after: [setMinter, poolCourt, marketCourt, grantProposer, grantCanceller],
  });

  return { timelock, token, governor, market, randomness, pool, court };
});
