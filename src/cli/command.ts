// One implementation of each role command, run by the `ridecoop` CLI (src/cli/main.ts) and by
// the Hardhat tasks (tasks/lib/common.ts): a command declares its flags and runs against a
// context that gives it a client, the network's name, the rider's secrets store and output.
import { getAddress, isAddress } from "ethers";
import type { RideCoopClient, TxResult } from "../client/client";
import { InputError } from "../client/format";
import type { RideStore } from "../node/rides-store";

/** Flags every role command takes. */
export interface CommonArgs {
  account?: string;
  json: boolean;
}

/** One flag: `name` in camelCase (`maxFare` is `--max-fare` on both command lines). */
export interface ParamSpec {
  name: string;
  description: string;
  /** Shown in --help and used when the flag is left out. */
  default?: string;
  optional?: boolean;
  /** A switch without a value. */
  flag?: boolean;
  /** Extra words after the flags (gov:propose's further changes). */
  variadic?: boolean;
}

/** What a command runs against: the same for the CLI and the Hardhat task. */
export interface CommandContext {
  /** The network's name: deployments/<network>.json and .ridecoop/<network>/. */
  readonly network: string;
  /** A local chain (Hardhat's in-process one or a local node): clock and mining commands work. */
  readonly local: boolean;
  /** The client of the network's deployment acting as --account (checked against the chain). */
  client(): Promise<RideCoopClient>;
  /** The rider's exact points and salts, kept off chain. */
  rides(): RideStore;
  /** A raw JSON-RPC call to the node (local helpers: evm_mine, hardhat_mine). */
  rpc(method: string, params: unknown[]): Promise<unknown>;
  /** Prints the human lines, or with --json the result. */
  report(human: string[], result: unknown): void;
}

export interface CommandSpec<A extends CommonArgs = CommonArgs> {
  /** The Hardhat task's name, like `rider:request`; the CLI's words are its parts (`rider request`). */
  task: string;
  description: string;
  params: ParamSpec[];
  /** False for commands that act as no account (time:advance). */
  account?: boolean;
  run(ctx: CommandContext, args: A): Promise<unknown>;
}

/** A command with its own argument type, stored among the others. */
export function command<A extends CommonArgs>(spec: CommandSpec<A>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** "approve: 0xabc… (gas 46,123)". */
export function txLine(tx: TxResult): string {
  return `  ${tx.label}: ${tx.hash} (gas ${tx.gasUsed.toLocaleString("en-US")})`;
}

export function txJson(tx: TxResult): { label: string; hash: string; gasUsed: bigint; blockNumber: number } {
  return { label: tx.label, hash: tx.hash, gasUsed: tx.gasUsed, blockNumber: tx.blockNumber };
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

/**
 * Local chains only: mines one block exactly `seconds` after the latest block (not after the
 * wall clock, and whatever next timestamp was pinned), so a slow machine adds no time.
 */
export async function mineAfterLatest(
  ctx: Pick<CommandContext, "rpc">,
  seconds: number,
): Promise<{ blockNumber: number; timestamp: bigint }> {
  const latest = async () =>
    (await ctx.rpc("eth_getBlockByNumber", ["latest", false])) as { number: string; timestamp: string };
  await ctx.rpc("evm_mine", [Number(BigInt((await latest()).timestamp)) + seconds]);
  const block = await latest();
  return { blockNumber: Number(block.number), timestamp: BigInt(block.timestamp) };
}
