/**
 * Gasless through a relayer (issue 14): `RelayedSigner` wraps the user's signer so that every
 * transaction the client sends becomes a signed ERC-2771 forward request POSTed to a relayer
 * (`npm run relayer`, docs/RELAYER.md), which pays the gas; a `token.permit(...)` call becomes a
 * signed EIP-2612 permit POSTed to its `/permit`. The role modules work unchanged (where they
 * would approve, `RideCoopClient.allow` signs a permit when the signer is a `RelayedSigner`).
 *
 * Browser-safe: ethers and `fetch` only, no Node or Hardhat modules.
 */
import {
  AbstractSigner,
  Contract,
  getAddress,
  Interface,
  Signature,
  resolveAddress,
  type Provider,
  type Signer,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { RideCoopError } from "./errors";
import { signForwardRequest, type ForwarderLike, type ForwardRequestData } from "./forwarder";

/** A forward request as JSON: amounts and the nonce as decimal strings. */
export interface WireRequest {
  from: string;
  to: string;
  value: string;
  gas: string;
  /** The forwarder nonce it was signed for (the forwarder reads its own; the relayer uses this to tell a replay). */
  nonce?: string;
  deadline: string;
  data: string;
}

/** `POST /relay`'s body. */
export interface RelayBody {
  request: WireRequest;
  signature: string;
}

/**
 * An EIP-2612 permit as JSON (`POST /permit`): `owner` lets `spender` move `value` of `token`
 * until `deadline`. The relayer submits `token.permit(...)` from its hot key.
 */
export interface WirePermit {
  token: string;
  owner: string;
  spender: string;
  value: string;
  /** The token nonce it was signed for (the token reads its own; the relayer uses this to tell a replay). */
  nonce?: string;
  deadline: string;
}

/** `POST /permit`'s body. */
export interface PermitBody {
  permit: WirePermit;
  signature: string;
}

/** The selector of EIP-2612's `permit(owner, spender, value, deadline, v, r, s)`. */
export const PERMIT_SELECTOR = "0xd505accf";
const PERMIT_IFACE = new Interface([
  "function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)",
]);

/** Why a relayer refuses a request (the machine code in its answers). */
export const RELAY_CODES = [
  "Malformed",
  "ValueNotZero",
  "Expired",
  "BadSignature",
  "Replayed",
  "TargetNotAllowed",
  "SelectorNotAllowed",
  "TokenNotAllowed",
  "SpenderNotAllowed",
  "RequestQuota",
  "GasQuota",
  "Reverted",
  "Unfunded",
  "Unavailable",
] as const;
export type RelayCode = (typeof RELAY_CODES)[number];

/**
 * Refusals that are not the user's fault (the relayer's policy or its state): the client may send
 * the same transaction directly when the user holds ETH.
 */
export const NOT_USERS_FAULT: ReadonlySet<RelayCode> = new Set<RelayCode>([
  "TargetNotAllowed",
  "SelectorNotAllowed",
  "TokenNotAllowed",
  "SpenderNotAllowed",
  "RequestQuota",
  "GasQuota",
  "Unfunded",
  "Unavailable",
]);

/** A refusal or failure as the relayer answers it. */
export interface RelayProblem {
  code: RelayCode;
  sentence: string;
  hint: string;
  /** For `Reverted`: the target's custom error, its name and the revert data. */
  errorName?: string;
  data?: string;
}

/** `GET /requests/:id`. */
export interface RelayStatus {
  id: number;
  /** A forward request (`POST /relay`) or a permit (`POST /permit`). */
  kind: "forward" | "permit";
  status: "accepted" | "submitted" | "mined" | "failed" | "superseded";
  /** The signer: the request's `from`, the permit's owner. */
  from: string;
  /** The request's target, the permit's token. */
  to: string;
  /** The forwarder nonce of a request, the token nonce of a permit. */
  nonce: string;
  /** The mined transaction once mined, else the latest sent. */
  txHash: string | null;
  /** Every transaction sent for it (a replacement adds one). */
  txHashes: string[];
  gasUsed: string | null;
  error: RelayProblem | null;
}

/** A relayer's refusal as a client error: `<code>: <sentence>. Hint: <hint>.` */
export class RelayError extends RideCoopError {
  readonly code: RelayCode;
  /** The revert data of a `Reverted` refusal (the client decodes it with its own formatting). */
  readonly data?: string;
  constructor(problem: RelayProblem, options?: { cause?: unknown }) {
    super(problem.errorName ?? `Relayer${problem.code}`, [], problem.sentence, problem.hint, options);
    this.name = "RelayError";
    this.code = problem.code;
    this.data = problem.data;
  }
}

/** A request in its JSON form. */
export function toWire(request: ForwardRequestData, nonce?: bigint): RelayBody {
  return {
    request: {
      from: request.from,
      to: request.to,
      value: request.value.toString(),
      gas: request.gas.toString(),
      ...(nonce === undefined ? {} : { nonce: nonce.toString() }),
      deadline: request.deadline.toString(),
      data: request.data,
    },
    signature: request.signature,
  };
}

/** A permit in its JSON form (`signature`: the owner's 65-byte EIP-712 signature). */
export function toPermitWire(
  permit: { token: string; owner: string; spender: string; value: bigint; deadline: bigint; nonce?: bigint },
  signature: string,
): PermitBody {
  return {
    permit: {
      token: permit.token,
      owner: permit.owner,
      spender: permit.spender,
      value: permit.value.toString(),
      ...(permit.nonce === undefined ? {} : { nonce: permit.nonce.toString() }),
      deadline: permit.deadline.toString(),
    },
    signature,
  };
}

function isProblem(value: unknown): value is RelayProblem {
  const p = value as Partial<RelayProblem> | null;
  return (
    typeof p === "object" &&
    p !== null &&
    typeof p.sentence === "string" &&
    typeof p.hint === "string" &&
    (RELAY_CODES as readonly string[]).includes(String(p.code))
  );
}

export interface RelayClientOptions {
  /** Send directly when the relayer refuses for a reason that is not the user's fault and the user holds ETH (default true). */
  fallback?: boolean;
  /** How often to ask the relayer whether the transaction is mined (ms, default 500). */
  pollMs?: number;
  /** How long to wait for the relayer's transaction to be mined (ms, default 10 minutes). */
  timeoutMs?: number;
}

/** The relayer's HTTP API (`POST /relay`, `GET /requests/:id`, `GET /status`). */
export class RelayClient {
  readonly url: string;
  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        ...init,
        headers: { "content-type": "application/json" },
        signal: AbortSignal.timeout(60_000),
      });
    } catch (cause) {
      throw new RelayError(
        {
          code: "Unavailable",
          sentence: `no relayer answers at ${this.url}`,
          hint: "start one with `npm run relayer`, give another with --relay, or leave --relay out to send directly",
        },
        { cause },
      );
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw new RelayError(
        {
          code: "Unavailable",
          sentence: `${this.url} answered ${res.status} without JSON`,
          hint: "check that --relay points at a RideCoop relayer",
        },
        { cause },
      );
    }
    const problem = (body as { error?: unknown }).error;
    if (!res.ok || (problem !== undefined && problem !== null)) {
      if (isProblem(problem)) throw new RelayError(problem);
      throw new RelayError({
        code: "Unavailable",
        sentence: `${this.url} answered ${res.status}`,
        hint: "check that --relay points at a RideCoop relayer",
      });
    }
    return body as T;
  }

  relay(body: RelayBody): Promise<{ id: number; txHash: string | null }> {
    return this.call("/relay", { method: "POST", body: JSON.stringify(body) });
  }

  permit(body: PermitBody): Promise<{ id: number; txHash: string | null }> {
    return this.call("/permit", { method: "POST", body: JSON.stringify(body) });
  }

  request(id: number): Promise<RelayStatus> {
    return this.call(`/requests/${id}`);
  }

  status(): Promise<Record<string, unknown>> {
    return this.call("/status");
  }

  /** Asks until the request is mined, failed or superseded. */
  async settled(id: number, pollMs = 500, timeoutMs = 600_000): Promise<RelayStatus> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.request(id);
      if (s.status === "mined" || s.status === "failed" || s.status === "superseded") return s;
      if (Date.now() > until) {
        throw new RelayError({
          code: "Unavailable",
          sentence: `relayed request ${id} is still ${s.status} after ${Math.round(timeoutMs / 1000)} s`,
          hint: `ask the relayer later (GET ${this.url}/requests/${id}); the request runs at most once`,
        });
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}

/**
 * A signer whose transactions go through a relayer: `sendTransaction` signs a forward request
 * for the same `to` and `data`, POSTs it, waits until the relayer's transaction is mined and
 * returns the provider's response for it. A call of EIP-2612 `permit(...)` on a token (the fare
 * token does not trust the forwarder) goes to the relayer's `POST /permit` instead, which submits
 * it from its hot key. Signing (permits, ballots, typed data) is the wrapped signer's. A refusal that is not the user's fault falls back to sending directly when the user
 * holds ETH; any other becomes a {@link RelayError} with a sentence and a hint.
 */
export class RelayedSigner extends AbstractSigner {
  readonly relay: RelayClient;
  constructor(
    readonly inner: Signer,
    relayUrl: string,
    readonly forwarder: ForwarderLike,
    readonly options: RelayClientOptions = {},
  ) {
    super(inner.provider);
    this.relay = new RelayClient(relayUrl);
  }

  connect(provider: Provider | null): RelayedSigner {
    return new RelayedSigner(this.inner.connect(provider), this.relay.url, this.forwarder, this.options);
  }

  getAddress(): Promise<string> {
    return this.inner.getAddress();
  }

  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.inner.signTransaction(tx);
  }

  signMessage(message: string | Uint8Array): Promise<string> {
    return this.inner.signMessage(message);
  }

  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.inner.signTypedData(domain, types, value);
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const provider = this.inner.provider;
    if (provider === null) throw new Error("the signer has no provider: connect it to a node first");
    if (tx.to === undefined || tx.to === null) return this.direct(tx, "a contract creation cannot be relayed");
    if (tx.value !== undefined && tx.value !== null && BigInt(tx.value) !== 0n) {
      return this.direct(tx, "a relayer forwards no ETH");
    }
    const to = getAddress(await resolveAddress(tx.to, provider));
    const data = tx.data ?? "0x";
    const from = getAddress(await this.getAddress());
    let accepted: { id: number; txHash: string | null };
    try {
      if (data.slice(0, 10).toLowerCase() === PERMIT_SELECTOR) {
        accepted = await this.relay.permit(await permitBody(provider, to, data));
      } else {
        const nonce = await this.forwarder.nonces(from);
        const request = await signForwardRequest(this.forwarder, this.inner, to, data, { nonce });
        accepted = await this.relay.relay(toWire(request, nonce));
      }
    } catch (err) {
      if (err instanceof RelayError && NOT_USERS_FAULT.has(err.code)) return this.direct(tx, err);
      throw err;
    }
    const settled = await this.relay.settled(accepted.id, this.options.pollMs, this.options.timeoutMs);
    if (settled.status !== "mined" || settled.txHash === null) {
      throw new RelayError(
        settled.error ?? {
          code: "Unavailable",
          sentence: `relayed request ${accepted.id} ended ${settled.status}`,
          hint: "sign the action again",
        },
      );
    }
    const response = await provider.getTransaction(settled.txHash);
    if (response === null) throw new Error(`the node does not know the relayer's transaction ${settled.txHash}`);
    return response;
  }

  /** Sends `tx` directly when allowed and the user holds ETH; otherwise says why it cannot be relayed. */
  private async direct(tx: TransactionRequest, why: RelayError | string): Promise<TransactionResponse> {
    const provider = this.inner.provider;
    const balance = provider === null ? 0n : await provider.getBalance(await this.getAddress());
    if (this.options.fallback !== false && balance > 0n) return this.inner.sendTransaction(tx);
    if (why instanceof RelayError) throw why;
    throw new RelayError({
      code: "TargetNotAllowed",
      sentence: `${why}, and this account holds no ETH to send it directly`,
      hint: "fund the account with a little ETH for this step, or have another account do it",
    });
  }
}

/**
 * The body of `POST /permit` from the calldata of `token.permit(owner, spender, value, deadline,
 * v, r, s)` (the signature is already in it); the nonce it was signed at is the token's current one.
 */
async function permitBody(provider: Provider, token: string, data: string): Promise<PermitBody> {
  const [owner, spender, value, deadline, v, r, s] = PERMIT_IFACE.decodeFunctionData("permit", data) as unknown as [
    string,
    string,
    bigint,
    bigint,
    bigint,
    string,
    string,
  ];
  const nonces = new Contract(token, ["function nonces(address) view returns (uint256)"], provider);
  // Only to tell a replay apart; a contract without nonces() is the relayer's to refuse.
  const nonce = (await nonces
    .getFunction("nonces")
    .staticCall(owner)
    .catch(() => undefined)) as bigint | undefined;
  const signature = Signature.from({ v: Number(v), r, s }).serialized;
  return toPermitWire(
    { token, owner: getAddress(owner), spender: getAddress(spender), value, deadline, nonce },
    signature,
  );
}
