import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  ArbiterPool__factory,
  BlockhashRandomness__factory,
  DisputeCourt__factory,
  TestUSD__factory,
} from "../../typechain-types";
import { RideCoopClient } from "../client";
import { deployRideCoop } from "../deploy";
import { CourtDriver } from "./disputes";
import type { Suite } from "./simulation";

/**
 * Deploys the suite exactly as `npx hardhat deploy` does (Ignition, wiring verified on chain,
 * deployments/<network>.json) and connects the simulation to it through the client.
 */
export async function deploySimSuite(
  hre: HardhatRuntimeEnvironment,
  keeper: HardhatEthersSigner,
  startTimestamp: number,
): Promise<Suite> {
  const { deployment, checks } = await withFixedTimestamps(hre, startTimestamp, () =>
    deployRideCoop(hre, { fresh: true }),
  );
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) throw new Error(`the deployment's wiring is off: ${failed.map((c) => c.what).join(", ")}`);
  const client = new RideCoopClient(deployment, keeper);
  const c = deployment.contracts;
  if (c.TestUSD === undefined) throw new Error("the simulation needs TestUSD as the fare token (a local network)");
  if (c.DisputeCourt === undefined || c.ArbiterPool === undefined || c.Randomness === undefined) {
    throw new Error("the deployment has no dispute court: the simulation needs the whole suite");
  }
  const tusd = TestUSD__factory.connect(c.TestUSD.address, keeper);
  const randomness = BlockhashRandomness__factory.connect(c.Randomness.address, keeper);
  const court = new CourtDriver(
    {
      court: DisputeCourt__factory.connect(c.DisputeCourt.address, keeper),
      pool: ArbiterPool__factory.connect(c.ArbiterPool.address, keeper),
      market: client.market,
      token: client.token,
      tusd,
      randomnessDelay: Number(await randomness.delayBlocks()),
      client,
    },
    keeper,
  );
  return { tusd, token: client.token, market: client.market, governor: client.governor, court, client };
}

/**
 * Runs `work` with every transaction mined one second after the previous one, from `start`,
 * instead of at the wall clock: block hashes (the local randomness source) then depend on the
 * seed alone, and the same seed gives the same report.
 */
export async function withFixedTimestamps<T>(
  hre: HardhatRuntimeEnvironment,
  start: number,
  work: () => Promise<T>,
): Promise<T> {
  const provider = hre.network.provider;
  const request = provider.request.bind(provider);
  let next = start;
  provider.request = async (args) => {
    if (args.method === "eth_sendTransaction" || args.method === "eth_sendRawTransaction") {
      await request({ method: "evm_setNextBlockTimestamp", params: [next++] });
    }
    return request(args);
  };
  try {
    return await work();
  } finally {
    provider.request = request;
  }
}
