import hre from "hardhat";
import { setOutput } from "../../tasks/lib/common";
import type { DeployResult } from "../../src/deploy";

/** Lines the tasks printed since the last `takeOutput()`. */
const lines: string[] = [];
setOutput((line) => lines.push(line));

export function takeOutput(): string {
  return lines.splice(0).join("\n");
}

/** Runs a task through its own entry point, as the command line does. */
export async function run<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  return (await hre.run(name, { json: false, ...args })) as T;
}

/** Accounts by role in the task tests (indexes into the node's accounts). */
export const RIDER = "1";
export const DRIVER = "2";
export const OTHER_DRIVER = "3";

/** A fresh suite through the deploy task, with a rider and a driver funded and the driver registered. */
export async function deployedWithParties(): Promise<DeployResult> {
  const result = await run<DeployResult>("deploy", { fresh: true });
  for (const account of [RIDER, DRIVER, OTHER_DRIVER]) await run("faucet", { account, amount: "1000" });
  await run("driver:register", { account: DRIVER, stake: "100" });
  takeOutput();
  return result;
}
