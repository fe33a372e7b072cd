/**
 * What the gas benchmark (bench-gas.ts) and the gas trace (gas-trace.ts) share: the request
 * every measured ride makes, the calldata part of a transaction's gas, and how gas is printed.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String, ZeroAddress } from "ethers";
import type { IRideMarket } from "../typechain-types";
import { cellToBytes6 } from "../src/geo";

/** Gangnam to Jongno at `fare`, open 15 minutes, no rating filter, no chosen driver. */
export async function measuredRequest(fare: bigint): Promise<IRideMarket.RideRequestStruct> {
  return {
    pickupCell: cellToBytes6("wydm6v"),
    dropoffCell: cellToBytes6("wydq8e"),
    commitment: encodeBytes32String("bench"),
    maxFare: fare,
    expiresAt: (await time.latest()) + 900,
    minRating: 0,
    driver: ZeroAddress,
  };
}

/** The gas a transaction's calldata costs: 16 per non-zero byte, 4 per zero byte. */
export function calldataGas(data: string): bigint {
  let gas = 0n;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

/** 290790n to "290,790". */
export function groupGas(gas: bigint): string {
  return gas.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
