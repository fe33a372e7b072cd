// The voter: delegate (self by default), the governed parameters with their bounds, proposals
// with state and tallies, vote, queue, execute, and propose a change within the bounds.
import { ZeroAddress } from "ethers";
import {
  MARKET_PARAMETERS,
  formatParam,
  parseParamChange,
  type ProposalView,
  type TxResult,
} from "../../../src/client";
import { h, fill, field, shortAddress } from "../dom";
import { t, stateText } from "../i18n";
import type { AppContext } from "../context";
import type { Page } from "./page";

export function voterPage(ctx: AppContext): Page {
  const { client } = ctx;
  const units = { fare: client.fareUnit, ride: client.rideUnit };
  const delegateCard = h("section", { class: "card", "aria-labelledby": "del-h" });
  const delegateTo = h("input", { type: "text", name: "delegateTo", autocomplete: "off", placeholder: "0x…" });
  const delegateStatus = h("p", { class: "delegation" });
  fill(
    delegateCard,
    h("h2", { id: "del-h" }, t("delegation")),
    delegateStatus,
    h(
      "button",
      { type: "button", class: "primary", onclick: () => void ctx.act(t("delegateSelf"), () => client.delegate()) },
      t("delegateSelf"),
    ),
    h(
      "form",
      {
        class: "row",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void ctx.act(t("delegate"), () => client.delegate(delegateTo.value.trim()));
        },
      },
      field(t("delegateTo"), delegateTo),
      h("button", { type: "submit" }, t("delegate")),
    ),
  );

  const paramsBody = h("tbody", {});
  const paramsCard = h(
    "section",
    { class: "card", "aria-labelledby": "par-h" },
    h("h2", { id: "par-h" }, t("parameters")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("parameter")),
            h("th", { scope: "col" }, t("value")),
            h("th", { scope: "col" }, t("bounds")),
          ),
        ),
        paramsBody,
      ),
    ),
  );

  const paramSelect = h(
    "select",
    { name: "parameter" },
    ...Object.keys(MARKET_PARAMETERS).map((n) => h("option", { value: n }, n)),
  );
  const newValue = h("input", { type: "text", name: "newValue", autocomplete: "off", placeholder: "3%" });
  const why = h("input", { type: "text", name: "description", autocomplete: "off" });
  const proposeForm = h(
    "form",
    { class: "card", "aria-labelledby": "prop-h" },
    h("h2", { id: "prop-h" }, t("propose")),
    field(t("parameter"), paramSelect),
    field(t("newValue"), newValue, "3%, 10m, 12.50"),
    field(t("description"), why),
    h("button", { type: "submit", class: "primary" }, t("submitProposal")),
  );
  proposeForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    let change;
    try {
      change = parseParamChange(`${paramSelect.value}=${newValue.value}`, units, "new value");
    } catch (err) {
      ctx.showError(err);
      return;
    }
    const description = why.value.trim() === "" ? `Set ${change.name} to ${newValue.value.trim()}` : why.value.trim();
    void ctx.act(t("submitProposal"), () => client.propose([change], description));
  });

  const proposalsList = h("div", { "aria-live": "polite" });
  const proposalsCard = h(
    "section",
    { class: "card", "aria-labelledby": "pl-h" },
    h("h2", { id: "pl-h" }, t("proposals")),
    proposalsList,
  );
  const el = h("div", { class: "page" }, delegateCard, proposalsCard, proposeForm, paramsCard);

  let paramsKey = "";
  let proposalsKey: string | undefined;
  async function refresh(): Promise<void> {
    const [votes, delegate, params, proposals] = await Promise.all([
      client.token.getVotes(ctx.me),
      client.token.delegates(ctx.me),
      client.governedParameters(),
      client.proposals(),
    ]);
    fill(
      delegateStatus,
      t("delegatedTo", {
        votes: client.formatRide(votes),
        to:
          delegate === ZeroAddress
            ? "—"
            : delegate.toLowerCase() === ctx.me.toLowerCase()
              ? "me"
              : shortAddress(delegate),
      }),
    );
    const pk = params.market.map((p) => `${p.name}=${p.value}`).join(",");
    if (pk !== paramsKey) {
      paramsKey = pk;
      fill(
        paramsBody,
        ...params.market.map((p) =>
          h(
            "tr",
            { "data-param": p.name },
            h("th", { scope: "row" }, p.name),
            h("td", { class: "param-value" }, formatParam(p.name, p.value, units)),
            h("td", {}, `${formatParam(p.name, p.min, units)} – ${formatParam(p.name, p.max, units)}`),
          ),
        ),
      );
    }
    const sorted = [...proposals].reverse();
    const key = sorted
      .map((p) => `${p.proposalId}:${p.state}:${p.votes.for}:${p.votes.against}:${p.votes.abstain}`)
      .join(",");
    if (key === proposalsKey) return;
    proposalsKey = key;
    if (sorted.length === 0) return fill(proposalsList, h("p", { class: "muted" }, t("noProposals")));
    fill(proposalsList, h("ul", { class: "proposals" }, ...sorted.map((p) => proposalItem(ctx, p))));
  }
  return { el, refresh };
}

function proposalItem(ctx: AppContext, p: ProposalView): HTMLElement {
  const { client } = ctx;
  const title = p.description.replace(/#proposer=0x[0-9a-fA-F]{40}$/, "");
  const n = `${p.proposalId}`.slice(0, 6);
  const actions: HTMLElement[] = [];
  const act = (label: string, aria: string, run: () => Promise<TxResult>) =>
    h("button", { type: "button", "aria-label": aria, onclick: () => void ctx.act(label, run) }, label);
  if (p.state === "Active") {
    actions.push(
      act(t("voteFor"), `${t("voteFor")}: ${title}`, () => client.vote(p.proposalId, 1)),
      act(t("voteAgainst"), `${t("voteAgainst")}: ${title}`, () => client.vote(p.proposalId, 0)),
      act(t("voteAbstain"), `${t("voteAbstain")}: ${title}`, () => client.vote(p.proposalId, 2)),
    );
  }
  if (p.state === "Succeeded")
    actions.push(act(t("queue"), `${t("queue")}: ${title}`, () => client.queue(p.proposalId)));
  if (p.state === "Queued")
    actions.push(act(t("execute"), `${t("execute")}: ${title}`, () => client.execute(p.proposalId)));
  return h(
    "li",
    { "data-proposal": n },
    h("p", {}, h("strong", {}, title), " · ", h("span", { class: "proposal-state" }, stateText("ps_", p.state))),
    h(
      "p",
      { class: "tally" },
      t("tally", {
        for: client.formatRide(p.votes.for),
        against: client.formatRide(p.votes.against),
        abstain: client.formatRide(p.votes.abstain),
      }),
    ),
    h("div", { class: "row" }, ...actions),
  );
}
