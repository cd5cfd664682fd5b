/**
 * How Prometheus writes and reads the values of its HTTP API: sample values as Go's shortest decimal (never an
 * exponent), `NaN` and `±Inf` spelled its way, timestamps as Unix seconds with millisecond precision, and the time
 * and duration parameters with Prometheus's own error words.
 */

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`, which Prometheus uses for every sample value. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Object.is(value, -0)) return "-0";
  return expandExponent(String(value));
}

/** JavaScript's shortest round-trip digits, with the exponent written out as plain digits. */
function expandExponent(text: string): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = "", head = "", tail = "", exp = "0"] = match;
  const digits = head + tail;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Output timestamps: Unix seconds, millisecond precision. */
export function formatTimestamp(ms: number): number {
  return ms / 1000;
}

export type Parsed = { ok: true; ms: number } | { ok: false; error: string };

const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Prometheus's parseTime: Unix seconds (fractions rounded to the millisecond) or RFC 3339. */
export function parseTime(text: string): Parsed {
  if (FLOAT.test(text)) {
    const seconds = Number(text);
    const whole = Math.trunc(seconds);
    return { ok: true, ms: whole * 1000 + Math.round((seconds - whole) * 1000) };
  }
  if (RFC3339.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return { ok: true, ms };
  }
  return { ok: false, error: `cannot parse ${JSON.stringify(text)} to a valid timestamp` };
}

const UNITS: Array<[string, number]> = [
  ["y", 365 * 86_400_000],
  ["w", 7 * 86_400_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Prometheus's parseDuration: float seconds, or a duration such as `1h30m` (units y, w, d, h, m, s, ms). */
export function parseDuration(text: string): Parsed {
  if (FLOAT.test(text)) return { ok: true, ms: Number(text) * 1000 };
  const match = text ? DURATION.exec(text) : null;
  if (!match) return { ok: false, error: `cannot parse ${JSON.stringify(text)} to a valid duration` };
  const ms = UNITS.reduce((sum, [, unit], i) => sum + Number(match[i + 1] ?? 0) * unit, 0);
  return { ok: true, ms };
}
