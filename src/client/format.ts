import { formatUnits, parseUnits } from "ethers";

/** A token as a person reads it: its symbol and decimals. */
export interface TokenUnit {
  symbol: string;
  decimals: number;
}

/** An input a person typed that cannot be understood; `flag` names where it came from. */
export class InputError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`--${flag}: ${message}`);
    this.name = "InputError";
  }
}

/**
 * "12.50" or "12.50 tUSD" to the token's smallest unit (12_500_000n for 6 decimals).
 * Refuses negative numbers, more decimals than the token has, and another token's symbol.
 */
export function parseAmount(text: string, unit: TokenUnit, flag = "amount"): bigint {
  const trimmed = text.trim().replace(/_/g, "").replace(/,/g, "");
  const match = /^(\d+(?:\.\d*)?|\.\d+)(?:\s*([A-Za-z][A-Za-z0-9]*))?$/.exec(trimmed);
  if (match === null) {
    throw new InputError(flag, `"${text}" is not an amount; write it like 12.50 or 12.50 ${unit.symbol}`);
  }
  const [, number, symbol] = match;
  if (symbol !== undefined && symbol.toLowerCase() !== unit.symbol.toLowerCase()) {
    throw new InputError(flag, `"${text}" is in ${symbol}, but this amount is in ${unit.symbol}`);
  }
  const fraction = number.split(".")[1] ?? "";
  if (fraction.length > unit.decimals) {
    throw new InputError(flag, `"${text}" has ${fraction.length} decimals; ${unit.symbol} has only ${unit.decimals}`);
  }
  return parseUnits(number.startsWith(".") ? `0${number}` : number, unit.decimals);
}

/** 12_500_000n to "12.50 tUSD": at least two decimals, no trailing zeros beyond them. */
export function formatAmount(amount: bigint, unit: TokenUnit, precision = 2): string {
  const negative = amount < 0n;
  const text = formatUnits(negative ? -amount : amount, unit.decimals);
  const [whole, fraction = ""] = text.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  const digits = trimmed.length >= precision ? trimmed : trimmed.padEnd(Math.min(precision, unit.decimals), "0");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${digits.length > 0 ? `.${digits}` : ""} ${unit.symbol}`;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "15m", "2h", "1d" or a bare number of seconds, to seconds. */
export function parseDuration(text: string, flag = "duration"): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (match === null) {
    throw new InputError(flag, `"${text}" is not a duration; write it like 90s, 15m, 2h or 1d`);
  }
  return Number(match[1]) * DURATION_UNITS[match[2] === "" ? "s" : match[2]];
}

/** Seconds to "1d 2h 3m 4s" (the largest units only). */
export function formatDuration(seconds: bigint | number): string {
  let left = Number(seconds);
  if (left <= 0) return "0s";
  const parts: string[] = [];
  for (const [suffix, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${suffix}`);
      left %= size;
    }
  }
  return parts.slice(0, 2).join(" ");
}

/** "3%" or "2.5%" to basis points (300, 250); "300bps" or "300" as basis points. */
export function parseBps(text: string, flag = "percent"): bigint {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d{1,2})?)\s*%$/.exec(t);
  if (percent !== null) return parseUnits(percent[1], 2);
  const bps = /^(\d+)\s*(?:bps)?$/.exec(t);
  if (bps !== null) return BigInt(bps[1]);
  throw new InputError(flag, `"${text}" is not a percentage; write it like 3%, 2.5% or 250bps`);
}

/** Basis points to "3%" / "2.5%". */
export function formatBps(bps: bigint | number): string {
  const text = formatUnits(BigInt(bps), 2).replace(/\.0$/, "");
  return `${text}%`;
}

/** "4.5" (stars) to the contract's average x100 (450); at most 5. */
export function parseRating(text: string, flag = "rating"): number {
  const match = /^([0-5](?:\.\d{1,2})?)$/.exec(text.trim());
  const value = match === null ? NaN : Math.round(Number(match[1]) * 100);
  if (!(value >= 0 && value <= 500)) {
    throw new InputError(flag, `"${text}" is not a rating between 0 and 5 (like 4.5)`);
  }
  return value;
}

/** A whole-star rating 1-5 as the contract takes it. */
export function parseStars(text: string, flag = "rating"): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 5) {
    throw new InputError(flag, `"${text}" is not a rating; give a whole number of stars from 1 to 5`);
  }
  return value;
}

/** A unix time to an ISO string and how far from `now` it is ("in 14m 30s" / "3m ago"). */
export function formatTime(timestamp: bigint | number, now: bigint | number): string {
  const t = Number(timestamp);
  const delta = t - Number(now);
  const iso = new Date(t * 1000).toISOString().replace(".000Z", "Z");
  return delta >= 0 ? `${iso} (in ${formatDuration(delta)})` : `${iso} (${formatDuration(-delta)} ago)`;
}

/** A split "to the rider" in percent ("75", "75%", "62.5%") to basis points of the fare (7500). */
export function parseSplit(text: string | undefined, flag = "split"): number {
  const match = /^(\d{1,3}(?:\.\d{1,2})?)\s*%?$/.exec((text ?? "").trim());
  const bps = match === null ? NaN : Number(parseUnits(match[1], 2));
  if (!(bps >= 0 && bps <= 10_000)) {
    throw new InputError(
      flag,
      `"${text ?? ""}" is not a split; give the rider's share of the fare from 0 to 100, like 75 or 62.5%`,
    );
  }
  return bps;
}
