import fc from "fast-check";
import hre from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { actionArb } from "./model/actions";
import { deployWorld, initialModel, outcomes, Runner } from "./model/runner";

/**
 * The stateful model test: random sequences of every user action, by eight riders and drivers,
 * the court, governance and a keeper, with time jumps across every window, run against the
 * chain and against the plain TypeScript model in ./model/coop.ts. After every step: the same
 * outcome (success or the same custom error), exact money conservation, RIDE supply, revenue
 * share, credits that only fall by withdrawal, ride states along the design's arrows, past
 * votes unchanged; every 25 steps and at the end the whole state is compared.
 *
 * CI runs a fixed seed. Replay or run long: `npx ts-node scripts/fuzz-long.ts [--seed N]`,
 * or set FUZZ_SEED / FUZZ_RUNS / FUZZ_STEPS (and FUZZ_PATH from a failure report).
 */
const coverage = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_125);
const RUNS = Number(process.env.FUZZ_RUNS ?? (coverage ? 16 : 40));
const STEPS = Number(process.env.FUZZ_STEPS ?? 60);

describe("Security: the stateful model of the cooperative", function () {
  // Longer than the global 120 s, bounded all the same: a step takes ~90 ms on a loaded 2-core
  // machine (40 x 60 steps: 206 s beside a CPU burner), several times that under coverage's
  // instrumentation. 2 s a step leaves room for both and grows with FUZZ_RUNS / FUZZ_STEPS.
  this.timeout(RUNS * STEPS * 2_000);

  it(`keeps every invariant over ${RUNS} random runs of ${STEPS} actions (seed ${SEED})`, async function () {
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: STEPS, maxLength: STEPS }), async (actions) => {
        const world = await loadFixture(deployWorld);
        const runner = new Runner(world, await initialModel(world));
        try {
          for (const [i, a] of actions.entries()) await runner.step(a, i);
          await runner.checkEverything("end of run");
        } finally {
          total += runner.steps;
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        path: process.env.FUZZ_PATH,
        endOnFailure: process.env.FUZZ_SHRINK !== "1",
      },
    );
    if (process.env.FUZZ_STATS === "1") console.table([...outcomes.entries()].sort());
    console.log(`      model steps checked on chain: ${total} (seed ${SEED}, ${RUNS} runs)`);
  });
});
