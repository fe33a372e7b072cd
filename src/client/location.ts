import ngeohash from "ngeohash";
import { cellOf, type LatLon } from "../geo";
import { InputError } from "./format";

/** A place as a person gives it: the cell that goes on chain and the exact point that stays local. */
export interface Place {
  cell: string;
  point: LatLon;
}

const GEOHASH = /^[0-9b-hjkmnp-z]{5,9}$/;

/**
 * "37.4979,127.0276" (lat,lon) or a geohash ("wydm6v"). The on-chain cell has precision 6;
 * a geohash input's exact point is its centre.
 */
export function parsePlace(text: string, flag: string): Place {
  const t = text.trim().toLowerCase();
  const coords = /^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (coords !== null) {
    const point = { lat: Number(coords[1]), lon: Number(coords[2]) };
    if (Math.abs(point.lat) > 90 || Math.abs(point.lon) > 180) {
      throw new InputError(flag, `"${text}" is outside the globe: latitude within ±90, longitude within ±180`);
    }
    return { cell: cellOf(point, 6), point };
  }
  if (GEOHASH.test(t)) {
    const { latitude, longitude } = ngeohash.decode(t);
    return { cell: t.slice(0, 6), point: { lat: latitude, lon: longitude } };
  }
  throw new InputError(
    flag,
    `"${text}" is neither lat,lon (like 37.4979,127.0276) nor a geohash of 5 to 9 characters (like wydm6v)`,
  );
}
