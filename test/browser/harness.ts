// The browser tests' harness: Chromium at /usr/bin/chromium (a missing browser FAILS with how to
// install it), the app's bundle built when stale, the in-process Hardhat network served on a free
// loopback port, and the bundle on a tiny static server with the deployment as /deployment.json.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import type { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { serveApp, type StaticServer } from "../../src/node/static-server";

export const ROOT = path.resolve(__dirname, "..", "..");
export const CHROMIUM = process.env.RIDECOOP_CHROMIUM ?? "/usr/bin/chromium";
export const SHOTS = path.join(ROOT, "test-output", "browser");
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the browser tests drive a real Chromium. Install it with \`apt-get update && apt-get install -y chromium\` (as root; .ci/run does this), or point RIDECOOP_CHROMIUM at a Chromium binary.`,
    );
  }
}

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Builds app/dist with Vite when it is missing or older than its sources. */
export function buildApp(): void {
  const index = path.join(ROOT, "app", "dist", "index.html");
  const sources = Math.max(
    newest(path.join(ROOT, "app", "src")),
    newest(path.join(ROOT, "src", "client")),
    fs.statSync(path.join(ROOT, "src", "geo.ts")).mtimeMs,
    fs.statSync(path.join(ROOT, "app", "index.html")).mtimeMs,
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs > sources) return;
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "app", "--logLevel", "warn"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}${r.stderr}`);
}

export interface Harness {
  rpc: string;
  app: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  requireChromium();
  buildApp();
  const node = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port: 0,
    provider: hre.network.provider,
  })) as JsonRpcServer;
  const { port } = await node.listen();
  const stat: StaticServer = await serveApp(
    path.join(ROOT, "app", "dist"),
    path.join(ROOT, "deployments", `${hre.network.name}.json`),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    rpc: `http://127.0.0.1:${port}`,
    app: stat.url,
    browser,
    async close() {
      await browser.close();
      await stat.close();
      await node.close();
    },
  };
}

/** A page that records console errors and uncaught exceptions (a test fails on any). */
export async function openPage(
  h: Harness,
  viewport: { width: number; height: number },
  account: number,
  hash: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  await page.goto(`${h.app}/?account=${account}&rpc=${encodeURIComponent(h.rpc)}#${hash}`);
  return { context, page, errors };
}

/** Serious or critical axe violations on the page, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
