import { durationMs } from "./duration.js";
import { checkTimezone, nextFire, parseCron, previousFire, type CronSpec } from "./cron-time.js";

export { checkTimezone } from "./cron-time.js";

/** A recurring window when deploys stay out: from each `cron` time for `duration` (`freeze` in gantry.yml). */
export interface FreezeWindow {
  cron: string;
  duration: string;
  /** Default: the config's timezone. */
  timezone?: string | undefined;
  reason: string;
}

export interface ActiveFreeze {
  window: FreezeWindow;
  start: Date;
  end: Date;
  timezone: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Compiled {
  window: FreezeWindow;
  spec: CronSpec;
  timezone: string;
  ms: number;
}

/**
 * Config checks should have rejected bad crons and zones already; if one slips through we throw
 * rather than skip it, because silently ignoring a freeze would let deploys through.
 */
function compile(window: FreezeWindow, defaultTimezone: string): Compiled {
  const parsed = parseCron(window.cron);
  if (!parsed.ok) throw new Error(`freeze "${window.reason}": invalid cron "${window.cron}": ${parsed.reason}`);
  const timezone = window.timezone ?? defaultTimezone;
  const badZone = checkTimezone(timezone);
  if (badZone) throw new Error(`freeze "${window.reason}": ${badZone}`);
  return { window, spec: parsed.spec, timezone, ms: durationMs(window.duration) };
}

function freezeAt(c: Compiled, start: number): ActiveFreeze {
  return { window: c.window, start: new Date(start), end: new Date(start + c.ms), timezone: c.timezone };
}

/** The freeze in force at `now`, if any (the one that ends last when several overlap). */
export function activeFreeze(
  windows: readonly FreezeWindow[],
  now: Date,
  defaultTimezone: string,
): ActiveFreeze | undefined {
  const t = now.getTime();
  let best: ActiveFreeze | undefined;
  for (const window of windows) {
    const c = compile(window, defaultTimezone);
    // Every start of one window has the same duration, so only the latest start can still be running.
    const start = previousFire(c.spec, c.timezone, t, c.ms);
    if (start === undefined || start + c.ms <= t) continue;
    if (!best || start + c.ms > best.end.getTime()) best = freezeAt(c, start);
  }
  return best;
}

/** The next freeze to start after `now` (for telling people what's coming), if any within `horizonDays` (default 14). */
export function nextFreeze(
  windows: readonly FreezeWindow[],
  now: Date,
  defaultTimezone: string,
  horizonDays = 14,
): ActiveFreeze | undefined {
  const t = now.getTime();
  let best: ActiveFreeze | undefined;
  for (const window of windows) {
    const c = compile(window, defaultTimezone);
    const start = nextFire(c.spec, c.timezone, t, horizonDays * DAY);
    if (start === undefined) continue;
    if (!best || start < best.start.getTime()) best = freezeAt(c, start);
  }
  return best;
}

/** `2d 16h`, `2h 5m`, `45m`: the two largest units, rounded up so "ends in 0m" never shows. */
function formatSpan(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE));
  const units: [number, string][] = [
    [Math.floor(minutes / 1440), "d"],
    [Math.floor((minutes % 1440) / 60), "h"],
    [minutes % 60, "m"],
  ];
  const first = units.findIndex(([n]) => n > 0);
  return units
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(" ");
}

function formatLocal(t: Date, timezone: string, withDate: boolean): string {
  const parts: Record<string, string> = {};
  // en-US because en-GB abbreviates September as "Sept"; the parts are reassembled anyway.
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  for (const p of f.formatToParts(t)) parts[p.type] = p.value;
  const date = withDate ? ` ${parts.day} ${parts.month}` : "";
  return `${parts.weekday}${date} ${parts.hour}:${parts.minute}`;
}

/** A one-line human description for Slack: "weekend freeze: Fri 16:00 – Mon 08:00 Europe/Berlin (ends in 2h 5m)". */
export function describeFreeze(f: ActiveFreeze, now: Date): string {
  // Weekday names alone repeat after a week, so longer windows also show the date.
  const withDate = f.end.getTime() - f.start.getTime() >= 6 * DAY;
  const from = formatLocal(f.start, f.timezone, withDate);
  const to = formatLocal(f.end, f.timezone, withDate);
  const t = now.getTime();
  const when =
    t < f.start.getTime()
      ? `starts in ${formatSpan(f.start.getTime() - t)}`
      : t < f.end.getTime()
        ? `ends in ${formatSpan(f.end.getTime() - t)}`
        : "ended";
  return `${f.window.reason}: ${from} – ${to} ${f.timezone} (${when})`;
}

/** Validates a cron expression; returns a reason string when it's invalid (used by config checks). */
export function checkCron(expr: string): string | undefined {
  const parsed = parseCron(expr);
  return parsed.ok ? undefined : parsed.reason;
}
