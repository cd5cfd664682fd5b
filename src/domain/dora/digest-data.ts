/** Pure data for the weekly digest: trend, per-service breakdown, slowest changes, failed deployments, deltas. */
import type { FailureReason } from "./ledger.js";
import { deploymentsIn } from "./metrics.js";
import { type DoraInput, type PreparedDoraInput, keysFrom, ledgerOf, reportFrom, scopeOf } from "./report.js";
import { toMs, trailingWeeks, weekStart } from "./time.js";
import type { DoraKeys, DoraReport, LedgerCommit, LedgerDeployment, LedgerIncident, Window } from "./types.js";

/** One report per week for the `weeks` weeks ending with the window's last week, oldest first. */
export function weeklyTrend(
  input: DoraInput | PreparedDoraInput,
  weeks = 12,
): Array<{ week: Window; report: DoraKeys }> {
  const ledger = ledgerOf(input);
  const end = weekStart(toMs(input.window.to) - 1, input.timezone);
  return trailingWeeks(end, weeks, input.timezone).map((week) => ({
    week,
    report: keysFrom(ledger, { ...input, window: week }),
  }));
}

/**
 * One report per service, alphabetically: the scope's services, or (scope.services empty) every service with
 * a deployment in the window.
 */
export function perService(input: DoraInput | PreparedDoraInput): Array<{ service: string; report: DoraReport }> {
  const ledger = ledgerOf(input);
  const services =
    input.scope.services.length > 0
      ? input.scope.services
      : deploymentsIn(scopeOf(ledger, input)).map((x) => x.d.service);
  return [...new Set(services)].sort().map((service) => ({
    service,
    report: reportFrom(ledger, { ...input, scope: { team: input.scope.team, services: [service] } }),
  }));
}

export interface SlowChange {
  service: string;
  deploymentId: string;
  /** The deployment's SHA. */
  sha: string;
  commit: LedgerCommit;
  leadSeconds: number;
}

/** The `n` commits deployed in the window with the longest lead time (longest first; ties: earlier deployment, then sha). */
export function slowestChanges(input: DoraInput | PreparedDoraInput, n = 3): SlowChange[] {
  const deps = deploymentsIn(scopeOf(ledgerOf(input), input));
  const changes = deps.flatMap((x) =>
    x.commits.flatMap((commit): Array<SlowChange & { t: number }> => {
      const lead = (x.t - Date.parse(commit.committedAt)) / 1_000;
      return lead > 0
        ? [{ service: x.d.service, deploymentId: x.d.id, sha: x.d.sha, commit, leadSeconds: lead, t: x.t }]
        : [];
    }),
  );
  changes.sort(
    (a, b) =>
      b.leadSeconds - a.leadSeconds ||
      a.t - b.t ||
      (a.commit.sha < b.commit.sha ? -1 : a.commit.sha > b.commit.sha ? 1 : 0),
  );
  return changes.slice(0, Math.max(0, n)).map(({ t: _t, ...change }) => change);
}

export interface FailedDeployment {
  deployment: LedgerDeployment;
  reasons: FailureReason[];
  incidents: LedgerIncident[];
  /** When service was restored (ISO), possibly after the window; null if not yet. */
  restoredAt: string | null;
  recoverySeconds: number | null;
}

/** The failed deployments that finished in the window, oldest first. */
export function failedDeployments(input: DoraInput | PreparedDoraInput): FailedDeployment[] {
  const deps = deploymentsIn(scopeOf(ledgerOf(input), input));
  return deps
    .filter((x) => x.reasons.length > 0)
    .map((x) => ({
      deployment: x.d,
      reasons: [...x.reasons],
      incidents: [...x.incidents],
      restoredAt: x.restoredAt === null ? null : new Date(x.restoredAt).toISOString(),
      recoverySeconds: x.restoredAt === null ? null : (x.restoredAt - x.t) / 1_000,
    }));
}

export interface DoraChange {
  deployments: number;
  deploymentDays: number;
  medianDeployDaysPerWeek: number | null;
  leadTimeSeconds: number | null;
  changeFailureRate: number | null;
  recoverySeconds: number | null;
  reworkRate: number | null;
}

/** cur − prev for each metric; null when either side is null. */
export function change(prev: DoraKeys, cur: DoraKeys): DoraChange {
  const d = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
  return {
    deployments: cur.deployments - prev.deployments,
    deploymentDays: cur.deploymentDays - prev.deploymentDays,
    medianDeployDaysPerWeek: d(
      prev.deploymentFrequency.medianDeployDaysPerWeek,
      cur.deploymentFrequency.medianDeployDaysPerWeek,
    ),
    leadTimeSeconds: d(prev.leadTime.medianSeconds, cur.leadTime.medianSeconds),
    changeFailureRate: d(prev.changeFailureRate.value, cur.changeFailureRate.value),
    recoverySeconds: d(prev.recoveryTime.medianSeconds, cur.recoveryTime.medianSeconds),
    reworkRate: d(prev.reworkRate.value, cur.reworkRate.value),
  };
}
