import type { LatLon } from "../geo";
import type { Rng } from "./rng";

/** Places riders start from and go to, with a weight for how busy each is. */
export interface Hotspot extends LatLon {
  name: string;
  weight: number;
}

/** Seoul: the source article was read in Korean, so the cooperative starts there. */
export const SEOUL: readonly Hotspot[] = [
  { name: "Gangnam Station", lat: 37.4979, lon: 127.0276, weight: 10 },
  { name: "Hongdae", lat: 37.5563, lon: 126.922, weight: 8 },
  { name: "Myeongdong", lat: 37.5636, lon: 126.985, weight: 8 },
  { name: "Jamsil", lat: 37.5133, lon: 127.1001, weight: 6 },
  { name: "Yeouido", lat: 37.5219, lon: 126.9245, weight: 6 },
  { name: "Itaewon", lat: 37.5345, lon: 126.9946, weight: 5 },
  { name: "Jongno", lat: 37.5704, lon: 126.9921, weight: 6 },
  { name: "Seoul Station", lat: 37.5547, lon: 126.9707, weight: 7 },
  { name: "Konkuk University", lat: 37.5404, lon: 127.0693, weight: 4 },
  { name: "Sinchon", lat: 37.5551, lon: 126.9368, weight: 5 },
  { name: "Seongsu", lat: 37.5446, lon: 127.0559, weight: 4 },
  { name: "Magok", lat: 37.5602, lon: 126.8254, weight: 3 },
  { name: "Nowon", lat: 37.6542, lon: 127.0568, weight: 3 },
  { name: "Sadang", lat: 37.4766, lon: 126.9816, weight: 4 },
  { name: "Gwanghwamun", lat: 37.5759, lon: 126.9768, weight: 5 },
];

const TOTAL_WEIGHT = SEOUL.reduce((sum, h) => sum + h.weight, 0);

/** A hotspot drawn by its weight. */
export function pickHotspot(rng: Rng): Hotspot {
  let x = rng.next() * TOTAL_WEIGHT;
  for (const h of SEOUL) {
    x -= h.weight;
    if (x < 0) return h;
  }
  return SEOUL[SEOUL.length - 1];
}

/** A point within about `radiusKm` of a hotspot. */
export function near(rng: Rng, p: LatLon, radiusKm = 1.2): LatLon {
  const dLat = rng.gauss(0, radiusKm / 2) / 111;
  const dLon = rng.gauss(0, radiusKm / 2) / (111 * Math.cos((p.lat * Math.PI) / 180));
  return { lat: p.lat + dLat, lon: p.lon + dLon };
}

/** Great-circle distance in km. */
export function distanceKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * A fare in tUSD cents from the straight-line distance: 3.00 base plus 1.10 per road km
 * (roads run about 1.3 times the straight line), rounded to 10 cents.
 */
export function fareCents(a: LatLon, b: LatLon): number {
  const roadKm = distanceKm(a, b) * 1.3;
  return Math.max(300, Math.round((300 + roadKm * 110) / 10) * 10);
}
