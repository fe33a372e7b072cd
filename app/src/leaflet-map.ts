// The Leaflet part of the rider's map (map.ts imports it dynamically: Vite puts Leaflet and its
// CSS in a chunk of their own). Each place is its geohash cell as a rectangle, with a dot at the
// point; a tap (click) on the map hands the tapped point to the page.
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import ngeohash from "ngeohash";
import type { Place } from "../../src/client";
import { t } from "./i18n";
import type { MapView, Which } from "./map";

const LOOK: Record<Which, L.PathOptions> = {
  pickup: { color: "#0b6e4f", weight: 3, fillOpacity: 0.15 },
  dropoff: { color: "#a4161a", weight: 3, fillOpacity: 0.15, dashArray: "6 4" },
};

export function leafletMap(
  container: HTMLElement,
  opts: {
    tiles: string;
    zoom: number;
    center: { lat: number; lon: number };
    places: Record<Which, Place | undefined>;
    active: Which;
    onTap(lat: number, lon: number): void;
  },
): MapView {
  const cellBounds = (place: Place): L.LatLngBounds => {
    const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(place.cell);
    return L.latLngBounds([minLat, minLon], [maxLat, maxLon]);
  };
  // Centred on the cell the taps set (its centre, so the cells around it show too).
  const first = opts.places[opts.active];
  const map = L.map(container, {
    center: first === undefined ? [opts.center.lat, opts.center.lon] : cellBounds(first).getCenter(),
    zoom: opts.zoom,
    scrollWheelZoom: false, // the page scrolls past the map; the buttons and a pinch zoom it
    zoomControl: false,
    attributionControl: false,
  });
  L.control.zoom({ zoomInTitle: t("mapZoomIn"), zoomOutTitle: t("mapZoomOut") }).addTo(map);
  L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
  L.tileLayer(opts.tiles, {
    maxZoom: 19,
    attribution: `&copy; <a href="https://www.openstreetmap.org/copyright">${t("mapContributors")}</a>`,
  }).addTo(map);
  // Leaflet's keyboard handler makes the map a tab stop (arrows pan, +/- zoom); Tab moves on.
  container.setAttribute("aria-label", t("mapLabel"));
  // The form may be hidden (a ride in progress) and shown later: Leaflet measures again then.
  new ResizeObserver(() => map.invalidateSize()).observe(container);

  const drawn: Record<Which, L.Layer[]> = { pickup: [], dropoff: [] };
  let active = opts.active;
  const follow = (place: Place | undefined) => {
    if (place === undefined) return;
    const bounds = cellBounds(place);
    if (!map.getBounds().contains(bounds)) map.setView(bounds.getCenter(), map.getZoom(), { animate: false });
  };
  const show = (which: Which, place: Place | undefined) => {
    for (const layer of drawn[which]) layer.remove();
    drawn[which] = [];
    if (place === undefined) return;
    const look = { ...LOOK[which], interactive: false, className: `map-cell map-${which}` };
    drawn[which] = [
      L.rectangle(cellBounds(place), look).addTo(map),
      L.circleMarker([place.point.lat, place.point.lon], {
        ...look,
        className: `map-point map-${which}-point`,
        radius: 4,
        fillOpacity: 1,
        dashArray: undefined,
      }).addTo(map),
    ];
    if (which === active) follow(place);
  };
  show("dropoff", opts.places.dropoff);
  show("pickup", opts.places.pickup);
  map.on("click", (e: L.LeafletMouseEvent) => {
    const p = e.latlng.wrap();
    opts.onTap(p.lat, p.lng);
  });
  return {
    show,
    setActive(which) {
      active = which;
      follow(opts.places[which]);
    },
  };
}
