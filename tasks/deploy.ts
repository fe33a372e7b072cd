import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import path from "node:path";
import { deployRideCoop } from "../src/deploy";
import { report, roleTask, type CommonArgs } from "./lib/common";

interface DeployArgs extends CommonArgs {
  fresh: boolean;
}

roleTask(
  task(
    "deploy",
    "Deploys the RideCoop suite with Ignition, verifies the wiring, writes deployments/<network>.json",
  ).addFlag("fresh", "Redeploy even when a live deployment exists"),
  async (args: DeployArgs, hre: HardhatRuntimeEnvironment) => {
    const result = await deployRideCoop(hre, { fresh: args.fresh });
    const d = result.deployment;
    const rel = path.relative(hre.config.paths.root, result.file);
    report(
      args,
      [
        ...result.notes,
        `${result.deployed ? "Deployed" : "Found"} RideCoop on ${d.network} (chain ${d.chainId}) from block ${d.blockNumber}, commit ${d.commit}`,
        ...Object.entries(d.contracts).map(
          ([name, r]: [string, { address: string; transactionHash: string }]) =>
            `  ${name.padEnd(13)} ${r.address}  tx ${r.transactionHash}`,
        ),
        `  fare token    ${d.fareToken.address} (${d.fareToken.symbol}, ${d.fareToken.decimals} decimals)`,
        `Wiring verified on chain: ${result.checks.length} checks passed`,
        `Wrote ${rel}`,
      ],
      { deployed: result.deployed, file: rel, notes: result.notes, deployment: d, checks: result.checks.length },
    );
    return result;
  },
);
