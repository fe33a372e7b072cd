import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatDuration, parseDuration } from "../src/client/format";
import { clientFor, report, roleTask, txLine, type CommonArgs } from "./lib/common";

interface KeeperArgs extends CommonArgs {
  once: boolean;
  interval: string;
}

roleTask(
  task("keeper:run", "Finds work deadlines made due (from events) and does it; loops unless --once")
    .addFlag("once", "One pass, then exit")
    .addOptionalParam("interval", "Pause between passes", "30s"),
  async (args: KeeperArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const pause = parseDuration(args.interval, "interval") * 1000;
    const done: { kind: string; rideId?: bigint; hash?: string; gasUsed?: bigint; error?: string }[] = [];
    for (;;) {
      const [work, now] = await Promise.all([client.dueWork(), client.now()]);
      const results = await client.runDueWork(work);
      for (const r of results) {
        const item = {
          kind: r.work.kind,
          rideId: r.work.rideId,
          hash: r.tx?.hash,
          gasUsed: r.tx?.gasUsed,
          error: r.error,
        };
        done.push(item);
        if (!args.json) {
          const what = `${r.work.kind}${r.work.rideId === undefined ? "" : ` ride ${r.work.rideId}`} (due ${formatDuration(now - r.work.dueSince)} ago)`;
          report(args, [r.tx !== undefined ? `${what}\n${txLine(r.tx)}` : `${what}: skipped, ${r.error}`], item);
        }
      }
      if (args.once) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    if (done.length === 0 && !args.json) report(args, ["Nothing is due"], done);
    if (args.json) report(args, [], done);
    return done;
  },
);
