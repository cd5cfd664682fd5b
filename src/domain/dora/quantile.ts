/** Interpolated quantile (linear between closest ranks, as the median is): q in [0, 1]; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  return values.length === 0 ? null : quantileOfSorted(Float64Array.from(values).sort(), q);
}

/** The same over values sorted already (one sort for a median and a p90). */
export function quantileOfSorted(sorted: Float64Array, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const low = sorted[lo] as number;
  const high = sorted[Math.min(n - 1, lo + 1)] as number;
  // Rounded to a billionth: (n − 1) × q is inexact in binary (5.4 − 5 ≠ 0.4), and figures are shown and compared.
  return Math.round((low + (high - low) * (pos - lo)) * 1e9) / 1e9;
}
