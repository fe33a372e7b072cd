// How the app's transactions reach the chain: a small choice of "transport". Every transport
// hands the shared client an ethers Signer, so the client's flows are the same whichever is used.
//   - dev-key: one of a local node's unlocked accounts (chain 31337 only: never a real key)
//   - wallet: an injected EIP-1193 wallet (window.ethereum)
//   - relayed (next): the relayer's RelayedSigner wraps the wallet's signer and sends meta-
//     transactions through the forwarder; it plugs in here as one more Transport.
import { BrowserProvider, JsonRpcProvider, type Eip1193Provider, type Signer } from "ethers";

export type TransportKind = "dev-key" | "wallet" | "relayed";

export interface Transport {
  kind: TransportKind;
  signer: Signer;
  /** The accounts a person may switch between (dev-key: the node's unlocked accounts). */
  accounts: string[];
}

/** The only chain the dev key is offered on: Hardhat's local node. */
export const LOCAL_CHAIN_ID = 31337n;

export async function devKeyTransport(rpcUrl: string, account: number): Promise<Transport> {
  const probe = new JsonRpcProvider(rpcUrl);
  const network = await probe.getNetwork();
  probe.destroy();
  if (network.chainId !== LOCAL_CHAIN_ID) {
    throw new Error(
      `the node at ${rpcUrl} is chain ${network.chainId}, not the local chain 31337: the dev key is only for a local node. Hint: use a browser wallet for this chain`,
    );
  }
  const provider = new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, pollingInterval: 250 });
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  if (accounts.length === 0) {
    throw new Error(`the node at ${rpcUrl} has no unlocked accounts. Hint: start it with \`npm run node\``);
  }
  const index = Math.min(Math.max(account, 0), accounts.length - 1);
  return { kind: "dev-key", signer: await provider.getSigner(index), accounts };
}

interface WindowWithWallet {
  ethereum?: Eip1193Provider;
}

export function injectedWallet(): Eip1193Provider | undefined {
  return (window as unknown as WindowWithWallet).ethereum;
}

export async function walletTransport(wallet: Eip1193Provider): Promise<Transport> {
  const provider = new BrowserProvider(wallet);
  const accounts = (await provider.send("eth_requestAccounts", [])) as string[];
  return { kind: "wallet", signer: await provider.getSigner(), accounts };
}
