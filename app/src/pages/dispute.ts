// A party's view of a disputed ride (the rider's page, and the driver's): where the dispute
// stands, post evidence, reveal the route sealed to the panel (the rider), settle, appeal. And
// the evidence list both parties and the arbiters read. Every step is a call of the shared client.
import { getAddress, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import {
  formatBps,
  formatTime,
  parseSplit,
  type DisputeView,
  type EvidenceItem,
  type RideSecret,
  type SealedRevealResult,
} from "../../../src/client";
import { h, fill, field, shortAddress, type Child } from "../dom";
import { t } from "../i18n";
import type { AppContext } from "../context";

let cards = 0;

/** The last round a ruling can be appealed from (the court's MAX_ROUND is 2: rounds 0 and 1 appeal). */
const LAST_APPEALABLE_ROUND = 1;

/** Evidence as a URI and the keccak256 of the URI's text (as `ridecoop ride:dispute --evidence` posts it). */
export function evidenceInput(text: string): { uri: string; hash: string } {
  const trimmed = text.trim();
  const uri = /^https?:\/\/\S+$/i.test(trimmed)
    ? trimmed
    : `data:text/plain;charset=utf-8,${encodeURIComponent(trimmed)}`;
  return { uri, hash: keccak256(toUtf8Bytes(uri)) };
}

/** The text of a `data:text/plain` URI, or undefined for any other URI. */
export function noteText(uri: string): string | undefined {
  const m = /^data:text\/plain(;[^,]*)?,(.*)$/is.exec(uri);
  if (m === null) return undefined;
  try {
    if ((m[1] ?? "").toLowerCase().includes(";base64")) {
      return new TextDecoder().decode(Uint8Array.from(atob(m[2]), (c) => c.charCodeAt(0)));
    }
    return decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
}

/** The evidence of a dispute as a person reads it: who posted it, a note's text, a link, a sealed reveal. */
export function evidenceList(items: EvidenceItem[], rider: string, driver: string): HTMLElement {
  if (items.length === 0) return h("p", { class: "muted" }, t("noEvidence"));
  const who = (party: string) =>
    getAddress(party) === getAddress(rider)
      ? t("partyRider", { address: shortAddress(party) })
      : getAddress(party) === getAddress(driver)
        ? t("partyDriver", { address: shortAddress(party) })
        : shortAddress(party);
  return h(
    "ul",
    { class: "evidence" },
    ...items.map((e) => h("li", {}, h("span", { class: "evidence-party" }, `${who(e.party)}: `), evidenceBody(e))),
  );
}

function evidenceBody(e: EvidenceItem): HTMLElement {
  if (e.sealed !== undefined) {
    if (e.revealVerified === true && e.reveal !== undefined) {
      const p = (x: { lat: number; lon: number }) => `${x.lat},${x.lon}`;
      return h(
        "span",
        { class: "evidence-reveal" },
        h("strong", {}, t("revealVerified")),
        " ",
        h("span", {}, t("revealPoints", { pickup: p(e.reveal.pickup), dropoff: p(e.reveal.dropoff) })),
      );
    }
    if (e.revealVerified === false) {
      return h("span", { class: "evidence-reveal bad" }, t("revealProblem", { problem: e.problem ?? "" }));
    }
    return h("span", { class: "evidence-reveal" }, t("revealSealed", { n: e.sealed.recipients.length }));
  }
  const note = noteText(e.uri);
  if (note !== undefined) return h("q", { class: "evidence-note" }, note);
  if (/^https?:\/\//i.test(e.uri)) {
    return h("a", { href: e.uri, rel: "noopener noreferrer", target: "_blank", class: "evidence-link" }, e.uri);
  }
  return h("span", { class: "evidence-uri" }, e.uri);
}

/** The rider's share (%) of a fare, 50 by default: an arbiter's ruling, a party's settlement. */
export function shareInput(name: string): HTMLInputElement {
  return h("input", { type: "text", inputmode: "decimal", name, value: "50", autocomplete: "off" });
}

/** The share typed in `input`, in basis points; undefined once the error says why it is not one. */
export function readShare(ctx: AppContext, input: HTMLInputElement): number | undefined {
  try {
    return parseSplit(input.value, "rider's share");
  } catch (err) {
    ctx.showError(err);
    return undefined;
  }
}

/**
 * The dispute card of a party's ride. Its forms are built once (typing is never interrupted);
 * `show` re-fills the facts when the dispute changes. `role` names the party using the page.
 */
export function disputeCard(
  ctx: AppContext,
  role: "rider" | "driver",
): { el: HTMLElement; show(rideId: bigint | undefined): Promise<void> } {
  const { client } = ctx;
  // Ids unique on the page: the driver's page may show several disputes.
  const uid = `${role}-${++cards}`;
  let current: bigint | undefined;
  const heading = h("h2", { id: `dispute-h-${uid}` });
  const facts = h("div", { class: "dispute-facts" });
  const evidence = h("div", { class: "dispute-evidence" });

  const note = h("textarea", { name: "evidence", rows: 3, id: `evidence-${uid}` });
  const evidenceForm = h(
    "form",
    { class: "stack" },
    h("label", { for: note.id }, t("evidenceLabel")),
    note,
    h("p", { class: "cost", id: `evidence-cost-${uid}` }, t("evidenceCost")),
    h("button", { type: "submit", "aria-describedby": `evidence-cost-${uid}` }, t("postEvidence")),
  );
  evidenceForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (current === undefined || note.value.trim() === "") return;
    const id = current;
    const input = evidenceInput(note.value);
    void ctx
      .act(t("postEvidence"), () => client.submitEvidence(id, input))
      .then((ok) => {
        if (ok) note.value = "";
      });
  });

  const revealResult = h("p", { class: "notice reveal-result", hidden: true });
  const revealBox = h(
    "div",
    { class: "stack" },
    h("p", { class: "cost", id: `reveal-cost-${uid}` }, t("revealCost")),
    h(
      "button",
      {
        type: "button",
        class: "primary",
        "aria-describedby": `reveal-cost-${uid}`,
        onclick: () => {
          if (current === undefined) return;
          const id = current;
          const stored = ctx.storage.get(`secret:${id}`);
          if (stored === null) return ctx.showError(new Error(t("noSecret", { id: id.toString() })));
          const secret = JSON.parse(stored) as RideSecret;
          let result: SealedRevealResult | undefined;
          void ctx
            .act(t("reveal"), async () => {
              result = await client.revealRouteToPanel(id, secret);
              return result.tx;
            })
            .then(() => {
              if (result === undefined) return;
              const names = (list: string[]) => list.map(shortAddress).join(", ");
              fill(
                revealResult,
                t("revealedTo", { to: names(result.sealedTo) }),
                result.missingKey.length === 0 ? null : ` ${t("revealMissing", { to: names(result.missingKey) })}`,
              );
              revealResult.hidden = false;
            });
        },
      },
      t("reveal"),
    ),
    revealResult,
  );

  const theirProposal = h("div", { class: "stack" });
  const share = shareInput(`settle-${uid}`);
  const settleForm = h(
    "form",
    { class: "stack" },
    theirProposal,
    field(t("settleShare"), share, t("settleHint")),
    h("p", { class: "cost", id: `settle-cost-${uid}` }, t("settleCost")),
    h("button", { type: "submit", "aria-describedby": `settle-cost-${uid}` }, t("proposeSettlement")),
  );
  settleForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (current === undefined) return;
    const id = current;
    const bps = readShare(ctx, share);
    if (bps === undefined) return;
    void ctx.act(t("proposeSettlement"), () => client.settle(id, bps, true));
  });

  const appealBox = h("div", { class: "stack" });
  const el = h(
    "section",
    { class: "card dispute", "aria-labelledby": heading.id, hidden: true },
    heading,
    facts,
    h("h3", {}, t("evidence")),
    evidence,
    evidenceForm,
    revealBox,
    settleForm,
    appealBox,
  );

  let shownKey = "";
  async function show(rideId: bigint | undefined): Promise<void> {
    if (rideId === undefined || !client.hasCourt) {
      el.hidden = true;
      current = undefined;
      return;
    }
    if (rideId !== current) revealResult.hidden = true;
    current = rideId;
    const [v, me] = await Promise.all([client.showDispute(rideId), client.address()]);
    const open = v.status !== "Resolved";
    const mine = getAddress(me) === getAddress(role === "rider" ? v.rider : v.driver);
    const appealable =
      mine &&
      v.status === "Ruled" &&
      v.round <= LAST_APPEALABLE_ROUND &&
      v.now <= v.deadline &&
      (role === "rider" ? v.riderBps <= 5000 : v.riderBps >= 5000);
    const appealFee = appealable ? await client.court.appealFee(rideId, v.round + 1) : undefined;
    const key = JSON.stringify([v, appealFee], (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
    el.hidden = false;
    evidenceForm.hidden = !open || !mine;
    revealBox.hidden = !(role === "rider" && mine && v.status === "Voting");
    settleForm.hidden = !open || !mine;
    if (key === shownKey) return;
    shownKey = key;
    fill(heading, t("disputeNo", { id: rideId.toString() }));
    fill(facts, ...disputeFacts(ctx, v));
    fill(evidence, evidenceList(v.evidence, v.rider, v.driver));
    const theirs =
      v.proposal !== undefined && open && getAddress(v.proposal.proposer) !== getAddress(me) ? v.proposal : undefined;
    const ours = v.proposal !== undefined && open && getAddress(v.proposal.proposer) === getAddress(me);
    fill(
      theirProposal,
      theirs === undefined
        ? ours
          ? h("p", { class: "muted" }, t("settleMine", { share: formatBps(v.proposal!.riderBps) }))
          : null
        : h("p", { class: "notice" }, t("settleTheirs", { share: formatBps(theirs.riderBps) })),
      theirs === undefined
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "primary",
              "aria-describedby": `settle-cost-${uid}`,
              onclick: () =>
                void ctx.act(t("acceptSettlement", { share: formatBps(theirs.riderBps) }), () =>
                  client.settle(rideId, theirs.riderBps),
                ),
            },
            t("acceptSettlement", { share: formatBps(theirs.riderBps) }),
          ),
    );
    fill(
      appealBox,
      appealFee === undefined
        ? null
        : h(
            "p",
            { class: "cost", id: `appeal-cost-${uid}` },
            t("appealCost", {
              fee: client.formatFare(appealFee),
              seats: Number(await client.court.panelSize(v.round + 1)),
            }),
          ),
      appealFee === undefined
        ? null
        : h(
            "button",
            {
              type: "button",
              "aria-describedby": `appeal-cost-${uid}`,
              onclick: () => void ctx.act(t("appeal"), () => client.appeal(rideId)),
            },
            t("appeal"),
          ),
    );
  }
  return { el, show };
}

function disputeFacts(ctx: AppContext, v: DisputeView): Child[] {
  const { client } = ctx;
  const until = formatTime(v.deadline, v.now);
  const line = (text: string, cls = "dispute-status") => h("p", { class: cls }, text);
  const round = v.round === 0 ? null : line(t("disputeRound", { round: v.round }), "muted");
  switch (v.status) {
    case "Drawing":
      return [line(t("dsDrawing", { fare: client.formatFare(v.fare) })), round];
    case "Voting":
      return [
        line(t("dsVoting", { n: v.seats.length, until })),
        h("p", { class: "muted" }, t("dsPanel", { list: v.seats.map((s) => shortAddress(s.arbiter)).join(", ") })),
        round,
      ];
    case "Ruled":
      return [line(t("dsRuled", { share: formatBps(v.riderBps), until })), round];
    case "Resolved":
      return [
        line(
          v.outcome === "Settled"
            ? t("dsSettled", { share: formatBps(v.riderBps) })
            : t("dsResolved", { share: formatBps(v.riderBps) }),
        ),
      ];
    default:
      return [line(v.status)];
  }
}

/** Whether `me` has an evidence key in the registry (no signature needed to ask). */
export async function hasEvidenceKey(ctx: AppContext): Promise<boolean> {
  return (await ctx.client.keys.keyOf(ctx.me)) !== ZeroHash;
}
