/**
 * A failed verification's reason in plain words, as the deploy's `reason` keeps it and every message shows it:
 * "error rate 4.1% > 2% for 2 checks in a row", or "no data for p99 latency (Prometheus unreachable) for 2 checks in a
 * row". Numbers read in the check's unit (units.ts).
 */
import type { Breach } from "./bake.js";
import { measuredUnit, valueAndLimit } from "./units.js";

/** What a no-data reading lacked, as words before the check's name. */
export const MISSING = { current: "", baseline: "the baseline of ", reference: "the compared environment's " } as const;

/** How many readings in a row a breach has lasted, as the reason says it. */
export function inARow(n: number): string {
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
  const [value, limit] = valueAndLimit(breach.value, breach.limit, measuredUnit(breach));
  const op = breach.bound === "upper" ? ">" : "<";
  return `${breach.check} ${value} ${op} ${limit} ${inARow(breach.consecutive)}`;
}
