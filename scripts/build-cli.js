// Builds the `ridecoop` CLI: transpiles (no type check; `npm run lint` type-checks) the
// TypeScript it runs (src/cli, src/client, src/node, src/geo.ts, src/config.ts and the generated
// typechain-types) to dist/cli/, so that start-up loads plain JavaScript. bin/ridecoop.js calls
// ensureBuilt() on every run: a fresh clone, or sources newer than the last build, build first
// (compiling the contracts once when typechain-types/ does not exist yet).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const SOURCES = ["src/cli", "src/client", "src/node", "src/geo.ts", "src/config.ts", "typechain-types"];
const OUT = path.join("dist", "cli");
const STAMP = ".built";

/** Every .ts file (not .d.ts) under the given paths, relative to root. */
function sourceFiles(root) {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs)) walk(path.join(rel, name));
    } else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) out.push(rel);
  };
  SOURCES.forEach(walk);
  return out;
}

/** True when dist/cli is missing or older than a source. */
function stale(root) {
  const stamp = path.join(root, OUT, STAMP);
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return sourceFiles(root).some((f) => fs.statSync(path.join(root, f)).mtimeMs > built);
}

function build(root, log = (line) => process.stderr.write(`${line}\n`)) {
  if (!fs.existsSync(path.join(root, "typechain-types", "index.ts"))) {
    log("ridecoop: first run: compiling the contracts for their types (once, about a minute)...");
    const r = spawnSync(
      process.execPath,
      [require.resolve("hardhat/internal/cli/cli", { paths: [root] }), "compile", "--quiet"],
      { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" },
    );
    // The compiler's warnings are shown only when the compile fails.
    if (r.status !== 0) throw new Error(`${r.stderr}\nridecoop: \`npx hardhat compile\` failed (above)`);
  }
  const ts = require(require.resolve("typescript", { paths: [root] }));
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    resolveJsonModule: true,
  };
  // Built beside and swapped in whole, so a command starting meanwhile never loads half a build.
  const outRoot = path.join(root, `${OUT}.${process.pid}`);
  fs.rmSync(outRoot, { recursive: true, force: true });
  for (const rel of sourceFiles(root)) {
    const text = fs.readFileSync(path.join(root, rel), "utf8");
    const js = ts.transpileModule(text, { compilerOptions: options, fileName: rel }).outputText;
    const dest = path.join(outRoot, rel.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  }
  fs.writeFileSync(path.join(outRoot, STAMP), `${new Date().toISOString()}\n`);
  const final = path.join(root, OUT);
  const old = `${final}.old.${process.pid}`;
  if (fs.existsSync(final)) fs.renameSync(final, old);
  fs.renameSync(outRoot, final);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Builds when needed; returns the path of the CLI's entry point. */
function ensureBuilt(root) {
  if (stale(root)) build(root);
  return path.join(root, OUT, "src", "cli", "main.js");
}

module.exports = { ensureBuilt, build, stale };

if (require.main === module) build(path.resolve(__dirname, ".."), (line) => console.log(line));
