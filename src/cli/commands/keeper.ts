import { workTarget } from "../../client/client";
import { formatDuration, InputError, parseDuration } from "../../client/format";

import { mineAfterLatest, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The keeper commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const keeperCommands: CommandSpec[] = [];

interface KeeperArgs extends CommonArgs {
  once: boolean;
  interval: string;
  mine: boolean;
}

keeperCommands.push(
  command<KeeperArgs>({
    task: "keeper:run",
    description: "Finds work deadlines made due (from events) and does it; loops unless --once",
    params: [
      { name: "once", description: "One pass, then exit", flag: true },
      { name: "interval", description: "Pause between passes", optional: true, default: "30s" },
      {
        name: "mine",
        description: "Local chains only: mine the blocks a pending draw's randomness waits for",
        flag: true,
      },
    ],
    async run(ctx, args) {
      if (args.mine && !ctx.local) {
        throw new InputError("mine", `${ctx.network} is not a local chain; its blocks come by themselves`);
      }
      const client = await ctx.client();
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
              await mineAfterLatest(ctx, wait);
              if (!args.json)
                ctx.report([`Advanced ${wait} s to the end of the pool's staking time (local chain)`], {});
            }
            const blocks = await client.blocksUntilRandomness();
            if (blocks > 0) {
              await ctx.rpc("hardhat_mine", [`0x${blocks.toString(16)}`]);
              if (!args.json) ctx.report([`Mined ${blocks} block(s) for a draw's randomness (local chain)`], {});
            }
          }
          const passed = await keeperPass();
          if (!passed) break;
        }
        if (args.once) break;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
      if (done.length === 0 && !args.json) ctx.report(["Nothing is due"], done);
      if (args.json) ctx.report([], done);
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
            ctx.report([r.tx !== undefined ? `${what}\n${txLine(r.tx)}` : `${what}: skipped, ${r.error}`], item);
          }
        }
        return results.some((r) => r.work.kind === "pass-phase" && r.tx !== undefined);
      }
    },
  }),
);
