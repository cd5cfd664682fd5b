import type { TracePoint } from "../../domain/verify/record.js";

const BARS = "▁▂▃▄▅▆▇█";
/** A reading without data: a gap in the line. */
export const GAP = "·";
/** A Slack line stays readable at this many readings; older ones scroll off the left. */
export const SPARK_POINTS = 40;

/** The latest readings as bars scaled between their lowest and highest value; null readings as gaps. */
export function sparkline(points: readonly Pick<TracePoint, "value">[], width = SPARK_POINTS): string {
  const shown = points.slice(-width).map((p) => (p.value !== null && Number.isFinite(p.value) ? p.value : null));
  const values = shown.filter((v): v is number => v !== null);
  if (values.length === 0) return GAP.repeat(shown.length);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return shown
    .map((v) => {
      if (v === null) return GAP;
      if (hi === lo) return BARS[3];
      return BARS[Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))];
    })
    .join("");
}
