import { DEFAULT_THRESHOLDS } from "./thresholds.js";
import { changeFailureRateLevel, frequencyLevel, leadTimeLevel, recoveryTimeLevel } from "./levels.js";
import { type PreparedDeployment, type PreparedLedger, prepareLedger } from "./ledger.js";
import { median } from "./median.js";
import {
  type Scope,
  deploymentDays,
  deploymentsIn,
  failedCount,
  leadSeconds,
  deployFrequency,
  ratio,
  recoverySeconds,
  reworkCounts,
} from "./metrics.js";
import { batchSizeReport, stageReport } from "./stages.js";
import { toMs } from "./time.js";
import { type PromotionPath, verificationReport } from "./verification.js";
import type { DoraKeys, DoraReport, LedgerDeployment, LedgerIncident, Thresholds, Window } from "./types.js";

export interface DoraInput {
  /** The full history of the scope (at least 12 weeks before the window, plus what linking and hotfix lookups need). */
  deployments: readonly LedgerDeployment[];
  incidents: readonly LedgerIncident[];
  window: Window;
  /** The team's IANA time zone. */
  timezone: string;
  thresholds?: Thresholds;
  /** `services` empty: every service in `deployments`; otherwise only those. */
  scope: DoraReport["scope"];
  /**
   * The measured environments with those promoting into them, for what verification caught upstream; without it,
   * the verification figures are read from `deployments` alone (and nothing is caught before production).
   */
  path?: PromotionPath;
}

export type ReportParams = Omit<DoraInput, "deployments" | "incidents">;

/** The same, with the ledger already prepared (`prepareLedger`): a digest prepares a large ledger once for every call. */
export type PreparedDoraInput = ReportParams & { ledger: PreparedLedger };

export function ledgerOf(input: DoraInput | PreparedDoraInput): PreparedLedger {
  return "ledger" in input ? input.ledger : prepareLedger(input.deployments, input.incidents);
}

export function computeDora(input: DoraInput | PreparedDoraInput): DoraReport {
  return reportFrom(ledgerOf(input), input);
}

export function scopeOf(ledger: PreparedLedger, p: ReportParams): Scope {
  const services = p.scope.services.length > 0 ? p.scope.services : null;
  return { ledger, services, from: toMs(p.window.from), to: toMs(p.window.to), tz: p.timezone };
}

/** One report from an already prepared ledger (so trends and per-service reports prepare it once). */
export function reportFrom(ledger: PreparedLedger, p: ReportParams): DoraReport {
  const s = scopeOf(ledger, p);
  const deps = deploymentsIn(s);
  const path = p.path ?? { deployments: ledger.all.map((x) => x.d), promotesTo: {} };
  return {
    ...keysFrom(ledger, p, deps),
    verification: verificationReport(path, p.window, s.services),
    stages: stageReport(deps),
    batchSize: batchSizeReport(deps),
  };
}

/** The four keys and rework alone (a trend's weeks need no more). */
export function keysFrom(
  ledger: PreparedLedger,
  p: ReportParams,
  deps: readonly PreparedDeployment[] = deploymentsIn(scopeOf(ledger, p)),
): DoraKeys {
  const t = p.thresholds ?? DEFAULT_THRESHOLDS;
  const s = scopeOf(ledger, p);
  const leads = leadSeconds(deps);
  const recoveries = recoverySeconds(s);
  const failed = failedCount(deps);
  const { medianDeployDaysPerWeek: daysPerWeek, medianDeployDaysPerMonth: daysPerMonth } = deployFrequency(s);
  const leadMedian = median(leads);
  const cfr = ratio(failed, deps.length);
  const recoveryMedian = median(recoveries);
  const reworkKinds = reworkCounts(deps);
  const rework = reworkKinds.rollbacks + reworkKinds.hotfixes + reworkKinds.forwardFixes;
  return {
    scope: { team: p.scope.team, services: [...p.scope.services] },
    window: { from: p.window.from, to: p.window.to },
    deployments: deps.length,
    deploymentDays: deploymentDays(deps, s.tz),
    deploymentFrequency: {
      medianDeployDaysPerWeek: daysPerWeek,
      medianDeployDaysPerMonth: daysPerMonth,
      level: frequencyLevel(daysPerWeek, daysPerMonth, t),
    },
    leadTime: { medianSeconds: leadMedian, commits: leads.length, level: leadTimeLevel(leadMedian, t) },
    changeFailureRate: { value: cfr, failed, level: changeFailureRateLevel(cfr, t) },
    recoveryTime: {
      medianSeconds: recoveryMedian,
      restored: recoveries.length,
      level: recoveryTimeLevel(recoveryMedian, t),
    },
    reworkRate: { value: ratio(rework, deps.length), rework, ...reworkKinds },
  };
}
