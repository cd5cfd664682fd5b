/**
 * The ledger DORA is computed from: what Gantry itself recorded (deploys, rollbacks, their commits) and the
 * incidents synced from Jira. Plain data; every function over it is pure.
 */
export interface LedgerCommit {
  sha: string;
  /** Committer date, ISO 8601. */
  committedAt: string;
  author: string;
  message: string;
  /** The pull request that brought it in; null: it has none; absent: not looked up yet. */
  pull?: LedgerPull | null;
}

/** A merged pull request, as GitHub lists it for a commit. ISO 8601 times. */
export interface LedgerPull {
  number: number;
  /** Its first commit's author date: when coding started. */
  firstCommitAt: string | null;
  openedAt: string;
  mergedAt: string | null;
}

export interface LedgerDeployment {
  /** Gantry's deploy id (`"42"`) or, for imported/external deployments, `"gh:<github deployment id>"`. */
  id: string;
  service: string;
  environment: string;
  sha: string;
  ref: string;
  kind: "deploy" | "promote" | "rollback" | "external";
  /** When it succeeded: the deployment time. ISO 8601. */
  finishedAt: string;
  /** Marked rolled_back by a later rollback. */
  rolledBack: boolean;
  /** Deployed with `--hotfix`: it fixes the deployment before it. */
  hotfix: boolean;
  /** The change ticket key, if any (incidents may link to it). */
  changeTicket: string | null;
  /** Commits since the previous succeeded production deployment of the service (head only for the first). */
  commits: LedgerCommit[];
  /** When it was asked for (Gantry's request, or the GitHub deployment's creation). */
  requestedAt?: string | null;
  /** When its last approval came (the request time when it needed none); null when unknown (outside Gantry). */
  approvedAt?: string | null;
  /** When the CI was started; null when unknown. */
  dispatchedAt?: string | null;
  /**
   * It reached the environment and then failed its verification on live metrics (or a person rolled it back while it
   * was verifying): a failed deployment, counted when it failed (finishedAt).
   */
  failedVerification?: boolean;
  /** Failed verifications only: when the bake started and when the breach was detected (ISO 8601). */
  verification?: LedgerVerification | null;
  /** Rollbacks: the deployment it replaced (Gantry's id), whose failure it restored. */
  replacesId?: string | null;
  /** Started by Gantry itself (an automatic rollback), not by a person. */
  automatic?: boolean;
}

/** What DORA reads of a failed verification. */
export interface LedgerVerification {
  /** When the CI run succeeded and the bake began: the deploy reached the environment. */
  startedAt: string;
  /** `failed`: a check breached `failAfter` times in a row; `rolled_back`: a person clicked Roll back now. */
  outcome: "failed" | "rolled_back";
  /** When the breach was detected, or the person rolled it back. */
  at: string;
}

export interface LedgerIncident {
  key: string;
  service: string;
  createdAt: string;
  resolvedAt: string | null;
  status: string;
  /** Explicit references found in the incident: Gantry deploy ids, SHAs (or prefixes ≥ 7), linked issue keys. */
  refs: { deployIds: string[]; shas: string[]; issueKeys: string[] };
}

export type Level = "elite" | "high" | "medium" | "low";

/** Level thresholds (DORA 2023 as Apache DevLake codes it by default); all overridable in config. */
export interface Thresholds {
  /** Deployment days: elite ≥ and high ≥ per week (median of 12 weeks); medium ≥ per month (median of 3 months). */
  deploymentFrequency: { elite: number; high: number; medium: number };
  /** Median lead time in seconds: elite <, high <, medium <. */
  leadTime: { elite: number; high: number; medium: number };
  /** Change failure rate (0..1): elite ≤, high ≤, medium ≤. */
  changeFailureRate: { elite: number; high: number; medium: number };
  /** Median recovery time in seconds: elite <, high <, medium <. */
  recoveryTime: { elite: number; high: number; medium: number };
}

export interface Window {
  /** Inclusive start, ISO 8601 (a Monday 00:00 in the team's time zone for weekly windows). */
  from: string;
  /** Exclusive end, ISO 8601. */
  to: string;
}

/** The four keys and rework: what a trend's weeks carry. */
export interface DoraKeys {
  scope: { team: string | null; services: string[] };
  window: Window;
  deployments: number;
  deploymentDays: number;
  deploymentFrequency: {
    medianDeployDaysPerWeek: number | null;
    medianDeployDaysPerMonth: number | null;
    level: Level | null;
  };
  leadTime: { medianSeconds: number | null; commits: number; level: Level | null };
  changeFailureRate: { value: number | null; failed: number; level: Level | null };
  recoveryTime: { medianSeconds: number | null; restored: number; level: Level | null };
  reworkRate: {
    value: number | null;
    /** Deployments that were unplanned fixes of production, by kind (each deployment once). */
    rework: number;
    rollbacks: number;
    hotfixes: number;
    forwardFixes: number;
  };
}

/** The JSON `gantry dora --json` prints; unknown values are null. */
/**
 * What verification on live metrics caught in the window, over the measured environment and those that promote into
 * it (a canary, staging): failed verifications, Gantry's automatic rollbacks, how soon a bad deploy was detected, and
 * bad changes stopped before the measured environment.
 */
export interface VerificationReport {
  failedVerifications: number;
  automaticRollbacks: number;
  /** Median seconds from the bake's start (the deploy reaching the environment) to the breach's detection. */
  detection: { medianSeconds: number | null; detected: number };
  /** Failed verifications upstream (a canary) whose commit never succeeded in the environment it promotes into. */
  caughtBeforeProduction: number;
}

export interface DoraReport extends DoraKeys {
  verification: VerificationReport;
  /** Where the lead time goes, per change in production. */
  stages: StageReport;
  /** Commits per deployment, and whether large deployments fail more often. */
  batchSize: BatchSizeReport;
}

export const STAGES = ["coding", "review", "waiting", "approval", "deploy", "verification"] as const;
export type StageName = (typeof STAGES)[number];

export interface StageFigures {
  medianSeconds: number | null;
  p90Seconds: number | null;
  /** The changes this stage is known for. */
  changes: number;
  /** Median of the stage's share of each change's lead time (0..1). */
  medianShare: number | null;
}

export type StageReport = Record<StageName, StageFigures> & {
  /** The stage with the largest median share; null without changes. */
  bottleneck: StageName | null;
  /** Changes without a pull request: no coding or review stage. */
  withoutPullRequest: number;
};

export interface BatchGroup {
  deployments: number;
  failed: number;
  changeFailureRate: number | null;
}

export interface BatchSizeReport {
  medianCommits: number | null;
  p90Commits: number | null;
  /** Large: more commits than the window's median; small: the median or fewer. */
  large: BatchGroup;
  small: BatchGroup;
}
