// What every page shares: the client, the transport, the transaction log and error display.
import { InputError, RideCoopError, type RideCoopClient, type TxResult } from "../../src/client";
import { h, fill } from "./dom";
import { t } from "./i18n";
import type { Transport } from "./transport";

export interface AppContext {
  client: RideCoopClient;
  transport: Transport;
  me: string;
  /** The map's tile URL template (`{z}/{x}/{y}`), or undefined for no map (`?tiles=off`). */
  tiles?: string;
  /** Runs a transaction-sending action, shows its status, and refreshes the page after it. */
  act(
    label: string,
    action: () => Promise<TxResult | TxResult[] | { txs: TxResult[] } | { tx: TxResult } | void>,
  ): Promise<boolean>;
  /** Shows an error as the client's sentence and hint. */
  showError(err: unknown): void;
  /** Asks the shell to refresh balances and the page now. */
  refresh(): void;
  storage: { get(key: string): string | null; set(key: string, value: string | null): void };
}

/**
 * An error as one sentence with a hint, whatever layer it came from. `translate` may give a
 * client error's sentence and hint in the page's language (undefined: the client's English).
 */
export function describeError(
  err: unknown,
  translate?: (e: RideCoopError) => { sentence: string; hint: string } | undefined,
): { sentence: string; hint?: string } {
  if (err instanceof RideCoopError) {
    const said = translate?.(err) ?? err;
    return { sentence: `${err.errorName}: ${said.sentence}.`, hint: `${said.hint}.` };
  }
  if (err instanceof InputError) return { sentence: err.message };
  const e = err as { shortMessage?: unknown; message?: unknown; info?: { error?: { message?: unknown } } } | null;
  const text = String(e?.info?.error?.message ?? e?.shortMessage ?? e?.message ?? err);
  const at = text.indexOf("Hint:");
  if (at > 0) return { sentence: text.slice(0, at).trim(), hint: text.slice(at + 5).trim() };
  return { sentence: text };
}

export function txBlock(r: unknown): number | undefined {
  const list: unknown[] = Array.isArray(r) ? r : [r];
  let block: number | undefined;
  for (const item of list) {
    const o = item as { blockNumber?: unknown; txs?: unknown; tx?: unknown } | undefined;
    if (typeof o?.blockNumber === "number") block = o.blockNumber;
    if (Array.isArray(o?.txs)) block = txBlock(o.txs) ?? block;
    if (o?.tx !== undefined) block = txBlock(o.tx) ?? block;
  }
  return block;
}

/** The transaction log and the error box, live regions a screen reader announces. */
export function statusViews(): {
  log: HTMLElement;
  errorBox: HTMLElement;
  add(text: string, kind: string): HTMLElement;
} {
  const list = h("ol", { class: "txlog", "aria-live": "polite" }, h("li", { class: "muted" }, t("noTransactions")));
  const log = h(
    "section",
    { class: "card", "aria-labelledby": "tx-h" },
    h("h2", { id: "tx-h" }, t("transactions")),
    list,
  );
  const errorBox = h("div", { class: "error", role: "alert", hidden: true });
  let empty = true;
  return {
    log,
    errorBox,
    add(text: string, kind: string) {
      if (empty) fill(list);
      empty = false;
      const li = h("li", { class: kind }, text);
      list.prepend(li);
      while (list.children.length > 8) list.lastElementChild?.remove();
      return li;
    },
  };
}
