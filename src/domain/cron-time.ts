/**
 * A small 5-field cron engine with IANA zones. Hand-written because cron-parser 5 disagrees with
 * itself around DST (`prev()` skips a spring-forward fire that `next()` keeps, and fires twice in a
 * fall-back overlap where `next()` fires once); freeze lookups need both directions to agree.
 * DST rules, as in vixie cron / cronie: a wall time inside a spring-forward gap fires at the first
 * instant after the gap; a wall time that occurs twice fires once, at the earlier instant.
 */
import { wallSeconds, zoneFormatter } from "./zone-clock.js";

export interface CronSpec {
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** Vixie semantics: when both day fields are restricted (neither starts with `*`), either may match. */
  dayOr: boolean;
}

export type CronParse = { ok: true; spec: CronSpec } | { ok: false; reason: string };

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  nameBase?: number;
}
const FIELDS: readonly FieldDef[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: "day-of-week", min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function parseValue(text: string, def: FieldDef): number | string {
  const named = def.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (def.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return `${def.name}: "${text}" is not a number${def.names ? " or name" : ""}`;
  const n = Number(text);
  return n < def.min || n > def.max ? `${def.name}: ${n} is out of range ${def.min}-${def.max}` : n;
}

function parseField(text: string, def: FieldDef): number[] | string {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const m = /^([^/-]+)(?:-([^/-]+))?(?:\/(\d+))?$/.exec(item);
    if (!m) return `${def.name}: cannot read "${item}"`;
    const [, from = "", to, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return `${def.name}: step must be at least 1`;
    let [lo, hi] = [def.min, def.max];
    if (from === "*" && to !== undefined) return `${def.name}: "*" cannot start a range`;
    if (from !== "*") {
      const a = parseValue(from, def);
      if (typeof a === "string") return a;
      // `5/15` means 5-max/15; a bare `5` means just 5.
      [lo, hi] = [a, to === undefined && stepText === undefined ? a : hi];
    }
    if (to !== undefined) {
      const b = parseValue(to, def);
      if (typeof b === "string") return b;
      hi = b;
    }
    if (lo > hi) return `${def.name}: range ${from}-${to ?? ""} runs backwards`;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((x, y) => x - y);
}

export function parseCron(expr: string): CronParse {
  const trimmed = expr.trim();
  const source = trimmed.startsWith("@") ? MACROS[trimmed.toLowerCase()] : trimmed;
  if (source === undefined) return { ok: false, reason: `unknown macro ${trimmed}` };
  const texts = source.split(/\s+/).filter(Boolean);
  if (texts.length !== 5) {
    return { ok: false, reason: `expected 5 fields (minute hour day-of-month month day-of-week), got ${texts.length}` };
  }
  const fields: number[][] = [];
  for (const [i, def] of FIELDS.entries()) {
    const parsed = parseField(texts[i] ?? "", def);
    if (typeof parsed === "string") return { ok: false, reason: parsed };
    fields.push(parsed);
  }
  const [minutes = [], hours = [], doms = [], months = [], dows = []] = fields;
  const dayOr = !texts[2]?.startsWith("*") && !texts[4]?.startsWith("*");
  // Only when the day-of-month alone decides can a date never exist, e.g. `0 0 30 2 *`.
  if (!dayOr && !months.some((mo) => doms.some((d) => d <= (MONTH_DAYS[mo - 1] ?? 0)))) {
    return { ok: false, reason: "never fires: no chosen month has the chosen day-of-month" };
  }
  const daysOfWeek = new Set(dows.map((d) => d % 7));
  return { ok: true, spec: { minutes, hours, daysOfMonth: new Set(doms), months: new Set(months), daysOfWeek, dayOr } };
}

export function checkTimezone(tz: string): string | undefined {
  try {
    zoneFormatter(tz);
    return undefined;
  } catch {
    return `unknown time zone "${tz}" (expected an IANA name such as Europe/Berlin)`;
  }
}

/** The zone's wall clock at `t`, as if it were UTC: the `Date.UTC` of its local fields. */
function wallAt(tz: string, t: number): number {
  return wallSeconds(tz, t) + (((t % 1000) + 1000) % 1000);
}

/** The instant a wall time names, under the DST rules in the header comment. */
export function wallToInstant(tz: string, wall: number): number {
  // Assumes at most one offset change within a day either side, which holds for real zones.
  const offsets = new Set([wallAt(tz, wall - DAY) - (wall - DAY), wallAt(tz, wall + DAY) - (wall + DAY)]);
  const valid = [...offsets].map((o) => wall - o).filter((t) => wallAt(tz, t) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: binary-search the transition between the two readings of the wall time.
  let [lo, hi] = [...offsets].map((o) => wall - o).sort((a, b) => a - b) as [number, number];
  const before = wallAt(tz, lo) - lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    [lo, hi] = wallAt(tz, mid) - mid === before ? [mid, hi] : [lo, mid];
  }
  return hi;
}

function dayMatches(spec: CronSpec, day: Date): boolean {
  if (!spec.months.has(day.getUTCMonth() + 1)) return false;
  const dom = spec.daysOfMonth.has(day.getUTCDate());
  const dow = spec.daysOfWeek.has(day.getUTCDay());
  return spec.dayOr ? dom || dow : dom && dow;
}

/** Fire times on one local calendar day (midnight wall time `day`), in order. */
function* firesOn(spec: CronSpec, tz: string, day: number, descending: boolean, skip: (wall: number) => boolean) {
  if (!dayMatches(spec, new Date(day))) return;
  const hours = descending ? [...spec.hours].reverse() : spec.hours;
  const minutes = descending ? [...spec.minutes].reverse() : spec.minutes;
  for (const h of hours) {
    for (const m of minutes) {
      const wall = day + h * HOUR + m * MINUTE;
      if (!skip(wall)) yield wallToInstant(tz, wall);
    }
  }
}

const startOfDay = (wall: number) => wall - (((wall % DAY) + DAY) % DAY);

/**
 * Offsets within two days of `t` bound the instant of any wall time near `t`, so fire times on the
 * wrong side of `t` skip the costly conversion (an every-minute cron would do hundreds per call).
 */
function nearOffsets(tz: string, t: number): { min: number; max: number } {
  const offsets = [t - 2 * DAY, t, t + 2 * DAY].map((x) => wallAt(tz, x) - x);
  return { min: Math.min(...offsets), max: Math.max(...offsets) };
}

/** The latest fire time at or before `now`, looking back about `lookbackMs`. */
export function previousFire(spec: CronSpec, tz: string, now: number, lookbackMs: number): number | undefined {
  const last = startOfDay(wallAt(tz, now)) + DAY;
  const first = startOfDay(wallAt(tz, now - lookbackMs)) - DAY;
  const { max } = nearOffsets(tz, now);
  for (let day = last; day >= first; day -= DAY) {
    // Wall-to-instant is monotonic, so the first hit walking backwards is the latest.
    for (const t of firesOn(spec, tz, day, true, (wall) => wall - max > now)) if (t <= now) return t;
  }
  return undefined;
}

/** The earliest fire time after `now`, up to `now + horizonMs`. */
export function nextFire(spec: CronSpec, tz: string, now: number, horizonMs: number): number | undefined {
  const first = startOfDay(wallAt(tz, now)) - DAY;
  const last = startOfDay(wallAt(tz, now + horizonMs)) + DAY;
  const { min } = nearOffsets(tz, now);
  for (let day = first; day <= last; day += DAY) {
    for (const t of firesOn(spec, tz, day, false, (wall) => wall - min <= now)) {
      if (t > now) return t <= now + horizonMs ? t : undefined;
    }
  }
  return undefined;
}
