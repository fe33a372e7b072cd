import fs from "node:fs";
import path from "node:path";
import { subtask, vars } from "hardhat/config";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import { TASK_COMPILE_GET_REMAPPINGS, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "hardhat-contract-sizer";

// The compiler comes from the pinned npm `solc` package (solcjs), never from a download:
// this machine and CI reach only the package registry. See README, "How it builds".
// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { version(): string };
const SOLC_LONG_VERSION = solc.version(); // e.g. 0.8.30+commit.73712a01.Emscripten.clang
const SOLC_VERSION = SOLC_LONG_VERSION.split("+")[0];

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: SOLC_LONG_VERSION,
  };
});

// @chainlink/contracts imports OpenZeppelin 4.9.6 as "@openzeppelin/contracts@4.9.6/...": remappings.txt
// maps that prefix to the aliased package "@openzeppelin/contracts-4.9.6" (README, "How it builds").
// Hardhat 2 resolves imports through this subtask and does not read remappings.txt by itself.
subtask(TASK_COMPILE_GET_REMAPPINGS, async (): Promise<Record<string, string>> => {
  const file = path.join(__dirname, "remappings.txt");
  const remappings: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const [from, to] = line.trim().split("=");
    if (from && to) remappings[from] = to;
  }
  return remappings;
});

// The project's tasks import the generated contract types: a fresh clone has none until its
// first compile, so the tasks load only once they exist. A broken import inside tasks/ still fails.
const hasTypes = fs.existsSync(path.join(__dirname, "typechain-types", "index.ts"));
if (hasTypes && process.env.RIDECOOP_SKIP_TASKS !== "1") require("./tasks");

/**
 * A public network whose RPC URL and deployer key are Hardhat configuration variables.
 * Nothing is asked for until the network is actually used: `vars.get` runs only then.
 */
function publicNetwork(name: string, chainId: number, urlVar: string): NetworkUserConfig {
  const keyVar = "RIDECOOP_DEPLOYER_KEY";
  const missing = [urlVar, keyVar].filter((v) => !vars.has(v));
  const selected = process.argv.includes(name);
  if (selected && missing.length > 0) {
    throw new Error(
      `network ${name} needs ${missing.join(" and ")}: run ` +
        missing.map((v) => `\`npx hardhat vars set ${v}\``).join(" and ") +
        " (values are kept outside the repo).",
    );
  }
  return {
    chainId,
    url: vars.get(urlVar, "http://127.0.0.1:0"),
    accounts: vars.has(keyVar) ? [vars.get(keyVar)] : [],
  };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // 200 runs: contracts called on every ride (market, token) favour cheap calls, and the
      // Governor stays under the 24 KB limit. Higher runs grew RideMarket past the limit.
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
  },
  networks: {
    hardhat: {
      chainId: 31337,
      // The simulation starts from a fixed genesis so that block hashes, and with them the local
      // randomness, depend on its seed alone (see scripts/simulate.ts).
      ...(process.env.RIDECOOP_FIXED_GENESIS === "1" ? { initialDate: "2026-01-05T00:00:00Z" } : {}),
    },
    localhost: { url: process.env.RIDECOOP_LOCALHOST_URL ?? "http://127.0.0.1:8545", chainId: 31337 },
    sepolia: publicNetwork("sepolia", 11155111, "SEPOLIA_RPC_URL"),
    baseSepolia: publicNetwork("baseSepolia", 84532, "BASE_SEPOLIA_RPC_URL"),
  },
  etherscan: {
    apiKey: vars.get("ETHERSCAN_API_KEY", ""),
  },
  sourcify: { enabled: false },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
    offline: true,
    currency: "USD",
    outputFile: process.env.REPORT_GAS_FILE,
    noColors: process.env.REPORT_GAS_FILE !== undefined,
  },
  contractSizer: { runOnCompile: false, except: ["mocks/"] },
  mocha: {
    timeout: 120_000,
    // CI counts results through this reporter (see .ci/run); people get the usual spec output.
    reporter: process.env.RIDECOOP_TEST_COUNTS ? "./scripts/ci/count-reporter.js" : "spec",
  },
};

export default config;
