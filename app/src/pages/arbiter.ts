// The arbiter: stake RIDE in the pool, register the evidence key, the disputes I was drawn for
// with their deadlines and evidence, rule.
import { formatBps, formatTime, parseAmount, type ArbiterDuty, type ArbiterRuling } from "../../../src/client";
import { h, fill, field } from "../dom";
import { t } from "../i18n";
import type { AppContext } from "../context";
import { evidenceList, hasEvidenceKey, readShare, shareInput } from "./dispute";
import type { Page } from "./page";

export function arbiterPage(ctx: AppContext): Page {
  const { client } = ctx;
  if (!client.hasCourt) {
    return {
      el: h("div", { class: "page" }, h("section", { class: "card" }, h("p", {}, t("noCourt")))),
      refresh: async () => {},
    };
  }
  const status = h("p", { class: "arbiter-status" });
  const amount = h("input", { type: "text", inputmode: "decimal", name: "arbiterStake", autocomplete: "off" });
  const stakeForm = h(
    "form",
    { class: "card", "aria-labelledby": "as-h" },
    h("h2", { id: "as-h" }, t("arbiterStake")),
    status,
    field(t("stakeRide"), amount, client.rideUnit.symbol),
    h("button", { type: "submit", class: "primary" }, t("stakeRide")),
  );
  stakeForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    let value: bigint;
    try {
      value = parseAmount(amount.value, client.rideUnit, "stake");
    } catch (err) {
      ctx.showError(err);
      return;
    }
    void ctx.act(t("stakeRide"), () => client.stakeArbiter(value));
  });
  const keyStatus = h("p", { class: "key-status" });
  const keyButton = h(
    "button",
    {
      type: "button",
      "aria-describedby": "key-cost",
      onclick: () => void ctx.act(t("registerKey"), () => client.registerEvidenceKey().then((r) => r.tx)),
    },
    t("registerKey"),
  );
  const keyCard = h(
    "section",
    { class: "card", "aria-labelledby": "key-h" },
    h("h2", { id: "key-h" }, t("evidenceKey")),
    keyStatus,
    h("p", { class: "cost", id: "key-cost" }, t("registerKeyCost")),
    keyButton,
  );
  const dutiesList = h("div", { "aria-live": "polite" });
  const dutiesCard = h(
    "section",
    { class: "card", "aria-labelledby": "du-h" },
    h("h2", { id: "du-h" }, t("duties")),
    dutiesList,
  );
  const rulingsList = h("div", { "aria-live": "polite" });
  const rulingsCard = h(
    "section",
    { class: "card", "aria-labelledby": "ru-h" },
    h("h2", { id: "ru-h" }, t("myRulings")),
    rulingsList,
  );
  const el = h("div", { class: "page" }, stakeForm, keyCard, dutiesCard, rulingsCard);
  let key: string | undefined;
  let rulingsKey: string | undefined;
  async function refresh(): Promise<void> {
    const [s, keyed, duties, rulings, now] = await Promise.all([
      client.arbiterStatus(),
      hasEvidenceKey(ctx),
      client.arbiterDuties(),
      client.arbiterRulings(),
      client.now(),
    ]);
    fill(keyStatus, keyed ? t("keyRegistered") : t("keyMissing"));
    keyButton.hidden = keyed;
    fill(status, t("arbiterStatus", { stake: client.formatRide(s.stake), free: client.formatRide(s.free) }));
    const rk = rulings.map((r) => `${r.disputeId}:${r.round}:${r.status}:${r.panelRiderBps ?? ""}`).join(",");
    if (rk !== rulingsKey) {
      rulingsKey = rk;
      if (rulings.length === 0) fill(rulingsList, h("p", { class: "muted" }, t("noRulings")));
      else fill(rulingsList, h("ul", { class: "rulings" }, ...rulings.map((r) => rulingItem(ctx, r, now))));
    }
    const k = duties
      .map(
        (d) => `${d.disputeId}:${d.round}:${d.seat}:${d.evidence.map((e) => `${e.uri}/${e.revealVerified}`).join("|")}`,
      )
      .join(",");
    if (k === key) return;
    key = k;
    if (duties.length === 0) return fill(dutiesList, h("p", { class: "muted" }, t("noDuties")));
    fill(dutiesList, h("ul", { class: "duties" }, ...duties.map((d) => dutyItem(ctx, d, now))));
  }
  return { el, refresh };
}

function rulingItem(ctx: AppContext, r: ArbiterRuling, now: bigint): HTMLElement {
  const { client } = ctx;
  const id = r.disputeId.toString();
  const court =
    r.panelRiderBps === undefined
      ? t("rulingWaiting")
      : r.status === "Ruled" && r.appealUntil !== undefined
        ? t("rulingRuled", { share: formatBps(r.panelRiderBps), until: formatTime(r.appealUntil, now) })
        : t("rulingResolved", { share: formatBps(r.panelRiderBps) });
  return h(
    "li",
    { "data-ruling": id },
    h(
      "p",
      { class: "ruling-mine" },
      t("rulingLine", { id, share: formatBps(r.riderBps), block: r.blockNumber, fee: client.formatFare(r.fee) }),
    ),
    h("p", { class: "ruling-court" }, court),
  );
}

function dutyItem(ctx: AppContext, d: ArbiterDuty, now: bigint): HTMLElement {
  const { client } = ctx;
  const id = d.disputeId.toString();
  const share = shareInput(`split-${id}`);
  return h(
    "li",
    { "data-dispute": id },
    h("p", {}, t("dutyLine", { id, fare: client.formatFare(d.fare), deadline: formatTime(d.deadline, now) })),
    h("h3", {}, t("evidence")),
    evidenceList(d.evidence, d.rider, d.driver),
    h(
      "form",
      {
        class: "row",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          const bps = readShare(ctx, share);
          if (bps === undefined) return;
          void ctx.act(`${t("rule")} #${id}`, () => client.rule(d.disputeId, bps));
        },
      },
      field(t("riderShare", { id }), share),
      h("button", { type: "submit", class: "primary" }, t("rule")),
    ),
  );
}
