// The relayer's HTTP JSON API on node:http: POST /relay, POST /permit, GET /requests/:id, GET /status.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RelayProblem } from "../client/relay";
import { Refusal, type Relayer } from "./relayer";

const MAX_BODY = 256 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
  res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
  res.end(text);
}

function problem(res: http.ServerResponse, status: number, p: RelayProblem): void {
  send(res, status, { error: p });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function handle(relayer: Relayer, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://relayer");
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "content-type",
    });
    res.end();
    return;
  }
  if (req.method === "POST" && (url.pathname === "/relay" || url.pathname === "/permit")) {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return problem(res, 400, {
        code: "Malformed",
        sentence: "the body is not JSON (or is larger than 256 KiB)",
        hint: url.pathname === "/relay" ? "POST {request, signature} as JSON" : "POST {permit, signature} as JSON",
      });
    }
    try {
      send(res, 200, url.pathname === "/relay" ? await relayer.relay(body) : await relayer.permit(body));
    } catch (err) {
      if (err instanceof Refusal) return problem(res, err.httpStatus, err.problem);
      throw err;
    }
    return;
  }
  const match = /^\/requests\/(\d{1,9})$/.exec(url.pathname);
  if (req.method === "GET" && match !== null) {
    const status = await relayer.requestStatus(Number(match[1]));
    if (status === undefined) {
      return problem(res, 404, {
        code: "Malformed",
        sentence: `this relayer has no request ${match[1]}`,
        hint: "use the id POST /relay or POST /permit answered",
      });
    }
    return send(res, 200, status);
  }
  if (req.method === "GET" && url.pathname === "/status") return send(res, 200, await relayer.status());
  problem(res, 404, {
    code: "Malformed",
    sentence: `${req.method ?? "?"} ${url.pathname} is not part of the relayer's API`,
    hint: "POST /relay, POST /permit, GET /requests/:id or GET /status",
  });
}

/** Serves `relayer` on host:port (port 0: a free one); resolves with the server and its URL. */
export async function serve(
  relayer: Relayer,
  host: string,
  port: number,
): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    handle(relayer, req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      if (!res.headersSent) {
        problem(res, 503, {
          code: "Unavailable",
          sentence: `the relayer failed: ${message}`,
          hint: "try again, or send through another relayer or directly",
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
