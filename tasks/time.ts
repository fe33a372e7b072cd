import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatDuration, InputError, parseDuration } from "../src/client/format";
import { NETWORKS } from "../src/config";
import { friendly, mineAfterLatest, report } from "./lib/common";

interface AdvanceArgs {
  by: string;
  json: boolean;
}

/**
 * Local chains only: mines a block `--by` after the latest one, so that the next
 * transaction (and every view of "now") sees the later time. Walkthroughs use it to pass a
 * voting period, a timelock delay or an appeal window without waiting.
 */
task("time:advance", "Local chains only: moves the chain's clock forward by --by and mines a block")
  .addParam("by", "How long, like 90s, 6m, 2h or 1d")
  .addFlag("json", "Print the result as JSON")
  .setAction(async (args: AdvanceArgs, hre: HardhatRuntimeEnvironment) => {
    try {
      const name = hre.network.name;
      if (NETWORKS[name]?.local !== true) {
        throw new InputError(
          "network",
          `${name} is not a local chain: time:advance moves only a local node's clock (--network localhost)`,
        );
      }
      const seconds = parseDuration(args.by, "by");
      if (seconds === 0) throw new InputError("by", `"${args.by}" is no time; write it like 90s, 6m, 2h or 1d`);
      // The block mined here is exactly `seconds` later than the one before it, however long
      // the process took to start.
      const result = { seconds, ...(await mineAfterLatest(hre, seconds)) };
      report(
        args,
        [
          `Moved the clock forward by ${formatDuration(seconds)}; block ${result.blockNumber} at ${new Date(Number(result.timestamp) * 1000).toISOString()}`,
        ],
        result,
      );
      return result;
    } catch (err) {
      throw friendly(err);
    }
  });
