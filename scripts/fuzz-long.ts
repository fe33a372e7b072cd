/**
 * Runs the stateful model tests long, with a random seed, and prints the seed of any failure
 * so that it can be replayed exactly. Two models: the market's (test/security/model.stateful
 * .test.ts) and the court's (test/security/court.stateful.test.ts: DisputeCourt + ArbiterPool
 * + the market). Both run by default, each with the same seed, runs and steps.
 *
 *   npx ts-node scripts/fuzz-long.ts                      # random seed, 500 runs of 100 steps, both models
 *   npx ts-node scripts/fuzz-long.ts --model court        # only the court's model (or --model market)
 *   npx ts-node scripts/fuzz-long.ts --runs 2000 --steps 150
 *   npx ts-node scripts/fuzz-long.ts --seed 123456789     # replay a failure (same runs/steps/model)
 *   npx ts-node scripts/fuzz-long.ts --seed 123456789 --model court --path "17:3" --shrink
 *
 * fast-check's own report (seed, path, counterexample) is printed by the test on failure; the
 * failing step names the action and the invariant that broke.
 */
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const FILES = {
  market: "test/security/model.stateful.test.ts",
  court: "test/security/court.stateful.test.ts",
} as const;

const seed = option("seed") ?? String(randomInt(1, 2 ** 31 - 1));
const runs = option("runs") ?? "500";
const steps = option("steps") ?? "100";
const path = option("path");
const shrink = process.argv.includes("--shrink");
const model = option("model") ?? "both";
if (model !== "both" && model !== "market" && model !== "court") {
  console.error(`fuzz-long: --model is market, court or both, not "${model}".`);
  process.exit(2);
}
const files = model === "both" ? [FILES.market, FILES.court] : [FILES[model]];

const env: NodeJS.ProcessEnv = {
  ...process.env,
  FUZZ_SEED: seed,
  FUZZ_RUNS: runs,
  FUZZ_STEPS: steps,
  COURT_FUZZ_SEED: seed,
  COURT_FUZZ_RUNS: runs,
  COURT_FUZZ_STEPS: steps,
};
if (path !== undefined) {
  env.FUZZ_PATH = path;
  env.COURT_FUZZ_PATH = path;
}
if (shrink) env.FUZZ_SHRINK = "1";

console.log(`fuzz-long: seed ${seed}, ${runs} runs of ${steps} steps, model ${model}`);
const started = Date.now();
const result = spawnSync("npx", ["hardhat", "test", ...files], { env, stdio: "inherit" });
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const replay = `npx ts-node scripts/fuzz-long.ts --seed ${seed} --runs ${runs} --steps ${steps} --model ${model}`;

if (result.status === 0) {
  console.log(`fuzz-long: PASSED in ${minutes} min (seed ${seed})`);
} else {
  console.error(`fuzz-long: FAILED after ${minutes} min with seed ${seed}`);
  console.error(
    `fuzz-long: replay with: ${replay}   (add --model court or market for the one that failed, --path <path from the report> --shrink to minimise)`,
  );
  process.exit(1);
}
