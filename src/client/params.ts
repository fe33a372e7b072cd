import { encodeBytes32String } from "ethers";
import {
  formatAmount,
  formatBps,
  formatDuration,
  InputError,
  parseAmount,
  parseBps,
  parseDuration,
  type TokenUnit,
} from "./format";

/** How a governed parameter is written by a person. */
export type ParamKind = "bps" | "duration" | "fare" | "ride";

/** The market's governed parameters (MarketParams), with short aliases for the command line. */
export const MARKET_PARAMETERS: Record<string, { kind: ParamKind; aliases: string[] }> = {
  feeBps: { kind: "bps", aliases: ["fee"] },
  holdersShareBps: { kind: "bps", aliases: ["holdersShare", "holders"] },
  rewardPerToken: { kind: "ride", aliases: ["reward"] },
  gracePeriod: { kind: "duration", aliases: ["grace"] },
  pickupWindow: { kind: "duration", aliases: ["pickup"] },
  noShowWindow: { kind: "duration", aliases: ["noShow"] },
  confirmWindow: { kind: "duration", aliases: ["confirm"] },
  rideWindow: { kind: "duration", aliases: ["ride"] },
  minStake: { kind: "fare", aliases: ["stake"] },
  cancellationFee: { kind: "fare", aliases: ["cancelFee"] },
  noShowPenalty: { kind: "fare", aliases: ["penalty"] },
  pairFareCap: { kind: "fare", aliases: ["pairCap"] },
  driverFareCap: { kind: "fare", aliases: ["driverCap"] },
  minFare: { kind: "fare", aliases: ["minRatedFare"] },
};

export interface ParamChange {
  name: string;
  key: string;
  value: bigint;
}

/** The canonical parameter name for a name or alias, case-insensitive. */
export function resolveParameter(nameOrAlias: string, flag = "set"): string {
  const wanted = nameOrAlias.toLowerCase();
  for (const [name, { aliases }] of Object.entries(MARKET_PARAMETERS)) {
    if (name.toLowerCase() === wanted || aliases.some((a) => a.toLowerCase() === wanted)) return name;
  }
  throw new InputError(
    flag,
    `"${nameOrAlias}" is not a governed parameter; known: ${Object.keys(MARKET_PARAMETERS).join(", ")}`,
  );
}

/** "fee=3%" to { name: "feeBps", key: bytes32, value: 300n }. */
export function parseParamChange(text: string, units: { fare: TokenUnit; ride: TokenUnit }, flag = "set"): ParamChange {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new InputError(flag, `"${text}" is not name=value (like fee=3% or pickupWindow=10m)`);
  const name = resolveParameter(text.slice(0, eq).trim(), flag);
  const raw = text.slice(eq + 1).trim();
  const kind = MARKET_PARAMETERS[name].kind;
  const value =
    kind === "bps"
      ? parseBps(raw, flag)
      : kind === "duration"
        ? BigInt(parseDuration(raw, flag))
        : parseAmount(raw, kind === "fare" ? units.fare : units.ride, flag);
  return { name, key: encodeBytes32String(name), value };
}

/** A parameter's value as a person reads it. */
export function formatParam(name: string, value: bigint, units: { fare: TokenUnit; ride: TokenUnit }): string {
  const kind = MARKET_PARAMETERS[name]?.kind;
  if (kind === "bps") return formatBps(value);
  if (kind === "duration") return formatDuration(value);
  if (kind === "fare") return formatAmount(value, units.fare);
  if (kind === "ride") return formatAmount(value, units.ride);
  return value.toString();
}
