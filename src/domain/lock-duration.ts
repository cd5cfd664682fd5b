import { durationMs } from "./duration.js";

/** The shortest lock worth taking: anything shorter ends before anyone notices it. */
export const MIN_LOCK = "1m";

export type LockDurationCheck =
  { ok: true; ms: number } | { ok: false; why: "too_long" | "too_short"; duration: string; max: string };

/**
 * Whether a lock may last `duration` (`30m`, `2h`, `1d`) under the configured maximum. Checked before any date is
 * computed, so no number of days, however large, reaches the clock.
 */
export function checkLockDuration(duration: string, max: string): LockDurationCheck {
  const ms = durationMs(duration);
  if (!(ms <= durationMs(max))) return { ok: false, why: "too_long", duration, max };
  if (ms < durationMs(MIN_LOCK)) return { ok: false, why: "too_short", duration, max };
  return { ok: true, ms };
}
