/**
 * Calendar arithmetic in an IANA time zone via Intl.DateTimeFormat. A local calendar day is an "epoch day"
 * (days since 1970-01-01 as a date, not an instant); its start is the first instant whose local date is that
 * day (usually 00:00; after a gap when midnight does not exist). Weeks start Monday 00:00 local, so a week
 * across a DST change is 167 or 169 real hours.
 */
import { wallSeconds } from "../zone-clock.js";
import type { Window } from "./types.js";

const SECOND = 1_000;
const HOUR = 3_600_000;
export const DAY_MS = 86_400_000;

const dayStarts = new Map<string, number>();

/** The local wall-clock time of an instant (to the second), written as if it were UTC. */
function wallMs(ms: number, tz: string): number {
  return wallSeconds(tz, ms);
}

export function toMs(instant: Date | string | number): number {
  return instant instanceof Date ? instant.getTime() : typeof instant === "string" ? Date.parse(instant) : instant;
}

/** The local calendar day (epoch day) of an instant. */
export function localDay(ms: number, tz: string): number {
  return Math.floor(wallMs(ms, tz) / DAY_MS);
}

/** 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday). */
export function mondayIndex(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}

function isDayStart(ms: number, epochDay: number, tz: string): boolean {
  return localDay(ms, tz) >= epochDay && localDay(ms - SECOND, tz) < epochDay;
}

/** The first instant (ms) of a local calendar day. */
export function dayStartMs(epochDay: number, tz: string): number {
  const key = `${tz}\u0000${epochDay}`;
  const cached = dayStarts.get(key);
  if (cached !== undefined) return cached;
  const wall = epochDay * DAY_MS;
  const offset = (ms: number): number => wallMs(ms, tz) - Math.floor(ms / SECOND) * SECOND;
  let t = wall - offset(wall);
  t = wall - offset(t);
  if (!isDayStart(t, epochDay, tz)) {
    // Midnight falls in a DST gap (or an odd zone): search the first second of the day; offsets lie in ±14h.
    let lo = (wall - 26 * HOUR) / SECOND;
    let hi = (wall + 26 * HOUR) / SECOND;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDay(mid * SECOND, tz) >= epochDay) hi = mid;
      else lo = mid;
    }
    t = hi * SECOND;
  }
  dayStarts.set(key, t);
  return t;
}

/** The epoch day of the Monday of the local week containing an instant. */
function mondayOf(ms: number, tz: string): number {
  const day = localDay(ms, tz);
  return day - mondayIndex(day);
}

function weekOf(monday: number, tz: string): Window {
  return {
    from: new Date(dayStartMs(monday, tz)).toISOString(),
    to: new Date(dayStartMs(monday + 7, tz)).toISOString(),
  };
}

/** Monday 00:00 local time at or before the instant, as a UTC instant. */
export function weekStart(instant: Date | string | number, tz: string): Date {
  return new Date(dayStartMs(mondayOf(toMs(instant), tz), tz));
}

/** The local week containing the instant, or the one `weeksBack` weeks before it. */
export function weekWindow(instant: Date | string | number, tz: string, weeksBack = 0): Window {
  return weekOf(mondayOf(toMs(instant), tz) - 7 * weeksBack, tz);
}

/** `n` consecutive weeks, oldest first, the last being the week that starts at (or contains) `endWeekStart`. */
export function trailingWeeks(endWeekStart: Date | string | number, n: number, tz: string): Window[] {
  const last = mondayOf(toMs(endWeekStart), tz);
  return Array.from({ length: Math.max(0, n) }, (_, i) => weekOf(last - 7 * (n - 1 - i), tz));
}

/** The distinct local days (ascending epoch days) on which sorted instants fall; one lookup per day, not per instant. */
export function distinctLocalDays(sortedMs: readonly number[], tz: string): number[] {
  const days: number[] = [];
  let dayEnd = -Infinity;
  for (const t of sortedMs) {
    if (t < dayEnd) continue;
    const day = localDay(t, tz);
    if (days.length === 0 || day > (days[days.length - 1] as number)) days.push(day);
    dayEnd = dayStartMs(day + 1, tz);
  }
  return days;
}

/** The local calendar month of an instant, as months since January 1970. */
export function localMonth(ms: number, tz: string): number {
  const d = new Date(localDay(ms, tz) * DAY_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() - 1970 * 12;
}

/** The month (months since January 1970) of an epoch day. */
export function monthOfDay(epochDay: number): number {
  const d = new Date(epochDay * DAY_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() - 1970 * 12;
}

/** The first instant of a local calendar month (months since January 1970). */
export function monthStartMs(month: number, tz: string): number {
  return dayStartMs(Date.UTC(1970, month, 1) / DAY_MS, tz);
}
