/**
 * A failed verification's reason in plain words, as the deploy's `reason` keeps it and every message shows it:
 * "error rate 4.1% > 2% for 2 checks in a row", or "no data for p99 latency (Prometheus unreachable) for 2 checks in a
 * row". Ratios are shown as percents when the value and the limit are both fractions (within [0, 1]).
 */
import type { Breach } from "./bake.js";

/** A number for people: at most 3 significant digits, no trailing zeros, no exponent for everyday sizes. */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "∞" : n < 0 ? "-∞" : "NaN";
  if (n === 0) return "0";
  const abs = Math.abs(n);
  if (abs >= 1000) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}

/** `value` and `limit` worded alike: both as percents when both are fractions, else both as numbers. */
export function valueAndLimit(value: number, limit: number): [string, string] {
  const fractions = value >= 0 && value <= 1 && limit >= 0 && limit <= 1;
  if (!fractions) return [plainNumber(value), plainNumber(limit)];
  return [`${plainNumber(value * 100)}%`, `${plainNumber(limit * 100)}%`];
}

const MISSING = { current: "", baseline: "the baseline of ", reference: "the compared environment's " } as const;

function inARow(n: number): string {
  return n === 1 ? "at 1 check" : `for ${n} checks in a row`;
}

/** Why no data came, in a few words: the metrics source's failure when there was one. */
function unseenWhy(error: string | undefined): string {
  if (!error) return "no series matched";
  if (/could not be reached|unreachable/i.test(error)) return "Prometheus unreachable";
  if (/did not answer within/i.test(error)) return "Prometheus timed out";
  return error;
}

export function breachReason(breach: Breach): string {
  if (breach.cause === "no_data") {
    return `no data for ${MISSING[breach.missing]}${breach.check} (${unseenWhy(breach.error)}) ${inARow(breach.consecutive)}`;
  }
  const [value, limit] = valueAndLimit(breach.value, breach.limit);
  const op = breach.bound === "upper" ? ">" : "<";
  return `${breach.check} ${value} ${op} ${limit} ${inARow(breach.consecutive)}`;
}
