/**
 * Numbers of a verification in words: a check's value against its threshold ("0.4% (max 2%)"), and why a check
 * breached ("error rate 4.1% > 2% for 2 checks in a row"). Plain strings: callers interpolate them into mrkdwn`…`,
 * which escapes them (check names and label values come from the config and the metrics source).
 */
import { formatDuration } from "../../domain/format.js";
import type { Breach } from "../../domain/verify/bake.js";
import type { Labels, Measured, MissingPart } from "../../domain/verify/types.js";
import { inARow } from "../../domain/verify/reason.js";
import { amount, measuredUnit, plainNumber, valueAndLimit } from "../../domain/verify/units.js";

/** A bake's length as the config would say it: "10m", "6m 30s", "1h 5m". */
export function duration(ms: number): string {
  return formatDuration(ms).replace(/ 0[sm]$/, "");
}

/** A plain number, three significant figures at most. */
export const number = (v: number, digits = 3): string => plainNumber(v, digits);

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
      const [value, limit] = valueAndLimit(m.value, m.limit, measuredUnit(m));
      return `${value} (${t.kind} ${limit})`;
    }
    case "maxIncrease": {
      const unit = measuredUnit(m);
      const before = m.baseline === undefined ? "" : ` vs ${amount(m.baseline, unit)} before`;
      return `${amount(m.value, unit)}${before} (max +${pct(t.maxIncrease)})`;
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
  const unit = measuredUnit(m);
  const [value, limit] = valueAndLimit(m.value, m.limit, unit);
  const how =
    t.kind === "maxIncrease" && m.baseline !== undefined
      ? ` (${amount(m.baseline, unit)} before, +${pct(t.maxIncrease)})`
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

/** Why a check counts as breaching: "error rate 4.1% > 2% for 2 checks in a row". */
export function breachWords(b: Breach): string {
  if (b.cause === "no_data") {
    const error = b.error ? ` (${b.error})` : "";
    return `${b.check}: ${missingWords(b.missing)}${error} ${inARow(b.consecutive)}`;
  }
  const where = labelsText(b.labels);
  return `${b.check} ${pastLimitWords(b)}${where ? ` at ${where}` : ""} ${inARow(b.consecutive)}`;
}
