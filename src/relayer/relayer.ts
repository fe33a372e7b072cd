// The relayer: checks a signed forward request, stores it, submits it through its hot key with
// its own nonce management, replaces a stuck transaction with a higher fee, and recovers after a
// restart from the store and the chain. See docs/RELAYER.md.
import {
  getAddress,
  isAddress,
  isHexString,
  keccak256,
  Signature,
  verifyTypedData,
  type JsonRpcProvider,
  type Wallet,
  type HDNodeWallet,
  type TransactionReceipt,
} from "ethers";
import type { Deployment } from "../client/deployment";
import { decodeRevert, revertData, type ErrorContext } from "../client/errors";
import { formatAmount } from "../client/format";
import { FORWARD_REQUEST_TYPES, simulateForwarded, type ForwardRequestData } from "../client/forwarder";
import type { PermitBody, RelayBody, RelayCode, RelayProblem, RelayStatus } from "../client/relay";
import { ERC20Permit__factory } from "../client/contracts";
import { RideCoopForwarder__factory } from "../../typechain-types/factories/contracts/gasless/RideCoopForwarder__factory";
import type { RideCoopForwarder } from "../../typechain-types/contracts/gasless/RideCoopForwarder";
import { allowlist, permitPolicy, type PermitTarget, type Target } from "./policy";
import type { RelayStore, StoredRequest } from "./store";

export interface Quota {
  /** Requests one signer may have accepted in a rolling hour. */
  requestsPerHour: number;
  /** Gas one signer's requests may use in a rolling day (mined: used; pending: estimated). */
  gasPerDay: bigint;
}

export interface RelayerOptions {
  deployment: Deployment;
  provider: JsonRpcProvider;
  /** The hot key: it signs and pays for every transaction. */
  wallet: Wallet | HDNodeWallet;
  store: RelayStore;
  quota: Quota;
  /** A transaction not mined after this long is sent again with the same nonce and a higher fee. */
  replaceAfterMs: number;
  /** How often to look at pending transactions. */
  pollMs: number;
  log?: (line: string) => void;
}

/** A refusal: its code, sentence and hint, and the HTTP status to answer with. */
export class Refusal extends Error {
  constructor(
    readonly problem: RelayProblem,
    readonly httpStatus: number,
  ) {
    super(`${problem.code}: ${problem.sentence}. Hint: ${problem.hint}.`);
  }
}

const refuse = (code: RelayCode, sentence: string, hint: string, httpStatus = 400, extra: Partial<RelayProblem> = {}) =>
  new Refusal({ code, sentence, hint, ...extra }, httpStatus);

/** Fee bump of a replacement: at least 10% more on both fees, as nodes require (here 10% + 1 wei). */
export const bump = (fee: bigint): bigint => fee + fee / 10n + 1n;

const HOUR = 3_600_000;
/** The forwarder's own gas around the target's (signature, nonce, event, calldata): about 50,000 with the 21,000 base. */
const FORWARDER_OVERHEAD = 50_000n;
const DAY = 24 * HOUR;
/** A permit's gas counted against the quota before its estimate is known (it uses about 50,000-80,000). */
const PERMIT_GAS_BOUND = 100_000n;
/** EIP-2612's typed data. */
const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const PERMIT_IFACE = ERC20Permit__factory.createInterface();

/** A permit as the token's `permit` takes it. */
export interface PermitData {
  token: string;
  owner: string;
  spender: string;
  value: bigint;
  deadline: bigint;
  signature: string;
}

export class Relayer {
  readonly forwarder: RideCoopForwarder;
  readonly forwarderAddress: string;
  readonly address: string;
  private readonly targets: Map<string, Target>;
  private readonly permitTokens: Map<string, PermitTarget>;
  private nextNonce = -1n;
  /** Submissions and replacements one at a time: they share the hot key's nonces. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking = false;
  private domain?: { name: string; version: string; chainId: bigint; verifyingContract: string };
  private readonly log: (line: string) => void;

  constructor(readonly opts: RelayerOptions) {
    const fwd = opts.deployment.contracts.Forwarder;
    if (fwd === undefined) {
      throw new Error(
        `deployments/${opts.deployment.network}.json has no Forwarder: redeploy with \`npx hardhat deploy --network ${opts.deployment.network} --fresh\``,
      );
    }
    this.forwarderAddress = getAddress(fwd.address);
    this.forwarder = RideCoopForwarder__factory.connect(this.forwarderAddress, opts.provider);
    this.address = opts.wallet.address;
    this.targets = allowlist(opts.deployment);
    this.permitTokens = permitPolicy(opts.deployment);
    this.log = opts.log ?? (() => undefined);
  }

  /** How errors read: amounts in the deployment's tokens, times as dates. */
  errorContext(): ErrorContext {
    const d = this.opts.deployment;
    return {
      fare: (a) => formatAmount(a, { symbol: d.fareToken.symbol, decimals: d.fareToken.decimals }),
      ride: (a) => formatAmount(a, { symbol: d.rideToken.symbol, decimals: d.rideToken.decimals }),
      time: (t) => new Date(Number(t) * 1000).toISOString(),
    };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Recovers from the store and the chain, then starts watching pending transactions. */
  async start(): Promise<void> {
    await this.recover();
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.queue.catch(() => undefined);
  }

  /**
   * After a restart: the hot key's nonce from the chain (pending); each open request finished by
   * its receipt or by the signer's forwarder nonce, re-broadcast from its stored raw transaction,
   * or sent when it was accepted and never signed.
   */
  async recover(): Promise<void> {
    this.nextNonce = BigInt(await this.opts.provider.getTransactionCount(this.address, "pending"));
    const open = await this.opts.store.open();
    if (open.length > 0) this.log(`recovering ${open.length} open request(s); hot key nonce ${this.nextNonce}`);
    for (const r of open) await this.serial(() => this.advance(r, true));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const r of await this.opts.store.open()) await this.serial(() => this.advance(r, false));
    } catch (err) {
      this.log(`watch: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  // ---------------------------------------------------------------- checks

  /** `POST /relay`: checks in order, stores as accepted, submits; answers the id and tx hash. */
  async relay(body: unknown): Promise<{ id: number; txHash: string | null }> {
    let signer: string | undefined;
    try {
      const { request, nonce } = this.parse(body);
      signer = request.from;
      const target = await this.verify(request, nonce);
      const fwdNonce = await this.forwarder.nonces(request.from);
      // A second copy at a forwarder nonce this relayer is already sending could only revert on
      // chain (the forwarder runs a nonce once), at the cooperative's cost.
      const pending = (await this.opts.store.open()).find(
        (r) => r.kind === "forward" && r.signer === request.from && r.fwdNonce === fwdNonce,
      );
      if (pending !== undefined) {
        throw refuse(
          "Replayed",
          `${request.from}'s request at forwarder nonce ${fwdNonce} is already accepted here as request ${pending.id}, not mined yet`,
          `nothing to do: follow it with GET /requests/${pending.id}`,
        );
      }
      // The quota counts the gas the signer asked for plus the forwarder's share until the estimate is known.
      await this.checkQuota(request.from, request.gas + FORWARDER_OVERHEAD);
      const gasEstimate = await this.simulate(request);
      await this.checkFunds(gasEstimate);
      const id = await this.opts.store.accept({
        kind: "forward",
        signer: request.from,
        target: target.contract,
        action: target.selectors.get(request.data.slice(0, 10)) ?? "?",
        fwdNonce,
        body: body as RelayBody,
        gasEstimate,
      });
      this.log(
        `accepted #${id}: ${target.contract}.${target.selectors.get(request.data.slice(0, 10))} for ${request.from}`,
      );
      const stored = await this.opts.store.get(id);
      if (stored === undefined) throw new Error(`request ${id} vanished from the store`);
      const txHash = await this.serial(() => this.submit(stored));
      return { id, txHash };
    } catch (err) {
      if (err instanceof Refusal) await this.opts.store.refuse(signer, err.problem.code);
      throw err;
    }
  }

  /**
   * `POST /permit`: an EIP-2612 permit of the fare token or RIDE for a suite contract that pulls
   * it. Checked (token, spender, deadline, quota, a simulation from the hot key, funds), stored as
   * accepted, then `token.permit(...)` is sent from the hot key like a forward request.
   */
  async permit(body: unknown): Promise<{ id: number; txHash: string | null }> {
    let signer: string | undefined;
    try {
      const { permit, nonce } = this.parsePermit(body);
      signer = permit.owner;
      const token = this.permitTokens.get(permit.token);
      if (token === undefined) {
        throw refuse(
          "TokenNotAllowed",
          `${permit.token} is neither the fare token nor RIDE, so this relayer submits no permit for it`,
          "permits are relayed only for the deployment's fare token and RIDE; approve other tokens directly",
          403,
        );
      }
      const spender = token.spenders.get(permit.spender);
      if (spender === undefined) {
        const names = [...token.spenders.values()].join(" or ");
        throw refuse(
          "SpenderNotAllowed",
          `${permit.spender} is not a suite contract that pulls ${token.name}, so this relayer submits no permit for it`,
          `a relayed permit of ${token.name} may only name ${names} as the spender; never sign a permit for an address you do not know`,
          403,
        );
      }
      const latest = await this.opts.provider.getBlock("latest");
      if (latest !== null && BigInt(latest.timestamp) > permit.deadline) throw this.permitExpired(permit.deadline);
      const tokenNonce = await ERC20Permit__factory.connect(permit.token, this.opts.provider).nonces(permit.owner);
      // A second permit at a nonce this relayer is already sending could only revert on chain, at the cooperative's cost.
      const pending = (await this.opts.store.open()).find(
        (r) =>
          r.kind === "permit" &&
          r.signer === permit.owner &&
          getAddress(r.body.permit.token) === permit.token &&
          r.fwdNonce === tokenNonce,
      );
      if (pending !== undefined) {
        throw refuse(
          "Replayed",
          `${permit.owner}'s permit at token nonce ${tokenNonce} is already accepted here as request ${pending.id}, not mined yet`,
          `nothing to do: follow it with GET /requests/${pending.id}`,
        );
      }
      await this.checkQuota(permit.owner, PERMIT_GAS_BOUND);
      const gasEstimate = await this.simulatePermit(permit, nonce ?? tokenNonce, tokenNonce);
      await this.checkFunds(gasEstimate);
      const action = `permit(${spender})`;
      const id = await this.opts.store.accept({
        kind: "permit",
        signer: permit.owner,
        target: token.symbol,
        action,
        fwdNonce: tokenNonce,
        body: body as PermitBody,
        gasEstimate,
      });
      this.log(`accepted #${id}: ${token.symbol}.${action} for ${permit.owner}`);
      const stored = await this.opts.store.get(id);
      if (stored === undefined) throw new Error(`request ${id} vanished from the store`);
      const txHash = await this.serial(() => this.submit(stored));
      return { id, txHash };
    } catch (err) {
      if (err instanceof Refusal) await this.opts.store.refuse(signer, err.problem.code);
      throw err;
    }
  }

  /** Well-formed permit: addresses, decimal amounts, a 65-byte signature. */
  parsePermit(body: unknown): { permit: PermitData; nonce?: bigint } {
    const b = body as Partial<PermitBody> | null;
    const p = b?.permit;
    const malformed = (what: string) =>
      refuse(
        "Malformed",
        `the body is not a signed permit: ${what}`,
        "send {permit: {token, owner, spender, value, nonce, deadline}, signature} as src/client/relay.ts shapes it",
      );
    if (typeof b !== "object" || b === null || typeof p !== "object" || p === null) throw malformed("no permit object");
    const dec = (v: unknown, name: string): bigint => {
      if (typeof v !== "string" || !/^\d{1,78}$/.test(v)) throw malformed(`${name} is not a decimal string`);
      const n = BigInt(v);
      if (n >= 1n << 256n) throw malformed(`${name} does not fit in 256 bits`);
      return n;
    };
    for (const field of ["token", "owner", "spender"] as const) {
      const v = p[field];
      if (typeof v !== "string" || !isAddress(v)) throw malformed(`${field} is not an address`);
    }
    if (typeof b.signature !== "string" || !isHexString(b.signature, 65)) {
      throw malformed("signature is not 65 bytes of hex");
    }
    return {
      permit: {
        token: getAddress(p.token as string),
        owner: getAddress(p.owner as string),
        spender: getAddress(p.spender as string),
        value: dec(p.value, "value"),
        deadline: dec(p.deadline, "deadline"),
        signature: b.signature,
      },
      nonce: p.nonce === undefined ? undefined : dec(p.nonce, "nonce"),
    };
  }

  private permitExpired(deadline: bigint): Refusal {
    return refuse(
      "Expired",
      `the signed permit expired at ${new Date(Number(deadline) * 1000).toISOString()}`,
      "sign it again with a later deadline",
    );
  }

  /** `token.permit(...)` as the hot key sends it. */
  private permitCall(permit: PermitData): { to: string; data: string } {
    const { v, r, s } = Signature.from(permit.signature);
    const data = PERMIT_IFACE.encodeFunctionData("permit", [
      permit.owner,
      permit.spender,
      permit.value,
      permit.deadline,
      v,
      r,
      s,
    ]);
    return { to: permit.token, data };
  }

  /**
   * `token.permit(...)` estimated from the hot key. A bad signature is a replay when it is the
   * owner's at a nonce the token has passed, otherwise a signature that is not the owner's.
   */
  async simulatePermit(permit: PermitData, claimed: bigint, current: bigint): Promise<bigint> {
    const call = this.permitCall(permit);
    try {
      return await this.opts.provider.estimateGas({ from: this.address, ...call });
    } catch (err) {
      const found = revertData(err);
      const decoded = found === undefined ? undefined : decodeRevert(found, this.errorContext());
      if (decoded?.errorName === "ERC2612ExpiredSignature") throw this.permitExpired(permit.deadline);
      if (decoded?.errorName === "ERC2612InvalidSigner") {
        const token = ERC20Permit__factory.connect(permit.token, this.opts.provider);
        const d = await token.eip712Domain();
        const domain = { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
        const recovers = (n: bigint): boolean => {
          try {
            const message = {
              owner: permit.owner,
              spender: permit.spender,
              value: permit.value,
              nonce: n,
              deadline: permit.deadline,
            };
            return getAddress(verifyTypedData(domain, PERMIT_TYPES, message, permit.signature)) === permit.owner;
          } catch {
            return false;
          }
        };
        const guess = claimed < current ? claimed : current > 0n ? current - 1n : undefined;
        if (guess !== undefined && recovers(guess)) {
          throw refuse(
            "Replayed",
            `${permit.owner}'s token nonce ${guess} is used: this permit already ran (or another one took its nonce)`,
            "nothing to do when the allowance is there; otherwise sign a new permit",
          );
        }
        throw refuse(
          "BadSignature",
          `the signature is not ${permit.owner}'s over this permit at its token nonce ${current}`,
          "sign the permit again with the owner's account",
          400,
          { errorName: decoded.errorName, data: found },
        );
      }
      throw refuse(
        "Reverted",
        decoded?.sentence ?? "the permit reverts without a reason",
        decoded?.hint ?? "check the permit's owner, spender, value and deadline, and sign it again",
        400,
        { errorName: decoded?.errorName, data: found },
      );
    }
  }

  /** Well-formed: addresses, decimal amounts, hex data with a selector, a 65-byte signature, no value. */
  parse(body: unknown): { request: ForwardRequestData; nonce?: bigint } {
    const b = body as Partial<RelayBody> | null;
    const r = b?.request;
    const malformed = (what: string) =>
      refuse(
        "Malformed",
        `the request is not a signed forward request: ${what}`,
        "send {request: {from, to, value, gas, nonce, deadline, data}, signature} as src/client/relay.ts shapes it",
      );
    if (typeof b !== "object" || b === null || typeof r !== "object" || r === null)
      throw malformed("no request object");
    const dec = (v: unknown, name: string): bigint => {
      if (typeof v !== "string" || !/^\d{1,78}$/.test(v)) throw malformed(`${name} is not a decimal string`);
      return BigInt(v);
    };
    if (typeof r.from !== "string" || !isAddress(r.from)) throw malformed("from is not an address");
    if (typeof r.to !== "string" || !isAddress(r.to)) throw malformed("to is not an address");
    if (typeof r.data !== "string" || !isHexString(r.data) || r.data.length < 10) {
      throw malformed("data is not hex calldata with a function selector");
    }
    if (typeof b.signature !== "string" || !isHexString(b.signature, 65))
      throw malformed("signature is not 65 bytes of hex");
    const value = dec(r.value, "value");
    const gas = dec(r.gas, "gas");
    const deadline = dec(r.deadline, "deadline");
    const nonce = r.nonce === undefined ? undefined : dec(r.nonce, "nonce");
    if (deadline >= 1n << 48n) throw malformed("deadline does not fit in 48 bits");
    if (value !== 0n) {
      throw refuse(
        "ValueNotZero",
        `the request carries ${value} wei; this relayer forwards no ETH, so it can take nothing from you either`,
        "sign the request with value 0",
      );
    }
    return {
      request: {
        from: getAddress(r.from),
        to: getAddress(r.to),
        value,
        gas,
        deadline,
        data: r.data.toLowerCase(),
        signature: b.signature,
      },
      nonce,
    };
  }

  private async eip712(): Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }> {
    if (this.domain === undefined) {
      const d = await this.forwarder.eip712Domain();
      this.domain = { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
    }
    return this.domain;
  }

  /** `forwarder.verify`, and when false why: expired, replayed, another target, or a bad signature; then the allowlist. */
  async verify(request: ForwardRequestData, nonce: bigint | undefined): Promise<Target> {
    const ok = await this.forwarder.verify(request);
    const target = this.targets.get(request.to);
    if (!ok) {
      const latest = await this.opts.provider.getBlock("latest");
      if (latest !== null && BigInt(latest.timestamp) > request.deadline) {
        throw refuse(
          "Expired",
          `the signed request expired at ${new Date(Number(request.deadline) * 1000).toISOString()}`,
          "sign it again with a later deadline",
        );
      }
      if (target === undefined) throw this.notTarget(request.to);
      const current = await this.forwarder.nonces(request.from);
      const recovers = (n: bigint): boolean => {
        try {
          const message = { ...request, nonce: n };
          return (
            getAddress(verifyTypedData(this.domainSync(), FORWARD_REQUEST_TYPES, message, request.signature)) ===
            request.from
          );
        } catch {
          return false;
        }
      };
      await this.eip712();
      const claimed = nonce ?? (current > 0n ? current - 1n : undefined);
      if (claimed !== undefined && claimed < current && recovers(claimed)) {
        throw refuse(
          "Replayed",
          `${request.from}'s forwarder nonce ${claimed} is used: this request already ran`,
          "nothing to do; sign a new request for another action",
        );
      }
      throw refuse(
        "BadSignature",
        `the signature is not ${request.from}'s over this request at its forwarder nonce ${current}`,
        "sign the request again with the account named in from",
      );
    }
    if (target === undefined) throw this.notTarget(request.to);
    const selector = request.data.slice(0, 10);
    if (!target.selectors.has(selector)) {
      const fragment = target.iface.getFunction(selector);
      const name = fragment === null ? selector : fragment.name;
      throw refuse(
        "SelectorNotAllowed",
        `${target.contract}.${name} is not a user action this relayer relays`,
        "governance setters and wiring run through a vote, not a relayer; send other calls directly",
        403,
      );
    }
    return target;
  }

  private domainSync() {
    if (this.domain === undefined) throw new Error("the forwarder's domain is not read yet");
    return this.domain;
  }

  private notTarget(to: string): Refusal {
    const fare =
      getAddress(this.opts.deployment.fareToken.address) === to ? " (the fare token does not trust the forwarder)" : "";
    return refuse(
      "TargetNotAllowed",
      `${to} is not one of the suite's contracts that trust the forwarder${fare}`,
      "relay only RideMarket, RIDE, the governor, the court, the arbiter pool and the key registry; use a permit for the fare token",
      403,
    );
  }

  /** Over the signer's hourly request count or daily gas budget. */
  async checkQuota(from: string, gas: bigint): Promise<void> {
    const now = Date.now();
    const hour = await this.opts.store.usage(from, now - HOUR);
    if (hour.requests >= this.opts.quota.requestsPerHour) {
      throw refuse(
        "RequestQuota",
        `${from} already sent ${hour.requests} requests in the last hour, this relayer's limit per signer`,
        "wait, send through another relayer, or send directly",
        429,
      );
    }
    const day = await this.opts.store.usage(from, now - DAY);
    if (day.gas + gas > this.opts.quota.gasPerDay) {
      throw refuse(
        "GasQuota",
        `${from}'s requests used ${day.gas.toLocaleString("en-US")} gas in the last day; with this one (${gas.toLocaleString("en-US")}) they would pass this relayer's budget of ${this.opts.quota.gasPerDay.toLocaleString("en-US")}`,
        "wait, send through another relayer, or send directly",
        429,
      );
    }
  }

  /** The hot key must afford the transaction at today's fee. */
  private async checkFunds(gas: bigint): Promise<void> {
    const [balance, fees] = await Promise.all([
      this.opts.provider.getBalance(this.address),
      this.opts.provider.getFeeData(),
    ]);
    const price = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
    if (balance < gas * price) {
      throw refuse(
        "Unfunded",
        `the relayer's hot key ${this.address} holds ${formatAmount(balance, { symbol: "ETH", decimals: 18 })}, too little for this transaction`,
        "the cooperative funds it by a treasury grant voted through the governor; meanwhile send directly or through another relayer",
        503,
      );
    }
  }

  /**
   * `forwarder.execute(request)` estimated from the hot key: a revert is refused with the target's
   * own error (the forwarder alone says only FailedCall), decoded into its sentence.
   */
  async simulate(request: ForwardRequestData): Promise<bigint> {
    const data = this.forwarder.interface.encodeFunctionData("execute", [request]);
    try {
      return await this.opts.provider.estimateGas({ from: this.address, to: this.forwarderAddress, data });
    } catch (outer) {
      let found = revertData(outer);
      try {
        await simulateForwarded(this.opts.provider, this.forwarderAddress, request);
      } catch (inner) {
        found = revertData(inner) ?? found;
      }
      const decoded = found === undefined ? undefined : decodeRevert(found, this.errorContext());
      throw refuse(
        "Reverted",
        decoded?.sentence ?? "the call reverts without a reason",
        decoded?.hint ?? "check the action with ride:show (or the matching read) and try again",
        400,
        { errorName: decoded?.errorName, data: found },
      );
    }
  }

  // ---------------------------------------------------------------- sending

  /** Signs the request's transaction with the next nonce, stores it, then broadcasts it. */
  private async submit(r: StoredRequest): Promise<string | null> {
    const fees = await this.opts.provider.getFeeData();
    const maxFee = fees.maxFeePerGas ?? fees.gasPrice ?? 1n;
    const maxPriority = fees.maxPriorityFeePerGas ?? 0n;
    if (this.nextNonce < 0n) {
      this.nextNonce = BigInt(await this.opts.provider.getTransactionCount(this.address, "pending"));
    }
    return this.send(r, this.nextNonce, maxFee, maxPriority, true);
  }

  /** The hot key's transaction for a stored request: `forwarder.execute` or `token.permit`. */
  private call(r: StoredRequest): { to: string; data: string } {
    if (r.kind === "permit") return this.permitCall(this.parsePermit(r.body).permit);
    const { request } = this.parse(r.body);
    return { to: this.forwarderAddress, data: this.forwarder.interface.encodeFunctionData("execute", [request]) };
  }

  /** The signer's nonce (forwarder or token) passed the one the request was accepted at: it cannot run again. */
  private async executed(r: StoredRequest): Promise<boolean> {
    if (r.kind === "permit") {
      const token = ERC20Permit__factory.connect(r.body.permit.token, this.opts.provider);
      return (await token.nonces(r.signer)) > r.fwdNonce;
    }
    return (await this.forwarder.nonces(r.signer)) > r.fwdNonce;
  }

  private async send(r: StoredRequest, nonce: bigint, maxFee: bigint, maxPriority: bigint, fresh: boolean) {
    const { to, data } = this.call(r);
    const raw = await this.opts.wallet.signTransaction({
      type: 2,
      chainId: BigInt(this.opts.deployment.chainId),
      to,
      data,
      value: 0n,
      nonce: Number(nonce),
      // The forwarder's own work on top of the estimate, and room for the target's to move.
      gasLimit: (r.gasEstimate * 130n) / 100n + 20_000n,
      maxFeePerGas: maxFee,
      maxPriorityFeePerGas: maxPriority,
    });
    const hash = keccak256(raw);
    await this.opts.store.signed(r.id, { nonce, raw, hash, maxFee, maxPriority });
    if (fresh) this.nextNonce = nonce + 1n;
    try {
      await this.opts.provider.broadcastTransaction(raw);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/already known|known transaction/i.test(message)) return hash;
      this.log(`#${r.id}: the node refused ${hash}: ${message.split("\n")[0]}`);
      await this.opts.store.unsigned(r.id, hash);
      this.nextNonce = BigInt(await this.opts.provider.getTransactionCount(this.address, "pending"));
      return null;
    }
    await this.opts.store.setStatus(r.id, "submitted");
    this.log(`#${r.id}: sent ${hash} (nonce ${nonce}, max fee ${maxFee}, tip ${maxPriority})`);
    return hash;
  }

  /** One step for an open request: mined? executed elsewhere? stuck (replace)? never sent (send)? */
  private async advance(stale: StoredRequest, restarting: boolean): Promise<void> {
    const r = await this.opts.store.get(stale.id);
    if (r === undefined || (r.status !== "accepted" && r.status !== "submitted")) return;
    for (const hash of [...r.txHashes].reverse()) {
      const receipt = await this.opts.provider.getTransactionReceipt(hash);
      if (receipt !== null) return this.settle(r, receipt);
    }
    const executed = await this.executed(r);
    if (r.rawTx === null || r.txNonce === null) {
      if (executed) {
        await this.opts.store.setStatus(r.id, "superseded");
        this.log(`#${r.id}: executed by another submitter before it was sent`);
        return;
      }
      await this.submit(r);
      return;
    }
    if (restarting) {
      // Signed before the stop: the node may never have seen it. The same bytes again are harmless.
      const known = await Promise.all(r.txHashes.map((h) => this.opts.provider.getTransaction(h)));
      if (known.every((t) => t === null)) {
        const latest = BigInt(await this.opts.provider.getTransactionCount(this.address, "latest"));
        if (r.txNonce >= latest) {
          try {
            await this.opts.provider.broadcastTransaction(r.rawTx);
            this.log(`#${r.id}: re-broadcast ${r.txHashes.at(-1)} after the restart`);
          } catch (err) {
            this.log(
              `#${r.id}: re-broadcast refused: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
            );
          }
        } else if (!executed) {
          // Its nonce went to another transaction: send it afresh.
          await this.submit(r);
          return;
        }
      }
      if (r.status === "accepted") await this.opts.store.setStatus(r.id, "submitted");
      return;
    }
    if (r.sentAt !== null && Date.now() - r.sentAt >= this.opts.replaceAfterMs && !executed) {
      const fees = await this.opts.provider.getFeeData();
      const maxFee = max(bump(r.maxFee ?? 1n), fees.maxFeePerGas ?? 0n);
      const maxPriority = max(bump(r.maxPriority ?? 0n), fees.maxPriorityFeePerGas ?? 0n);
      this.log(
        `#${r.id}: not mined after ${this.opts.replaceAfterMs} ms: replacing nonce ${r.txNonce} with a higher fee`,
      );
      await this.send(r, r.txNonce, maxFee, maxPriority, false);
    }
  }

  private async settle(r: StoredRequest, receipt: TransactionReceipt): Promise<void> {
    const feePaid = receipt.gasUsed * (receipt.gasPrice ?? 0n);
    if (receipt.status === 1) {
      await this.opts.store.setStatus(r.id, "mined", { gasUsed: receipt.gasUsed, feePaid, minedHash: receipt.hash });
      this.log(`#${r.id}: mined in block ${receipt.blockNumber}, gas ${receipt.gasUsed}`);
      return;
    }
    const executed = await this.executed(r);
    const error: RelayProblem = executed
      ? r.kind === "permit"
        ? {
            code: "Replayed",
            sentence: `${r.signer}'s token nonce ${r.fwdNonce} was used first (this permit sent by another submitter, or another permit)`,
            hint: "nothing to do when the allowance is there; otherwise sign a new permit",
          }
        : {
            code: "Replayed",
            sentence: `another submitter ran ${r.signer}'s request (forwarder nonce ${r.fwdNonce}) first`,
            hint: "nothing to do: it ran once",
          }
      : {
          code: "Reverted",
          sentence: `the relayed transaction ${receipt.hash} reverted on chain`,
          hint: "the chain changed between the check and the block; read the state again and sign anew",
        };
    await this.opts.store.setStatus(r.id, executed ? "superseded" : "failed", {
      gasUsed: receipt.gasUsed,
      feePaid,
      minedHash: receipt.hash,
      error,
    });
  }

  // ---------------------------------------------------------------- reads

  async requestStatus(id: number): Promise<RelayStatus | undefined> {
    const r = await this.opts.store.get(id);
    if (r === undefined) return undefined;
    return {
      id: r.id,
      kind: r.kind,
      status: r.status,
      from: r.signer,
      to: r.kind === "permit" ? r.body.permit.token : r.body.request.to,
      nonce: r.fwdNonce.toString(),
      txHash: r.minedHash ?? r.txHashes.at(-1) ?? null,
      txHashes: r.txHashes,
      gasUsed: r.gasUsed?.toString() ?? null,
      error: r.error,
    };
  }

  /** The public log: what was accepted, refused per reason, gas per signer, the hot key's balance. */
  async status(): Promise<Record<string, unknown>> {
    const [summary, balance] = await Promise.all([
      this.opts.store.summary(),
      this.opts.provider.getBalance(this.address),
    ]);
    return {
      relayer: this.address,
      forwarder: this.forwarderAddress,
      chainId: this.opts.deployment.chainId,
      balance: balance.toString(),
      balanceText: formatAmount(balance, { symbol: "ETH", decimals: 18 }),
      quota: { requestsPerHour: this.opts.quota.requestsPerHour, gasPerDay: this.opts.quota.gasPerDay.toString() },
      requests: summary.byStatus,
      requestsByKind: summary.byKind,
      refused: summary.refused,
      gasBySigner: summary.gasBySigner,
    };
  }
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
