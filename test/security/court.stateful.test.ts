import fc from "fast-check";
import hre from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { CourtRunner, courtActionArb, courtOutcomes, deployCourtWorld, initialCourtModel } from "./model/court-runner";

/**
 * The court's stateful model: random sequences of rides, disputes (rider and driver, Accepted,
 * Started and Completed rides, inside and past their windows), arbiter stakes, unstakes and
 * withdrawals, the pool's phases and randomness (ready, expired, never), draws, votes,
 * timeouts, appeals, settlement offers, executions and time warps, by three riders, three
 * drivers, twelve arbiters and a keeper, run against the real DisputeCourt, ArbiterPool and
 * RideMarket and against the TypeScript model in ./model/court.ts (with the market model of
 * ./model/coop.ts). After every call: the same outcome (success or the same custom error), the
 * dispute and ride as the model has them, the court's balance equal to its credits plus the
 * unearned fees of open disputes, the pool's RIDE equal to stakes + unstaking + slash credits,
 * the sum tree's total equal to the model's leaves, every lock equal to its seats' locks, the
 * market's money. Every 20 calls and at the end the whole state; at the end of each run every
 * open dispute is driven to its end by deadline exits alone ("no dispute without an exit").
 *
 * Replay or run long: `npx ts-node scripts/fuzz-long.ts --model court [--seed N]`, or set
 * COURT_FUZZ_SEED / COURT_FUZZ_RUNS / COURT_FUZZ_STEPS (and COURT_FUZZ_PATH from a failure report).
 */
const coverage = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const SEED = Number(process.env.COURT_FUZZ_SEED ?? 20_261_206);
const RUNS = Number(process.env.COURT_FUZZ_RUNS ?? (coverage ? 4 : 16));
const STEPS = Number(process.env.COURT_FUZZ_STEPS ?? 40);

describe("Security: the stateful model of the court and its arbiter pool", function () {
  // A step is one to four calls of ~40 ms, plus the exit drill at the end of a run; 2 s a step
  // leaves room for a loaded machine and coverage, and grows with the runs and steps.
  this.timeout(RUNS * STEPS * 2_000 + 120_000);

  it(`keeps the court's invariants over ${RUNS} random runs of ${STEPS} actions (seed ${SEED})`, async function () {
    let calls = 0;
    let drilled = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(courtActionArb, { minLength: STEPS, maxLength: STEPS }), async (actions) => {
        const world = await loadFixture(deployCourtWorld);
        const runner = new CourtRunner(world, await initialCourtModel(world));
        try {
          for (const [i, a] of actions.entries()) await runner.step(a, i);
          await runner.checkEverything("end of run");
          await runner.drillExits("end of run");
        } finally {
          calls += runner.steps;
          drilled += runner.exitsDrilled;
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        path: process.env.COURT_FUZZ_PATH,
        endOnFailure: process.env.FUZZ_SHRINK !== "1",
      },
    );
    if (process.env.FUZZ_STATS === "1") console.table([...courtOutcomes.entries()].sort());
    console.log(
      `      court model calls checked on chain: ${calls}; open disputes driven out by deadlines: ${drilled}`,
    );
  });
});
