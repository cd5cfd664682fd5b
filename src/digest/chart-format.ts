/** Numbers on the trend chart: round axis ticks and compact values. */
/** Round ticks from `min` (≤ 0 for non-negative data) up to at or above `max`: 3–5 intervals, the tightest fit. */
export function niceTicks(min: number, max: number): { values: number[]; step: number } {
  const lo0 = min;
  const hi0 = max === min ? (min === 0 ? 1 : min + Math.abs(min)) : max;
  const mag = 10 ** Math.floor(Math.log10((hi0 - lo0) / 4));
  let best: { lo: number; hi: number; step: number } | undefined;
  for (const m of [mag / 10, mag, mag * 10]) {
    for (const f of [1, 2, 2.5, 5]) {
      const step = Number((f * m).toPrecision(12));
      const lo = Math.floor(lo0 / step + 1e-9) * step;
      const hi = Math.ceil(hi0 / step - 1e-9) * step;
      const intervals = Math.round((hi - lo) / step);
      if (intervals < 3 || intervals > 5) continue;
      if (best === undefined || hi - lo < best.hi - best.lo - 1e-9) best = { lo, hi, step };
    }
  }
  const { lo, hi, step } = best ?? { lo: lo0, hi: hi0, step: (hi0 - lo0) / 4 };
  const values: number[] = [];
  for (let k = 0; lo + k * step <= hi + step / 2; k++) {
    const v = lo + k * step;
    values.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return { values, step };
}

export function formatTick(v: number, step: number): string {
  if (Math.abs(v) >= 1000 && step >= 100) return `${trimZeros((v / 1000).toFixed(step >= 1000 ? 0 : 1))}k`;
  const decimals = Math.max(
    0,
    Math.min(4, Math.ceil(-Math.log10(step) - 1e-9) + (step % 1 !== 0 && (step * 10) % 1 !== 0 ? 1 : 0)),
  );
  return trimZeros(v.toFixed(decimals));
}

/** Compact human number: 1234 → "1.2k", 123.4 → "123", 12.34 → "12.3", 1.25 → "1.3", 0.123 → "0.12". */
export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return `${Math.round(v / 1000)}k`;
  if (a >= 1000) return `${trimZeros((v / 1000).toFixed(1))}k`;
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return trimZeros(v.toFixed(1));
  if (a === 0) return "0";
  return trimZeros(v.toFixed(2));
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

export function withUnit(value: string, unit: string): string {
  if (unit === "") return value;
  return unit.startsWith("%") ? `${value}${unit}` : `${value} ${unit}`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
