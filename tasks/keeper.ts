import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { workTarget } from "../src/client/client";
import { formatDuration, InputError, parseDuration } from "../src/client/format";
import { networkConfig } from "../src/config";
import { clientFor, mineAfterLatest, report, roleTask, txLine, type CommonArgs } from "./lib/common";

interface KeeperArgs extends CommonArgs {
  once: boolean;
  interval: string;
  mine: boolean;
}

roleTask(
  task("keeper:run", "Finds work deadlines made due (from events) and does it; loops unless --once")
    .addFlag("once", "One pass, then exit")
    .addOptionalParam("interval", "Pause between passes", "30s")
    .addFlag("mine", "Local chains only: mine the blocks a pending draw's randomness waits for"),
  async (args: KeeperArgs, hre: HardhatRuntimeEnvironment) => {
    if (args.mine && !networkConfig(hre.network.name).local) {
      throw new InputError("mine", `${hre.network.name} is not a local chain; its blocks come by themselves`);
    }
    const client = await clientFor(hre, args);
    const pause = parseDuration(args.interval, "interval") * 1000;
    const done: {
      kind: string;
      rideId?: bigint;
      disputeId?: bigint;
      hash?: string;
      gasUsed?: bigint;
      error?: string;
    }[] = [];
    for (;;) {
      // The arbiter pool's phases chain (Staking -> Generating -> Drawing): a pass that moved
      // the pool looks again at once, at most a few times.
      for (let step = 0; step < 4; step++) {
        if (args.mine) {
          const wait = await client.secondsUntilPoolPhase();
          if (wait > 0) {
            // The pool's staking time is then over for the pass below.
            await mineAfterLatest(hre, wait);
            if (!args.json)
              report(args, [`Advanced ${wait} s to the end of the pool's staking time (local chain)`], {});
          }
          const blocks = await client.blocksUntilRandomness();
          if (blocks > 0) {
            await hre.network.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`]);
            if (!args.json) report(args, [`Mined ${blocks} block(s) for a draw's randomness (local chain)`], {});
          }
        }
        const passed = await keeperPass();
        if (!passed) break;
      }
      if (args.once) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    if (done.length === 0 && !args.json) report(args, ["Nothing is due"], done);
    if (args.json) report(args, [], done);
    return done;

    /** One look for due work; whether it moved the pool's phase. */
    async function keeperPass(): Promise<boolean> {
      const [work, now] = await Promise.all([client.dueWork(), client.now()]);
      const results = await client.runDueWork(work);
      for (const r of results) {
        const item = {
          kind: r.work.kind,
          rideId: r.work.rideId,
          disputeId: r.work.disputeId,
          hash: r.tx?.hash,
          gasUsed: r.tx?.gasUsed,
          error: r.error,
        };
        done.push(item);
        if (!args.json) {
          const what = `${r.work.kind}${workTarget(r.work)} (due ${r.work.dueSince >= now ? "now" : `${formatDuration(now - r.work.dueSince)} ago`})`;
          report(args, [r.tx !== undefined ? `${what}\n${txLine(r.tx)}` : `${what}: skipped, ${r.error}`], item);
        }
      }
      return results.some((r) => r.work.kind === "pass-phase" && r.tx !== undefined);
    }
  },
);
