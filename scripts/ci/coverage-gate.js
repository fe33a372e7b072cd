#!/usr/bin/env node
// Fails CI when the coverage of contracts/ (mocks excluded by .solcover.js) falls below the
// thresholds. Reads coverage/coverage-summary.json written by `npm run coverage`.
// Usage: node scripts/ci/coverage-gate.js [--lines 95] [--branches 90]
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const thresholds = { lines: arg("lines", 95), branches: arg("branches", 90) };
const file = path.join(__dirname, "..", "..", "coverage", "coverage-summary.json");
if (!fs.existsSync(file)) {
  console.error(`coverage gate: ${file} is missing; run \`npm run coverage\` first`);
  process.exit(1);
}
const summary = JSON.parse(fs.readFileSync(file, "utf8"));

const rows = Object.entries(summary)
  .filter(([name]) => name !== "total")
  .map(([name, s]) => [path.relative(process.cwd(), name) || name, s.lines.pct, s.branches.pct, s.functions.pct]);
for (const [name, lines, branches, functions] of rows) {
  console.log(
    `  ${name.padEnd(48)} lines ${String(lines).padStart(6)}%  branches ${String(branches).padStart(6)}%  functions ${String(functions).padStart(6)}%`,
  );
}
const total = summary.total;
console.log(
  `coverage of contracts/: lines ${total.lines.pct}% (${total.lines.covered}/${total.lines.total}), ` +
    `branches ${total.branches.pct}% (${total.branches.covered}/${total.branches.total}), ` +
    `functions ${total.functions.pct}%, statements ${total.statements.pct}%`,
);
const failures = Object.entries(thresholds)
  .filter(([kind, min]) => total[kind].pct < min)
  .map(([kind, min]) => `${kind} ${total[kind].pct}% < ${min}%`);
if (failures.length > 0) {
  console.error(`coverage gate FAILED: ${failures.join(", ")}`);
  process.exit(1);
}
console.log(`coverage gate ok: lines >= ${thresholds.lines}%, branches >= ${thresholds.branches}%`);
