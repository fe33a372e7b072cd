import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import ngeohash from "ngeohash";
import hre from "hardhat";
import type { Page } from "playwright-core";
import { loadFixture } from "../helpers/fixture";
import { DRIVER, OTHER_DRIVER, RIDER, deployedWithParties, run, takeOutput } from "../tasks/helpers";
import { DISPUTE_STATUSES } from "../../src/client/errors";
import type { RequestResult } from "../../src/client";
import {
  DESKTOP,
  PHONE,
  ROOT,
  SHOTS,
  TILES,
  openPage,
  requireChromium,
  seriousViolations,
  shot,
  startHarness,
  servedDeployment,
  startRelayer,
  type Harness,
} from "./harness";

/**
 * The web app in a real Chromium: a rider and a driver, each in a browser context of their
 * own at a phone's viewport, complete a ride through the UI against a local node. Assertions
 * are what a person sees. No timing assertion; generous limits for a loaded machine.
 */
const LIMIT = 10 * 60_000;
const SEEN = 45_000;

async function appSuite() {
  return deployedWithParties();
}

describe("web app: a ride in Chromium (rider and driver)", function () {
  let h: Harness | undefined;

  before(async function () {
    this.timeout(LIMIT);
    if ((hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true) this.skip();
    requireChromium();
    await loadFixture(appSuite);
    h = await startHarness();
  });

  after(async function () {
    await h?.close();
  });

  it("completes request → offer → accept → pickup → confirm → rate, with balances in tUSD", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const rider = await openPage(h, PHONE, 1, "rider");
    const driver = await openPage(h, PHONE, 2, "driver");
    const r = rider.page;
    const d = driver.page;
    const see = (p: Page, text: string | RegExp) => p.getByText(text).first().waitFor({ timeout: SEEN });

    await expect_text(r, ".bal-fare", /^1,000\.00 tUSD$/);
    await see(r, /Estimate: \d+\.\d{2} tUSD for [\d.]+ km/);
    await r.getByLabel("Most I will pay").fill("12.50");
    await checkA11y(r, "rider (form)");
    await shot(r, "rider-phone-request");
    await r.getByRole("button", { name: "Request a ride" }).click();
    await expect_text(r, ".ride-state", "Looking for a driver");
    await see(r, "Cancelling now is free: you get 12.50 tUSD back.");
    await expect_text(r, ".bal-fare", /^987\.50 tUSD$/);

    // The driver sees the request in the feed, newest first, and offers 11.
    await see(d, /Ride #1: up to 12\.50 tUSD, pickup 0 cells away, to wydq8e/);
    await checkA11y(d, "driver (feed)");
    await shot(d, "driver-phone-feed");
    await d.getByLabel("My fare for ride #1").fill("11");
    await d.getByRole("button", { name: "Offer", exact: true }).click();
    await see(d, "Done: Offer #1");

    // The rider sees the offer and accepts it.
    const accept = r.getByRole("button", { name: /^Accept 11\.00 tUSD from 0x3C44/ });
    await accept.waitFor({ timeout: SEEN });
    await shot(r, "rider-phone-offer");
    await accept.click();
    await expect_text(r, ".ride-state", "Driver on the way");
    await see(r, /Cancelling now is free|Cancelling now costs/);

    // The driver arrives and picks up.
    await d.getByRole("button", { name: "I have arrived" }).click();
    await see(r, "Your driver has arrived.");
    await d.getByRole("button", { name: "Rider picked up" }).click();
    await expect_text(r, ".ride-state", "On the ride");
    await checkA11y(r, "rider (on the ride)");
    await shot(r, "rider-phone-ride");

    // Drop-off: the rider confirms with 5 stars.
    await r.getByLabel("Rating").selectOption("5");
    await r.getByRole("button", { name: "Confirm drop-off and rate" }).click();
    await see(r, "Ride finished. Thank you!");
    await expect_text(r, ".ride-state", "Finished");
    // 12.50 escrowed, 11 paid: 1.50 comes back as withdrawable credit.
    await expect_text(r, ".bal-credit", /^1\.50 tUSD$/);

    // The driver's earnings: the fare less the fee, withdrawable; RIDE accrued.
    await expect_text(d, ".earn-credit", /^10\.\d{2} tUSD$/);
    await expect_text(d, ".earn-ride", /^[1-9][\d,]*\.\d{2} RIDE$/);
    await checkA11y(d, "driver (earnings)");
    await shot(d, "driver-phone-earnings");
    await d.getByRole("button", { name: "Withdraw" }).click();
    await see(d, "Done: Withdraw");
    await expect_text(d, ".earn-credit", "0.00 tUSD");
    await expect_text(d, ".bal-fare", /^910\.\d{2,6} tUSD$/);

    // Desktop layout of both pages at the end of the ride.
    for (const [p, name] of [
      [r, "rider"],
      [d, "driver"],
    ] as const) {
      await p.setViewportSize(DESKTOP);
      await checkA11y(p, `${name} (desktop, ride finished)`);
      await shot(p, `${name}-desktop-finished`);
    }
    expect([...rider.errors, ...driver.errors], "console errors").to.deep.equal([]);
    await rider.context.close();
    await driver.context.close();
  });

  it("shows a revert as the client's sentence and hint", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    // Account 3 has tUSD but is not registered: accepting is refused with a sentence.
    const other = await openPage(h, PHONE, 3, "driver");
    await other.page.getByRole("button", { name: "Register and stake" }).waitFor({ timeout: SEEN });
    await other.page.getByLabel("Stake").fill("100000");
    await other.page.getByRole("button", { name: "Register and stake" }).click();
    const alert = other.page.getByRole("alert");
    await alert.waitFor({ timeout: SEEN }).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)}\npage: ${await other.page.locator("main").innerText()}\n${other.errors.join("\n")}`,
      );
    });
    expect(await alert.textContent()).to.match(/^Error: \w+: .+\. Hint: .+\.$/);
    const english = (await alert.textContent()) ?? "";
    // Korean: the labels switch, and so does this common error's sentence and hint.
    await other.page.getByLabel("Language / Language").selectOption("ko");
    await other.page.getByRole("button", { name: "등록 및 예치" }).waitFor({ timeout: SEEN });
    await other.page.getByLabel("예치금", { exact: true }).fill("100000");
    await other.page.getByRole("button", { name: "등록 및 예치" }).click();
    await other.page.getByText(/^오류: /).waitFor({ timeout: SEEN });
    const korean = (await other.page.getByRole("alert").textContent()) ?? "";
    expect(korean, `Korean for: ${english}`).to.match(
      /^오류: ERC20InsufficientBalance: 0x[0-9a-fA-F]{40} 계정의 잔액은 1,000\.00 tUSD인데 100,000\.00 tUSD이\(가\) 필요합니다\. 힌트: 먼저 토큰을 더 받으세요 .+\.$/,
    );
    await checkA11y(other.page, "driver (Korean)");
    await shot(other.page, "driver-phone-korean");
    expect(
      other.errors.filter((e) => !/status of 500|Failed to load resource/.test(e)),
      "console errors",
    ).to.deep.equal([]);
    await other.context.close();
  });

  it("a voter changes the fee through a proposal: delegate, propose, vote, queue, execute", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const advance = async (seconds: number) => {
      await hre.network.provider.send("evm_increaseTime", [seconds]);
      await hre.network.provider.send("evm_mine", []);
    };
    // The driver of the first test claims the RIDE the ride earned, then votes with it.
    const v = await openPage(h, PHONE, 2, "driver");
    const p = v.page;
    const see = (text: string | RegExp) => p.getByText(text).first().waitFor({ timeout: SEEN });
    await p.getByRole("button", { name: "Claim RIDE" }).click();
    await see("Done: Claim RIDE");
    await p.getByRole("link", { name: "Vote" }).click();
    await p.getByRole("button", { name: "Delegate to myself" }).click();
    await see(/^Votes: [1-9][\d,]*\.\d{2} RIDE; delegated to me$/);
    await expect_text(p, '[data-param="feeBps"] .param-value', /^\d+(\.\d+)?%$/);
    await p.getByLabel("Parameter", { exact: true }).selectOption("feeBps");
    await p.getByLabel("New value").fill("3%");
    await p.getByLabel("Why").fill("Cheaper rides");
    await p.getByRole("button", { name: "Propose", exact: true }).click();
    await see("Done: Propose");
    await expect_text(p, ".proposal-state", "Pending");
    await advance(2);
    await expect_text(p, ".proposal-state", "Voting");
    await p.getByRole("button", { name: "Vote for: Cheaper rides" }).click();
    await see(/^For [1-9][\d,]*\.\d{2} RIDE · Against 0\.00 RIDE · Abstain 0\.00 RIDE$/);
    await checkA11y(p, "voter");
    await shot(p, "voter-phone");
    await advance(6 * 60);
    await expect_text(p, ".proposal-state", "Passed");
    await p.getByRole("button", { name: "Queue: Cheaper rides" }).click();
    await expect_text(p, ".proposal-state", "Queued");
    await advance(2 * 60);
    await p.getByRole("button", { name: "Execute: Cheaper rides" }).click();
    await expect_text(p, ".proposal-state", "Executed");
    await expect_text(p, '[data-param="feeBps"] .param-value', "3%");
    await p.setViewportSize(DESKTOP);
    await checkA11y(p, "voter (desktop, executed)");
    await shot(p, "voter-desktop-executed");
    expect(v.errors, "console errors").to.deep.equal([]);
    await v.context.close();
  });

  it("lays every page out in two columns at desktop size (1280x900), axe clean", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const w = await openPage(h, DESKTOP, 1, "rider");
    const p = w.page;
    const pages = [
      { link: "Ride", name: "rider", heading: "Where to?" },
      { link: "Drive", name: "driver", heading: "Open requests near me" },
      { link: "Vote", name: "voter", heading: "Voting power" },
      { link: "Arbitrate", name: "arbiter", heading: "Arbiter stake" },
    ];
    for (const { link, name, heading } of pages) {
      await p.getByRole("link", { name: link, exact: true }).click();
      await p.getByRole("heading", { name: heading, exact: true }).first().waitFor({ timeout: SEEN });
      await p.getByRole("heading", { name: "Balances" }).waitFor({ timeout: SEEN });
      // Two columns: the page on the left, the balances beside it on the right.
      const page = await p.locator("#page").boundingBox();
      const balances = await p.locator(".balances").boundingBox();
      if (page === null || balances === null) throw new Error(`${name}: the page or the balances is not shown`);
      expect(balances.x, `${name}: balances beside the page`).to.be.greaterThan(page.x + page.width - 1);
      expect(balances.y, `${name}: balances at the top`).to.be.lessThan(page.y + 40);
      await checkA11y(p, `${name} (desktop)`);
      await shot(p, `${name}-desktop`);
    }
    expect(w.errors, "console errors").to.deep.equal([]);
    await w.context.close();
  });

  it("reaches every control of the rider page by Tab, in reading order, and works the cell pad by keyboard", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const k = await openPage(h, PHONE, 1, "rider");
    const p = k.page;
    await p.getByRole("button", { name: "Request a ride" }).waitFor({ timeout: SEEN });
    await p.getByRole("button", { name: /^Get 100 test tUSD$/ }).waitFor({ timeout: SEEN });
    // A control as a person (or a screen reader) names it.
    const describe = `(el) => {
      if (!el || el === document.body) return "(body)";
      const label = el.getAttribute("aria-label") || (el.labels && el.labels[0] ? el.labels[0].textContent : "") || el.textContent || "";
      return el.tagName.toLowerCase() + ": " + label.trim().replace(/\\s+/g, " ");
    }`;
    // Every visible, enabled control in document order (no positive tabindex anywhere).
    const controls = (await p.evaluate(`(() => {
      const describe = ${describe};
      const all = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")];
      return all
        .filter((el) => !el.disabled && el.getAttribute("tabindex") !== "-1" && el.checkVisibility())
        .map(describe);
    })()`)) as string[];
    expect(
      await p.evaluate(`[...document.querySelectorAll("[tabindex]")].filter((el) => el.tabIndex > 0).length`),
    ).to.equal(0);
    expect(controls).to.include.members([
      "select: Account",
      "a: Ride",
      "input: Pickup",
      "button: Move Pickup north",
      "input: Drop-off",
      "input: Most I will pay",
      "button: Request a ride",
      "button: Get 100 test tUSD",
    ]);
    const reached: string[] = [];
    for (let i = 0; i < controls.length; i++) {
      await p.keyboard.press("Tab");
      reached.push((await p.evaluate(`(${describe})(document.activeElement)`)) as string);
    }
    expect(reached, "Tab order").to.deep.equal(controls);

    // The pad by keyboard: Enter and Space move the pickup by one cell and back.
    const info = p.locator(".cellinfo").first();
    expect((await info.textContent()) ?? "").to.match(/^Cell wydm6d \(about /);
    await p.getByRole("button", { name: "Move Pickup north", exact: true }).focus();
    await p.keyboard.press("Enter");
    await expect_text(p, ".cellinfo", /^Cell wydm6e \(about /);
    expect(await p.getByLabel("Pickup", { exact: true }).inputValue()).to.equal("wydm6e");
    await p.getByRole("button", { name: "Move Pickup south", exact: true }).focus();
    await p.keyboard.press("Space");
    // Back in the first cell (now at its centre rather than the typed point).
    await expect_text(p, ".cellinfo", /^Cell wydm6d \(about /);
    expect(await p.getByLabel("Pickup", { exact: true }).inputValue()).to.equal("wydm6d");
    expect(k.errors, "console errors").to.deep.equal([]);
    await k.context.close();
  });

  it("shows the pickup and drop-off on an OpenStreetMap map where tiles load: a tap sets the chosen place, the pad moves it, the map follows", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const tile = plainPng(256, 0xe8);
    const served: string[] = [];
    const m = await openPage(h, PHONE, 1, "rider", async (context) => {
      await context.route(`${TILES}**`, async (route) => {
        served.push(route.request().url());
        await route.fulfill({ status: 200, contentType: "image/png", body: tile });
      });
    });
    const p = m.page;
    const map = p.getByRole("region", { name: /^Map of the pickup and drop-off cells/ });
    await p.locator(".map .leaflet-tile-loaded").first().waitFor({ timeout: SEEN });
    expect(served.length, "tiles fetched").to.be.greaterThan(0);
    await p.getByRole("link", { name: "OpenStreetMap contributors" }).waitFor({ timeout: SEEN });
    const pickupInfo = p.locator(".cellinfo").nth(0);
    const dropoffInfo = p.locator(".cellinfo").nth(1);
    await expect_text(p, ".cellinfo", /^Cell wydm6d \(about /);

    // A tap one cell east of the pickup's cell (its rectangle on the map) moves the pickup there.
    const tapEastOf = async (which: "pickup" | "dropoff") => {
      await map.scrollIntoViewIfNeeded(); // the mouse taps within the viewport
      const cell = await p.locator(`path.map-cell.map-${which}`).boundingBox();
      const box = await map.boundingBox();
      if (cell === null || box === null) throw new Error(`the ${which} cell or the map is not shown`);
      const x = cell.x + cell.width * 1.5;
      const y = cell.y + cell.height / 2;
      expect(x, "the tap is inside the map").to.be.within(box.x + 10, box.x + box.width - 10);
      expect(y, "the tap is inside the map").to.be.within(box.y + 10, box.y + box.height - 10);
      await p.mouse.click(x, y);
    };
    await tapEastOf("pickup");
    const east = ngeohash.neighbor("wydm6d", [0, 1]);
    await expect_text(p, ".cellinfo >> nth=0", new RegExp(`^Cell ${east} \\(about `));
    // The field holds the tapped point, and its cell is the one the page shows.
    const tapped = await p.getByLabel("Pickup", { exact: true }).inputValue();
    expect(tapped).to.match(/^\d+\.\d{5},\d+\.\d{5}$/);
    const [lat, lon] = tapped.split(",").map(Number);
    expect(ngeohash.encode(lat, lon, 6)).to.equal(east);
    expect((await dropoffInfo.textContent()) ?? "").to.match(/^Cell wydq8e \(about /);

    // The pad still moves it, and the map follows: the pickup's rectangle is one cell higher.
    const before = await p.locator("path.map-cell.map-pickup").boundingBox();
    await p.getByRole("button", { name: "Move Pickup north", exact: true }).click();
    const north = ngeohash.neighbor(east, [1, 0]);
    await expect_text(p, ".cellinfo >> nth=0", new RegExp(`^Cell ${north} \\(about `));
    expect(await p.getByLabel("Pickup", { exact: true }).inputValue()).to.equal(north);
    const after = await p.locator("path.map-cell.map-pickup").boundingBox();
    if (before === null || after === null) throw new Error("the pickup's cell is not drawn");
    const box = await map.boundingBox();
    if (box === null) throw new Error("no map");
    expect(after.y + after.height / 2, "the new cell is on the map").to.be.within(box.y, box.y + box.height);
    expect(after.y, "the cell moved up (or the map followed it)").to.not.equal(before.y);

    // "A tap on the map sets: the drop-off": the map goes to the drop-off, a tap moves it east.
    await p.getByLabel("the drop-off", { exact: true }).check();
    await tapEastOf("dropoff");
    const dropEast = ngeohash.neighbor("wydq8e", [0, 1]);
    await expect_text(p, ".cellinfo >> nth=1", new RegExp(`^Cell ${dropEast} \\(about `));
    expect((await pickupInfo.textContent()) ?? "").to.match(new RegExp(`^Cell ${north} \\(about `));
    await p
      .getByText(/Estimate: \d+\.\d{2} tUSD for [\d.]+ km/)
      .first()
      .waitFor({ timeout: SEEN });

    // The map is a tab stop (arrows pan it), not a trap: Tab leaves it after its zoom buttons and links.
    await map.focus();
    let inside = true;
    for (let i = 0; i < 8 && inside; i++) {
      await p.keyboard.press("Tab");
      inside = (await p.evaluate(`document.activeElement.closest(".map") !== null`)) as boolean;
    }
    expect(inside, "Tab leaves the map").to.equal(false);
    await checkA11y(p, "rider (map)");
    await shot(p, "rider-phone-map");
    expect(m.errors, "console errors").to.deep.equal([]);
    await m.context.close();

    // Offline (every tile refused): one line instead of the map, Leaflet never fetched, the pad works.
    const scripts: string[] = [];
    const o = await openPage(h, PHONE, 1, "rider", async (context) => {
      context.on("request", (r) => scripts.push(r.url()));
      await context.route(`${TILES}**`, (route) => route.abort());
    });
    await o.page.getByText("Map unavailable offline: use the cell pad.").waitFor({ timeout: SEEN });
    expect(await o.page.locator(".map").isVisible()).to.equal(false);
    await o.page.getByRole("button", { name: "Move Pickup north", exact: true }).click();
    await expect_text(o.page, ".cellinfo", /^Cell wydm6e \(about /);
    expect(
      scripts.filter((u) => u.includes("leaflet")),
      "the Leaflet chunk is not fetched offline",
    ).to.deep.equal([]);
    expect(scripts.filter((u) => u.startsWith(TILES)).length, "one probe tile").to.equal(1);
    await checkA11y(o.page, "rider (map offline)");
    await shot(o.page, "rider-phone-map-offline");
    expect(o.errors, "console errors").to.deep.equal([]);
    await o.context.close();
  });

  it("shows the arbiter's page: stake, duties (none yet), labelled controls", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const a = await openPage(h, PHONE, 2, "arbiter");
    await a.page.getByText(/^Staked 0\.00 RIDE \(free 0\.00 RIDE\)$/).waitFor({ timeout: SEEN });
    await a.page
      .getByText("No disputes to rule on.")
      .waitFor({ timeout: SEEN })
      .catch(async (err: unknown) => {
        throw new Error(`${String(err)}\npage: ${await a.page.locator("main").innerText()}\n${a.errors.join("\n")}`);
      });
    await checkA11y(a.page, "arbiter");
    await shot(a.page, "arbiter-phone");
    expect(a.errors, "console errors").to.deep.equal([]);
    await a.context.close();
  });

  it("a rider holding 0 ETH rides gasless through a relayer: request with a permit, accept, confirm, rate", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    const relayer = await startRelayer(h);
    // As `npm run app -- --relay <url>` serves it: /config.json names the relayer.
    h.config.relay = relayer.url;
    try {
      const rider = await openPage(h, PHONE, "fresh", "rider");
      const driver = await openPage(h, PHONE, 2, "driver");
      const r = rider.page;
      const d = driver.page;
      const see = (p: Page, text: string | RegExp) => p.getByText(text).first().waitFor({ timeout: SEEN });
      const host = new URL(relayer.url).host;
      await see(r, `Gasless via ${host}: a relayer pays the gas, you only sign.`);
      await see(d, `Gasless via ${host}: a relayer pays the gas, you only sign.`);
      // A fresh key made in the browser: 0 ETH; it gets 100 tUSD and nothing else.
      const account = r.locator("#account");
      await expect_text(
        r,
        "#account option:checked",
        /^New key in this browser \(no ETH\): 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}$/,
      );
      const me = (await account.getAttribute("data-address")) ?? "";
      expect(me).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(await hre.ethers.provider.getBalance(me)).to.equal(0n);
      const [, funded] = await hre.ethers.getSigners();
      const fare = await hre.ethers.getContractAt("TestUSD", servedDeployment().fareToken.address, funded);
      await (await fare.transfer(me, 100_000_000n)).wait();
      await expect_text(r, ".bal-fare", /^100\.00 tUSD$/);

      await r.getByLabel("Most I will pay").fill("12.50");
      await checkA11y(r, "rider (gasless)");
      await shot(r, "rider-phone-gasless");
      await r.getByRole("button", { name: "Request a ride" }).click();
      await see(r, "Done: Request a ride");
      await expect_text(r, ".ride-state", "Looking for a driver");
      await see(r, "Cancelling now is free: you get 12.50 tUSD back.");
      await expect_text(r, ".bal-fare", /^87\.50 tUSD$/);

      const rideNo = /Ride #(\d+)/.exec((await r.locator("#ride-h").textContent()) ?? "")?.[1] ?? "?";
      await see(d, new RegExp(`^Ride #${rideNo}: up to 12\\.50 tUSD, pickup 0 cells away`));
      await d.getByLabel(`My fare for ride #${rideNo}`).fill("11");
      await d.getByRole("button", { name: "Offer", exact: true }).click();
      await see(d, `Done: Offer #${rideNo}`);

      const accept = r.getByRole("button", { name: /^Accept 11\.00 tUSD from 0x3C44/ });
      await accept.waitFor({ timeout: SEEN });
      await accept.click();
      await expect_text(r, ".ride-state", "Driver on the way");
      await d.getByRole("button", { name: "I have arrived" }).click();
      await see(r, "Your driver has arrived.");
      await d.getByRole("button", { name: "Rider picked up" }).click();
      await expect_text(r, ".ride-state", "On the ride");
      await r.getByLabel("Rating").selectOption("4");
      await r.getByRole("button", { name: "Confirm drop-off and rate" }).click();
      await see(r, "Ride finished. Thank you!");
      await expect_text(r, ".ride-state", "Finished");
      await expect_text(r, ".bal-fare", /^87\.50 tUSD$/);
      await expect_text(r, ".bal-credit", /^1\.50 tUSD$/);
      await shot(r, "rider-phone-gasless-done");
      await r.setViewportSize(DESKTOP);
      await see(r, `Gasless via ${host}: a relayer pays the gas, you only sign.`);
      await checkA11y(r, "rider (desktop, gasless)");
      await shot(r, "rider-desktop-gasless");
      // Four relayed transactions (request with permit, accept, confirm with the rating... ) and still 0 ETH.
      expect(await hre.ethers.provider.getBalance(me)).to.equal(0n);
      expect(await hre.ethers.provider.getTransactionCount(me)).to.equal(0);
      expect([...rider.errors, ...driver.errors], "console errors").to.deep.equal([]);
      await rider.context.close();
      await driver.context.close();
    } finally {
      delete h.config.relay;
      await relayer.close();
    }
  });

  it("an arbiter stakes RIDE, is drawn for a dispute, rules through the page and sees the ruling recorded", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    // Set-up by the tasks (the CLI's flows): account 3 drives a ride and earns RIDE.
    const ride = async (driver: string) => {
      const { rideId } = await run<RequestResult>("rider:request", {
        account: RIDER,
        from: "37.4979,127.0276",
        to: "wydq8e",
        maxFare: "20",
        expires: "15m",
      });
      const id = rideId.toString();
      await run("driver:accept", { account: driver, ride: id });
      await run("driver:pickup", { account: driver, ride: id });
      return id;
    };
    await run("driver:register", { account: OTHER_DRIVER, stake: "100" });
    await run("rider:confirm", { account: RIDER, ride: await ride(OTHER_DRIVER), rating: "5" });
    await run("driver:claim", { account: OTHER_DRIVER });
    takeOutput();

    // The arbiter stakes 15 RIDE through the page.
    const a = await openPage(h, PHONE, Number(OTHER_DRIVER), "arbiter");
    const p = a.page;
    const see = (text: string | RegExp) => p.getByText(text).first().waitFor({ timeout: SEEN });
    await see(/^Staked 0\.00 RIDE \(free 0\.00 RIDE\)$/);
    await see("No rulings yet.");
    await p.getByLabel("Stake RIDE").fill("15");
    await p.getByRole("button", { name: "Stake RIDE" }).click();
    await see("Done: Stake RIDE");
    await see(/^Staked 15\.00 RIDE \(free 15\.00 RIDE\)$/);

    // The rider disputes another ride (driver 2); the keeper passes the pool's phases (time and
    // blocks moved on the local chain: BlockhashRandomness) and draws the one-seat panel: the
    // only staked arbiter is drawn.
    const disputed = await ride(DRIVER);
    await run("ride:dispute", { account: RIDER, ride: disputed });
    await run("keeper:run", { account: "0", once: true, mine: true });
    takeOutput();
    const court = await hre.ethers.getContractAt(
      "DisputeCourt",
      servedDeployment().contracts.DisputeCourt?.address ?? "",
    );
    expect(DISPUTE_STATUSES[Number((await court.getDispute(disputed)).status)]).to.equal("Voting");

    // The page shows the duty; the arbiter rules 70% to the rider.
    await see(new RegExp(`^Dispute #${disputed}: fare 20\\.00 tUSD, rule by \\d{4}-\\d{2}-\\d{2}T.+\\(in (1d|23h)`));
    await see(/^Staked 15\.00 RIDE \(free 5\.00 RIDE\)$/);
    await checkA11y(p, "arbiter (a duty)");
    await shot(p, "arbiter-phone-duty");
    await p.getByLabel(`Rider's share (%) in dispute #${disputed}`).fill("70");
    await p.getByRole("button", { name: "Rule", exact: true }).click();
    await see(`Done: Rule #${disputed}`);
    await see(
      new RegExp(`^Dispute #${disputed}: I ruled 70% to the rider \\(recorded in block \\d+; fee 2\\.00 tUSD\\)\\.$`),
    );
    await see(/^The panel's ruling: 70% to the rider; it may be appealed until \d{4}-.+\(in (1d|23h)/);
    await see("No disputes to rule on.");
    await checkA11y(p, "arbiter (ruled)");
    await shot(p, "arbiter-phone-ruled");
    await p.setViewportSize(DESKTOP);
    await checkA11y(p, "arbiter (desktop, ruled)");
    await shot(p, "arbiter-desktop-ruled");
    const d = await court.getDispute(disputed);
    expect(DISPUTE_STATUSES[Number(d.status)]).to.equal("Ruled");
    expect(d.riderBps).to.equal(7000n);
    expect(a.errors, "console errors").to.deep.equal([]);
    await a.context.close();
  });

  it("a rider posts a note and a link, reveals the route sealed to the panel; the arbiter reads them verified; the driver accepts the rider's settlement on its page", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    // Set-up by the tasks: account 4 drives a ride, claims its RIDE and stakes 15 of it. The
    // keeper applies stake changes left pending by earlier tests first, so account 4 is the
    // only drawable arbiter (an arbiter whose free stake is below the draw lock weighs 0).
    const ARBITER = "4";
    const arbiterAddress = (await hre.ethers.getSigners())[Number(ARBITER)].address;
    await run("faucet", { account: ARBITER, amount: "1000" });
    await run("driver:register", { account: ARBITER, stake: "100" });
    const earned = await run<RequestResult>("rider:request", {
      account: RIDER,
      from: "37.4979,127.0276",
      to: "wydq8e",
      maxFare: "20",
      expires: "15m",
    });
    await run("driver:accept", { account: ARBITER, ride: earned.rideId.toString() });
    await run("driver:pickup", { account: ARBITER, ride: earned.rideId.toString() });
    await run("rider:confirm", { account: RIDER, ride: earned.rideId.toString(), rating: "5" });
    await run("driver:claim", { account: ARBITER });
    await run("arbiter:stake", { account: ARBITER, amount: "15" });
    await run("keeper:run", { account: "0", once: true });
    takeOutput();

    // The arbiter registers its evidence key on the page.
    const arb = await openPage(h, PHONE, Number(ARBITER), "arbiter");
    const a = arb.page;
    const seeA = (text: string | RegExp) => a.getByText(text).first().waitFor({ timeout: SEEN });
    await seeA("No evidence key registered: a party cannot seal its route to you until you register one.");
    await a.getByRole("button", { name: "Register my evidence key" }).click();
    await seeA("Done: Register my evidence key");
    await seeA("Your evidence key is registered: parties can seal their route to you.");
    expect(await a.getByRole("button", { name: "Register my evidence key" }).isVisible()).to.equal(false);

    // The rider requests on the page (its exact route stays in this browser), driver 2 accepts
    // and picks up (tasks), and the rider disputes on the page.
    const { rider, id } = await riderDisputesOnPage(h);
    const r = rider.page;
    const seeR = (text: string | RegExp) => r.getByText(text).first().waitFor({ timeout: SEEN });
    await expect_text(r, ".ride-state", "In dispute");
    await r.getByRole("heading", { name: `Dispute #${id}` }).waitFor({ timeout: SEEN });
    await seeR("Waiting for the panel to be drawn (fare 20.00 tUSD held in escrow).");
    await seeR("No evidence posted yet.");
    expect(await r.getByRole("button", { name: "Reveal my route to the panel" }).isVisible()).to.equal(false);

    // A text note and a link, each posted as a URI with its keccak256.
    const note = "The driver took a 5 km detour through Gangnam.";
    const link = "https://example.org/dashcam-0612.mp4";
    const evidenceField = r.getByLabel("A note or a link (https://…) for the panel");
    await evidenceField.fill(note);
    await r.getByRole("button", { name: "Post evidence" }).click();
    await seeR(note);
    await evidenceField.fill(link);
    await r.getByRole("button", { name: "Post evidence" }).click();
    await r.getByRole("link", { name: link }).waitFor({ timeout: SEEN });

    // The keeper draws the one-seat panel: account 4.
    await run("keeper:run", { account: "0", once: true, mine: true });
    takeOutput();
    const court = await hre.ethers.getContractAt(
      "DisputeCourt",
      servedDeployment().contracts.DisputeCourt?.address ?? "",
    );
    expect((await court.getSeat(id, 0, 0)).arbiter).to.equal(arbiterAddress);
    const short = `${arbiterAddress.slice(0, 6)}…${arbiterAddress.slice(-4)}`;
    await seeR(/^The panel is drawn \(1 arbiter\(s\)\); it rules by \d{4}-\d{2}-\d{2}T.+\(in (1d|23h)/);
    await seeR(`Panel: ${short}`);
    await r.getByRole("button", { name: "Reveal my route to the panel" }).click();
    await seeR("Done: Reveal my route to the panel");
    await seeR(`Route sealed to ${short}.`);
    await seeR("Route sealed to 1 arbiter(s).");
    await checkA11y(r, "rider (dispute)");
    await shot(r, "rider-phone-dispute");

    // The arbiter's duty lists the evidence: the note as text, the link, the verified reveal.
    await seeA(new RegExp(`^Dispute #${id}: fare 20\\.00 tUSD, rule by`));
    const duty = a.locator(`[data-dispute="${id}"]`);
    await duty.getByText(note, { exact: true }).waitFor({ timeout: SEEN });
    await duty.getByText("Route revealed to you: verified against the ride's commitment.").waitFor({ timeout: SEEN });
    await duty.getByText(/^Pickup 37\.4979,127\.0276, drop-off \d+\.\d+,\d+\.\d+\.$/).waitFor({ timeout: SEEN });
    const parties = (await duty.locator(".evidence-party").allTextContents()).map((x) => x.trim());
    expect(parties).to.deep.equal(["Rider 0x7099…79C8:", "Rider 0x7099…79C8:", "Rider 0x7099…79C8:"]);
    const shown = duty.getByRole("link", { name: link });
    expect(await shown.getAttribute("href")).to.equal(link);
    expect(await shown.getAttribute("rel")).to.equal("noopener noreferrer");
    await checkA11y(a, "arbiter (evidence)");
    await shot(a, "arbiter-phone-evidence");

    // The rider proposes 60%; the driver accepts (task); the dispute ends settled, the duty goes.
    await r.getByLabel("Rider's share (%) I propose").fill("60");
    await r.getByRole("button", { name: "Propose a settlement" }).click();
    await seeR("You proposed 60% to the rider; waiting for the other party.");
    // The driver's page shows the dispute with the rider's proposal; the driver accepts it there.
    const driver = await openPage(h, PHONE, Number(DRIVER), "driver");
    const d = driver.page;
    const card = d.locator("section.dispute", { has: d.getByRole("heading", { name: `Dispute #${id}` }) });
    await card.getByText(note, { exact: true }).waitFor({ timeout: SEEN });
    await card.getByText("The other party proposes 60% to the rider.").waitFor({ timeout: SEEN });
    await checkA11y(d, "driver (dispute)");
    await shot(d, "driver-phone-dispute");
    await card.getByRole("button", { name: "Accept 60% to the rider" }).click();
    await d.getByText("Done: Accept 60% to the rider").waitFor({ timeout: SEEN });
    await d.getByRole("heading", { name: `Dispute #${id}` }).waitFor({ state: "detached", timeout: SEEN });
    await seeR("Settled: 60% to the rider.");
    await expect_text(r, ".ride-state", "Dispute resolved");
    expect(await r.getByRole("button", { name: "Post evidence" }).isVisible()).to.equal(false);
    await seeA("No disputes to rule on.");
    await checkA11y(r, "rider (settled)");
    await shot(r, "rider-phone-settled");
    await r.setViewportSize(DESKTOP);
    await checkA11y(r, "rider (desktop, settled)");
    await shot(r, "rider-desktop-settled");
    expect([...rider.errors, ...arb.errors, ...driver.errors], "console errors").to.deep.equal([]);
    await rider.context.close();
    await arb.context.close();
    await driver.context.close();
  });

  it("the losing rider appeals a ruling through the page, paying the appeal fee shown, and reveals the route to the new panel", async function () {
    this.timeout(LIMIT);
    if (h === undefined) throw new Error("no harness");
    // Follows the previous test: account 4 is a staked arbiter with its evidence key registered.
    const signers = await hre.ethers.getSigners();
    const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
    const court = await hre.ethers.getContractAt(
      "DisputeCourt",
      servedDeployment().contracts.DisputeCourt?.address ?? "",
    );
    await run("keeper:run", { account: "0", once: true });
    takeOutput();

    const { rider, id } = await riderDisputesOnPage(h);
    const r = rider.page;
    const seeR = (text: string | RegExp) => r.getByText(text).first().waitFor({ timeout: SEEN });
    await run("keeper:run", { account: "0", once: true, mine: true });
    takeOutput();
    expect((await court.getSeat(id, 0, 0)).arbiter).to.equal(signers[4].address);

    // The arbiter rules 30% to the rider on its page.
    const arb = await openPage(h, PHONE, 4, "arbiter");
    const a = arb.page;
    await a.getByLabel(`Rider's share (%) in dispute #${id}`).fill("30");
    await a.getByRole("button", { name: "Rule", exact: true }).click();
    await a.getByText(`Done: Rule #${id}`).waitFor({ timeout: SEEN });

    // Three more arbiters stake (tasks) so that an appeal's 3-seat panel can be seated without
    // the parties and the round-0 arbiter; the keeper applies their stakes; one registers a key.
    for (const account of ["5", "6", "7"]) {
      await run("faucet", { account, amount: "1000" });
      await run("driver:register", { account, stake: "100" });
      const { rideId } = await run<RequestResult>("rider:request", {
        account: RIDER,
        from: "37.4979,127.0276",
        to: "wydq8e",
        maxFare: "20",
        expires: "15m",
      });
      await run("driver:accept", { account, ride: rideId.toString() });
      await run("driver:pickup", { account, ride: rideId.toString() });
      await run("rider:confirm", { account: RIDER, ride: rideId.toString(), rating: "5" });
      await run("driver:claim", { account });
      await run("arbiter:stake", { account, amount: "15" });
    }
    await run("arbiter:register-key", { account: "5" });
    await run("keeper:run", { account: "0", once: true });
    takeOutput();

    // The rider lost (30%): the page offers the appeal with its fee, 3 x 2.00 + 10.00 tUSD.
    await seeR(/^The panel ruled 30% to the rider; it may be appealed until \d{4}-.+\(in (1d|23h)/);
    await seeR(
      "Appealing costs 16.00 tUSD: a new panel of 3 arbiters rules again; the fee comes back only if you win.",
    );
    await checkA11y(r, "rider (ruled, appealable)");
    await shot(r, "rider-phone-appeal");
    const wallet = async () => ((await r.locator(".bal-fare").first().textContent()) ?? "").trim();
    const before = Number((await wallet()).replace(/[^\d.]/g, ""));
    await r.getByRole("button", { name: "Appeal", exact: true }).click();
    await seeR("Done: Appeal");
    await seeR("Waiting for the panel to be drawn (fare 20.00 tUSD held in escrow).");
    await seeR("Appeal round 1.");
    await expect_text(r, ".bal-fare", `${(before - 16).toFixed(2)} tUSD`);
    expect(await r.getByRole("button", { name: "Appeal", exact: true }).isVisible()).to.equal(false);

    // The keeper seats the new panel (accounts 5, 6 and 7); the rider reveals the route to it:
    // sealed to the one arbiter with a key, the others named as having none.
    await run("keeper:run", { account: "0", once: true, mine: true });
    takeOutput();
    const seats = await Promise.all([0, 1, 2].map(async (s) => (await court.getSeat(id, 1, s)).arbiter));
    expect([...seats].sort()).to.deep.equal([signers[5].address, signers[6].address, signers[7].address].sort());
    await seeR(`Panel: ${seats.map(short).join(", ")}`);
    await r.getByRole("button", { name: "Reveal my route to the panel" }).click();
    await seeR("Done: Reveal my route to the panel");
    const missing = seats.filter((s) => s !== signers[5].address);
    await seeR(
      `Route sealed to ${short(signers[5].address)}. No evidence key registered (cannot read it): ${missing.map(short).join(", ")}.`,
    );
    await checkA11y(r, "rider (appealed, revealed)");
    await shot(r, "rider-phone-appealed");
    expect([...rider.errors, ...arb.errors], "console errors").to.deep.equal([]);
    await rider.context.close();
    await arb.context.close();
  });

  after(function () {
    // The docs show the phone screenshots.
    const docs = path.join(ROOT, "docs", "app");
    fs.mkdirSync(docs, { recursive: true });
    for (const name of ["rider-phone-offer", "rider-phone-map", "driver-phone-feed", "voter-phone"]) {
      const from = path.join(SHOTS, `${name}.png`);
      if (fs.existsSync(from)) fs.copyFileSync(from, path.join(docs, `${name}.png`));
    }
  });
});

/**
 * The rider requests 20.00 on the page (so the route's secret is in that browser), driver 2
 * accepts and picks up through the tasks, and the rider opens a dispute on the page.
 */
async function riderDisputesOnPage(h: Harness): Promise<{ rider: Awaited<ReturnType<typeof openPage>>; id: string }> {
  const rider = await openPage(h, PHONE, Number(RIDER), "rider");
  const r = rider.page;
  const see = (text: string) => r.getByText(text).first().waitFor({ timeout: SEEN });
  await r.getByLabel("Most I will pay").fill("20");
  await r.getByRole("button", { name: "Request a ride" }).click();
  await see("Done: Request a ride");
  const id = /Ride #(\d+)/.exec((await r.locator("#ride-h").textContent()) ?? "")?.[1] ?? "?";
  await run("driver:accept", { account: DRIVER, ride: id });
  await run("driver:pickup", { account: DRIVER, ride: id });
  takeOutput();
  await expect_text(r, ".ride-state", "On the ride");
  await r.getByRole("button", { name: "Open a dispute" }).click();
  await see("Done: Open a dispute");
  return { rider, id };
}

async function expect_text(page: Page, selector: string, want: string | RegExp): Promise<void> {
  const loc = page.locator(selector).first();
  const deadline = Date.now() + SEEN;
  let last = "";
  while (Date.now() < deadline) {
    last = ((await loc.textContent({ timeout: SEEN }).catch(() => "")) ?? "").trim();
    if (typeof want === "string" ? last === want : want.test(last)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`${selector}: expected ${String(want)}, saw "${last}"`);
}

/** A `size` x `size` PNG of one grey (`level`), standing in for a map tile. */
function plainPng(size: number, level: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // 8 bits per sample, greyscale (colour type 0)
  const rows = Buffer.alloc((size + 1) * size, level);
  for (let y = 0; y < size; y++) rows[y * (size + 1)] = 0; // filter "none" at each row's start
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function checkA11y(page: Page, what: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${what}`).to.deep.equal([]);
}
