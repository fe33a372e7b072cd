// An offline place picker: a geohash cell typed or moved cell by cell. Only the cell (precision
// 6, about 1.2 x 0.6 km) goes on chain; the exact point stays on the device (src/client/location).
import ngeohash from "ngeohash";
import { parsePlace, type Place } from "../../src/client";
import { h, fill, field } from "./dom";
import { t, type Key } from "./i18n";

const DIRECTIONS: { dir: string; arrow: string; dlat: number; dlon: number; en: string; ko: string }[] = [
  { dir: "nw", arrow: "↖", dlat: 1, dlon: -1, en: "north-west", ko: "북서" },
  { dir: "n", arrow: "↑", dlat: 1, dlon: 0, en: "north", ko: "북" },
  { dir: "ne", arrow: "↗", dlat: 1, dlon: 1, en: "north-east", ko: "북동" },
  { dir: "w", arrow: "←", dlat: 0, dlon: -1, en: "west", ko: "서" },
  { dir: "c", arrow: "•", dlat: 0, dlon: 0, en: "", ko: "" },
  { dir: "e", arrow: "→", dlat: 0, dlon: 1, en: "east", ko: "동" },
  { dir: "sw", arrow: "↙", dlat: -1, dlon: -1, en: "south-west", ko: "남서" },
  { dir: "s", arrow: "↓", dlat: -1, dlon: 0, en: "south", ko: "남" },
  { dir: "se", arrow: "↘", dlat: -1, dlon: 1, en: "south-east", ko: "남동" },
];

/** The cell next to `cell` in a direction (one cell's height/width away from its centre). */
export function stepCell(cell: string, dlat: number, dlon: number): string {
  const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(cell);
  const lat = (minLat + maxLat) / 2 + dlat * (maxLat - minLat);
  const lon = (minLon + maxLon) / 2 + dlon * (maxLon - minLon);
  return ngeohash.encode(lat, lon, cell.length);
}

/** How many cells apart two cells' centres are (the larger of rows and columns). */
export function cellDistance(a: string, b: string): number {
  const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(a.slice(0, 6));
  const pa = ngeohash.decode(a.slice(0, 6));
  const pb = ngeohash.decode(b.slice(0, 6));
  return Math.max(
    Math.round(Math.abs(pa.latitude - pb.latitude) / (maxLat - minLat)),
    Math.round(Math.abs(pa.longitude - pb.longitude) / (maxLon - minLon)),
  );
}

/** Great-circle distance in km between two places' points. */
export function distanceKm(a: Place, b: Place): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.point.lat - a.point.lat);
  const dLon = rad(b.point.lon - a.point.lon);
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.point.lat)) * Math.cos(rad(b.point.lat)) * Math.sin(dLon / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(x));
}

/**
 * A place field: a text input (lat,lon or geohash) and a 3x3 pad that moves the place one cell.
 * `onChange` gets the new place (or undefined while the text is not a place); `set` puts a text in
 * the field as if typed (the map's taps use it: the field is the one source of truth).
 */
export function placePicker(
  which: Key,
  initial: string,
  onChange: (p: Place | undefined) => void,
): { el: HTMLElement; get(): Place | undefined; set(text: string): void } {
  let place: Place | undefined = safeParse(initial);
  const input = h("input", { type: "text", value: initial, autocomplete: "off", spellcheck: "false", name: which });
  const info = h("p", { class: "cellinfo", "aria-live": "polite" });
  const what = t(which);
  const show = () => {
    fill(
      info,
      place === undefined
        ? "—"
        : t("cellIs", { cell: place.cell, lat: place.point.lat.toFixed(4), lon: place.point.lon.toFixed(4) }),
    );
    onChange(place);
  };
  input.addEventListener("input", () => {
    place = safeParse(input.value);
    show();
  });
  const lang = document.documentElement.lang === "ko" ? "ko" : "en";
  const pad = h(
    "div",
    { class: "pad", role: "group", "aria-label": t("cellPicker", { what }) },
    ...DIRECTIONS.map((d) =>
      d.dir === "c"
        ? h("span", { class: "pad-centre", "aria-hidden": "true" }, d.arrow)
        : h(
            "button",
            {
              type: "button",
              "aria-label": t("move", { what, dir: d[lang] }),
              onclick: () => {
                if (place === undefined) return;
                const cell = stepCell(place.cell, d.dlat, d.dlon);
                input.value = cell;
                place = safeParse(cell);
                show();
              },
            },
            d.arrow,
          ),
    ),
  );
  const el = h(
    "div",
    { class: "place" },
    field(what, input, t("placeHint")),
    h("div", { class: "place-row" }, pad, info),
  );
  show();
  return {
    el,
    get: () => place,
    set(text: string) {
      input.value = text;
      place = safeParse(text);
      show();
    },
  };
}

function safeParse(text: string): Place | undefined {
  try {
    return parsePlace(text, "place");
  } catch {
    return undefined;
  }
}
