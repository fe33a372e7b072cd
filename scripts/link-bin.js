// npm links the bins of dependencies into node_modules/.bin, but not the project's own: without
// this link `npx ridecoop` still works, through npm's slow path (it loads the whole dependency
// tree first: about 8 s here against 2 s). Run by npm's `prepare` after `npm ci`/`npm install`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const binDir = path.join(root, "node_modules", ".bin");
const link = path.join(binDir, "ridecoop");
if (fs.existsSync(path.join(root, "node_modules"))) {
  fs.mkdirSync(binDir, { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.join("..", "..", "bin", "ridecoop.js"), link);
}
