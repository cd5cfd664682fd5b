/**
 * The chart that ends a verification: one panel per check, its readings over the bake, and its limit as a dashed
 * line. Drawn by the digest's chart code (small multiples, PNG through resvg).
 */
import { renderTrendChart, type TrendChartInput, type TrendSeries } from "../digest/chart.js";
import type { Deployment } from "../domain/deployment.js";
import type { CheckTrace } from "../domain/verify/record.js";
import type { CheckUnit, Threshold } from "../domain/verify/types.js";
import { amount, measuredUnit } from "../domain/verify/units.js";
import { duration, number } from "./messages/verification-words.js";

const OUTCOME = {
  baking: "still verifying",
  verified: "verified",
  failed: "failed",
  inconclusive: "inconclusive",
  accepted: "accepted by a person",
  rolled_back: "rolled back by a person",
} as const;

function limitLabel(t: Threshold, limit: number, unit: CheckUnit): string {
  switch (t.kind) {
    case "max":
      return `max ${amount(limit, unit)}`;
    case "min":
      return `min ${amount(limit, unit)}`;
    case "maxIncrease":
      return `max +${number(t.maxIncrease * 100)}% (${amount(limit, unit)})`;
    case "maxRatio":
      return `${number(t.maxRatio)}× ${t.compareTo} (${amount(limit, unit)})`;
  }
}

/** How a unit's values are plotted: the factor and the axis's unit (seconds as milliseconds). */
const SCALE: Record<CheckUnit, [number, string]> = { percent: [100, "%"], seconds: [1000, "ms"], number: [1, ""] };

function seriesOf(c: CheckTrace): TrendSeries {
  const last = c.last && c.last.status !== "no_data" ? c.last : undefined;
  const values = c.points.map((p) => (p.value !== null && Number.isFinite(p.value) ? p.value : null));
  const unit = last ? measuredUnit(last) : "number";
  const [factor, suffix] = SCALE[unit];
  const scale = (v: number | null): number | null => (v === null ? null : v * factor);
  return {
    label: c.name,
    unit: suffix,
    values: values.map(scale),
    ...(last ? { limit: { value: scale(last.limit)!, label: limitLabel(last.threshold, last.limit, unit) } } : {}),
  };
}

/** The chart's input: x labels are the time since the bake began. */
export function verificationChartInput(d: Deployment): TrendChartInput | undefined {
  const v = d.verification;
  if (!v || v.checks.length === 0) return undefined;
  const start = Date.parse(v.startedAt);
  const longest = v.checks.reduce((a, c) => (c.points.length > a.points.length ? c : a), v.checks[0]!);
  return {
    title: `${d.service} → ${d.environment} #${d.id} · verification`,
    subtitle: `${longest.points.length} readings over ${duration(v.bake.observedMs)} of bake · ${OUTCOME[v.outcome?.kind ?? "baking"]}`,
    weeks: longest.points.map((p) => `+${duration(Date.parse(p.at) - start)}`),
    series: v.checks.map(seriesOf),
  };
}

/** The PNG, or undefined when there is nothing to draw. */
export function renderVerificationChart(d: Deployment): Buffer | undefined {
  const input = verificationChartInput(d);
  return input ? renderTrendChart(input) : undefined;
}
