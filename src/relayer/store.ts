// The relayer's durable store: embedded Postgres (PGlite, WASM) in --data-dir. A request is
// written as accepted before anything is sent, and each signed transaction (its raw bytes and
// hash) before it is broadcast, so a restart neither loses nor double-submits one.
import { PGlite } from "@electric-sql/pglite";
import type { PermitBody, RelayBody, RelayCode, RelayProblem, RelayStatus } from "../client/relay";

export type RequestStatus = RelayStatus["status"];
export type RequestKind = RelayStatus["kind"];

/** What was accepted: a forward request (`POST /relay`) or a permit (`POST /permit`). */
export type StoredBody = { kind: "forward"; body: RelayBody } | { kind: "permit"; body: PermitBody };

export type StoredRequest = StoredBody & {
  id: number;
  signer: string;
  target: string;
  action: string;
  /** The signer's forwarder nonce (a forward request) or token nonce (a permit) it was accepted at. */
  fwdNonce: bigint;
  status: RequestStatus;
  gasEstimate: bigint;
  txNonce: bigint | null;
  rawTx: string | null;
  txHashes: string[];
  maxFee: bigint | null;
  maxPriority: bigint | null;
  sentAt: number | null;
  gasUsed: bigint | null;
  feePaid: bigint | null;
  /** The one of txHashes that was mined. */
  minedHash: string | null;
  error: RelayProblem | null;
};

interface Row {
  id: number;
  kind: RequestKind;
  signer: string;
  target: string;
  action: string;
  fwd_nonce: string;
  body: string;
  status: RequestStatus;
  gas_estimate: string;
  tx_nonce: string | null;
  raw_tx: string | null;
  tx_hashes: string;
  max_fee: string | null;
  max_priority: string | null;
  sent_at: string | null;
  gas_used: string | null;
  fee_paid: string | null;
  mined_hash: string | null;
  error: string | null;
}

const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
const str = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : v.toString());

function fromRow(r: Row): StoredRequest {
  const body: StoredBody =
    r.kind === "permit"
      ? { kind: "permit", body: JSON.parse(r.body) as PermitBody }
      : { kind: "forward", body: JSON.parse(r.body) as RelayBody };
  return {
    ...body,
    id: r.id,
    signer: r.signer,
    target: r.target,
    action: r.action,
    fwdNonce: BigInt(r.fwd_nonce),
    status: r.status,
    gasEstimate: BigInt(r.gas_estimate),
    txNonce: big(r.tx_nonce),
    rawTx: r.raw_tx,
    txHashes: JSON.parse(r.tx_hashes) as string[],
    maxFee: big(r.max_fee),
    maxPriority: big(r.max_priority),
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
    gasUsed: big(r.gas_used),
    feePaid: big(r.fee_paid),
    minedHash: r.mined_hash,
    error: r.error === null ? null : (JSON.parse(r.error) as RelayProblem),
  };
}

// Amounts are text (exact bigints); times are milliseconds since the epoch.
const SCHEMA = `
create table if not exists requests (
  id serial primary key,
  signer text not null,
  target text not null,
  action text not null,
  fwd_nonce text not null,
  body text not null,
  status text not null,
  gas_estimate text not null,
  tx_nonce text,
  raw_tx text,
  tx_hashes text not null default '[]',
  max_fee text,
  max_priority text,
  sent_at bigint,
  gas_used text,
  fee_paid text,
  mined_hash text,
  error text,
  created_at bigint not null
);
-- Stores from before permits hold forward requests only.
alter table requests add column if not exists kind text not null default 'forward';
create index if not exists requests_signer on requests (signer, created_at);
create index if not exists requests_status on requests (status);
create table if not exists refusals (
  id serial primary key,
  signer text,
  code text not null,
  at bigint not null
);
`;

export class RelayStore {
  private constructor(private readonly db: PGlite) {}

  /** Opens (creating) the store in `dataDir`; in memory when `dataDir` is undefined. */
  static async open(dataDir: string | undefined): Promise<RelayStore> {
    const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await db.exec(SCHEMA);
    return new RelayStore(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async accept(
    r: StoredBody & {
      signer: string;
      target: string;
      action: string;
      fwdNonce: bigint;
      gasEstimate: bigint;
    },
  ): Promise<number> {
    const res = await this.db.query<{ id: number }>(
      `insert into requests (kind, signer, target, action, fwd_nonce, body, status, gas_estimate, created_at)
       values ($1, $2, $3, $4, $5, $6, 'accepted', $7, $8) returning id`,
      [
        r.kind,
        r.signer,
        r.target,
        r.action,
        r.fwdNonce.toString(),
        JSON.stringify(r.body),
        r.gasEstimate.toString(),
        Date.now(),
      ],
    );
    return res.rows[0].id;
  }

  /** A signed transaction for request `id`, stored before it is broadcast. */
  async signed(id: number, tx: { nonce: bigint; raw: string; hash: string; maxFee: bigint; maxPriority: bigint }) {
    const current = await this.get(id);
    const hashes = [...(current?.txHashes ?? []), tx.hash];
    await this.db.query(
      `update requests set tx_nonce = $2, raw_tx = $3, tx_hashes = $4, max_fee = $5, max_priority = $6, sent_at = $7
       where id = $1`,
      [
        id,
        tx.nonce.toString(),
        tx.raw,
        JSON.stringify(hashes),
        tx.maxFee.toString(),
        tx.maxPriority.toString(),
        Date.now(),
      ],
    );
  }

  /** Forgets a signed transaction that the node refused (so the request is sent again). */
  async unsigned(id: number, hash: string): Promise<void> {
    const current = await this.get(id);
    const hashes = (current?.txHashes ?? []).filter((h) => h !== hash);
    const keepNonce = hashes.length > 0;
    await this.db.query(
      `update requests set tx_hashes = $2, raw_tx = ${keepNonce ? "raw_tx" : "null"}, tx_nonce = ${keepNonce ? "tx_nonce" : "null"} where id = $1`,
      [id, JSON.stringify(hashes)],
    );
  }

  async setStatus(
    id: number,
    status: RequestStatus,
    extra: { gasUsed?: bigint; feePaid?: bigint; minedHash?: string; error?: RelayProblem | null } = {},
  ): Promise<void> {
    await this.db.query(
      `update requests set status = $2, gas_used = coalesce($3, gas_used), fee_paid = coalesce($4, fee_paid),
       error = coalesce($5, error), mined_hash = coalesce($6, mined_hash) where id = $1`,
      [
        id,
        status,
        str(extra.gasUsed),
        str(extra.feePaid),
        extra.error === undefined || extra.error === null ? null : JSON.stringify(extra.error),
        extra.minedHash ?? null,
      ],
    );
  }

  async get(id: number): Promise<StoredRequest | undefined> {
    const res = await this.db.query<Row>("select * from requests where id = $1", [id]);
    return res.rows.length === 0 ? undefined : fromRow(res.rows[0]);
  }

  /** Requests still to be sent or mined, oldest first. */
  async open(): Promise<StoredRequest[]> {
    const res = await this.db.query<Row>(
      "select * from requests where status in ('accepted', 'submitted') order by id",
    );
    return res.rows.map(fromRow);
  }

  /** Requests and gas of `signer` since `sinceMs` (gas used when mined, else the estimate). */
  async usage(signer: string, sinceMs: number): Promise<{ requests: number; gas: bigint }> {
    const res = await this.db.query<{ n: number; gas: string | null }>(
      `select count(*)::int as n, sum(coalesce(gas_used, gas_estimate)::numeric)::text as gas
       from requests where signer = $1 and created_at >= $2 and status <> 'failed'`,
      [signer, sinceMs],
    );
    return { requests: res.rows[0].n, gas: BigInt(res.rows[0].gas ?? "0") };
  }

  async refuse(signer: string | undefined, code: RelayCode): Promise<void> {
    await this.db.query("insert into refusals (signer, code, at) values ($1, $2, $3)", [
      signer ?? null,
      code,
      Date.now(),
    ]);
  }

  /** The public log's numbers. */
  async summary(): Promise<{
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
    refused: Record<string, number>;
    gasBySigner: Record<string, { requests: number; gasUsed: string; feePaid: string }>;
  }> {
    const byStatus: Record<string, number> = {};
    for (const r of (
      await this.db.query<{ status: string; n: number }>(
        "select status, count(*)::int as n from requests group by status",
      )
    ).rows) {
      byStatus[r.status] = r.n;
    }
    const byKind: Record<string, number> = {};
    for (const r of (
      await this.db.query<{ kind: string; n: number }>("select kind, count(*)::int as n from requests group by kind")
    ).rows) {
      byKind[r.kind] = r.n;
    }
    const refused: Record<string, number> = {};
    for (const r of (
      await this.db.query<{ code: string; n: number }>("select code, count(*)::int as n from refusals group by code")
    ).rows) {
      refused[r.code] = r.n;
    }
    const gasBySigner: Record<string, { requests: number; gasUsed: string; feePaid: string }> = {};
    for (const r of (
      await this.db.query<{ signer: string; n: number; gas: string | null; fee: string | null }>(
        `select signer, count(*)::int as n, sum(coalesce(gas_used, '0')::numeric)::text as gas,
         sum(coalesce(fee_paid, '0')::numeric)::text as fee from requests group by signer order by signer`,
      )
    ).rows) {
      gasBySigner[r.signer] = { requests: r.n, gasUsed: r.gas ?? "0", feePaid: r.fee ?? "0" };
    }
    return { byStatus, byKind, refused, gasBySigner };
  }
}
