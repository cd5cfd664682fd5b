import type { Level, Thresholds } from "./types.js";

/**
 * Elite and high from the median deployment days per week (≥); below weekly, medium from the median deployment days
 * per month (≥ 1 by default: "between once per week and once per month"), else low.
 */
export function frequencyLevel(daysPerWeek: number | null, daysPerMonth: number | null, t: Thresholds): Level | null {
  if (daysPerWeek === null) return null;
  const b = t.deploymentFrequency;
  if (daysPerWeek >= b.elite) return "elite";
  if (daysPerWeek >= b.high) return "high";
  return daysPerMonth !== null && daysPerMonth >= b.medium ? "medium" : "low";
}

/** Median lead time in seconds: elite <, high <, medium <. */
export function leadTimeLevel(seconds: number | null, t: Thresholds): Level | null {
  return below(seconds, t.leadTime);
}

/** Change failure rate (0..1): elite ≤, high ≤, medium ≤. */
export function changeFailureRateLevel(rate: number | null, t: Thresholds): Level | null {
  if (rate === null) return null;
  const b = t.changeFailureRate;
  return rate <= b.elite ? "elite" : rate <= b.high ? "high" : rate <= b.medium ? "medium" : "low";
}

/** Median recovery time in seconds: elite <, high <, medium <. */
export function recoveryTimeLevel(seconds: number | null, t: Thresholds): Level | null {
  return below(seconds, t.recoveryTime);
}

function below(v: number | null, b: { elite: number; high: number; medium: number }): Level | null {
  if (v === null) return null;
  return v < b.elite ? "elite" : v < b.high ? "high" : v < b.medium ? "medium" : "low";
}
