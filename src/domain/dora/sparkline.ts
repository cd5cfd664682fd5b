const BARS = "▁▂▃▄▅▆▇█";

/** One bar per value, scaled from the smallest to the largest value; null (or non-finite) is a space; all equal: ▁. */
export function sparkline(values: readonly (number | null)[]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return " ";
      const level = span === 0 ? 0 : Math.round(((v - lo) / span) * (BARS.length - 1));
      return BARS[level] as string;
    })
    .join("");
}
