// `npm run relayer`: the gasless relayer (docs/RELAYER.md). Node-only.
import fs from "node:fs";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { HDNodeWallet, JsonRpcProvider, Network, Wallet, getAddress } from "ethers";
import { checkDeploymentChain, validateDeployment, type Deployment } from "../client/deployment";
import { formatAmount } from "../client/format";
import { NETWORKS } from "../config";
import { loadDeployment } from "../node/deployment";
import { Relayer } from "./relayer";
import { serve } from "./server";
import { RelayStore } from "./store";

/** Hardhat's default accounts (a local node's unlocked ones) come from this well-known phrase. */
const LOCAL_MNEMONIC = "test test test test test test test test test test test junk";
export const RELAYER_PASSWORD_ENV = "RIDECOOP_RELAYER_PASSWORD";

interface RelayerCliOptions {
  host: string;
  port: string;
  network: string;
  rpc?: string;
  deployment?: string;
  keyFile?: string;
  account?: string;
  dataDir?: string;
  requestsPerHour: string;
  gasPerDay: string;
  replaceAfter: string;
  pollMs: string;
}

function fail(message: string): never {
  throw new Error(message);
}

function whole(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) fail(`--${flag}: "${text}" is not a whole number`);
  return Number(text);
}

/** The hot key: an encrypted keystore, or on a local chain one of the node's default accounts. */
async function hotKey(
  opts: RelayerCliOptions,
  provider: JsonRpcProvider,
  local: boolean,
): Promise<Wallet | HDNodeWallet> {
  if (opts.keyFile !== undefined) {
    const file = path.resolve(opts.keyFile);
    if (!fs.existsSync(file))
      fail(`--key-file: ${file} does not exist (create one with \`ridecoop keystore new --out <file>\`)`);
    const password = process.env[RELAYER_PASSWORD_ENV] ?? process.env.RIDECOOP_KEYSTORE_PASSWORD;
    if (password === undefined) fail(`--key-file: set ${RELAYER_PASSWORD_ENV} to the keystore's password`);
    try {
      return (await Wallet.fromEncryptedJson(fs.readFileSync(file, "utf8"), password)).connect(provider);
    } catch {
      fail(`--key-file: ${file} did not open with that password (or is not an encrypted JSON keystore)`);
    }
  }
  if (!local)
    fail("--key-file: give the hot key's encrypted keystore (an unlocked node account only on a local chain)");
  const index = whole(opts.account ?? "0", "account");
  const wallet = HDNodeWallet.fromPhrase(LOCAL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).connect(provider);
  const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) => getAddress(a));
  if (!accounts.includes(wallet.address)) {
    fail(`--account: ${wallet.address} is not one of this node's unlocked default accounts; give --key-file`);
  }
  return wallet;
}

export function relayerProgram(): Command {
  return new Command("relayer")
    .description(
      "RideCoop's gasless relayer: relays signed ERC-2771 forward requests and pays their gas (docs/RELAYER.md)",
    )
    .addOption(new Option("--host <address>", "address to listen on").default("127.0.0.1"))
    .addOption(new Option("--port <port>", "port to listen on (0: a free one)").default("8787"))
    .addOption(new Option("--network <name>", "network whose deployments/<network>.json to use").default("localhost"))
    .addOption(
      new Option("--rpc <url>", "JSON-RPC URL of the node (default: $RIDECOOP_RPC_URL, or http://127.0.0.1:8545)"),
    )
    .addOption(new Option("--deployment <file>", "the deployment file (default: deployments/<network>.json)"))
    .addOption(
      new Option("--key-file <file>", `the hot key's encrypted JSON keystore (password from $${RELAYER_PASSWORD_ENV})`),
    )
    .addOption(
      new Option(
        "--account <index>",
        "local chains only: one of the node's default accounts as the hot key (default: 0)",
      ),
    )
    .addOption(
      new Option("--data-dir <dir>", "where the embedded Postgres store lives (default: .ridecoop/relayer/<network>)"),
    )
    .addOption(new Option("--requests-per-hour <n>", "requests one signer may send per rolling hour").default("60"))
    .addOption(
      new Option("--gas-per-day <gas>", "gas one signer's requests may use per rolling day").default("3000000"),
    )
    .addOption(
      new Option(
        "--replace-after <seconds>",
        "replace a transaction not mined after this long, with a higher fee",
      ).default("60"),
    )
    .addOption(new Option("--poll-ms <ms>", "how often to look at pending transactions").default("1000"))
    .exitOverride();
}

export async function main(argv: string[]): Promise<void> {
  const program = relayerProgram();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
  const opts = program.opts<RelayerCliOptions>();
  const root = process.cwd();
  const deployment: Deployment =
    opts.deployment === undefined
      ? loadDeployment(opts.network, root)
      : validateDeployment(JSON.parse(fs.readFileSync(path.resolve(opts.deployment), "utf8")), opts.deployment);
  const url = opts.rpc ?? process.env.RIDECOOP_RPC_URL ?? "http://127.0.0.1:8545";
  const provider = new JsonRpcProvider(url, Network.from(deployment.chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  provider.pollingInterval = 500;
  await checkDeploymentChain(deployment, provider);
  const local = NETWORKS[deployment.network]?.local === true || deployment.chainId === 31337;
  const wallet = await hotKey(opts, provider, local);
  const dataDir = path.resolve(opts.dataDir ?? path.join(root, ".ridecoop", "relayer", deployment.network));
  fs.mkdirSync(dataDir, { recursive: true });
  const store = await RelayStore.open(dataDir);
  const relayer = new Relayer({
    deployment,
    provider,
    wallet,
    store,
    quota: {
      requestsPerHour: whole(opts.requestsPerHour, "requests-per-hour"),
      gasPerDay: BigInt(whole(opts.gasPerDay, "gas-per-day")),
    },
    replaceAfterMs: whole(opts.replaceAfter, "replace-after") * 1000,
    pollMs: whole(opts.pollMs, "poll-ms"),
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  await relayer.start();
  const http = await serve(relayer, opts.host, whole(opts.port, "port"));
  const balance = await provider.getBalance(relayer.address);
  console.log(
    `RideCoop relayer listening on ${http.url} for ${deployment.network} (chain ${deployment.chainId}); hot key ${relayer.address} holds ${formatAmount(balance, { symbol: "ETH", decimals: 18 })}; store ${dataDir}`,
  );
  const shutdown = () => {
    void http
      .close()
      .then(() => relayer.stop())
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    console.error(`relayer: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    process.exitCode = 1;
  });
}
