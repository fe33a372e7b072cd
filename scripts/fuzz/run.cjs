#!/usr/bin/env node
// npm run fuzz [-- --seed N --runs R --depth D]: builds the Foundry invariant fuzz
// (test/invariant/) and runs it with a fixed seed (CI) or the given one; prints calls per second.
// npm run fuzz:deep [-- --runs R]: the same with a random seed, many more runs, and the command
// that replays it.
"use strict";
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");
// The platform package's binary itself: @foundry-rs/forge's bin.mjs (node_modules/.bin/forge)
// does not pass forge's exit status on (1.7.1 exits 0 when a test fails).
function forgeBinary() {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch] ?? process.arch;
  const pkg = `@foundry-rs/forge-${process.platform}-${arch}`;
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] })), "bin", "forge");
  } catch {
    fail(`${pkg} is not installed: run \`npm ci\` (forge comes from package-lock.json).`);
  }
}
const forge = forgeBinary();
const CI_SEED = "0x5eed";

function parseArgs(argv) {
  const opts = { deep: false, seed: undefined, runs: undefined, depth: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value (try --help).`);
      return v;
    };
    if (a === "--deep") opts.deep = true;
    else if (a === "--seed") opts.seed = value();
    else if (a === "--runs") opts.runs = Number(value());
    else if (a === "--depth") opts.depth = Number(value());
    else if (a === "--help" || a === "-h") {
      console.log(
        [
          "npm run fuzz [-- options]       the CI fuzz: seed 0x5eed, 200 runs of the market (500 calls), court and governance (250), fee-on-transfer market (100)",
          "npm run fuzz:deep [-- options]  a random seed, 2,000 runs x 500 calls",
          "  --seed N    the fuzz seed (decimal or 0x hex); replays a run exactly",
          "  --runs R    runs, each from a fresh deployment (default 200; deep 2,000)",
          "  --depth D   calls per market run (default 500; the other suites set theirs inline in their .t.sol)",
        ].join("\n"),
      );
      process.exit(0);
    } else fail(`unknown option ${a} (try --help).`);
  }
  for (const k of ["runs", "depth"]) {
    if (opts[k] !== undefined && !(Number.isInteger(opts[k]) && opts[k] > 0))
      fail(`--${k} must be a positive whole number.`);
  }
  return opts;
}

function fail(message) {
  console.error(`fuzz: ${message}`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const seed = opts.seed ?? (opts.deep ? "0x" + crypto.randomBytes(8).toString("hex") : CI_SEED);
const runs = opts.runs ?? (opts.deep ? 2000 : 200);
const depth = opts.depth ?? 500;
const replay = `npm run fuzz -- --seed ${seed} --runs ${runs} --depth ${depth}`;
console.log(`fuzz: seed ${seed}, ${runs} runs x ${depth} calls (replay: ${replay})`);

let start = Date.now();
const build = spawnSync(forge, ["build"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) fail("forge build failed (see above).");
console.log(`fuzz: compiled in ${((Date.now() - start) / 1000).toFixed(0)} s`);

start = Date.now();
const env = { ...process.env, FOUNDRY_INVARIANT_RUNS: String(runs), FOUNDRY_INVARIANT_DEPTH: String(depth) };
const test = spawnSync(forge, ["test", "--fuzz-seed", seed], { cwd: root, env, encoding: "utf8", maxBuffer: 1 << 28 });
const seconds = (Date.now() - start) / 1000;
process.stdout.write(test.stdout ?? "");
process.stderr.write(test.stderr ?? "");
// Each invariant function's summary (a failure repeats it): "invariant_all() (runs: R, calls: C".
const perTest = new Map();
for (const m of (test.stdout ?? "").matchAll(/(\w+)\(\) \(runs: \d+, calls: (\d+)/g)) perTest.set(m[1], Number(m[2]));
const calls = [...perTest.values()].reduce((sum, c) => sum + c, 0);
console.log(
  `fuzz: ${calls.toLocaleString("en-US")} calls in ${seconds.toFixed(0)} s, ${Math.round(calls / seconds).toLocaleString("en-US")} calls/s (seed ${seed})`,
);
// A failing test also shows in the output, whatever the exit status says.
if (test.status !== 0 || /\[FAIL/.test(test.stdout ?? "")) {
  console.log(`fuzz: an invariant broke. Replay it with: ${replay}`);
  process.exit(1);
}
if (calls === 0) fail("forge ran no invariant calls (did the test folder move?).");
