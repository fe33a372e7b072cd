// npm run bench:feed [-- --requests 1000]: how long a driver's open-requests feed takes to load
// with many open requests on a local chain. Deploys on the in-process Hardhat network, posts
// N requests in the driver's area, serves the network over JSON-RPC on a free loopback port
// (what the web app talks to), and times RideCoopClient.openRequestsNear — the very call the
// app's driver page makes — over HTTP and in-process. Prints the times; asserts nothing.
import hre from "hardhat";
import { JsonRpcProvider } from "ethers";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import type { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { RideCoopClient, parsePlace } from "../src/client";
import { loadDeployment } from "../src/node/deployment";
import { setOutput } from "../tasks/lib/common";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name}: "${process.argv[i + 1]}" is not a whole number from 1`);
  return n;
}

async function main(): Promise<void> {
  const count = Math.min(1100, flag("requests", 1000));
  setOutput(() => {});
  await hre.run("deploy", { fresh: true, json: false });
  const deployment = loadDeployment(hre.network.name);
  const [, riderSigner, driverSigner] = await hre.ethers.getSigners();
  const rider = new RideCoopClient(deployment, riderSigner);
  const driver = new RideCoopClient(deployment, driverSigner);
  const fare = rider.parseFare("0.90");
  // One faucet draw (at most 1,000 tUSD a day) pays for 1,000 requests of 0.90 tUSD.
  await rider.faucet(rider.parseFare("1000"));
  await rider.approveMarket(fare * BigInt(count));
  const pickup = parsePlace("37.4979,127.0276", "from");
  const dropoff = parsePlace("wydq8e", "to");
  const posting = Date.now();
  for (let i = 0; i < count; i++) {
    await rider.requestRide({ pickup, dropoff, maxFare: fare, ttl: 23 * 3600 });
    if ((i + 1) % 200 === 0) process.stdout.write(`posted ${i + 1}/${count} requests\n`);
  }
  console.log(`posted ${count} requests in ${((Date.now() - posting) / 1000).toFixed(1)} s`);

  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port: 0,
    provider: hre.network.provider,
  })) as JsonRpcServer;
  const { port } = await server.listen();
  try {
    const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, undefined, { staticNetwork: true });
    const overHttp = new RideCoopClient(deployment, await provider.getSigner(2));
    const time = async (label: string, c: RideCoopClient) => {
      const runs: number[] = [];
      let seen = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        seen = (await c.openRequestsNear(pickup.cell)).length;
        runs.push(performance.now() - t0);
      }
      runs.sort((a, b) => a - b);
      console.log(
        `${label}: ${seen} open requests, median ${Math.round(runs[1])} ms (runs ${runs.map((r) => Math.round(r)).join(", ")} ms)`,
      );
    };
    await time("feed over JSON-RPC (as the web app loads it)", overHttp);
    await time("feed in-process (Hardhat provider)", driver);
    provider.destroy();
  } finally {
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
