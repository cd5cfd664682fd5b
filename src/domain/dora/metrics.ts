/** The metrics over a prepared ledger, for one scope (services; null = all) and one window [from, to). */
import { median } from "./median.js";
import { type PreparedDeployment, type PreparedLedger, finished, restoredAt, scoped } from "./ledger.js";
import {
  distinctLocalDays,
  localDay,
  localMonth,
  monthOfDay,
  monthStartMs,
  toMs,
  trailingWeeks,
  weekStart,
} from "./time.js";

export const FREQUENCY_WEEKS = 12;
/** The calendar months (the window's last and the two before it) the "medium" band is read from, as DevLake does. */
export const FREQUENCY_MONTHS = 3;

export interface Scope {
  ledger: PreparedLedger;
  services: readonly string[] | null;
  from: number;
  to: number;
  tz: string;
}

/** Deployments with from ≤ finishedAt < to, sorted by finishedAt. */
export function deploymentsIn(s: Scope): readonly PreparedDeployment[] {
  return scoped(s.ledger, s.services, s.from, s.to, finished);
}

export function deploymentDays(deps: readonly PreparedDeployment[], tz: string): number {
  return distinctLocalDays(deps.map(finished), tz).length;
}

export interface Frequency {
  medianDeployDaysPerWeek: number | null;
  medianDeployDaysPerMonth: number | null;
}

/**
 * Median deployment days per week over the 12 weeks ending with the window's last week (the week containing the
 * instant just before `to`), and per calendar month over the 3 months ending with its last month; weeks and months
 * without deployments count as 0; nothing at or after `to` counts. Weeks cannot tell "once a month" from "never" (the
 * median of twelve weeks of a monthly team is 0): below weekly, the months decide. One pass over the local days.
 */
export function deployFrequency(s: Scope, weeks = FREQUENCY_WEEKS, months = FREQUENCY_MONTHS): Frequency {
  const windows = trailingWeeks(weekStart(s.to - 1, s.tz), weeks, s.tz);
  const first = windows[0];
  if (!first || months <= 0) return { medianDeployDaysPerWeek: null, medianDeployDaysPerMonth: null };
  const weekFrom = toMs(first.from);
  const firstMonth = localMonth(s.to - 1, s.tz) - (months - 1);
  const monthFrom = monthStartMs(firstMonth, s.tz);
  const deps = scoped(s.ledger, s.services, Math.min(weekFrom, monthFrom), s.to, finished);
  const firstMonday = localDay(weekFrom, s.tz);
  const perWeek = new Array<number>(windows.length).fill(0);
  const perMonth = new Array<number>(months).fill(0);
  for (const day of distinctLocalDays(deps.map(finished), s.tz)) {
    const w = Math.floor((day - firstMonday) / 7);
    if (w >= 0 && w < perWeek.length) perWeek[w] = (perWeek[w] ?? 0) + 1;
    const m = monthOfDay(day) - firstMonth;
    if (m >= 0 && m < months) perMonth[m] = (perMonth[m] ?? 0) + 1;
  }
  return { medianDeployDaysPerWeek: median(perWeek), medianDeployDaysPerMonth: median(perMonth) };
}

/** Seconds from each commit to the deployment it first reached production with; values ≤ 0 dropped. */
export function leadSeconds(deps: readonly PreparedDeployment[]): number[] {
  const out: number[] = [];
  for (const x of deps) {
    for (const c of x.commits) {
      const s = (x.t - Date.parse(c.committedAt)) / 1_000;
      if (s > 0) out.push(s);
    }
  }
  return out;
}

export function failedCount(deps: readonly PreparedDeployment[]): number {
  return deps.reduce((n, x) => n + (x.reasons.length > 0 ? 1 : 0), 0);
}

/** Recovery seconds of failed deployments (any time) restored within [from, to). */
export function recoverySeconds(s: Scope): number[] {
  return scoped(s.ledger.restored, s.services, s.from, s.to, restoredAt).map(
    (x) => ((x.restoredAt as number) - x.t) / 1_000,
  );
}

/** Rework deployments (each once) by kind. */
export function reworkCounts(deps: readonly PreparedDeployment[]): {
  rollbacks: number;
  hotfixes: number;
  forwardFixes: number;
} {
  const n = { rollbacks: 0, hotfixes: 0, forwardFixes: 0 };
  for (const x of deps) {
    if (x.rework === "rollback") n.rollbacks++;
    else if (x.rework === "hotfix") n.hotfixes++;
    else if (x.rework === "forward_fix") n.forwardFixes++;
  }
  return n;
}

export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
