import { formatDuration, InputError, parseDuration } from "../../client/format";
import { command, mineAfterLatest, type CommandSpec, type CommonArgs } from "../command";

/** The clock command: one implementation, for `ridecoop` and the Hardhat task. */
export const timeCommands: CommandSpec[] = [];

interface AdvanceArgs extends CommonArgs {
  by: string;
}

/**
 * Local chains only: mines a block `--by` after the latest one, so that the next transaction
 * (and every view of "now") sees the later time. Walkthroughs use it to pass a voting period, a
 * timelock delay or an appeal window without waiting.
 */
timeCommands.push(
  command<AdvanceArgs>({
    task: "time:advance",
    description: "Local chains only: moves the chain's clock forward by --by and mines a block",
    params: [{ name: "by", description: "How long, like 90s, 6m, 2h or 1d" }],
    account: false,
    async run(ctx, args) {
      if (!ctx.local) {
        throw new InputError(
          "network",
          `${ctx.network} is not a local chain: time:advance moves only a local node's clock (--network localhost)`,
        );
      }
      const seconds = parseDuration(args.by, "by");
      if (seconds === 0) throw new InputError("by", `"${args.by}" is no time; write it like 90s, 6m, 2h or 1d`);
      // The block mined here is exactly `seconds` later than the one before it, however long
      // the process took to start.
      const result = { seconds, ...(await mineAfterLatest(ctx, seconds)) };
      ctx.report(
        [
          `Moved the clock forward by ${formatDuration(seconds)}; block ${result.blockNumber} at ${new Date(Number(result.timestamp) * 1000).toISOString()}`,
        ],
        result,
      );
      return result;
    },
  }),
);
