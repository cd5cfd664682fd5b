import { describe, expect, it } from "vitest";
import { quantile } from "../../src/domain/dora/quantile.js";
import { computeDora } from "../../src/domain/dora/report.js";
import type { LedgerDeployment, LedgerPull } from "../../src/domain/dora/types.js";
import { commit as ledgerCommit, dep as ledgerDep } from "../support/dora-fixtures.js";

const H = 3_600;
const at = (hours: number): string => new Date(Date.parse("2026-03-09T00:00:00Z") + hours * H * 1_000).toISOString();

const dep = (id: string, finished: number, p: Partial<LedgerDeployment> = {}): LedgerDeployment =>
  ledgerDep(id, at(finished), p);
const commit = (sha: string, committed: number, pull?: LedgerPull | null) => ledgerCommit(sha, at(committed), pull);
const pull = (number: number, first: number, opened: number, merged: number | null): LedgerPull => ({
  number,
  firstCommitAt: at(first),
  openedAt: at(opened),
  mergedAt: merged === null ? null : at(merged),
});
const report = (deployments: LedgerDeployment[]) =>
  computeDora({
    deployments,
    incidents: [],
    timezone: "UTC",
    scope: { team: null, services: [] },
    window: { from: at(0), to: at(7 * 24) },
  });

describe("where the lead time goes", () => {
  /*
   * Deployment A (Gantry's, gated): asked at 20 h, approved at 26 h, dispatched at 26.5 h, succeeded at 27 h.
   *   a1: PR #1 first commit 0 h, opened 2 h, merged 10 h → coding 2 h, review 8 h, waiting 10 h, approval 6 h, deploy 0.5 h
   *   a2: no PR, committed 19 h → waiting 1 h, approval 6 h, deploy 0.5 h
   * Deployment B (outside Gantry): created 40 h, succeeded 41 h, no approval known.
   *   b1: PR #2 first commit 30 h, opened 31 h, merged 38 h → coding 1 h, review 7 h, waiting 2 h, deploy 1 h
   */
  const A = dep("A", 27, {
    requestedAt: at(20),
    approvedAt: at(26),
    dispatchedAt: at(26.5),
    commits: [commit("a1", 9, pull(1, 0, 2, 10)), commit("a2", 19, null)],
  });
  const B = dep("B", 41, {
    kind: "external",
    requestedAt: at(40),
    approvedAt: null,
    dispatchedAt: null,
    commits: [commit("b1", 37, pull(2, 30, 31, 38))],
  });

  it("splits each change into coding, review, waiting, approval and deploy, with medians and p90", () => {
    const s = report([A, B]).stages;
    // coding 2 h, 1 h → median 1.5 h, p90 1 + 0.9 × 1 = 1.9 h.
    expect(s.coding).toMatchObject({ medianSeconds: 1.5 * H, p90Seconds: 1.9 * H, changes: 2 });
    expect(s.review).toMatchObject({ medianSeconds: 7.5 * H, changes: 2 });
    // waiting 10 h, 1 h, 2 h → 2 h; p90 at rank 1.8 of sorted 1, 2, 10 → 2 + 0.8 × 8 = 8.4 h.
    expect(s.waiting).toMatchObject({ medianSeconds: 2 * H, p90Seconds: 8.4 * H, changes: 3 });
    // Only Gantry knows approvals: 6 h for a1 and a2; B's is unknown.
    expect(s.approval).toMatchObject({ medianSeconds: 6 * H, changes: 2 });
    expect(s.deploy).toMatchObject({ medianSeconds: 0.5 * H, changes: 3 });
    expect(s.verification).toEqual({ medianSeconds: null, p90Seconds: null, changes: 0, medianShare: null });
    expect(s.withoutPullRequest).toBe(1);
  });

  it("names the stage with the largest median share of each change's lead time", () => {
    const s = report([A, B]).stages;
    // Shares: a1 total 26.5 h (coding 2, review 8, waiting 10, approval 6, deploy 0.5); a2 total 7.5 h (waiting 1,
    // approval 6, deploy 0.5); b1 total 11 h (coding 1, review 7, waiting 2, deploy 1).
    // waiting: 10/26.5, 1/7.5, 2/11 → median 2/11 ≈ 0.18; approval: 6/26.5, 6/7.5 → mean ≈ 0.51;
    // review: 8/26.5, 7/11 → ≈ 0.47.
    expect(s.waiting.medianShare).toBeCloseTo(2 / 11, 9);
    expect(s.approval.medianShare).toBeCloseTo((6 / 26.5 + 6 / 7.5) / 2, 9);
    expect(s.review.medianShare).toBeCloseTo((8 / 26.5 + 7 / 11) / 2, 9);
    expect(s.bottleneck).toBe("approval");
  });

  it("counts a change's stages once, at the deployment it first reached production with", () => {
    const again = dep("C", 50, {
      requestedAt: at(49),
      approvedAt: at(49),
      commits: [commit("a1", 9, pull(1, 0, 2, 10))],
    });
    expect(report([A, B, again]).stages.coding.changes).toBe(2);
  });

  it("has no bottleneck without changes, and clamps a stage that clocks make negative to 0", () => {
    expect(report([]).stages.bottleneck).toBeNull();
    const skewed = dep("D", 27, { requestedAt: at(20), approvedAt: at(20), commits: [commit("d1", 21, null)] });
    expect(report([skewed]).stages.waiting).toMatchObject({ medianSeconds: 0, changes: 1 });
    expect(report([skewed]).stages.bottleneck).toBe("deploy");
  });
});

describe("batch size", () => {
  it("reports commits per deployment and the failure rate of large against small deployments", () => {
    const c = (n: number, p: string) => Array.from({ length: n }, (_, i) => commit(`${p}${i}`, 1));
    const r = report([
      dep("1", 10, { commits: c(1, "a") }),
      dep("2", 20, { commits: c(2, "b") }),
      dep("3", 30, { commits: c(8, "c"), rolledBack: true }),
      dep("4", 31, { kind: "rollback" }),
      dep("5", 40, { commits: c(5, "e"), rolledBack: true }),
      dep("6", 41, { kind: "rollback" }),
    ]);
    // Rollbacks left out: sizes 1, 2, 8, 5 → median 3.5; p90 at rank 2.7 of 1 2 5 8 → 5 + 0.7 × 3 = 7.1.
    expect(r.batchSize).toEqual({
      medianCommits: 3.5,
      p90Commits: 7.1,
      large: { deployments: 2, failed: 2, changeFailureRate: 1 },
      small: { deployments: 2, failed: 0, changeFailureRate: 0 },
    });
  });

  it("quantiles interpolate between ranks", () => {
    expect(quantile([], 0.9)).toBeNull();
    expect(quantile([4], 0.9)).toBe(4);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9.1);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
  });
});

describe("rework rate", () => {
  it("counts rollbacks, hotfixes and forward fixes made while the failure's incident was open", () => {
    const deployments = [
      dep("1", 10, { commits: [commit("a", 9)] }),
      dep("2", 12, { commits: [commit("b", 11)] }), // forward fix of 1: INC-1 open 10.5 h – 20 h
      dep("3", 30, { commits: [commit("c", 29)] }), // after INC-1 was resolved: planned work
      dep("4", 40, { hotfix: true, commits: [commit("d", 39)] }),
      dep("5", 50, { kind: "rollback" }),
    ];
    const incidents = [
      {
        key: "INC-1",
        service: "api",
        createdAt: at(10.5),
        resolvedAt: at(20),
        status: "Done",
        refs: { deployIds: ["1"], shas: [], issueKeys: [] },
      },
    ];
    const r = computeDora({
      deployments,
      incidents,
      timezone: "UTC",
      scope: { team: null, services: [] },
      window: { from: at(0), to: at(7 * 24) },
    });
    expect(r.reworkRate).toEqual({ value: 3 / 5, rework: 3, rollbacks: 1, hotfixes: 1, forwardFixes: 1 });
  });
});
