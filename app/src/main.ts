// The shell: loads the deployment at run time, picks a transport, builds the shared client,
// and shows the page named by the URL's hash (#rider, #driver, #voter, #arbiter).
import "./style.css";
import { JsonRpcProvider } from "ethers";
import {
  RideCoopClient,
  checkDeploymentChain,
  validateDeployment,
  type Balances,
  type Deployment,
} from "../../src/client";
import { h, fill, shortAddress } from "./dom";
import { t, setLang, currentLang, stateText, type Key } from "./i18n";
import { koreanError } from "./errors-ko";
import {
  FRESH,
  devKeyTransport,
  injectedWallet,
  relayedTransport,
  walletTransport,
  LOCAL_CHAIN_ID,
  type Transport,
} from "./transport";
import { describeError, statusViews, txBlock, type AppContext } from "./context";
import { OSM_TILES } from "./map";
import type { Page } from "./pages/page";
import { riderPage } from "./pages/rider";
import { driverPage } from "./pages/driver";
import { voterPage } from "./pages/voter";
import { arbiterPage } from "./pages/arbiter";

const PAGES: { hash: string; key: Key }[] = [
  { hash: "rider", key: "navRider" },
  { hash: "driver", key: "navDriver" },
  { hash: "voter", key: "navVoter" },
  { hash: "arbiter", key: "navArbiter" },
];

const query = new URLSearchParams(location.search);
const root = document.getElementById("app") as HTMLElement;

async function loadDeployment(): Promise<Deployment> {
  const url = query.get("deployment") ?? "./deployment.json";
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok)
    throw new Error(
      `no deployment at ${url} (HTTP ${res.status}). Hint: deploy with \`npx hardhat deploy --network localhost\` and serve with \`npm run app\`, or give ?deployment=<url>`,
    );
  return validateDeployment(await res.json(), url);
}

/**
 * The served app config (`config.json` beside index.html; `npm run app -- --relay <url> --tiles
 * <url>` writes it): `relay`, the relayer's URL; `tiles`, the map's tile URL template or "off".
 */
interface AppConfig {
  relay?: string;
  tiles?: string;
}

async function loadConfig(): Promise<AppConfig> {
  const res = await fetch("./config.json", { cache: "no-store" }).catch(() => undefined);
  if (res === undefined || !res.ok || !(res.headers.get("content-type") ?? "").includes("json")) return {};
  const body = (await res.json().catch(() => ({}))) as { relay?: unknown; tiles?: unknown };
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return { relay: text(body.relay), tiles: text(body.tiles) };
}

/** A setting from `?<name>=` (`off` or empty: none), else from the config. */
function setting(name: "relay" | "tiles", config: AppConfig): string | undefined | "off" {
  const asked = query.get(name);
  if (asked !== null) return asked === "" || asked === "off" ? "off" : asked;
  return config[name];
}

/** The relayer to send through: `?relay=<url>` (or `?relay=off`), else the config's `relay`, else none. */
function relayUrl(config: AppConfig): string | undefined {
  const relay = setting("relay", config);
  return relay === "off" ? undefined : relay;
}

/** The map's tiles: `?tiles=<template>` (or `?tiles=off`), else the config's `tiles`, else OpenStreetMap's. */
function tileTemplate(config: AppConfig): string | undefined {
  const tiles = setting("tiles", config);
  return tiles === "off" ? undefined : (tiles ?? OSM_TILES);
}

async function pickTransport(deployment: Deployment, config: AppConfig): Promise<Transport> {
  const direct = await directTransport(deployment);
  const relay = relayUrl(config);
  return relay === undefined ? direct : relayedTransport(direct, relay, deployment);
}

async function directTransport(deployment: Deployment): Promise<Transport> {
  const wallet = injectedWallet();
  const wantWallet = query.get("wallet") === "1";
  if (BigInt(deployment.chainId) === LOCAL_CHAIN_ID && !wantWallet) {
    const rpc = query.get("rpc") ?? "http://127.0.0.1:8545";
    const asked = query.get("account") ?? localStorage.getItem("ridecoop:account") ?? "1";
    return devKeyTransport(rpc, asked === FRESH ? FRESH : Number(asked));
  }
  if (wallet === undefined) {
    throw new Error(
      `chain ${deployment.chainId} needs a browser wallet, and none is installed. Hint: install an EIP-1193 wallet, or run the app against a local node (chain 31337)`,
    );
  }
  return walletTransport(wallet);
}

async function boot(): Promise<void> {
  setLang(currentLang());
  fill(root, h("p", { class: "muted" }, t("loading")));
  let deployment: Deployment;
  let transport: Transport;
  let config: AppConfig;
  try {
    deployment = await loadDeployment();
    config = await loadConfig();
    transport = await pickTransport(deployment, config);
    const provider = transport.signer.provider;
    if (provider === null) throw new Error("the signer has no provider");
    await checkDeploymentChain(deployment, provider as JsonRpcProvider);
  } catch (err) {
    const e = describeError(err);
    fill(
      root,
      h(
        "main",
        { class: "boot-error" },
        h("h1", {}, t("appTitle")),
        h(
          "div",
          { class: "error", role: "alert" },
          h("p", {}, e.sentence),
          e.hint === undefined ? null : h("p", {}, `${t("hint")}: ${e.hint}`),
        ),
      ),
    );
    return;
  }
  const client = new RideCoopClient(deployment, transport.signer);
  const me = await client.address();
  const prefix = `ridecoop:${deployment.chainId}:${deployment.blockHash.slice(2, 10)}:${me.toLowerCase()}:`;
  const status = statusViews();
  let balances: Balances | undefined;
  let page: Page | undefined;
  let refreshing = false;
  let again = false;

  const balanceCard = h("section", { class: "card balances", "aria-labelledby": "bal-h" });
  const ctx: AppContext = {
    client,
    transport,
    me,
    tiles: tileTemplate(config),
    storage: {
      get: (key) => localStorage.getItem(prefix + key),
      set: (key, value) =>
        value === null ? localStorage.removeItem(prefix + key) : localStorage.setItem(prefix + key, value),
    },
    showError(err) {
      const e = describeError(err, (re) =>
        currentLang() === "ko"
          ? koreanError(re.errorName, re.args, {
              ...client.errorContext(undefined, re.cause),
              rideState: (name) => stateText("st_", name),
            })
          : undefined,
      );
      fill(
        status.errorBox,
        h("strong", {}, `${t("error")}: `),
        e.sentence,
        e.hint === undefined ? null : h("span", { class: "hint-text" }, ` ${t("hint")}: ${e.hint}`),
      );
      status.errorBox.hidden = false;
    },
    refresh() {
      void refreshAll();
    },
    async act(label, action) {
      status.errorBox.hidden = true;
      const line = status.add(t("txSending", { label }), "pending");
      document.body.setAttribute("aria-busy", "true");
      try {
        const result = await action();
        const block = txBlock(result);
        line.textContent = t("txDone", { label, block: block ?? "–" });
        line.className = "done";
        return true;
      } catch (err) {
        line.textContent = t("txFailed", { label });
        line.className = "failed";
        ctx.showError(err);
        return false;
      } finally {
        document.body.removeAttribute("aria-busy");
        await refreshAll();
      }
    },
  };

  async function refreshAll(): Promise<void> {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      balances = await client.balances();
      renderBalances(balances);
      await page?.refresh();
    } catch (err) {
      ctx.showError(err);
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        void refreshAll();
      }
    }
  }

  function renderBalances(b: Balances): void {
    fill(
      balanceCard,
      h("h2", { id: "bal-h" }, t("balances")),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("wallet_tusd")),
        h("dd", { class: "bal-fare" }, client.formatFare(b.fareToken)),
        h("dt", {}, t("credit")),
        h("dd", { class: "bal-credit" }, client.formatFare(b.credit + b.courtCredit)),
        h("dt", {}, t("rideBalance")),
        h("dd", { class: "bal-ride" }, client.formatRide(b.ride)),
        b.registered ? h("dt", {}, t("stake")) : null,
        b.registered ? h("dd", {}, client.formatFare(b.stake)) : null,
      ),
      deployment.contracts.TestUSD === undefined
        ? null
        : h(
            "button",
            {
              type: "button",
              onclick: () =>
                void ctx.act(t("faucet", { symbol: client.fareUnit.symbol }), () =>
                  client.faucet(client.parseFare("100")),
                ),
            },
            t("faucet", { symbol: client.fareUnit.symbol }),
          ),
    );
  }

  const langSelect = h(
    "select",
    {
      id: "lang",
      name: "lang",
      onchange: () => {
        setLang(langSelect.value === "ko" ? "ko" : "en");
        void boot();
      },
    },
    h("option", { value: "en", selected: currentLang() === "en" }, "English"),
    h("option", { value: "ko", selected: currentLang() === "ko" }, "한국어"),
  );
  const local = transport.inner ?? transport;
  const accountControl =
    local.kind === "dev-key"
      ? h(
          "select",
          {
            id: "account",
            name: "account",
            "data-address": me,
            onchange: (ev: Event) => {
              const v = (ev.target as HTMLSelectElement).value;
              localStorage.setItem("ridecoop:account", v);
              const q = new URLSearchParams(location.search);
              q.set("account", v);
              location.search = q.toString();
            },
          },
          ...transport.accounts.map((a, i) =>
            h(
              "option",
              { value: String(i), selected: local.fresh !== true && a.toLowerCase() === me.toLowerCase() },
              `${t("localAccount", { i })}: ${shortAddress(a)}`,
            ),
          ),
          h(
            "option",
            { value: FRESH, selected: local.fresh === true },
            local.fresh === true ? `${t("freshKey")}: ${shortAddress(me)}` : t("freshKey"),
          ),
        )
      : h("output", { id: "account", "data-address": me }, shortAddress(me));
  const how = t(local.kind === "dev-key" ? "viaDevKey" : "viaWallet");
  const nav = h(
    "nav",
    { "aria-label": "Pages" },
    ...PAGES.map((p) => h("a", { href: `#${p.hash}`, "data-page": p.hash }, t(p.key))),
  );
  const pageHolder = h("div", { id: "page" });
  fill(
    root,
    h(
      "header",
      {},
      h("div", { class: "brand" }, h("h1", {}, t("appTitle")), h("p", { class: "tagline" }, t("tagline"))),
      h(
        "div",
        { class: "controls" },
        h("div", { class: "field" }, h("label", { for: "account" }, t("account")), accountControl),
        h("div", { class: "field" }, h("label", { for: "lang" }, `${t("language")} / Language`), langSelect),
      ),
      nav,
    ),
    h(
      "main",
      {},
      h("p", { class: "via muted" }, t("connectedVia", { how })),
      transport.relay === undefined
        ? null
        : h(
            "p",
            { class: "gasless notice", title: transport.relay },
            t("gaslessVia", { relay: relayName(transport.relay) }),
          ),
      status.errorBox,
      pageHolder,
      balanceCard,
      status.log,
    ),
  );

  function show(): void {
    const name = location.hash.replace(/^#/, "") || "rider";
    for (const a of nav.querySelectorAll("a")) {
      if (a.dataset.page === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    page =
      name === "driver"
        ? driverPage(ctx, () => balances)
        : name === "voter"
          ? voterPage(ctx)
          : name === "arbiter"
            ? arbiterPage(ctx)
            : riderPage(ctx);
    fill(pageHolder, page.el);
    document.title = `${t("appTitle")} · ${t(PAGES.find((p) => p.hash === name)?.key ?? "navRider")}`;
    void refreshAll();
  }
  window.onhashchange = show;
  show();
  window.clearInterval(timer);
  timer = window.setInterval(() => void refreshAll(), 1500);
}

/** A relayer's URL as a person reads it: its host and port. */
function relayName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

let timer = 0;
void boot();
