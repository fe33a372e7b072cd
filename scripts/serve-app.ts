// `npm run app`: serves app/dist (built by `npm run app:build`) with deployments/<network>.json
// as /deployment.json. Against `npm run node` + `npx hardhat deploy --network localhost`.
// `npm run app -- --relay <url>` (or RIDECOOP_RELAY=<url>): every transaction goes through that
// relayer (`npm run relayer`), gasless; `--tiles <url template>` (or RIDECOOP_TILES; `off`: no map)
// replaces OpenStreetMap's tiles on the rider's map. Both are served as /config.json.
import fs from "node:fs";
import path from "node:path";
import { serveApp } from "../src/node/static-server";

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "..");
  const network = process.env.RIDECOOP_NETWORK ?? "localhost";
  const port = Number(process.env.PORT ?? "5173");
  const dist = path.join(root, "app", "dist");
  const deployment = path.join(root, "deployments", `${network}.json`);
  if (!fs.existsSync(path.join(dist, "index.html"))) {
    throw new Error("app/dist is not built. Hint: run `npm run app:build` (npm run app does it first)");
  }
  if (!fs.existsSync(deployment)) {
    console.warn(
      `warning: ${path.relative(root, deployment)} does not exist yet: deploy with \`npx hardhat deploy --network ${network}\``,
    );
  }
  const args = process.argv.slice(2);
  const option = (flag: string, example: string, env: string | undefined): string | undefined => {
    const at = args.indexOf(flag);
    if (at >= 0 && (args[at + 1] === undefined || args[at + 1].startsWith("--"))) {
      throw new Error(`${flag} needs a value, e.g. ${flag} ${example}`);
    }
    const value = at >= 0 ? args[at + 1] : env;
    return value === "" ? undefined : value;
  };
  const relay = option("--relay", "http://127.0.0.1:8787", process.env.RIDECOOP_RELAY);
  const tiles = option("--tiles", "https://tiles.example.org/{z}/{x}/{y}.png", process.env.RIDECOOP_TILES);
  const server = await serveApp(dist, deployment, port, {
    ...(relay === undefined ? {} : { relay }),
    ...(tiles === undefined ? {} : { tiles }),
  });
  console.log(`RideCoop app: ${server.url}/#rider  (driver: ${server.url}/?account=2#driver)`);
  if (relay !== undefined && relay !== "") {
    console.log(
      `gasless: every transaction through the relayer at ${relay} (a 0-ETH key: ${server.url}/?account=fresh#rider)`,
    );
  }
  console.log(`node: ${process.env.RIDECOOP_LOCALHOST_URL ?? "http://127.0.0.1:8545"} (add ?rpc=<url> to change it)`);
}

main().catch((err: unknown) => {
  console.error(`serve-app: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
