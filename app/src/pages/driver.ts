// The driver: register and stake, open requests nearby (newest first, fare, distance in cells),
// accept or offer, arrive, pick up, complete, earnings, RIDE accrued, claim, withdraw.
import type { Balances, OpenRequest, RideView, TxResult } from "../../../src/client";
import { h, fill, field } from "../dom";
import { t, stateText } from "../i18n";
import { placePicker, cellDistance } from "../places";
import type { AppContext } from "../context";
import type { Page } from "./page";
import { disputeCard } from "./dispute";

export function driverPage(ctx: AppContext, balances: () => Balances | undefined): Page {
  const { client } = ctx;
  const regCard = h("section", { class: "card", "aria-labelledby": "reg-h" });
  const stakeInput = h("input", { type: "text", inputmode: "decimal", name: "stake", autocomplete: "off" });
  const regForm = h(
    "form",
    {},
    field(t("stakeAmount"), stakeInput, client.fareUnit.symbol),
    h("button", { type: "submit", class: "primary" }, t("registerStake")),
  );
  regForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void (async () => {
      let stake: bigint;
      try {
        stake = client.parseFare(stakeInput.value, "stake");
      } catch (err) {
        ctx.showError(err);
        return;
      }
      await ctx.act(t("registerStake"), () => client.registerDriver(stake));
    })();
  });
  const regStatus = h("p", { class: "reg-status" });
  fill(regCard, h("h2", { id: "reg-h" }, t("register")), regStatus, regForm);

  let here = ctx.storage.get("here") ?? "37.4979,127.0276";
  const area = placePicker("myArea", here, (p) => {
    if (p !== undefined) {
      here = p.cell;
      ctx.storage.set("here", p.cell);
    }
  });
  const feedList = h("div", { class: "feed", "aria-live": "polite" });
  const feedTiming = h("p", { class: "muted timing" });
  const feedCard = h(
    "section",
    { class: "card", "aria-labelledby": "feed-h" },
    h("h2", { id: "feed-h" }, t("openRequests")),
    area.el,
    h("button", { type: "button", onclick: () => void loadFeed() }, t("refresh")),
    feedList,
    feedTiming,
  );
  const rideCard = h("section", { class: "card", "aria-labelledby": "cur-h", "aria-live": "polite" });
  const earnCard = h("section", { class: "card", "aria-labelledby": "earn-h" });
  // Disputes on my rides (a disputed ride leaves my active slot): one card each while open.
  const disputesEl = h("div", { class: "disputes", hidden: true });
  const disputeCards = new Map<bigint, ReturnType<typeof disputeCard>>();
  async function refreshDisputes(): Promise<void> {
    if (!client.hasCourt) return;
    const mine: bigint[] = [];
    for (const id of await client.openDisputeIds()) {
      const d = await client.court.getDispute(id);
      if (d.driver.toLowerCase() === ctx.me.toLowerCase()) mine.push(id);
    }
    for (const [id, card] of disputeCards) {
      if (!mine.includes(id)) {
        card.el.remove();
        disputeCards.delete(id);
      }
    }
    for (const id of mine) {
      let card = disputeCards.get(id);
      if (card === undefined) {
        card = disputeCard(ctx, "driver");
        disputeCards.set(id, card);
        disputesEl.append(card.el);
      }
      await card.show(id);
    }
    disputesEl.hidden = mine.length === 0;
  }
  const el = h("div", { class: "page" }, regCard, rideCard, disputesEl, feedCard, earnCard);

  let feedKey = "";
  async function loadFeed(): Promise<void> {
    const started = performance.now();
    const cell = area.get()?.cell ?? here;
    const requests = (await client.openRequestsNear(cell)).sort((a, b) => (a.rideId > b.rideId ? -1 : 1));
    const ms = Math.round(performance.now() - started);
    fill(feedTiming, t("loadedIn", { n: requests.length, ms }));
    feedTiming.dataset.ms = String(ms);
    feedTiming.dataset.count = String(requests.length);
    const key = requests.map((r) => `${r.rideId}:${r.maxFare}`).join(",") + cell;
    if (key === feedKey) return;
    feedKey = key;
    if (requests.length === 0) return fill(feedList, h("p", { class: "muted" }, t("noRequests")));
    fill(feedList, h("ul", { class: "requests" }, ...requests.slice(0, 50).map((r) => requestItem(ctx, r, cell))));
  }

  let rideKey = "";
  async function refresh(): Promise<void> {
    const b = balances();
    if (b === undefined) return;
    regForm.hidden = b.registered;
    if (stakeInput.value === "") {
      const [, amounts] = await client.market.parameters();
      // Only while still empty and not being typed in: the person may have started a stake
      // during the read (writing then would mix the default into their text, "50.00100000").
      if (stakeInput.value === "" && document.activeElement !== stakeInput)
        stakeInput.value = client.formatFare(amounts.minStake).split(" ")[0].replace(/,/g, "");
    }
    fill(
      regStatus,
      b.registered
        ? t("registered", {
            stake: client.formatFare(b.stake),
            rating: b.ratings === 0n ? "–" : (Number(b.ratingX100) / 100).toFixed(1),
          })
        : "",
    );
    feedCard.hidden = !b.registered;
    const view = b.activeRide === 0n ? undefined : await client.showRide(b.activeRide);
    const key = view === undefined ? "none" : `${view.rideId}:${view.state}:${view.arrived}`;
    if (key !== rideKey) {
      rideKey = key;
      fill(rideCard, h("h2", { id: "cur-h" }, t("currentRide")), ...currentRide(ctx, view));
    }
    fill(
      earnCard,
      h("h2", { id: "earn-h" }, t("earnings")),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("credit")),
        h("dd", { class: "earn-credit" }, client.formatFare(b.credit)),
        h("dt", {}, t("rideAccrued")),
        h("dd", { class: "earn-ride" }, client.formatRide(b.rewardsAccrued)),
      ),
      h(
        "div",
        { class: "row" },
        h(
          "button",
          {
            type: "button",
            disabled: b.rewardsAccrued === 0n,
            onclick: () => void ctx.act(t("claim"), () => client.claimRewards()),
          },
          t("claim"),
        ),
        h(
          "button",
          {
            type: "button",
            disabled: b.credit === 0n && b.revenueClaimable === 0n && b.courtCredit === 0n,
            onclick: () => void ctx.act(t("withdraw"), () => client.withdraw()),
          },
          t("withdraw"),
        ),
      ),
    );
    await refreshDisputes();
    if (b.registered && view === undefined) await loadFeed();
  }
  return { el, refresh };
}

function requestItem(ctx: AppContext, r: OpenRequest, here: string): HTMLElement {
  const { client } = ctx;
  const id = r.rideId.toString();
  const fareInput = h("input", {
    type: "text",
    inputmode: "decimal",
    name: `offer-${id}`,
    value: client.formatFare(r.maxFare).split(" ")[0].replace(/,/g, ""),
    autocomplete: "off",
  });
  return h(
    "li",
    { "data-ride": id },
    h(
      "p",
      {},
      t("requestLine", {
        id,
        fare: client.formatFare(r.maxFare),
        cells: cellDistance(here, r.pickupCell),
        to: r.dropoffCell,
      }),
    ),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: () =>
            void ctx.act(t("acceptAt", { id, fare: client.formatFare(r.maxFare) }), () =>
              client.accept(r.rideId, r.maxFare),
            ),
        },
        t("acceptAt", { id, fare: client.formatFare(r.maxFare) }),
      ),
    ),
    h(
      "form",
      {
        class: "row offer-form",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          let fare: bigint;
          try {
            fare = client.parseFare(fareInput.value, "fare");
          } catch (err) {
            ctx.showError(err);
            return;
          }
          void ctx.act(`${t("offer")} #${id}`, () => client.offer(r.rideId, fare, 10 * 60));
        },
      },
      field(t("offerFare", { id }), fareInput),
      h("button", { type: "submit" }, t("offer")),
    ),
  );
}

function currentRide(ctx: AppContext, view: RideView | undefined): HTMLElement[] {
  const { client } = ctx;
  if (view === undefined) return [h("p", { class: "muted" }, t("noCurrentRide"))];
  const id = view.rideId;
  const out: HTMLElement[] = [
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("rideNo", { id: id.toString() })),
      h("dd", { class: "ride-state" }, stateText("st_", view.state)),
      h("dt", {}, t("fare")),
      h("dd", {}, client.formatFare(view.fare)),
    ),
  ];
  const button = (label: string, run: () => Promise<TxResult>) =>
    h("button", { type: "button", class: "primary", onclick: () => void ctx.act(label, run) }, label);
  if (view.state === "Accepted" && !view.arrived) out.push(button(t("arrived"), () => client.arrived(id)));
  if (view.state === "Accepted") out.push(button(t("pickedUp"), () => client.pickup(id)));
  if (view.state === "Started") out.push(button(t("complete"), () => client.complete(id)));
  return out;
}
