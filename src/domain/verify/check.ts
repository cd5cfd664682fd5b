/**
 * One check at one reading. Rules, so that a message can say exactly what happened:
 * - NaN samples (0/0 where there was no traffic) are no data; ±Inf are values.
 * - Several series: the worst counts, the highest against an upper limit, the lowest against `min`; its labels are
 *   kept. For `maxIncrease` and `maxRatio` each side is first reduced to its highest value, so their queries should
 *   aggregate to one series (sum, max, histogram_quantile ... by (le)).
 * - A value exactly at the limit holds; only past it breaches.
 * - `maxIncrease`: the limit is baseline + |baseline| × maxIncrease, so a baseline of 0 allows no increase at all
 *   (use `max` for rates that are usually 0). `maxRatio`: the limit is the other environment's value × maxRatio.
 */
import { unitOf } from "./units.js";
import type { CheckSpec, CheckVerdict, LabelledValue, Measured, RangeReading, Reading, VerifyPlan } from "./types.js";

export interface CheckInput {
  current: Reading;
  /** maxIncrease: the baseline from `baselineOf`, read once when verification starts; undefined if there was none. */
  baseline?: number;
  /** maxRatio: the compared environment's reading, taken with the current one. */
  reference?: Reading;
}

type Found = { ok: true; worst: LabelledValue } | { ok: false; error?: string };

/** The worst value of a reading, NaN left out: highest for an upper limit, lowest for a lower one. */
export function worstOf(reading: Reading, bound: "upper" | "lower"): Found {
  if (reading.kind === "error") return { ok: false, error: reading.message };
  if (reading.kind === "none") return { ok: false };
  const all = reading.kind === "scalar" ? [{ labels: {}, value: reading.value }] : reading.samples;
  let worst: LabelledValue | undefined;
  for (const s of all) {
    if (Number.isNaN(s.value)) continue;
    if (!worst || (bound === "upper" ? s.value > worst.value : s.value < worst.value)) worst = s;
  }
  return worst ? { ok: true, worst } : { ok: false };
}

function verdict(spec: CheckSpec, m: Omit<Measured, "check" | "threshold">): CheckVerdict {
  const breached = m.bound === "upper" ? m.value > m.limit : m.value < m.limit;
  return { status: breached ? "breach" : "ok", check: spec.name, threshold: spec.threshold, unit: unitOf(spec), ...m };
}

function noData(spec: CheckSpec, missing: "current" | "baseline" | "reference", error?: string): CheckVerdict {
  return { status: "no_data", check: spec.name, missing, ...(error === undefined ? {} : { error }) };
}

export function evaluateCheck(spec: CheckSpec, input: CheckInput): CheckVerdict {
  const t = spec.threshold;
  const bound = t.kind === "min" ? "lower" : "upper";
  const current = worstOf(input.current, bound);
  if (!current.ok) return noData(spec, "current", current.error);
  const { value, labels } = current.worst;
  switch (t.kind) {
    case "max":
      return verdict(spec, { value, labels, bound, limit: t.max });
    case "min":
      return verdict(spec, { value, labels, bound, limit: t.min });
    case "maxIncrease": {
      const baseline = input.baseline;
      if (baseline === undefined || !Number.isFinite(baseline)) return noData(spec, "baseline");
      return verdict(spec, { value, labels, bound, baseline, limit: baseline + Math.abs(baseline) * t.maxIncrease });
    }
    case "maxRatio": {
      const other = input.reference ? worstOf(input.reference, "upper") : ({ ok: false } as Found);
      if (!other.ok) return noData(spec, "reference", other.error);
      const reference = other.worst.value;
      return verdict(spec, { value, labels, bound, reference, limit: reference * t.maxRatio });
    }
  }
}

/** The baseline of a `maxIncrease` check: each series' mean of its finite points over the window, the highest. */
export function baselineOf(range: RangeReading): number | undefined {
  if (range.kind === "none") return undefined;
  let best: number | undefined;
  for (const s of range.series) {
    const finite = s.points.map((p) => p.value).filter(Number.isFinite);
    if (finite.length === 0) continue;
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    if (best === undefined || mean > best) best = mean;
  }
  return best;
}

/** Prometheus refuses range queries of more points than this. */
const MAX_POINTS = 11_000;

/**
 * The window a `maxIncrease` baseline is read over: as long as the bake, ending when the deploy started (so none of
 * the new release's data is in it), stepped at the check interval.
 */
export function baselineWindow(
  plan: Pick<VerifyPlan, "bakeMs" | "intervalMs">,
  deployStartedAt: number,
): { start: number; end: number; stepSeconds: number } {
  const stepSeconds = Math.max(plan.intervalMs / 1000, Math.ceil(plan.bakeMs / 1000 / MAX_POINTS));
  return { start: deployStartedAt - plan.bakeMs, end: deployStartedAt, stepSeconds };
}
