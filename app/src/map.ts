// The rider's map, where the network allows: OpenStreetMap tiles through Leaflet. Leaflet and its
// CSS are a chunk of their own (`import("./leaflet-map")`), fetched only after one probe tile has
// loaded, so an offline rider downloads neither Leaflet nor more than that one tile; the cell pad
// (places.ts) works either way. The map keeps no place of its own: a tap writes the tapped point
// into the place field (the one source of truth), and the field's changes are drawn back here.
import type { Place } from "../../src/client";
import { h } from "./dom";
import { t } from "./i18n";

export type Which = "pickup" | "dropoff";

/** OpenStreetMap's standard tiles (https://operations.osmfoundation.org/policies/tiles/). */
export const OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
/** At zoom 14 a precision-6 cell (about 1.2 x 0.6 km) is a rectangle of about 160 x 80 px. */
export const MAP_ZOOM = 14;
const PROBE_MS = 10_000;
const SEOUL = { lat: 37.4979, lon: 127.0276 };

/** What the Leaflet chunk gives back: draw a place's cell, and which place a tap sets. */
export interface MapView {
  show(which: Which, place: Place | undefined): void;
  setActive(which: Which): void;
}

/** The URL of the tile holding a point at `zoom` (Web Mercator, as Leaflet numbers tiles). */
export function tileUrl(template: string, lat: number, lon: number, zoom: number): string {
  const n = 2 ** zoom;
  const clamp = (v: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));
  const rad = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  const x = clamp(((lon + 180) / 360) * n);
  const y = clamp(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return template
    .replace("{z}", String(zoom))
    .replace("{x}", String(x))
    .replace("{y}", String(y))
    .replace("{s}", "a")
    .replace("{r}", "");
}

/** Whether one tile loads (an image, as Leaflet loads them, so the browser's cache then has it). */
function probe(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const img = new Image();
    const done = (ok: boolean) => {
      window.clearTimeout(timer);
      img.onload = img.onerror = null;
      resolve(ok);
    };
    const timer = window.setTimeout(() => done(false), PROBE_MS);
    img.onload = () => done(img.naturalWidth > 0);
    img.onerror = () => done(false);
    img.src = url;
  });
}

/** Tile servers seen to answer in this tab (a failure is tried again when the page is built again). */
const reachable = new Set<string>();

/**
 * The map box: hidden while the probe tile loads; then the map (with "A tap on the map sets: the
 * pickup / the drop-off"), or one line saying the map is unavailable. `tiles` undefined: no map.
 */
export function placeMap(
  tiles: string | undefined,
  start: Record<Which, Place | undefined>,
  onTap: (which: Which, lat: number, lon: number) => void,
): { el: HTMLElement; show(which: Which, place: Place | undefined): void } {
  const places = { ...start };
  let active: Which = "pickup";
  let view: MapView | undefined;
  const note = h("p", { class: "map-note muted", hidden: true }, t("mapOffline"));
  const radio = (which: Which, label: string) =>
    h(
      "label",
      {},
      h("input", {
        type: "radio",
        name: "mapSets",
        value: which,
        checked: which === active,
        onchange: () => {
          active = which;
          view?.setActive(which);
        },
      }),
      h("span", { class: `swatch swatch-${which}`, "aria-hidden": "true" }),
      label,
    );
  const container = h("div", { class: "map", role: "region", "aria-label": t("mapLabel") });
  const wrap = h(
    "div",
    { class: "map-wrap", hidden: true },
    h(
      "fieldset",
      { class: "map-sets" },
      h("legend", {}, t("mapTapSets")),
      radio("pickup", t("mapSetPickup")),
      radio("dropoff", t("mapSetDropoff")),
    ),
    container,
  );
  const el = h("div", { class: "map-box", hidden: tiles === undefined }, note, wrap);
  const unavailable = () => {
    wrap.hidden = true;
    note.hidden = false;
  };

  async function load(template: string): Promise<void> {
    const at = places.pickup?.point ?? places.dropoff?.point ?? SEOUL;
    if (!reachable.has(template)) {
      if (navigator.onLine === false || !(await probe(tileUrl(template, at.lat, at.lon, MAP_ZOOM)))) {
        return unavailable();
      }
      reachable.add(template);
    }
    try {
      const { leafletMap } = await import("./leaflet-map");
      wrap.hidden = false;
      view = leafletMap(container, {
        tiles: template,
        zoom: MAP_ZOOM,
        center: at,
        places,
        active,
        onTap: (lat, lon) => onTap(active, lat, lon),
      });
    } catch {
      unavailable();
    }
  }
  if (tiles !== undefined) void load(tiles);

  return {
    el,
    show(which, place) {
      places[which] = place;
      view?.show(which, place);
    },
  };
}
