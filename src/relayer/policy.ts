// What the relayer relays: the suite's user-facing contracts and, on each, the user actions by
// name. Selectors come from the generated contract interfaces, so a renamed function fails at
// start-up instead of being silently refused.
import { getAddress, Interface, type InterfaceAbi } from "ethers";
import type { Deployment } from "../client/deployment";
import {
  ArbiterPool__factory,
  CoopGovernor__factory,
  CoopToken__factory,
  DisputeCourt__factory,
  KeyRegistry__factory,
  RideMarket__factory,
} from "../client/contracts";

type SuiteContract = "RideMarket" | "CoopToken" | "CoopGovernor" | "DisputeCourt" | "ArbiterPool" | "KeyRegistry";

/** The user actions relayed on each contract; governance setters, minting and wiring are not. */
export const USER_ACTIONS: Record<SuiteContract, { abi: InterfaceAbi; actions: string[] }> = {
  RideMarket: {
    abi: RideMarket__factory.abi,
    actions: [
      "registerDriver",
      "addStake",
      "withdrawStake",
      "deregisterDriver",
      "requestRide",
      "requestRideWithPermit",
      "deposit",
      "depositWithPermit",
      "requestRideFromCredit",
      "cancelRide",
      "expireRequest",
      "acceptRide",
      "makeOffer",
      "acceptOffer",
      "markArrived",
      "startRide",
      "completeRide",
      "confirmRide",
      "finalizeRide",
      "cancelDriverNoShow",
      "cancelRiderNoShow",
      "reclaimAbandoned",
      "rate",
      "withdraw",
      "claimRewards",
    ],
  },
  CoopToken: { abi: CoopToken__factory.abi, actions: ["delegate", "transfer", "approve", "claimRevenue"] },
  CoopGovernor: { abi: CoopGovernor__factory.abi, actions: ["propose", "castVote", "castVoteWithReason"] },
  DisputeCourt: {
    abi: DisputeCourt__factory.abi,
    actions: [
      "openDispute",
      "submitEvidence",
      "proposeSettlement",
      "withdrawSettlement",
      "acceptSettlement",
      "rule",
      "appeal",
      "timeoutRuling",
      "executeRuling",
      "withdraw",
    ],
  },
  ArbiterPool: {
    abi: ArbiterPool__factory.abi,
    actions: ["stake", "requestUnstake", "withdrawUnstaked", "claimCredit"],
  },
  KeyRegistry: { abi: KeyRegistry__factory.abi, actions: ["registerKey"] },
};

export interface Target {
  contract: SuiteContract;
  /** selector -> function name */
  selectors: Map<string, string>;
  iface: Interface;
}

/** The deployment's relayable targets by (checksummed) address. */
export function allowlist(deployment: Deployment): Map<string, Target> {
  const out = new Map<string, Target>();
  for (const [contract, { abi, actions }] of Object.entries(USER_ACTIONS) as [
    SuiteContract,
    (typeof USER_ACTIONS)[SuiteContract],
  ][]) {
    const record = deployment.contracts[contract];
    if (record === undefined) continue;
    const iface = Interface.from(abi);
    const selectors = new Map<string, string>();
    for (const name of actions) {
      const fragment = iface.getFunction(name);
      if (fragment === null) throw new Error(`${contract} has no function ${name}: update src/relayer/policy.ts`);
      selectors.set(fragment.selector, name);
    }
    out.set(getAddress(record.address), { contract, selectors, iface });
  }
  return out;
}

/** A token whose EIP-2612 permits the relayer submits, and the suite's contracts that pull it. */
export interface PermitTarget {
  /** "the fare token" or "RIDE", for sentences. */
  name: string;
  symbol: string;
  /** spender address (checksummed) -> contract name */
  spenders: Map<string, SuiteContract>;
}

/**
 * The permits the relayer submits, by token: the fare token to RideMarket (stake, escrow,
 * deposit) and DisputeCourt (dispute and appeal fees); RIDE to ArbiterPool (the arbiter's stake),
 * the only suite contract that pulls RIDE. Any other token or spender is refused: the relayer
 * pays only for allowances the suite's own actions use.
 */
export function permitPolicy(deployment: Deployment): Map<string, PermitTarget> {
  const c = deployment.contracts;
  const spenders = (names: SuiteContract[]) => {
    const out = new Map<string, SuiteContract>();
    for (const name of names) {
      const record = c[name];
      if (record !== undefined) out.set(getAddress(record.address), name);
    }
    return out;
  };
  return new Map<string, PermitTarget>([
    [
      getAddress(deployment.fareToken.address),
      {
        name: "the fare token",
        symbol: deployment.fareToken.symbol,
        spenders: spenders(["RideMarket", "DisputeCourt"]),
      },
    ],
    [
      getAddress(c.CoopToken.address),
      { name: "RIDE", symbol: deployment.rideToken.symbol, spenders: spenders(["ArbiterPool"]) },
    ],
  ]);
}
