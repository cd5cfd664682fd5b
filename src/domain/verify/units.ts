/**
 * How a check's numbers read: a ratio as a percent ("4.1%"), a duration in seconds as ms or s ("264 ms"), anything
 * else as a plain number. Set per check (`unit:`), or inferred: a name or query about latency, durations or seconds is
 * in seconds; an absolute threshold within [0, 1] is a ratio; the rest are numbers.
 */
import type { CheckSpec, CheckUnit, Measured, Threshold } from "./types.js";

const TIMES = /latency|duration|_seconds|seconds/i;

export function inferUnit(spec: { name: string; query: string; threshold: Threshold }): CheckUnit {
  if (TIMES.test(spec.name) || TIMES.test(spec.query)) return "seconds";
  const t = spec.threshold;
  const limit = t.kind === "max" ? t.max : t.kind === "min" ? t.min : undefined;
  return limit !== undefined && limit >= 0 && limit <= 1 ? "percent" : "number";
}

/** A check's unit: as configured, else inferred. */
export function unitOf(spec: Pick<CheckSpec, "name" | "query" | "threshold" | "unit">): CheckUnit {
  return spec.unit ?? inferUnit(spec);
}

/** A reading's unit; readings stored before units were kept are ratios when both numbers are within [0, 1]. */
export function measuredUnit(m: Pick<Measured, "unit" | "value" | "limit">): CheckUnit {
  if (m.unit) return m.unit;
  return [m.value, m.limit].every((v) => v >= 0 && v <= 1) ? "percent" : "number";
}

/** Three significant figures (or `digits`) at most, without trailing zeros; ±Inf as ∞. */
export function plainNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "-∞";
  if (v === 0) return "0";
  if (Math.abs(v) >= 10 ** digits) return String(Math.round(v));
  return String(Number(v.toPrecision(digits)));
}

export function amount(v: number, unit: CheckUnit, digits = 3): string {
  if (unit === "percent") return `${plainNumber(v * 100, digits)}%`;
  if (unit === "seconds" && Number.isFinite(v))
    return Math.abs(v) < 1 ? `${plainNumber(v * 1000, digits)} ms` : `${plainNumber(v, digits)} s`;
  return plainNumber(v, digits);
}

/** A value and its limit, with as many figures as it takes to tell them apart ("2.05% > 2%", not "2% > 2%"). */
export function valueAndLimit(value: number, limit: number, unit: CheckUnit): [string, string] {
  for (let digits = 3; digits < 8; digits++) {
    const [v, l] = [amount(value, unit, digits), amount(limit, unit, digits)];
    if (v !== l || value === limit) return [v, amount(limit, unit)];
  }
  return [amount(value, unit, 8), amount(limit, unit)];
}
