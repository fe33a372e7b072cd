// The rider: where to, fare estimate, request, offers, accept, the driver's status, confirm and
// rate, cancel (saying what it costs now), dispute. Every step is a call of the shared client.
import type { Place, RideSecret, RideView, LiveOffer } from "../../../src/client";
import { h, fill, field, shortAddress } from "../dom";
import { t, stateText } from "../i18n";
import { placePicker, distanceKm } from "../places";
import { placeMap } from "../map";
import type { AppContext } from "../context";
import type { Page } from "./page";
import { disputeCard } from "./dispute";

/** A simple tariff for the estimate: 3.00 base plus 1.50 per km, rounded up to 0.50. */
export function estimateFare(km: number): string {
  const raw = 3 + 1.5 * km;
  return (Math.ceil(raw * 2) / 2).toFixed(2);
}

export function riderPage(ctx: AppContext): Page {
  const { client } = ctx;
  let pickup: Place | undefined;
  let dropoff: Place | undefined;
  const estimate = h("p", { class: "estimate", "aria-live": "polite" });
  const maxFare = h("input", { type: "text", inputmode: "decimal", name: "maxFare", autocomplete: "off" });
  let fareTouched = false;
  maxFare.addEventListener("input", () => (fareTouched = true));
  const updateEstimate = () => {
    if (pickup === undefined || dropoff === undefined) return fill(estimate, "—");
    const km = distanceKm(pickup, dropoff);
    const fare = estimateFare(km);
    fill(estimate, t("estimate", { fare: client.formatFare(client.parseFare(fare)), km: km.toFixed(1) }));
    if (!fareTouched) maxFare.value = fare;
  };
  // The map (where the network allows) draws what the place fields hold; a tap sets a field.
  let map: ReturnType<typeof placeMap> | undefined;
  const from = placePicker("pickup", ctx.storage.get("pickup") ?? "37.4979,127.0276", (p) => {
    pickup = p;
    updateEstimate();
    map?.show("pickup", p);
  });
  const to = placePicker("dropoff", ctx.storage.get("dropoff") ?? "wydq8e", (p) => {
    dropoff = p;
    updateEstimate();
    map?.show("dropoff", p);
  });
  map = placeMap(ctx.tiles, { pickup, dropoff }, (which, lat, lon) =>
    (which === "pickup" ? from : to).set(`${lat.toFixed(5)},${lon.toFixed(5)}`),
  );
  const requestButton = h("button", { type: "submit", class: "primary" }, t("request"));
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "where-h" },
    h("h2", { id: "where-h" }, t("whereTo")),
    from.el,
    to.el,
    map.el,
    estimate,
    field(t("maxFare"), maxFare, client.fareUnit.symbol),
    requestButton,
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void (async () => {
      const p = from.get();
      const d = to.get();
      if (p === undefined || d === undefined) {
        ctx.showError(
          new Error(
            `the ${p === undefined ? "pickup" : "drop-off"} is not a place. Hint: write lat,lon or a geohash cell`,
          ),
        );
        return;
      }
      let fare: bigint;
      try {
        fare = client.parseFare(maxFare.value, "max fare");
      } catch (err) {
        ctx.showError(err);
        return;
      }
      await ctx.act(t("request"), async () => {
        const r = await client.requestRide({ pickup: p, dropoff: d, maxFare: fare, ttl: 15 * 60 });
        const secret: RideSecret = {
          rideId: r.rideId.toString(),
          rider: ctx.me,
          pickup: p.point,
          dropoff: d.point,
          pickupCell: p.cell,
          dropoffCell: d.cell,
          salt: r.salt,
          commitment: r.commitment,
          requestedAt: new Date().toISOString(),
        };
        ctx.storage.set(`secret:${r.rideId}`, JSON.stringify(secret));
        ctx.storage.set("ride", r.rideId.toString());
        ctx.storage.set("pickup", p.cell);
        ctx.storage.set("dropoff", d.cell);
        return r.txs;
      });
    })();
  });

  const rideCard = h("section", { class: "card", "aria-labelledby": "ride-h", "aria-live": "polite" });
  const dispute = disputeCard(ctx, "rider");
  const el = h("div", { class: "page" }, form, rideCard, dispute.el);
  let shownRide = "";

  async function refresh(): Promise<void> {
    const stored = ctx.storage.get("ride");
    form.hidden = stored !== null;
    rideCard.hidden = stored === null;
    if (stored === null) return dispute.show(undefined);
    const rideId = BigInt(stored);
    const [view, offers, params, courtFee] = await Promise.all([
      client.showRide(rideId),
      client.offers(rideId).catch(() => [] as LiveOffer[]),
      client.market.parameters().then((p) => p[1]),
      client.hasCourt ? client.court.parameters().then((p) => p.disputeFee) : Promise.resolve(0n),
    ]);
    await dispute.show(view.state === "Disputed" || view.state === "Resolved" ? rideId : undefined);
    const key = JSON.stringify(
      [view.state, view.driver, view.arrived, view.riderRated, offers.map((o) => [o.driver, o.fare])],
      (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
    );
    if (key === shownRide && !cancelDue(view)) return;
    shownRide = key;
    fill(rideCard, ...rideView(ctx, view, offers, params.cancellationFee, params.noShowPenalty, courtFee));
  }
  return { el, refresh };
}

function cancelDue(view: RideView): boolean {
  const free = view.deadlines.freeCancelUntil;
  return free !== undefined && view.now > free - 2n && view.now < free + 2n;
}

function rideView(
  ctx: AppContext,
  view: RideView,
  offers: LiveOffer[],
  cancellationFee: bigint,
  penalty: bigint,
  disputeFee: bigint,
): HTMLElement[] {
  const { client } = ctx;
  const id = view.rideId;
  const out: HTMLElement[] = [
    h("h2", { id: "ride-h" }, `${t("yourRide")} · ${t("rideNo", { id: id.toString() })}`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("state")),
      h("dd", { class: "ride-state" }, stateText("st_", view.state)),
      h("dt", {}, t("fare")),
      h("dd", { class: "ride-fare" }, client.formatFare(view.fare)),
      view.driver !== "0x0000000000000000000000000000000000000000" ? h("dt", {}, t("driver")) : null,
      view.driver !== "0x0000000000000000000000000000000000000000" ? h("dd", {}, shortAddress(view.driver)) : null,
    ),
  ];
  if (view.state === "Accepted" && view.arrived) out.push(h("p", { class: "notice" }, t("driverArrived")));
  if (view.state === "Requested") {
    out.push(h("h3", {}, t("offers")));
    if (offers.length === 0) out.push(h("p", { class: "muted" }, t("noOffers")));
    else
      out.push(
        h(
          "ul",
          { class: "offers" },
          ...offers.map((o) =>
            h(
              "li",
              {},
              h(
                "span",
                {},
                t("offerFrom", {
                  driver: shortAddress(o.driver),
                  fare: client.formatFare(o.fare),
                  rating: o.ratings === 0n ? "–" : (Number(o.ratingX100) / 100).toFixed(1),
                }),
              ),
              h(
                "button",
                {
                  type: "button",
                  class: "primary",
                  onclick: () =>
                    void ctx.act(
                      t("acceptOffer", { fare: client.formatFare(o.fare), driver: shortAddress(o.driver) }),
                      () => client.acceptOffer(id, o.driver, o.fare),
                    ),
                },
                t("acceptOffer", { fare: client.formatFare(o.fare), driver: shortAddress(o.driver) }),
              ),
            ),
          ),
        ),
      );
  }
  if (view.state === "Requested" || view.state === "Accepted") {
    const free =
      view.state === "Requested" ||
      (view.deadlines.freeCancelUntil !== undefined && view.now <= view.deadlines.freeCancelUntil);
    const noShow =
      view.state === "Accepted" &&
      !view.arrived &&
      view.deadlines.pickupBy !== undefined &&
      view.now > view.deadlines.pickupBy;
    const cost = noShow
      ? t("cancelNoShow", { fare: client.formatFare(view.fare), penalty: client.formatFare(penalty) })
      : free
        ? t("cancelFree", { fare: client.formatFare(view.fare) })
        : t("cancelFee", { fee: client.formatFare(cancellationFee) });
    out.push(
      h("p", { class: "cost", id: "cancel-cost" }, cost),
      h(
        "button",
        {
          type: "button",
          "aria-describedby": "cancel-cost",
          onclick: () => void ctx.act(t("cancel"), () => client.cancel(id)),
        },
        t("cancel"),
      ),
    );
  }
  if (view.state === "Started" || view.state === "Completed" || (view.state === "Finalized" && !view.riderRated)) {
    const stars = h(
      "select",
      { name: "rating" },
      ...[5, 4, 3, 2, 1].map((n) => h("option", { value: String(n) }, t("stars", { n }))),
    );
    const confirm = view.state !== "Finalized";
    out.push(
      field(t("rating"), stars),
      h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: () =>
            void ctx.act(confirm ? t("confirmRate") : t("rate"), () =>
              confirm ? client.confirm(id, Number(stars.value)) : client.rate(id, Number(stars.value)),
            ),
        },
        confirm ? t("confirmRate") : t("rate"),
      ),
    );
  }
  if (client.hasCourt && (view.state === "Accepted" || view.state === "Started" || view.state === "Completed")) {
    out.push(
      h("p", { class: "cost", id: "dispute-cost" }, t("disputeCost", { fee: client.formatFare(disputeFee) })),
      h(
        "button",
        {
          type: "button",
          "aria-describedby": "dispute-cost",
          onclick: () => void ctx.act(t("dispute"), () => client.openDispute(id)),
        },
        t("dispute"),
      ),
    );
  }
  if (view.state === "Finalized" || view.state === "Cancelled" || view.state === "Resolved") {
    if (view.state === "Finalized" && view.riderRated) out.push(h("p", { class: "notice" }, t("rideDone")));
    out.push(
      h(
        "button",
        {
          type: "button",
          onclick: () => {
            ctx.storage.set("ride", null);
            ctx.refresh();
          },
        },
        t("newRide"),
      ),
    );
  }
  return out;
}
