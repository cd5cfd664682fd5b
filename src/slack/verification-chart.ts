/**
 * The chart that ends a verification: one panel per check, its readings over the bake, and its limit as a dashed
 * line. Drawn by the digest's chart code (small multiples, PNG through resvg).
 */
import { renderTrendChart, type TrendChartInput, type TrendSeries } from "../digest/chart.js";
import type { Deployment } from "../domain/deployment.js";
import type { CheckTrace } from "../domain/verify/record.js";
import type { Threshold } from "../domain/verify/types.js";
import { amount, duration, isFraction, number } from "./messages/verification-words.js";

const OUTCOME = {
  baking: "still verifying",
  verified: "verified",
  failed: "failed",
  inconclusive: "inconclusive",
  accepted: "accepted by a person",
  rolled_back: "rolled back by a person",
} as const;

function limitLabel(t: Threshold, limit: number, percent: boolean): string {
  switch (t.kind) {
    case "max":
      return `max ${amount(limit, percent)}`;
    case "min":
      return `min ${amount(limit, percent)}`;
    case "maxIncrease":
      return `max +${number(t.maxIncrease * 100)}% (${amount(limit, percent)})`;
    case "maxRatio":
      return `${number(t.maxRatio)}× ${t.compareTo} (${amount(limit, percent)})`;
  }
}

function seriesOf(c: CheckTrace): TrendSeries {
  const last = c.last && c.last.status !== "no_data" ? c.last : undefined;
  const values = c.points.map((p) => (p.value !== null && Number.isFinite(p.value) ? p.value : null));
  const percent = isFraction(...values.filter((v): v is number => v !== null), last?.limit);
  const scale = (v: number | null): number | null => (v === null ? null : percent ? v * 100 : v);
  return {
    label: c.name,
    unit: percent ? "%" : "",
    values: values.map(scale),
    ...(last ? { limit: { value: scale(last.limit)!, label: limitLabel(last.threshold, last.limit, percent) } } : {}),
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
