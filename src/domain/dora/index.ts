export type {
  DoraReport,
  Level,
  VerificationReport,
  LedgerCommit,
  LedgerDeployment,
  LedgerIncident,
  Thresholds,
  Window,
} from "./types.js";
export { DEFINITIONS, METRIC_DEFINITIONS } from "./definitions.js";
export {
  type DoraChange,
  type FailedDeployment,
  type SlowChange,
  change,
  failedDeployments,
  perService,
  slowestChanges,
  weeklyTrend,
} from "./digest-data.js";
export { type FailureReason, type PreparedLedger, prepareLedger } from "./ledger.js";
export { changeFailureRateLevel, frequencyLevel, leadTimeLevel, recoveryTimeLevel } from "./levels.js";
export { type IncidentLink, linkIncidents } from "./linking.js";
export { median } from "./median.js";
export { type DoraInput, type PreparedDoraInput, computeDora } from "./report.js";
export { sparkline } from "./sparkline.js";
export { DEFAULT_THRESHOLDS } from "./thresholds.js";
export { trailingWeeks, weekStart, weekWindow } from "./time.js";
export { type PromotionPath, verificationReport } from "./verification.js";
