/**
 * Numbers of a verification in words: a check's value against its threshold ("0.4% (max 2%)"), and why a check
 * breached ("error rate 4.1% > 2% for 2 checks in a row"). Plain strings: callers interpolate them into mrkdwn`…`,
 * which escapes them (check names and label values come from the config and the metrics source).
 */
import { formatDuration } from "../../domain/format.js";
import type { Breach } from "../../domain/verify/bake.js";
import type { Labels, Measured, MissingPart } from "../../domain/verify/types.js";

/** A bake's length as the config would say it: "10m", "6m 30s", "1h 5m". */
export function duration(ms: number): string {
  return formatDuration(ms).replace(/ 0[sm]$/, "");
}

/** Three significant figures (or `digits`) at most, without trailing zeros; ±Inf as ∞. */
export function number(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "-∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 10 ** digits) return String(Math.round(v));
  return String(Number(v.toPrecision(digits)));
}

/** Ratios (error rates, fractions) read best as percents: only when every number shown is within [0, 1]. */
export function isFraction(...values: readonly (number | undefined)[]): boolean {
  return values.every((v) => v === undefined || (Number.isFinite(v) && v >= 0 && v <= 1));
}

export function amount(v: number, percent: boolean, digits = 3): string {
  return percent ? `${number(v * 100, digits)}%` : number(v, digits);
}

/** A value and its limit, with as many figures as it takes to tell them apart ("2.05% (max 2%)", not "2% (max 2%)"). */
export function valueAndLimit(value: number, limit: number, percent: boolean): [string, string] {
  for (let digits = 3; digits < 8; digits++) {
    const [v, l] = [amount(value, percent, digits), amount(limit, percent, digits)];
    if (v !== l || value === limit) return [v, amount(limit, percent)];
  }
  return [amount(value, percent, 8), amount(limit, percent)];
}

const pct = (fraction: number): string => `${number(fraction * 100)}%`;

/** The worst series' labels, as PromQL writes them (`{pod="a"}`); empty for one series without labels. */
export function labelsText(labels: Labels): string {
  const pairs = Object.entries(labels).filter(([k]) => k !== "__name__");
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${v}"`).join(", ")}}`;
}

/** The value against its threshold: "0.4% (max 2%)", "138 vs 120 before (max +20%)", "1.2× production (max 1.5×)". */
export function measuredWords(m: Measured): string {
  const t = m.threshold;
  switch (t.kind) {
    case "max":
    case "min": {
      const [value, limit] = valueAndLimit(m.value, m.limit, isFraction(m.value, m.limit));
      return `${value} (${t.kind} ${limit})`;
    }
    case "maxIncrease": {
      const percent = isFraction(m.value, m.baseline, m.limit);
      const before = m.baseline === undefined ? "" : ` vs ${amount(m.baseline, percent)} before`;
      return `${amount(m.value, percent)}${before} (max +${pct(t.maxIncrease)})`;
    }
    case "maxRatio":
      return `${ratioOf(m)} ${t.compareTo} (max ${number(t.maxRatio)}×)`;
  }
}

function ratioOf(m: Measured): string {
  if (m.reference === undefined || m.reference === 0) return `${number(m.value)} vs ${number(m.reference ?? 0)} in`;
  return `${number(m.value / m.reference)}×`;
}

/** The value past its limit: "4.1% > 2%", "1.8× production > 1.5×". */
export function pastLimitWords(m: Measured): string {
  const sign = m.bound === "upper" ? ">" : "<";
  const t = m.threshold;
  if (t.kind === "maxRatio") return `${ratioOf(m)} ${t.compareTo} ${sign} ${number(t.maxRatio)}×`;
  const percent = isFraction(m.value, m.limit, m.baseline);
  const [value, limit] = valueAndLimit(m.value, m.limit, percent);
  const how =
    t.kind === "maxIncrease" && m.baseline !== undefined
      ? ` (${amount(m.baseline, percent)} before, +${pct(t.maxIncrease)})`
      : "";
  return `${value} ${sign} ${limit}${how}`;
}

export function missingWords(missing: MissingPart, compareTo?: string): string {
  switch (missing) {
    case "current":
      return "no data";
    case "baseline":
      return "no data from before the deploy to compare with";
    case "reference":
      return compareTo ? `no data from ${compareTo} to compare with` : "no data to compare with";
  }
}

const inARow = (n: number): string => (n === 1 ? "at 1 check" : `for ${n} checks in a row`);

/** Why a check counts as breaching: "error rate 4.1% > 2% for 2 checks in a row". */
export function breachWords(b: Breach): string {
  if (b.cause === "no_data") {
    const error = b.error ? ` (${b.error})` : "";
    return `${b.check}: ${missingWords(b.missing)}${error} ${inARow(b.consecutive)}`;
  }
  const where = labelsText(b.labels);
  return `${b.check} ${pastLimitWords(b)}${where ? ` at ${where}` : ""} ${inARow(b.consecutive)}`;
}
