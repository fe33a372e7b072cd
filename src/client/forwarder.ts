/**
 * Gasless requests (ERC-2771): a user signs a `ForwardRequest` for the suite's forwarder
 * (RideCoopForwarder, OpenZeppelin 5's ERC2771Forwarder) and anyone submits it with
 * `forwarder.execute(request)`, paying the gas; the target reads the signer as the sender.
 *
 * Browser-safe: ethers only, no Node or Hardhat modules. See docs/DESIGN.md, "Gasless".
 */
import { AbiCoder, concat, getAddress, type Provider, type Signer, type TypedDataField } from "ethers";
import { RideCoopForwarder__factory } from "../../typechain-types";
import { registerErrors } from "./errors";

/** EIP-712 types of OpenZeppelin 5's ERC2771Forwarder (`FORWARD_REQUEST_TYPEHASH`). */
export const FORWARD_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
};

/** What the forwarder takes: `ERC2771Forwarder.ForwardRequestData` (the nonce is read on chain). */
export interface ForwardRequestData {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  deadline: bigint;
  data: string;
  signature: string;
}

/** The forwarder's EIP-712 domain and nonces, as the typechain contract exposes them. */
export interface ForwarderLike {
  eip712Domain(): Promise<
    [string, string, string, bigint, string, string, bigint[]] & {
      name: string;
      version: string;
      chainId: bigint;
      verifyingContract: string;
    }
  >;
  nonces(owner: string): Promise<bigint>;
}

export interface ForwardOptions {
  /** Gas the forwarder passes to the target; estimated (plus a margin) when left out. */
  gas?: bigint;
  /** Unix seconds after which the forwarder refuses the request (default: 10 minutes from the latest block). */
  deadline?: bigint;
  /** The signer's forwarder nonce (default: read on chain). Requests of one signer run in nonce order. */
  nonce?: bigint;
}

/** Extra gas over the estimate, in percent: the target's cost may move a little before the relay. */
const GAS_MARGIN_PERCENT = 25n;
const DEFAULT_TTL = 600n;

/** The calldata the target receives from the forwarder: `data` with the signer's address appended. */
export function forwardedCalldata(data: string, from: string): string {
  return concat([data, getAddress(from)]);
}

/**
 * The gas the target needs for `data` from `from`, asked of the node as if the forwarder called
 * it (so the target reads `from` as the sender), plus a margin. The intrinsic 21,000 of a
 * transaction is left out: the forwarder's call does not pay it.
 */
export async function estimateForwardedGas(
  provider: Provider,
  forwarder: string,
  to: string,
  data: string,
  from: string,
): Promise<bigint> {
  const estimate = await provider.estimateGas({ from: forwarder, to, data: forwardedCalldata(data, from) });
  const inner = estimate > 21_000n ? estimate - 21_000n : estimate;
  return (inner * (100n + GAS_MARGIN_PERCENT)) / 100n;
}

/**
 * Runs the forwarded call without sending it (an `eth_call` from the forwarder), so that a request
 * the target would refuse fails here with the target's own custom error; the forwarder itself
 * only says `FailedCall()` when the inner call reverts.
 */
export async function simulateForwarded(provider: Provider, forwarder: string, request: ForwardRequestData) {
  await provider.call({
    from: forwarder,
    to: request.to,
    data: forwardedCalldata(request.data, request.from),
    value: request.value,
  });
}

/**
 * Signs a forward request by `signer` for a call of `data` on `to`, ready for
 * `forwarder.execute(request)` by anyone (a relayer, another account, the user's own wallet).
 */
export async function signForwardRequest(
  forwarder: ForwarderLike,
  signer: Signer,
  to: string,
  data: string,
  opts: ForwardOptions = {},
): Promise<ForwardRequestData> {
  const provider = signer.provider;
  if (provider === null) throw new Error("the signer has no provider: connect it to a node first");
  const from = getAddress(await signer.getAddress());
  const domain = await forwarder.eip712Domain();
  const forwarderAddress = getAddress(domain.verifyingContract);
  const nonce = opts.nonce ?? (await forwarder.nonces(from));
  let deadline = opts.deadline;
  if (deadline === undefined) {
    const latest = await provider.getBlock("latest");
    if (latest === null) throw new Error("the node returned no latest block");
    deadline = BigInt(latest.timestamp) + DEFAULT_TTL;
  }
  const gas = opts.gas ?? (await estimateForwardedGas(provider, forwarderAddress, to, data, from));
  const message = { from, to: getAddress(to), value: 0n, gas, nonce, deadline, data };
  const signature = await signer.signTypedData(
    {
      name: domain.name,
      version: domain.version,
      chainId: domain.chainId,
      verifyingContract: forwarderAddress,
    },
    FORWARD_REQUEST_TYPES,
    message,
  );
  return { from, to: message.to, value: 0n, gas, deadline, data, signature };
}

/** `request` ABI-encoded as `execute`'s argument tuple, e.g. for a relayer's HTTP body or a log. */
export function encodeForwardRequest(request: ForwardRequestData): string {
  return AbiCoder.defaultAbiCoder().encode(
    ["tuple(address from,address to,uint256 value,uint256 gas,uint48 deadline,bytes data,bytes signature)"],
    [request],
  );
}

// The forwarder's own refusals, as one sentence and a hint each (see errors.ts).
registerErrors(RideCoopForwarder__factory.abi, {
  ERC2771ForwarderExpiredRequest: ([deadline], c) => ({
    sentence: `the signed request expired ${c.time(deadline)}`,
    hint: "sign it again with a later deadline",
  }),
  ERC2771ForwarderInvalidSigner: ([signer, from]) => ({
    sentence: `the request's signature is not ${from}'s at its current forwarder nonce (it recovers ${signer})`,
    hint: "it was already relayed, or signed for another nonce or by another key: sign it again",
  }),
  ERC2771ForwarderMismatchedValue: ([requested, sent]) => ({
    sentence: `the request carries ${requested} wei but ${sent} were sent with it`,
    hint: "send exactly the request's value",
  }),
  ERC2771ForwarderNoRefundReceiver: () => ({
    sentence: "a request in the batch failed and the batch names no refund receiver",
    hint: "relay the requests one by one, or name a refund receiver",
  }),
  ERC2771UntrustfulTarget: ([target, forwarder]) => ({
    sentence: `${target} does not trust the forwarder ${forwarder}`,
    hint: "relay only to the suite's contracts (deployments/<network>.json)",
  }),
  InsufficientBalance: ([balance, needed]) => ({
    sentence: `the forwarder holds ${balance} wei and needs ${needed}`,
    hint: "send the value with the batch",
  }),
});
