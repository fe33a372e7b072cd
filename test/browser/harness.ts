// The browser tests' harness: Chromium at /usr/bin/chromium (a missing browser FAILS with how to
// install it), the app's bundle built when stale, the in-process Hardhat network served on a free
// loopback port, and the bundle on a tiny static server with the deployment as /deployment.json.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import type { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { HDNodeWallet, JsonRpcProvider, Network } from "ethers";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { serveApp, type AppConfig, type StaticServer } from "../../src/node/static-server";
import { validateDeployment, type Deployment } from "../../src/client/deployment";
import { Relayer } from "../../src/relayer/relayer";
import { serve } from "../../src/relayer/server";
import { RelayStore } from "../../src/relayer/store";

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
  /** What the static server answers for /config.json (as `npm run app -- --relay <url>` does). */
  config: AppConfig;
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
  const config: AppConfig = {};
  const stat: StaticServer = await serveApp(
    path.join(ROOT, "app", "dist"),
    path.join(ROOT, "deployments", `${hre.network.name}.json`),
    0,
    () => config,
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    rpc: `http://127.0.0.1:${port}`,
    app: stat.url,
    browser,
    config,
    async close() {
      await browser.close();
      await stat.close();
      await node.close();
    },
  };
}

/** The deployment the app is served (the fixture's `deployments/<network>.json`). */
export function servedDeployment(): Deployment {
  const file = path.join(ROOT, "deployments", `${hre.network.name}.json`);
  return validateDeployment(JSON.parse(fs.readFileSync(file, "utf8")), file);
}

const MNEMONIC = "test test test test test test test test test test test junk";

/**
 * A relayer in this process (in-memory store) on a free port, over the harness's node; its hot key
 * is the node's default account `hotKey`. `close()` stops it.
 */
export async function startRelayer(h: Harness, hotKey = 9): Promise<{ url: string; close(): Promise<void> }> {
  const deployment = servedDeployment();
  const provider = new JsonRpcProvider(h.rpc, Network.from(31337), { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 100;
  const store = await RelayStore.open(undefined);
  const relayer = new Relayer({
    deployment,
    provider,
    wallet: HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${hotKey}`).connect(provider),
    store,
    quota: { requestsPerHour: 100, gasPerDay: 50_000_000n },
    replaceAfterMs: 60_000,
    pollMs: 100,
  });
  await relayer.start();
  const server = await serve(relayer, "127.0.0.1", 0);
  return {
    url: server.url,
    async close() {
      await server.close();
      await relayer.stop();
      await store.close();
      provider.destroy();
    },
  };
}

/** The rider map's tiles (the app's default, OpenStreetMap's). */
export const TILES = "https://tile.openstreetmap.org/";

/**
 * Chromium's own line for a tile that could not be fetched ("Failed to load resource:
 * net::ERR_NAME_NOT_RESOLVED", located at the tile's URL). The tests run without internet, and an
 * image or fetch that fails at the network level always logs this line, whatever the page does;
 * the app probes a single tile before it loads Leaflet, so an offline page logs it once. Only that
 * line, only for a tile URL, is not counted as an error: an HTTP error status, or any failure of
 * another URL, still is.
 */
function offlineTile(m: ConsoleMessage): boolean {
  return m.location().url.startsWith(TILES) && /^Failed to load resource: net::ERR_[A-Z_]+$/.test(m.text());
}

/**
 * A page that records console errors and uncaught exceptions (a test fails on any). `before` runs
 * on the new context before the page opens (to route requests, say).
 */
export async function openPage(
  h: Harness,
  viewport: { width: number; height: number },
  account: number | "fresh",
  hash: string,
  before?: (context: BrowserContext) => Promise<void>,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport, deviceScaleFactor: 1 });
  await before?.(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !offlineTile(m)) errors.push(`console: ${m.text()}`);
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
