/**
 * Per-network deployment configuration: the fare token, the initial parameters and the
 * governance timings. Amounts are written as a person reads them ("50" tUSD, "1" RIDE) and
 * converted with the token's decimals at deployment.
 */

/** The market's governed parameters at deployment (see IRideMarket.Params and Amounts). */
export interface MarketConfig {
  feeBps: number;
  holdersShareBps: number;
  /** RIDE per whole fare token of a confirmed ride, as a decimal string ("1" = 1 RIDE). */
  rewardPerToken: string;
  gracePeriod: number;
  pickupWindow: number;
  noShowWindow: number;
  confirmWindow: number;
  rideWindow: number;
  /** Fare-token amounts as decimal strings. */
  minStake: string;
  cancellationFee: string;
  noShowPenalty: string;
  pairFareCap: string;
  driverFareCap: string;
}

/** CoopGovernor and TimelockController settings (seconds; RIDE as decimal strings). */
export interface GovernanceConfig {
  votingDelay: number;
  votingPeriod: number;
  proposalThreshold: string;
  quorumPercent: number;
  lateQuorumExtension: number;
  timelockDelay: number;
}

/** DisputeCourt, ArbiterPool and BlockhashRandomness settings (fare amounts and RIDE as decimal strings). */
export interface DisputesConfig {
  disputeFee: string;
  arbiterFee: string;
  rulingDeadline: number;
  appealWindow: number;
  appealFeeBase: string;
  appealFeeGrowthBps: number;
  maxFailedDraws: number;
  drawLock: string;
  slashBps: number;
  unstakeCooldown: number;
  randomnessDelayBlocks: number;
  /** Chainlink VRF v2.5 instead of BlockhashRandomness (public networks). */
  vrf?: VRFConfig;
}

/**
 * The court's Chainlink VRF v2.5 source. The coordinator, key hash (gas lane) and subscription
 * id are Hardhat configuration variables `<varPrefix>_VRF_COORDINATOR`, `<varPrefix>_VRF_KEY_HASH`
 * and `<varPrefix>_VRF_SUBSCRIPTION_ID`, asked for only when deploying to that network.
 */
export interface VRFConfig {
  varPrefix: string;
  /** Pay for requests in the native token (true) or in LINK (false). */
  nativePayment: boolean;
  callbackGasLimit: number;
  requestConfirmations: number;
  /** An unfulfilled request reports Expired after this long; the court then renews it. */
  expirySeconds: number;
}

/** Testnet VRF settings: the callback (one stored word) takes about 45,000 gas. */
const VRF_SETTINGS = {
  nativePayment: false,
  callbackGasLimit: 100_000,
  requestConfirmations: 3,
  expirySeconds: 60 * 60,
};

export interface NetworkConfig {
  /** A chain that starts empty (hardhat, localhost): TestUSD is deployed as the fare token. */
  local: boolean;
  /** The fare stablecoin: "TestUSD" (deployed) or the address of an existing ERC-20. */
  fareToken: "TestUSD" | { address: string };
  /** RIDE's hard cap, whole tokens. */
  rideCap: string;
  market: MarketConfig;
  governance: GovernanceConfig;
  disputes: DisputesConfig;
  /** Largest block range per eth_getLogs call (public RPCs refuse large ones). */
  logChunk: number;
}

const MARKET: MarketConfig = {
  feeBps: 500,
  holdersShareBps: 5_000,
  rewardPerToken: "1",
  gracePeriod: 120,
  pickupWindow: 15 * 60,
  noShowWindow: 5 * 60,
  confirmWindow: 60 * 60,
  rideWindow: 4 * 60 * 60,
  minStake: "50",
  cancellationFee: "3",
  noShowPenalty: "5",
  pairFareCap: "40",
  driverFareCap: "2000",
};

/** Short timings on local chains: a whole vote fits in a demo (and in tests, with time travel). */
const LOCAL_GOVERNANCE: GovernanceConfig = {
  votingDelay: 1,
  votingPeriod: 5 * 60,
  proposalThreshold: "1",
  quorumPercent: 4,
  lateQuorumExtension: 60,
  timelockDelay: 60,
};

const TESTNET_GOVERNANCE: GovernanceConfig = {
  votingDelay: 10 * 60,
  votingPeriod: 24 * 60 * 60,
  proposalThreshold: "10",
  quorumPercent: 4,
  lateQuorumExtension: 60 * 60,
  timelockDelay: 60 * 60,
};

const DISPUTES: DisputesConfig = {
  disputeFee: "5",
  arbiterFee: "2",
  rulingDeadline: 24 * 60 * 60,
  appealWindow: 24 * 60 * 60,
  appealFeeBase: "10",
  appealFeeGrowthBps: 20_000,
  maxFailedDraws: 3,
  drawLock: "10",
  slashBps: 5_000,
  unstakeCooldown: 7 * 24 * 60 * 60,
  randomnessDelayBlocks: 5,
};

const LOCAL: NetworkConfig = {
  local: true,
  fareToken: "TestUSD",
  rideCap: "100000000",
  market: MARKET,
  governance: LOCAL_GOVERNANCE,
  disputes: DISPUTES,
  logChunk: 1_000_000,
};

export const NETWORKS: Record<string, NetworkConfig> = {
  hardhat: LOCAL,
  localhost: LOCAL,
  // Circle's test USDC (6 decimals, EIP-2612 permit) on each testnet.
  sepolia: {
    ...LOCAL,
    local: false,
    fareToken: { address: "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238" },
    governance: TESTNET_GOVERNANCE,
    disputes: { ...DISPUTES, vrf: { varPrefix: "SEPOLIA", ...VRF_SETTINGS } },
    logChunk: 10_000,
  },
  baseSepolia: {
    ...LOCAL,
    local: false,
    fareToken: { address: "0x036CbD53842c5426634e7929541eC2318f3dCF7e" },
    governance: TESTNET_GOVERNANCE,
    disputes: { ...DISPUTES, vrf: { varPrefix: "BASE_SEPOLIA", ...VRF_SETTINGS } },
    logChunk: 10_000,
  },
};

/** The configuration of `network`; an unknown network is an error that lists the known ones. */
export function networkConfig(network: string): NetworkConfig {
  const config = NETWORKS[network];
  if (config === undefined) {
    throw new Error(`no RideCoop configuration for network "${network}"; known: ${Object.keys(NETWORKS).join(", ")}`);
  }
  return config;
}
