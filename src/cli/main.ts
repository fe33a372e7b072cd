// `ridecoop`: the role commands over plain JSON-RPC (ethers), without the Hardhat runtime.
// bin/ridecoop.js runs the JavaScript that scripts/build-cli.js transpiles from this file.
import fs from "node:fs";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { JsonRpcProvider, Network, Wallet, getAddress, isAddress, type Signer } from "ethers";
import { RideCoopClient } from "../client/client";
import { checkDeploymentChain, DeploymentError, type Deployment } from "../client/deployment";
import { ClientStateError, RideCoopError } from "../client/errors";
import { RelayedSigner } from "../client/relay";
import { RideCoopForwarder__factory } from "../../typechain-types/factories/contracts/gasless/RideCoopForwarder__factory";
import { InputError } from "../client/format";
import { networkConfig, NETWORKS } from "../config";
import { loadDeployment } from "../node/deployment";
import { RideStore } from "../node/rides-store";
import { toJson, type CommandContext, type CommandSpec, type CommonArgs } from "./command";
import { ALL_COMMANDS } from "./commands";
import { keystoreCommand, readPassword } from "./keystore";

/** The project root: deployments/ and .ridecoop/ live there (dist/src/cli/main.js or src/cli/main.ts). */
const PACKAGE_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  // dist/ has no package.json of its own, so this is the project's.
  return dir;
}

/** Options every CLI command takes besides its own. */
interface CliOptions extends CommonArgs {
  network: string;
  rpc?: string;
  keystore?: string;
  relay?: string;
  debug: boolean;
  root: string;
}

/** A JSON-RPC URL for `network`: --rpc, $RIDECOOP_RPC_URL, or the local node's address. */
function rpcUrl(opts: CliOptions): string {
  if (opts.rpc !== undefined) return opts.rpc;
  if (process.env.RIDECOOP_RPC_URL !== undefined && process.env.RIDECOOP_RPC_URL !== "")
    return process.env.RIDECOOP_RPC_URL;
  if (opts.network === "localhost") return process.env.RIDECOOP_LOCALHOST_URL ?? "http://127.0.0.1:8545";
  throw new InputError("rpc", `give the JSON-RPC URL of ${opts.network} with --rpc or RIDECOOP_RPC_URL`);
}

/** One JSON-RPC call with a timeout, so a node that is not there says so at once. */
async function rawRpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new ClientStateError(
      `no node answers at ${url}. Hint: start one with \`npm run node\` (then \`npx hardhat deploy --network localhost\`), or give another with --rpc`,
    );
  }
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error !== undefined) throw new ClientStateError(`${method} failed on ${url}: ${body.error.message}`);
  return body.result;
}

/** The signer: an encrypted keystore (--keystore), or one of the node's unlocked accounts (--account). */
async function signerFor(opts: CliOptions, provider: JsonRpcProvider): Promise<Signer> {
  if (opts.keystore !== undefined) {
    if (opts.account !== undefined) throw new InputError("account", "give --account or --keystore, not both");
    const file = path.resolve(opts.keystore);
    if (!fs.existsSync(file)) {
      throw new InputError(
        "keystore",
        `${file} does not exist (create one with \`ridecoop keystore new --out <file>\`)`,
      );
    }
    const password = await readPassword(`Password for ${path.basename(file)}: `);
    try {
      return (await Wallet.fromEncryptedJson(fs.readFileSync(file, "utf8"), password)).connect(provider);
    } catch {
      throw new InputError(
        "keystore",
        `${file} did not open with that password (or is not an encrypted JSON keystore)`,
      );
    }
  }
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  if (accounts.length === 0) {
    throw new InputError(
      "account",
      "this node has no unlocked accounts; sign with an encrypted keystore (--keystore <file>)",
    );
  }
  const wanted = opts.account ?? "0";
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted);
    if (index >= accounts.length) {
      throw new InputError(
        "account",
        `index ${index} is out of range: this node has accounts 0..${accounts.length - 1}`,
      );
    }
    return provider.getSigner(accounts[index]);
  }
  if (!isAddress(wanted)) throw new InputError("account", `"${wanted}" is neither an account index nor an address`);
  const found = accounts.find((a) => getAddress(a) === getAddress(wanted));
  if (found === undefined) {
    throw new InputError("account", `${wanted} is not one of the accounts this node can sign for (use --keystore)`);
  }
  return provider.getSigner(found);
}

/** The context a command runs in: a JSON-RPC node, the deployment file, the terminal. */
function cliContext(opts: CliOptions): CommandContext {
  const url = () => rpcUrl(opts);
  let client: Promise<RideCoopClient> | undefined;
  const connect = async (): Promise<RideCoopClient> => {
    const deployment: Deployment = loadDeployment(opts.network, opts.root);
    const u = url();
    const chainId = BigInt((await rawRpc(u, "eth_chainId", [])) as string);
    // The chain id is known: ethers need not probe for it (and never retries a dead node forever).
    const provider = new JsonRpcProvider(u, Network.from(chainId), {
      staticNetwork: true,
      batchMaxCount: 1,
      // No 250 ms answer cache: a command reads what its own transaction just changed.
      cacheTimeout: -1,
    });
    provider.pollingInterval = 200;
    await checkDeploymentChain(deployment, provider, `npx hardhat deploy --network ${opts.network}`);
    let signer = await signerFor(opts, provider);
    if (opts.relay !== undefined) {
      const forwarder = deployment.contracts.Forwarder;
      if (forwarder === undefined) {
        throw new DeploymentError(
          `deployments/${opts.network}.json has no Forwarder, so --relay cannot work. Redeploy: \`npx hardhat deploy --network ${opts.network} --fresh\`.`,
        );
      }
      signer = new RelayedSigner(signer, opts.relay, RideCoopForwarder__factory.connect(forwarder.address, provider));
    }
    const logChunk = NETWORKS[opts.network] === undefined ? undefined : networkConfig(opts.network).logChunk;
    return new RideCoopClient(deployment, signer, { logChunk });
  };
  return {
    network: opts.network,
    local: NETWORKS[opts.network]?.local === true,
    client: () => (client ??= connect()),
    rides: () => new RideStore(opts.network, opts.root),
    rpc: (method, params) => rawRpc(url(), method, params),
    report: (human, result) => {
      if (opts.json) console.log(toJson(result));
      else for (const line of human) console.log(cliWords(line));
    },
  };
}

/**
 * The commands' texts name them as Hardhat tasks (`rider:cancel`); on this command line they
 * are words (`rider cancel`).
 */
export function cliWords(text: string): string {
  return text.replace(/\b(rider|driver|ride|dispute|gov|keeper|arbiter|time):([a-z][a-z-]*)\b/g, "$1 $2");
}

/** `maxFare` -> `--max-fare`. */
function flagName(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function addCommonOptions(cmd: Command, account: boolean): Command {
  cmd.addOption(new Option("--network <name>", "network whose deployments/<network>.json to use").default("localhost"));
  cmd.addOption(
    new Option("--rpc <url>", "JSON-RPC URL of the node (default: $RIDECOOP_RPC_URL, or 127.0.0.1:8545 for localhost)"),
  );
  if (account) {
    cmd.addOption(new Option("--account <index|address>", "one of the node's unlocked accounts (default: 0)"));
    cmd.addOption(
      new Option(
        "--keystore <file>",
        "sign with an encrypted JSON keystore (password from $RIDECOOP_KEYSTORE_PASSWORD or a prompt)",
      ),
    );
    cmd.addOption(
      new Option(
        "--relay <url>",
        "send every transaction as a signed request through this relayer, which pays the gas (docs/RELAYER.md)",
      ),
    );
  }
  cmd.addOption(new Option("--json", "print the result as JSON").default(false));
  cmd.addOption(new Option("--debug", "print the stack trace of an error").default(false));
  cmd.addOption(new Option("--root <dir>", "project folder holding deployments/").default(PACKAGE_ROOT).hideHelp());
  return cmd;
}

/** Adds a command's flags and action to `cmd`. */
function defineCommand(cmd: Command, spec: CommandSpec): void {
  cmd.description(spec.description);
  for (const p of spec.params) {
    if (p.variadic === true) {
      cmd.argument(`[${p.name}...]`, p.description);
      continue;
    }
    const flag = flagName(p.name);
    const option = p.flag === true ? new Option(flag, p.description) : new Option(`${flag} <value>`, p.description);
    if (p.default !== undefined) option.default(p.default);
    if (p.flag !== true && p.optional !== true && p.default === undefined) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  addCommonOptions(cmd, spec.account !== false);
  cmd.action(async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const opts = command.opts<CliOptions & Record<string, unknown>>();
    const args: Record<string, unknown> = { ...opts };
    for (const p of spec.params) {
      if (p.flag === true) args[p.name] = opts[p.name] === true;
      if (p.variadic === true) args[p.name] = (received[0] as string[] | undefined) ?? [];
    }
    debug = opts.debug;
    await spec.run(cliContext(opts), args as unknown as CommonArgs);
  });
}

let debug = process.argv.includes("--debug");

export function buildProgram(): Command {
  const program = new Command("ridecoop")
    .description(
      "RideCoop from the command line: ride, drive, vote, arbitrate and keep, over JSON-RPC.\n" +
        "Keys: a local node's unlocked accounts (--account) or an encrypted keystore (--keystore); never a private key on the command line.",
    )
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  const groups = new Map<string, Command>();
  const groupText: Record<string, string> = {
    rider: "request rides, take offers, confirm, cancel",
    driver: "register, find requests, accept or offer, arrive, pick up, claim RIDE",
    ride: "show a ride; rate, dispute, reveal, settle, appeal",
    dispute: "show a dispute",
    gov: "delegate, parameters, propose, vote, queue, execute",
    keeper: "do the work that deadlines made due",
    arbiter: "stake RIDE, register a key, read evidence, rule",
    time: "move a local node's clock",
  };
  for (const spec of ALL_COMMANDS) {
    const [group, name] = spec.task.includes(":") ? spec.task.split(":") : [undefined, spec.task];
    let parent = program;
    if (group !== undefined) {
      let g = groups.get(group);
      if (g === undefined) {
        g = program
          .command(group)
          .description(groupText[group] ?? group)
          .exitOverride();
        groups.set(group, g);
      }
      parent = g;
    }
    defineCommand(parent.command(name).exitOverride(), spec);
  }
  program.addCommand(keystoreCommand());
  return program;
}

/** One sentence and its hint; the stack only with --debug. */
function explain(err: unknown): string {
  if (
    err instanceof InputError ||
    err instanceof RideCoopError ||
    err instanceof ClientStateError ||
    err instanceof DeploymentError
  ) {
    return cliWords(err.message);
  }
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return `${message}${debug ? "" : " (run again with --debug for the details)"}`;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed the usage or the error already; --help and --version exit with 0.
      return err.exitCode;
    }
    console.error(`ridecoop: ${explain(err)}`);
    if (debug && err instanceof Error && err.stack !== undefined) console.error(err.stack);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
