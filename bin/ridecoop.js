#!/usr/bin/env node
// `npx ridecoop ...`: builds the CLI's JavaScript when it is missing or stale (scripts/build-cli.js),
// then runs it. No Hardhat and no TypeScript compiler are loaded once it is built.
"use strict";
const path = require("node:path");
const root = path.resolve(__dirname, "..");
let entry;
try {
  entry = require("../scripts/build-cli.js").ensureBuilt(root);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
