import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
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

/** Which randomness the court draws with: the block-hash source (local chains) or Chainlink VRF. */
export type RandomnessKind = "blockhash" | "vrf";

/**
 * The arbiter pool's randomness source, the one place the choice is made. "blockhash": a future block's
 * hash (parameter randomnessDelayBlocks). "vrf": VRFRandomness on Chainlink VRF v2.5 (parameter
 * vrf: coordinator, keyHash, subscriptionId, nativePayment, callbackGasLimit,
 * requestConfirmations, expirySeconds); `requester` (the contract that calls request()) is set
 * once, before use, by the deployer. The subscription's owner must add the adapter as a consumer.
 */
function randomnessSource(m: IgnitionModuleBuilder, kind: RandomnessKind, timelock: ContractFuture<string>) {
  if (kind === "blockhash") {
    const randomness = m.contract("BlockhashRandomness", [timelock, m.getParameter("randomnessDelayBlocks")]);
    return { randomness, setRequester: (_requester: ContractFuture<string>) => [] };
  }
  const vrf = (name: string) => m.getParameter(`vrf${name}`);
  const randomness = m.contract("VRFRandomness", [
    vrf("Coordinator"),
    timelock,
    vrf("KeyHash"),
    vrf("SubscriptionId"),
    vrf("NativePayment"),
    vrf("CallbackGasLimit"),
    vrf("RequestConfirmations"),
    vrf("ExpirySeconds"),
  ]);
  return {
    randomness,
    setRequester: (requester: ContractFuture<string>) => [
      m.call(randomness, "setRequester", [requester], { id: "setRandomnessRequester" }),
    ],
  };
}

/**
 * The cooperative: a TimelockController (the only authority), RIDE, the governor and the
 * market, wired so the deployer holds no power once the module ends:
 * - RIDE's minter is the market (set once by the deployer);
 * - the governor is the timelock's only proposer and canceller; anyone may execute;
 * - the market and the arbiter pool answer to the DisputeCourt (set once by the deployer);
 * - the deployer renounces the timelock's admin role last, after every other step;
 * - every contract a user calls (market, RIDE, court, pool, key registry) trusts the one
 *   RideCoopForwarder (ERC-2771), so a signed request anyone relays acts as its signer.
 *
 * Parameters (module "RideCoop"): fareToken, rideCap, marketParams, marketAmounts,
 * rewardCaps, timelockDelay, votingDelay, votingPeriod, proposalThreshold, quorumPercent,
 * lateQuorumExtension, randomnessDelayBlocks (blockhash) or vrf* (VRF, see randomnessSource),
 * poolParams, courtParams. The deploy task fills them from src/config.ts. KeyRegistry (sealed
 * evidence keys) is standalone and ownerless.
 */
const modules = new Map<RandomnessKind, ReturnType<typeof buildRideCoop>>();

/** The suite's module with `kind` of randomness (one module id, "RideCoop", either way). */
export function rideCoopModule(kind: RandomnessKind) {
  if (!modules.has(kind)) modules.set(kind, buildRideCoop(kind));
  return modules.get(kind)!;
}

const buildRideCoop = (kind: RandomnessKind) =>
  buildModule("RideCoop", (m) => {
    const deployer = m.getAccount(0);
    const fareToken = m.getParameter<string>("fareToken");

    // OpenZeppelin's ERC2771Forwarder (no owner): every user-facing contract below trusts it.
    const forwarder = m.contract("RideCoopForwarder");
    const timelock = m.contract("TimelockController", [m.getParameter("timelockDelay"), [], [ZeroAddress], deployer]);
    const token = m.contract("CoopToken", [m.getParameter("rideCap"), fareToken, timelock, forwarder]);
    const governor = m.contract("CoopGovernor", [
      token,
      timelock,
      m.getParameter("votingDelay"),
      m.getParameter("votingPeriod"),
      m.getParameter("proposalThreshold"),
      m.getParameter("quorumPercent"),
      m.getParameter("lateQuorumExtension"),
      forwarder,
    ]);
    // The market's parameter rules are an external library, linked (RideMarket is near EIP-170).
    const parameterRules = m.library("ParameterRules");
    const market = m.contract(
      "RideMarket",
      [
        fareToken,
        token,
        timelock,
        m.getParameter("marketParams"),
        m.getParameter("marketAmounts"),
        m.getParameter("rewardCaps"),
        forwarder,
      ],
      { libraries: { ParameterRules: parameterRules } },
    );

    const { randomness, setRequester } = randomnessSource(m, kind, timelock);
    const keys = m.contract("KeyRegistry", [forwarder]);
    // The pool requests each epoch's random value (it freezes the draw weights first).
    const pool = m.contract("ArbiterPool", [token, randomness, timelock, m.getParameter("poolParams"), forwarder]);
    const court = m.contract("DisputeCourt", [market, pool, timelock, m.getParameter("courtParams"), forwarder]);
    const randomnessRequester = setRequester(pool);

    const setMinter = m.call(token, "setMinter", [market]);
    const poolCourt = m.call(pool, "setCourt", [court], { id: "setPoolCourt" });
    const marketCourt = m.call(market, "setCourt", [court], { id: "setMarketCourt" });
    const grantProposer = m.call(timelock, "grantRole", [ROLES.PROPOSER_ROLE, governor], { id: "grantProposer" });
    const grantCanceller = m.call(timelock, "grantRole", [ROLES.CANCELLER_ROLE, governor], { id: "grantCanceller" });
    m.call(timelock, "renounceRole", [ROLES.DEFAULT_ADMIN_ROLE, deployer], {
      id: "renounceAdmin",
      after: [setMinter, poolCourt, marketCourt, grantProposer, grantCanceller, ...randomnessRequester],
    });

    return { forwarder, parameterRules, timelock, token, governor, market, randomness, pool, court, keys };
  });

/** The local-chain suite (block-hash randomness). */
export const RideCoopModule = rideCoopModule("blockhash");
