import { getAddress, isAddress, type Signer } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";
import { RideCoopClient, type TxResult } from "../../src/client/client";
import { DeploymentError } from "../../src/client/deployment";
import { loadDeployment } from "../../src/node/deployment";
import { ClientStateError, RideCoopError } from "../../src/client/errors";
import { InputError } from "../../src/client/format";
import { networkConfig } from "../../src/config";

/** Flags every role task takes. */
export interface CommonArgs {
  account?: string;
  json: boolean;
}

type Sink = (line: string) => void;
let sink: Sink = (line) => console.log(line);

/** Redirects task output (tests capture it); returns the previous sink. */
export function setOutput(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** Prints either the human lines or, with --json, the result object. */
export function report(args: CommonArgs, human: string[], result: unknown): void {
  if (args.json) sink(toJson(result));
  else for (const line of human) sink(line);
}

/** "approve: 0xabc… (gas 46,123)". */
export function txLine(tx: TxResult): string {
  return `  ${tx.label}: ${tx.hash} (gas ${tx.gasUsed.toLocaleString("en-US")})`;
}

export function txJson(tx: TxResult): { label: string; hash: string; gasUsed: bigint; blockNumber: number } {
  return { label: tx.label, hash: tx.hash, gasUsed: tx.gasUsed, blockNumber: tx.blockNumber };
}

/** The signer for --account: an index into the node's accounts or one of their addresses. */
export async function resolveSigner(hre: HardhatRuntimeEnvironment, account: string | undefined): Promise<Signer> {
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) throw new InputError("account", `network ${hre.network.name} has no accounts configured`);
  const wanted = account ?? "0";
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted);
    if (index >= signers.length) {
      throw new InputError(
        "account",
        `index ${index} is out of range: this node has accounts 0..${signers.length - 1}`,
      );
    }
    return signers[index];
  }
  if (!isAddress(wanted)) throw new InputError("account", `"${wanted}" is neither an account index nor an address`);
  const found = signers.find((s) => s.address === getAddress(wanted));
  if (found === undefined)
    throw new InputError("account", `${wanted} is not one of the accounts this node can sign for`);
  return found;
}

/** The client for the network's deployment, acting as --account. */
export async function clientFor(hre: HardhatRuntimeEnvironment, args: CommonArgs): Promise<RideCoopClient> {
  const deployment = loadDeployment(hre.network.name, hre.config.paths.root);
  const signer = await resolveSigner(hre, args.account);
  return new RideCoopClient(deployment, signer, { logChunk: networkConfig(hre.network.name).logChunk });
}

/** --ride to a ride id. */
export function parseRideId(text: string | undefined, flag = "ride"): bigint {
  if (text === undefined || !/^\d+$/.test(text.trim()) || BigInt(text.trim()) === 0n) {
    throw new InputError(flag, `"${text ?? ""}" is not a ride id (a whole number from 1)`);
  }
  return BigInt(text.trim());
}

/** --dispute to a dispute id (a dispute's id is its ride's id). */
export function parseDisputeId(text: string | undefined, flag = "dispute"): bigint {
  if (text === undefined || !/^\d+$/.test(text.trim()) || BigInt(text.trim()) === 0n) {
    throw new InputError(flag, `"${text ?? ""}" is not a dispute id (its ride's id, a whole number from 1)`);
  }
  return BigInt(text.trim());
}

/** An address flag, checksummed. */
export function parseAddress(text: string, flag: string): string {
  if (!isAddress(text)) throw new InputError(flag, `"${text}" is not an address (0x followed by 40 hex digits)`);
  return getAddress(text);
}

/** Errors a person can act on become Hardhat plugin errors: one line, no stack trace. */
export function friendly(err: unknown): unknown {
  if (
    err instanceof InputError ||
    err instanceof RideCoopError ||
    err instanceof ClientStateError ||
    err instanceof DeploymentError
  ) {
    return new HardhatPluginError("ridecoop", err.message, err);
  }
  return err;
}

/** Adds --account and --json to a task and wraps its action so errors come out readable. */
export function roleTask<A extends CommonArgs, R>(
  definition: ConfigurableTaskDefinition,
  action: (args: A, hre: HardhatRuntimeEnvironment) => Promise<R>,
): ConfigurableTaskDefinition {
  return definition
    .addOptionalParam("account", "Account: an index into the node's accounts or an address (default 0)")
    .addFlag("json", "Print the result as JSON")
    .setAction(async (args: A, hre: HardhatRuntimeEnvironment) => {
      try {
        return await action(args, hre);
      } catch (err) {
        throw friendly(err);
      }
    });
}

/**
 * Local chains only: mines one block exactly `seconds` after the latest block (not after the
 * wall clock, and whatever next timestamp was pinned), so a slow machine adds no time.
 */
export async function mineAfterLatest(
  hre: HardhatRuntimeEnvironment,
  seconds: number,
): Promise<{ blockNumber: number; timestamp: bigint }> {
  const latest = async () =>
    (await hre.network.provider.send("eth_getBlockByNumber", ["latest", false])) as {
      number: string;
      timestamp: string;
    };
  await hre.network.provider.send("evm_mine", [Number(BigInt((await latest()).timestamp)) + seconds]);
  const block = await latest();
  return { blockNumber: Number(block.number), timestamp: BigInt(block.timestamp) };
}
