/**
 * Where the lead time goes: each change in production (a commit, at the deployment it first reached production with)
 * split into stages, and the size of each deployment. Pure.
 */
import type { PreparedDeployment } from "./ledger.js";
import { median } from "./median.js";
import { quantile } from "./quantile.js";
import { ratio } from "./metrics.js";
import {
  STAGES,
  type BatchGroup,
  type BatchSizeReport,
  type LedgerCommit,
  type StageFigures,
  type StageName,
  type StageReport,
} from "./types.js";

type Durations = Partial<Record<StageName, number>>;

const seconds = (from: string | null | undefined, to: string | null | undefined): number | undefined => {
  if (!from || !to) return undefined;
  const s = (Date.parse(to) - Date.parse(from)) / 1_000;
  // Clocks disagree a little (a commit dated after its merge): a stage is never negative.
  return Number.isFinite(s) ? Math.max(0, s) : undefined;
};

/** One change's stages; a stage is absent when its ends are not known (no pull request, a deploy made outside). */
export function changeStages(x: PreparedDeployment, c: LedgerCommit): Durations {
  const d = x.d;
  const finished = d.finishedAt;
  const pull = c.pull ?? null;
  const out: Durations = {};
  const set = (stage: StageName, value: number | undefined): void => {
    if (value !== undefined) out[stage] = value;
  };
  if (pull) {
    set("coding", seconds(pull.firstCommitAt, pull.openedAt));
    set("review", seconds(pull.openedAt, pull.mergedAt));
  }
  const requested = d.requestedAt ?? null;
  set("waiting", seconds(pull?.mergedAt ?? c.committedAt, requested));
  set("approval", seconds(requested, d.approvedAt));
  set("deploy", seconds(d.dispatchedAt ?? d.approvedAt ?? requested, finished));
  return out;
}

function figures(values: readonly number[], shares: readonly number[]): StageFigures {
  return {
    medianSeconds: median(values),
    p90Seconds: quantile(values, 0.9),
    changes: values.length,
    medianShare: median(shares),
  };
}

export function stageReport(deps: readonly PreparedDeployment[]): StageReport {
  const values = new Map<StageName, number[]>(STAGES.map((s) => [s, []]));
  const shares = new Map<StageName, number[]>(STAGES.map((s) => [s, []]));
  let withoutPullRequest = 0;
  for (const x of deps) {
    for (const c of x.commits) {
      if (c.pull === null) withoutPullRequest++;
      const stages = changeStages(x, c);
      const total = Object.values(stages).reduce((a, b) => a + b, 0);
      for (const [stage, s] of Object.entries(stages) as [StageName, number][]) {
        values.get(stage)!.push(s);
        if (total > 0) shares.get(stage)!.push(s / total);
      }
    }
  }
  const byStage = Object.fromEntries(STAGES.map((s) => [s, figures(values.get(s)!, shares.get(s)!)])) as Record<
    StageName,
    StageFigures
  >;
  let bottleneck: StageName | null = null;
  for (const s of STAGES) {
    const share = byStage[s].medianShare;
    if (share !== null && share > 0 && (bottleneck === null || share > byStage[bottleneck].medianShare!))
      bottleneck = s;
  }
  return { ...byStage, bottleneck, withoutPullRequest };
}

function group(deps: readonly PreparedDeployment[]): BatchGroup {
  const failed = deps.reduce((n, x) => n + (x.reasons.length > 0 ? 1 : 0), 0);
  return { deployments: deps.length, failed, changeFailureRate: ratio(failed, deps.length) };
}

/** Commits per deployment (rollbacks left out: they ship no new change), and failure rates above and below the median. */
export function batchSizeReport(deps: readonly PreparedDeployment[]): BatchSizeReport {
  const sized = deps.filter((x) => x.d.kind !== "rollback");
  const sizes = sized.map((x) => x.commits.length);
  const mid = median(sizes);
  return {
    medianCommits: mid,
    p90Commits: quantile(sizes, 0.9),
    large: group(mid === null ? [] : sized.filter((x) => x.commits.length > mid)),
    small: group(mid === null ? [] : sized.filter((x) => x.commits.length <= mid)),
  };
}
