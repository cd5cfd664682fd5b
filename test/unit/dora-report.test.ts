import { describe, expect, it } from "vitest";
import { change, failedDeployments, slowestChanges, weeklyTrend } from "../../src/domain/dora/digest-data.js";
import { DEFINITIONS, METRIC_DEFINITIONS } from "../../src/domain/dora/definitions.js";
import { linkIncidents } from "../../src/domain/dora/linking.js";
import { computeDora, type DoraInput } from "../../src/domain/dora/report.js";
import { commit, dep, inc } from "../support/dora-fixtures.js";

/*
 * One service, UTC, window = the week of Monday 9 March 2026. History for the 12 trailing weeks (22 Dec – 9 Mar):
 *   week of 19 Jan: 1 (Tue 20), 2 (Thu 22)      → 2 days
 *   week of  2 Feb: 3                            → 1 day
 *   week of  9 Feb: 4                            → 1 day
 *   week of 16 Feb: 5 (Tue 17), 6 + 7 (Thu 19)   → 2 days
 *   week of  2 Mar: 8                            → 1 day
 *   week of  9 Mar: 9 … 16 (the window)          → 6 days (Mon 9, Tue 10, Wed 11, Thu 12, Fri 13, Sun 15)
 *   weeks of 22 Dec, 29 Dec, 5 Jan, 12 Jan, 26 Jan, 23 Feb → 0
 */
const deployments = [
  dep("1", "2026-01-20T10:00:00Z"),
  dep("2", "2026-01-22T10:00:00Z"),
  dep("3", "2026-02-02T10:00:00Z"),
  dep("4", "2026-02-10T10:00:00Z"),
  dep("5", "2026-02-17T10:00:00Z"),
  dep("6", "2026-02-19T10:00:00Z"),
  dep("7", "2026-02-19T15:00:00Z"),
  dep("8", "2026-03-02T10:00:00Z", { commits: [commit("cz", "2026-02-27T10:00:00Z")] }), // lead 3 d = 259 200
  dep("9", "2026-03-09T09:00:00Z", {
    changeTicket: "CHG-7",
    commits: [commit("ca", "2026-03-09T08:00:00Z"), commit("cb", "2026-03-08T09:00:00Z")],
  }), // 3 600, 86 400
  dep("10", "2026-03-10T12:00:00Z", {
    rolledBack: true,
    commits: [
      commit("cc", "2026-03-10T12:00:00Z"),
      commit("cd", "2026-03-10T13:00:00Z"),
      commit("ce", "2026-03-10T06:00:00Z"),
    ], // 0 ✗, −3 600 ✗, 21 600
  }),
  dep("11", "2026-03-10T15:00:00Z", { kind: "rollback" }),
  dep("12", "2026-03-11T10:00:00Z", { commits: [commit("cf", "2026-03-09T10:00:00Z")] }), // 172 800
  dep("13", "2026-03-12T10:00:00Z", { commits: [commit("cg", "2026-03-12T09:00:00Z")] }), // 3 600
  dep("14", "2026-03-12T14:00:00Z", { hotfix: true, commits: [commit("ch", "2026-03-12T13:30:00Z")] }), // 1 800
  dep("15", "2026-03-13T16:00:00Z", { commits: [commit("ci", "2026-03-06T16:00:00Z")] }), // 7 d = 604 800
  dep("16", "2026-03-15T23:00:00Z", { commits: [commit("cj", "2026-03-15T22:00:00Z")] }), // 3 600
  dep("17", "2026-03-16T00:00:00Z", { commits: [commit("ck", "2026-03-01T00:00:00Z")] }), // finishedAt = to: outside
];
const incidents = [
  inc("INC-0", "2026-03-02T11:00:00Z", "2026-03-09T08:00:00Z"), // time → 8; restores it in the window
  inc("INC-1", "2026-03-10T13:00:00Z", "2026-03-10T14:00:00Z", { issueKeys: ["CHG-7"] }), // explicit → 9 (time would give 10)
  inc("INC-2", "2026-03-12T14:00:00Z", "2026-03-12T16:00:00Z"), // at 14's finish exactly → 13
  inc("INC-3", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"), // before the first deployment → nothing
  inc("INC-4", "2026-03-13T17:00:00Z", null), // time → 15; unresolved
];
const input: DoraInput = {
  deployments,
  incidents,
  timezone: "UTC",
  scope: { team: "payments", services: ["api"] },
  window: { from: "2026-03-09T00:00:00.000Z", to: "2026-03-16T00:00:00.000Z" },
};

const NO_STAGE = { medianSeconds: null, p90Seconds: null, changes: 0, medianShare: null };

describe("computeDora: one fully hand-computed week", () => {
  it("links the incidents", () => {
    expect(linkIncidents(deployments, incidents).map((l) => [l.incident.key, l.deployment?.id ?? null, l.via])).toEqual(
      [
        ["INC-0", "8", "time"],
        ["INC-1", "9", "explicit"],
        ["INC-2", "13", "time"],
        ["INC-3", null, null],
        ["INC-4", "15", "time"],
      ],
    );
  });

  it("prints exactly this JSON", () => {
    expect(JSON.parse(JSON.stringify(computeDora(input)))).toStrictEqual({
      scope: { team: "payments", services: ["api"] },
      window: { from: "2026-03-09T00:00:00.000Z", to: "2026-03-16T00:00:00.000Z" },
      // 9 … 16 (17 finished at `to`, excluded).
      deployments: 8,
      // Mon 9, Tue 10 (10, 11), Wed 11, Thu 12 (13, 14), Fri 13, Sun 15.
      deploymentDays: 6,
      // Weekly days, sorted: 0 0 0 0 0 0 1 1 1 2 2 6 → (0 + 1) / 2 = 0.5, below weekly; monthly days: Jan 2 (week
      // of 19 Jan), Feb 4 (2, 9, 16 Feb weeks: 1 + 1 + 2), Mar 7 (1 + 6) → median 4 ≥ 1 → medium.
      deploymentFrequency: { medianDeployDaysPerWeek: 0.5, medianDeployDaysPerMonth: 4, level: "medium" },
      // 3 600, 86 400, 21 600, 172 800, 3 600, 1 800, 604 800, 3 600 → sorted
      // 1 800, 3 600, 3 600, 3 600, 21 600, 86 400, 172 800, 604 800 → (3 600 + 21 600) / 2 = 12 600 < 1 d → elite.
      leadTime: { medianSeconds: 12_600, commits: 8, level: "elite" },
      // 9 (INC-1), 10 (rolled back), 13 (INC-2 and hotfix 14: once), 15 (INC-4) → 4 / 8 = 0.5 > 15 % → low.
      changeFailureRate: { value: 0.5, failed: 4, level: "low" },
      // Restored in the window: 8 → 9 Mar 08:00 (7 d − 2 h = 597 600); 9 → 10 Mar 14:00 (29 h = 104 400);
      // 10 → deployment 11 (3 h = 10 800); 13 → 12 Mar 16:00 (6 h = 21 600); 15 not restored.
      // Sorted 10 800, 21 600, 104 400, 597 600 → (21 600 + 104 400) / 2 = 63 000 < 1 d → high.
      recoveryTime: { medianSeconds: 63_000, restored: 4, level: "high" },
      // 11 (rollback), 14 (hotfix), and two forward fixes: 10 follows 9 while INC-1 is open (resolved at 14:00, 10
      // finished 12:00), 16 follows 15 while INC-4 is open; 9 follows 8 after INC-0 was resolved → 4 / 8.
      reworkRate: { value: 0.5, rework: 4, rollbacks: 1, hotfixes: 1, forwardFixes: 2 },
      // Nothing here was verified on live metrics (test/unit/dora-verification.test.ts covers what it catches).
      verification: {
        failedVerifications: 0,
        automaticRollbacks: 0,
        detection: { medianSeconds: null, detected: 0 },
        caughtBeforeProduction: 0,
      },
      // No request, approval or dispatch times and no pull requests known: no stage can be measured.
      stages: {
        coding: NO_STAGE,
        review: NO_STAGE,
        waiting: NO_STAGE,
        approval: NO_STAGE,
        deploy: NO_STAGE,
        verification: NO_STAGE,
        bottleneck: null,
        withoutPullRequest: 0,
      },
      // Commits per deployment, the rollback 11 left out: 9 → 2, 10 → 3, 12–16 → 1 each; sorted 1 1 1 1 1 2 3 →
      // median 1; p90 at rank 0.9 × 6 = 5.4 → 2 + 0.4 × (3 − 2) = 2.4. Large (> 1): 9, 10, both failed → 1;
      // small: 12, 13 (failed), 14, 15 (failed), 16 → 2 / 5.
      batchSize: {
        medianCommits: 1,
        p90Commits: 2.4,
        large: { deployments: 2, failed: 2, changeFailureRate: 1 },
        small: { deployments: 5, failed: 2, changeFailureRate: 0.4 },
      },
    });
  });

  it("failedDeployments explains each failure", () => {
    expect(
      failedDeployments(input).map((f) => [
        f.deployment.id,
        f.reasons,
        f.incidents.map((i) => i.key),
        f.restoredAt,
        f.recoverySeconds,
      ]),
    ).toEqual([
      ["9", ["incident"], ["INC-1"], "2026-03-10T14:00:00.000Z", 104_400],
      ["10", ["rolled_back"], [], "2026-03-10T15:00:00.000Z", 10_800],
      ["13", ["incident", "hotfix"], ["INC-2"], "2026-03-12T16:00:00.000Z", 21_600],
      ["15", ["incident"], ["INC-4"], null, null],
    ]);
  });

  it("slowestChanges: the longest lead times in the window", () => {
    expect(slowestChanges(input)).toEqual([
      {
        service: "api",
        deploymentId: "15",
        sha: deployments[14]?.sha,
        commit: commit("ci", "2026-03-06T16:00:00Z"),
        leadSeconds: 604_800,
      },
      {
        service: "api",
        deploymentId: "12",
        sha: deployments[11]?.sha,
        commit: commit("cf", "2026-03-09T10:00:00Z"),
        leadSeconds: 172_800,
      },
      {
        service: "api",
        deploymentId: "9",
        sha: deployments[8]?.sha,
        commit: commit("cb", "2026-03-08T09:00:00Z"),
        leadSeconds: 86_400,
      },
    ]);
    expect(slowestChanges(input, 1).map((c) => c.commit.sha)).toEqual(["ci"]);
  });

  it("weeklyTrend and change: last week against this week", () => {
    const trend = weeklyTrend(input, 2);
    expect(trend.map((t) => t.week)).toEqual([
      { from: "2026-03-02T00:00:00.000Z", to: "2026-03-09T00:00:00.000Z" },
      { from: "2026-03-09T00:00:00.000Z", to: "2026-03-16T00:00:00.000Z" },
    ]);
    const [prev, cur] = trend.map((t) => t.report);
    if (!prev || !cur) throw new Error("two weeks expected");
    // Week of 2 Mar: deployment 8 only; its 12 weeks (15 Dec – 2 Mar): 15 Dec 0, 22 Dec 0, 29 Dec 0, 5 Jan 0, 12 Jan 0,
    // 19 Jan 2, 26 Jan 0, 2 Feb 1, 9 Feb 1, 16 Feb 2, 23 Feb 0, 2 Mar 1 → sorted 0 0 0 0 0 0 0 1 1 1 2 2 → (0 + 0) / 2 = 0;
    // months Jan 2, Feb 4, Mar 1 (2 Mar) → 2 ≥ 1 a month → medium;
    // lead 259 200; 8 failed (INC-0) → 1 / 1; nothing restored in that week; rework 0 / 1.
    expect(prev).toMatchObject({
      deployments: 1,
      deploymentDays: 1,
      deploymentFrequency: { medianDeployDaysPerWeek: 0, medianDeployDaysPerMonth: 2, level: "medium" },
      leadTime: { medianSeconds: 259_200 },
      changeFailureRate: { value: 1, failed: 1 },
      recoveryTime: { medianSeconds: null, restored: 0 },
      reworkRate: { value: 0 },
    });
    // A trend's weeks carry the keys; where the time went is the full report's.
    const { stages: _stages, batchSize: _batch, verification: _verification, ...keys } = computeDora(input);
    expect(cur).toEqual(keys);
    expect(change(prev, cur)).toEqual({
      deployments: 7, // 8 − 1
      deploymentDays: 5, // 6 − 1
      medianDeployDaysPerWeek: 0.5, // 0.5 − 0
      leadTimeSeconds: -246_600, // 12 600 − 259 200
      changeFailureRate: -0.5, // 0.5 − 1
      recoverySeconds: null, // last week had none
      reworkRate: 0.5, // 0.5 − 0
    });
    expect(weeklyTrend(input)).toHaveLength(12);
  });
});

describe("DEFINITIONS", () => {
  it("has one plain line per metric", () => {
    for (const word of [
      "Deployment frequency",
      "Lead time",
      "Change failure rate",
      "recovery time",
      "Rework rate",
      "interpolated",
    ]) {
      expect(DEFINITIONS).toContain(word);
    }
    expect(DEFINITIONS.split("\n")).toHaveLength(Object.keys(METRIC_DEFINITIONS).length);
  });
});
