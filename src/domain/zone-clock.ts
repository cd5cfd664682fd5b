/** A time zone's wall clock, read through Intl (one formatter per zone, kept): what cron and DORA's days agree on. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's formatter; throws a RangeError for a zone Intl does not know. */
export function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's wall clock at instant `t`, to the second, written as if it were UTC (the `Date.UTC` of its fields). */
export function wallSeconds(tz: string, t: number): number {
  const p = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of zoneFormatter(tz).formatToParts(t)) {
    if (part.type in p) p[part.type as keyof typeof p] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}
