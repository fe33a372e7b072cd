import { getAddress, isAddress, type Signer } from "ethers";
import { task } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";
import { RideCoopClient } from "../../src/client/client";
import { checkDeploymentChain, DeploymentError } from "../../src/client/deployment";
import { ClientStateError, RideCoopError } from "../../src/client/errors";
import { InputError } from "../../src/client/format";
import { toJson, type CommandContext, type CommandSpec, type CommonArgs } from "../../src/cli/command";
import { networkConfig, NETWORKS } from "../../src/config";
import { loadDeployment } from "../../src/node/deployment";
import { RideStore } from "../../src/node/rides-store";

// The Hardhat side of the role commands: each task is a thin wrapper that runs the command of
// src/cli/commands/ (the same code as `ridecoop`) with a context over the Hardhat network.

export { toJson, txJson, txLine, parseAddress, parseDisputeId, parseRideId } from "../../src/cli/command";
export type { CommonArgs } from "../../src/cli/command";

type Sink = (line: string) => void;
let sink: Sink = (line) => console.log(line);

/** Redirects task output (tests capture it); returns the previous sink. */
export function setOutput(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

/** Prints either the human lines or, with --json, the result object. */
export function report(args: CommonArgs, human: string[], result: unknown): void {
  if (args.json) sink(toJson(result));
  else for (const line of human) sink(line);
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

/** The client for the network's deployment, acting as --account, once the file is known to be this chain's. */
export async function clientFor(hre: HardhatRuntimeEnvironment, args: CommonArgs): Promise<RideCoopClient> {
  const deployment = loadDeployment(hre.network.name, hre.config.paths.root);
  const signer = await resolveSigner(hre, args.account);
  await checkDeploymentChain(deployment, hre.ethers.provider);
  return new RideCoopClient(deployment, signer, { logChunk: networkConfig(hre.network.name).logChunk });
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
  account = true,
): ConfigurableTaskDefinition {
  const withAccount = account
    ? definition.addOptionalParam("account", "Account: an index into the node's accounts or an address (default 0)")
    : definition;
  return withAccount
    .addFlag("json", "Print the result as JSON")
    .setAction(async (args: A, hre: HardhatRuntimeEnvironment) => {
      try {
        return await action(args, hre);
      } catch (err) {
        throw friendly(err);
      }
    });
}

/** The context a command runs in under Hardhat: the task's network, accounts and output. */
export function hardhatContext(hre: HardhatRuntimeEnvironment, args: CommonArgs): CommandContext {
  return {
    network: hre.network.name,
    local: NETWORKS[hre.network.name]?.local === true,
    client: () => clientFor(hre, args),
    rides: () => new RideStore(hre.network.name, hre.config.paths.root),
    rpc: (method, params) => hre.network.provider.send(method, params) as Promise<unknown>,
    report: (human, result) => report(args, human, result),
  };
}

/** Registers each command as a Hardhat task (`rider:request --max-fare 12`). */
export function registerTasks(commands: CommandSpec[]): void {
  for (const spec of commands) {
    let definition = task(spec.task, spec.description);
    for (const p of spec.params) {
      if (p.variadic === true) definition = definition.addOptionalVariadicPositionalParam(p.name, p.description, []);
      else if (p.flag === true) definition = definition.addFlag(p.name, p.description);
      else if (p.optional === true || p.default !== undefined)
        definition = definition.addOptionalParam(p.name, p.description, p.default);
      else definition = definition.addParam(p.name, p.description);
    }
    roleTask(definition, (args: CommonArgs, hre) => spec.run(hardhatContext(hre, args), args), spec.account !== false);
  }
}
