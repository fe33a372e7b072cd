#!/usr/bin/env node
// The compiler Foundry calls (foundry.toml `solc`): the pinned npm `solc` package (solcjs), the
// same compiler Hardhat uses, because forge cannot download a native solc offline. Forge needs
// two things from it: `--version`, and `--standard-json` (input on stdin, output on stdout).
"use strict";
const fs = require("node:fs");
const solc = require("solc");

/** Writes all of `text` to stdout: one write to a pipe is cut at 64-128 KB. */
function writeAll(text) {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(1, bytes, offset, bytes.length - offset);
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
    }
  }
}

const args = process.argv.slice(2);
if (args.includes("--version")) {
  writeAll(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
} else if (args.includes("--standard-json")) {
  const input = fs.readFileSync(0, "utf8");
  // Forge sends every source's content; a missing import is an error, not a file read.
  const findImports = (p) => ({ error: `File not found: ${p}` });
  writeAll(solc.compile(input, { import: findImports }));
} else {
  process.stderr.write(`solc wrapper: only --version and --standard-json are supported (got: ${args.join(" ")})\n`);
  process.exit(2);
}
