/** Interpolated median: the middle value, or with an even count the mean of the two middle values; null for none. */
export function median(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  const hi = sorted[mid] as number;
  return n % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}
