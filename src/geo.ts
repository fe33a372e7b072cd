import { AbiCoder, keccak256, encodeBytes32String, hexlify, toUtf8Bytes, toUtf8String, zeroPadBytes } from "ethers";
import ngeohash from "ngeohash";

/** Geohash alphabet; a cell on chain is 5 or 6 of these characters. */
const ALPHABET = /^[0-9b-hjkmnp-z]{5,6}$/;

/** A point as the rider's device knows it. Never sent on chain. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Checks a geohash cell of precision 5 or 6 and returns it as the contract's bytes6. */
export function cellToBytes6(cell: string): string {
  if (!ALPHABET.test(cell)) {
    throw new Error(`"${cell}" is not a geohash cell of 5 or 6 characters (alphabet 0-9, b-z without a, i, l, o)`);
  }
  return zeroPadBytes(hexlify(toUtf8Bytes(cell)), 6);
}

/** The bytes6 of a cell back to its text. */
export function bytes6ToCell(value: string): string {
  return toUtf8String(value).replace(/\0+$/, "");
}

/** The indexed topic drivers filter on: the pickup cell's precision-5 area, as bytes32. */
export function areaTopic(cell: string): string {
  return encodeBytes32String(cell.slice(0, 5));
}

/** The cell (precision 6 by default) that contains a point. */
export function cellOf(point: LatLon, precision = 6): string {
  return ngeohash.encode(point.lat, point.lon, precision);
}

/** The precision-5 area and its eight neighbours: the cells a driver watches. */
export function areaWithNeighbours(cell: string): string[] {
  const area = cell.slice(0, 5);
  return [area, ...ngeohash.neighbors(area)];
}

/** Microdegrees, the integer form the commitment hashes. */
export function toMicro(deg: number): bigint {
  return BigInt(Math.round(deg * 1e6));
}

/** keccak256(abi.encode(pickupLatE6, pickupLonE6, dropLatE6, dropLonE6, salt)). */
export function routeCommitment(pickup: LatLon, dropoff: LatLon, salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["int64", "int64", "int64", "int64", "bytes32"],
      [toMicro(pickup.lat), toMicro(pickup.lon), toMicro(dropoff.lat), toMicro(dropoff.lon), salt],
    ),
  );
}
