// How the app's transactions reach the chain: a small choice of "transport". Every transport
// hands the shared client an ethers Signer, so the client's flows are the same whichever is used.
//   - dev-key: one of a local node's unlocked accounts (chain 31337 only: never a real key)
//   - wallet: an injected EIP-1193 wallet (window.ethereum)
//   - relayed: a relayer's RelayedSigner wraps either of them; every transaction becomes a signed
//     ERC-2771 forward request the relayer pays the gas for (docs/RELAYER.md). Signing stays
//     the wrapped signer's.
import {
  BrowserProvider,
  JsonRpcProvider,
  Wallet,
  hexlify,
  randomBytes,
  type Eip1193Provider,
  type Signer,
} from "ethers";
import { RelayedSigner, type Deployment } from "../../src/client";
import { RideCoopForwarder__factory } from "../../typechain-types";

export type TransportKind = "dev-key" | "wallet" | "relayed";

export interface Transport {
  kind: TransportKind;
  signer: Signer;
  /** The accounts a person may switch between (dev-key: the node's unlocked accounts). */
  accounts: string[];
  /** dev-key only: the signer is a fresh key kept in this browser (no ETH), not an unlocked account. */
  fresh?: boolean;
  /** relayed only: the relayer's URL and the transport it wraps. */
  relay?: string;
  inner?: Transport;
}

/** `?account=fresh`: a key made in this browser for the local chain, holding nothing until funded. */
export const FRESH = "fresh";
const FRESH_KEY = "ridecoop:31337:fresh-key";

/** The only chain the dev key is offered on: Hardhat's local node. */
export const LOCAL_CHAIN_ID = 31337n;

export async function devKeyTransport(rpcUrl: string, account: number | typeof FRESH): Promise<Transport> {
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
  if (account === FRESH) {
    // A burner key for trying the gasless path: made once, kept in localStorage, local chain only.
    let key = localStorage.getItem(FRESH_KEY);
    if (key === null) {
      key = hexlify(randomBytes(32));
      localStorage.setItem(FRESH_KEY, key);
    }
    return { kind: "dev-key", signer: new Wallet(key, provider), accounts, fresh: true };
  }
  const index = Math.min(Math.max(Number.isFinite(account) ? account : 1, 0), accounts.length - 1);
  return { kind: "dev-key", signer: await provider.getSigner(index), accounts };
}

/**
 * Wraps a transport so that every transaction goes through the relayer at `relayUrl`. Fails with
 * a sentence and a hint when the deployment has no forwarder.
 */
export function relayedTransport(inner: Transport, relayUrl: string, deployment: Deployment): Transport {
  const forwarder = deployment.contracts.Forwarder;
  if (forwarder === undefined) {
    throw new Error(
      `a relayer is configured (${relayUrl}) but this deployment has no Forwarder. Hint: redeploy with \`npx hardhat deploy --network localhost --fresh\`, or leave the relayer out to send directly`,
    );
  }
  const provider = inner.signer.provider;
  if (provider === null) throw new Error("the signer has no provider");
  const signer = new RelayedSigner(
    inner.signer,
    relayUrl,
    RideCoopForwarder__factory.connect(forwarder.address, provider),
    {
      pollMs: 250,
    },
  );
  return { ...inner, kind: "relayed", signer, relay: relayUrl.replace(/\/+$/, ""), inner };
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
