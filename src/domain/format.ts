/** `1h 2m`, `3m 4s`, `12s`: short enough for a Slack context line. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : "…";
}

/** How long ago `fromIso` was, seen at `toIso`. */
export function formatSince(fromIso: string, toIso: string): string {
  return formatDuration(Date.parse(toIso) - Date.parse(fromIso));
}

/** `2026-11-16`: the calendar date of an instant in a time zone (ISO strings are UTC and may show the day before). */
export function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(iso),
  );
}
