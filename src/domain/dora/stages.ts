/**
 * Where the lead time goes: each change in production (a commit, at the deployment it first reached production with)
 * split into stages, and the size of each deployment. Pure.
 */
import type { PreparedDeployment } from "./ledger.js";
import { median } from "./median.js";
import { quantile, quantileOfSorted } from "./quantile.js";
import { ratio } from "./metrics.js";
import {
  STAGES,
  type BatchGroup,
  type BatchSizeReport,
  type StageFigures,
  type StageName,
  type StageReport,
} from "./types.js";

const N = STAGES.length;
const [CODING, REVIEW, WAITING, APPROVAL, DEPLOY] = [0, 1, 2, 3, 4] as const;

/** ISO instants parsed once each: a pull request's times repeat for every commit it brought in. */
const parsed = new Map<string, number>();
function ms(iso: string | null | undefined): number {
  if (!iso) return NaN;
  let t = parsed.get(iso);
  if (t === undefined) {
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(iso, (t = Date.parse(iso)));
  }
  return t;
}

// Clocks disagree a little (a commit dated after its merge): a stage is never negative; NaN where an end is unknown.
const span = (from: number, to: number): number => Math.max(0, (to - from) / 1_000);

/** Each change's stage seconds (N per commit, NaN where a stage's ends are unknown), computed once per deployment. */
const durations = new WeakMap<PreparedDeployment, Float64Array>();
function stagesOf(x: PreparedDeployment): Float64Array {
  let out = durations.get(x);
  if (out) return out;
  const d = x.d;
  const requested = ms(d.requestedAt);
  const approved = ms(d.approvedAt);
  const started = d.dispatchedAt ? ms(d.dispatchedAt) : d.approvedAt ? approved : requested;
  const approval = span(requested, approved);
  const deploy = span(started, x.t);
  out = new Float64Array(N * x.commits.length).fill(NaN);
  x.commits.forEach((c, i) => {
    const o = i * N;
    const pull = c.pull ?? null;
    const merged = pull ? ms(pull.mergedAt) : NaN;
    if (pull) {
      const opened = ms(pull.openedAt);
      out![o + CODING] = span(ms(pull.firstCommitAt), opened);
      out![o + REVIEW] = span(opened, merged);
    }
    out![o + WAITING] = span(Number.isNaN(merged) ? ms(c.committedAt) : merged, requested);
    out![o + APPROVAL] = approval;
    out![o + DEPLOY] = deploy;
  });
  durations.set(x, out);
  return out;
}

function figures(values: readonly number[], shares: readonly number[]): StageFigures {
  const sorted = Float64Array.from(values).sort();
  return {
    medianSeconds: quantileOfSorted(sorted, 0.5),
    p90Seconds: quantileOfSorted(sorted, 0.9),
    changes: values.length,
    medianShare: median(shares),
  };
}

export function stageReport(deps: readonly PreparedDeployment[]): StageReport {
  const values: number[][] = STAGES.map(() => []);
  const shares: number[][] = STAGES.map(() => []);
  let withoutPullRequest = 0;
  for (const x of deps) {
    const all = stagesOf(x);
    for (let i = 0; i < x.commits.length; i++) {
      if (x.commits[i]!.pull === null) withoutPullRequest++;
      const o = i * N;
      let total = 0;
      for (let k = 0; k < N; k++) if (!Number.isNaN(all[o + k]!)) total += all[o + k]!;
      for (let k = 0; k < N; k++) {
        const v = all[o + k]!;
        if (Number.isNaN(v)) continue;
        values[k]!.push(v);
        if (total > 0) shares[k]!.push(v / total);
      }
    }
  }
  const byStage = Object.fromEntries(STAGES.map((s, k) => [s, figures(values[k]!, shares[k]!)])) as Record<
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
