// A tiny static server for the web app's bundle (app/dist), with the chain's deployment file
// served as /deployment.json. `npm run app` and the browser tests use it; any static host can
// serve the bundle instead (put deployment.json, and config.json if any, beside index.html).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The app's run-time settings, served as /config.json (`relay`: the relayer's URL, gasless;
 * `tiles`: the rider map's tile URL template, or "off").
 */
export interface AppConfig {
  relay?: string;
  tiles?: string;
}

/**
 * Serves `dir` on 127.0.0.1 (`port` 0: a free one); /deployment.json comes from `deploymentFile`,
 * /config.json from `config` (read on every request when a function).
 */
export async function serveApp(
  dir: string,
  deploymentFile: string,
  port = 0,
  config: AppConfig | (() => AppConfig) = {},
): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/config.json") {
      const body = JSON.stringify(typeof config === "function" ? config() : config);
      res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-cache" }).end(body);
      return;
    }
    let file = url.pathname === "/deployment.json" ? deploymentFile : path.join(root, decodeURIComponent(url.pathname));
    if (file !== deploymentFile && !path.resolve(file).startsWith(root)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    if (file !== deploymentFile && (url.pathname.endsWith("/") || !fs.existsSync(file))) {
      file = path.join(root, "index.html");
    }
    fs.readFile(file, (err, body) => {
      if (err !== null) {
        res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${url.pathname}`);
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the static server has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
