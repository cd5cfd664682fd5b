import { describe, expect, it } from "vitest";
import { computeDora, type DoraInput } from "../../src/domain/dora/report.js";
import { perService } from "../../src/domain/dora/digest-data.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident, Window } from "../../src/domain/dora/types.js";

function dep(id: string, finishedAt: string, p: Partial<LedgerDeployment> = {}): LedgerDeployment {
  return {
    id, service: "api", environment: "production", sha: `sha${id}`.padEnd(12, "0"), ref: "main", kind: "deploy",
    finishedAt, rolledBack: false, hotfix: false, changeTicket: null, commits: [], ...p,
  };
}
const commit = (sha: string, committedAt: string): LedgerCommit => ({ sha, committedAt, author: "ada", message: sha });
function inc(key: string, createdAt: string, resolvedAt: string | null, p: Partial<LedgerIncident> = {}): LedgerIncident {
  return { key, service: "api", createdAt, resolvedAt, status: resolvedAt ? "Resolved" : "Open", refs: { deployIds: [], shas: [], issueKeys: [] }, ...p };
}

/** The UTC week of Monday 9 March 2026. */
const WEEK: Window = { from: "2026-03-09T00:00:00Z", to: "2026-03-16T00:00:00Z" };
function dora(deployments: LedgerDeployment[], incidents: LedgerIncident[] = [], extra: Partial<DoraInput> = {}) {
  return computeDora({ deployments, incidents, window: WEEK, timezone: "UTC", scope: { team: "payments", services: [] }, ...extra });
}
/** Monday 10:00 UTC of the k-th of the 12 trailing weeks (k = 0: 22 Dec 2025 … k = 11: 9 Mar 2026), plus `day` days. */
const inWeek = (k: number, day = 0): string => new Date(Date.parse("2025-12-22T10:00:00Z") + (7 * k + day) * 86_400_000).toISOString();

describe("deployment frequency", () => {
  it.each([
    // Twelve weeks without deployments: median of twelve 0s = 0 → low.
    { name: "no deployments", deploys: [] as string[], deployments: 0, days: 0, median: 0, level: "low" },
    // 1 day in weeks 1 3 5 7 9 11 → six 0s, six 1s; sorted middle pair (0, 1) → 0.5 → medium (≥ 12/52).
    { name: "every other week", deploys: [1, 3, 5, 7, 9, 11].map((k) => inWeek(k)), deployments: 1, days: 1, median: 0.5, level: "medium" },
    // 1 day in weeks 0–6 → five 0s, seven 1s; middle pair (1, 1) → 1 → high.
    { name: "7 of 12 weeks", deploys: [0, 1, 2, 3, 4, 5, 6].map((k) => inWeek(k)), deployments: 0, days: 0, median: 1, level: "high" },
    // Mon–Fri every week, plus a second deploy on the window's Monday: 5 days in every week → 5 → elite;
    // the window has 6 deployments on 5 days.
    {
      name: "every working day",
      deploys: [...Array.from({ length: 12 }, (_, k) => [0, 1, 2, 3, 4].map((d) => inWeek(k, d))).flat(), "2026-03-09T15:00:00Z"],
      deployments: 6, days: 5, median: 5, level: "elite",
    },
    // Before the 12 weeks (15 Dec) and at/after the window's end (16 Mar 00:00) do not count: only week 11 has 1 day
    // → eleven 0s and one 1 → middle pair (0, 0) → 0.
    { name: "outside the 12 weeks", deploys: ["2025-12-15T10:00:00Z", inWeek(11), "2026-03-16T00:00:00Z"], deployments: 1, days: 1, median: 0, level: "low" },
  ])("$name: median $median deployment days/week", ({ deploys, deployments, days, median, level }) => {
    const report = dora(deploys.map((at, i) => dep(String(i), at)));
    expect(report.deployments).toBe(deployments);
    expect(report.deploymentDays).toBe(days);
    expect(report.deploymentFrequency).toEqual({ medianDeployDaysPerWeek: median, level });
  });

  it("a window shorter than a week uses the 12 weeks ending with the week of its last instant", () => {
    // Window Tue 10 Mar – Thu 12 Mar: its last week is that of 9 Mar; weeks 9 and 10 have 1 day, week 11 has 2 days
    // inside the window (10 and 11 Mar) — the Friday 13 Mar deployment is after the window and does not count.
    // Counts: nine 0s, 1, 1, 2 → middle pair (0, 0) → 0; the window itself: 2 deployments on 2 days.
    const deploys = [inWeek(9), inWeek(10), inWeek(11, 1), inWeek(11, 2), inWeek(11, 4)].map((at, i) => dep(String(i), at));
    const report = dora(deploys, [], { window: { from: "2026-03-10T00:00:00Z", to: "2026-03-12T00:00:00Z" } });
    expect([report.deployments, report.deploymentDays, report.deploymentFrequency.medianDeployDaysPerWeek]).toEqual([2, 2, 0]);
  });
});

describe("deployment days and weeks in Europe/Berlin across DST", () => {
  const BERLIN = { timezone: "Europe/Berlin" };
  it("spring forward: the 167-hour week of 23–29 Mar 2026 counts local days", () => {
    const window = { from: "2026-03-22T23:00:00.000Z", to: "2026-03-29T22:00:00.000Z" }; // Mon 00:00 CET → Mon 00:00 CEST
    const deploys = [
      dep("b", "2026-03-22T22:30:00Z"), // Sun 22 Mar 23:30 CET: the week before
      dep("a", "2026-03-22T23:30:00Z"), // Mon 23 Mar 00:30 CET (a Sunday in UTC)
      dep("f", "2026-03-24T22:59:59Z"), // Tue 24 Mar 23:59:59 CET
      dep("c", "2026-03-28T23:30:00Z"), // Sun 29 Mar 00:30 CET (before the 02:00 jump; Saturday in UTC)
      dep("d", "2026-03-29T21:30:00Z"), // Sun 29 Mar 23:30 CEST
      dep("e", "2026-03-29T22:00:00Z"), // Mon 30 Mar 00:00 CEST: the next week
    ];
    // In the window: a, f, c, d = 4 deployments on Mon, Tue, Sun = 3 local days (UTC days would be 22, 24, 28, 29 = 4).
    const report = dora(deploys, [], { ...BERLIN, window });
    expect([report.deployments, report.deploymentDays]).toEqual([4, 3]);
    // 12 weeks ending with this week: the week before has b (1 day), this week 3 days, ten weeks 0 → middle (0, 0) → 0.
    expect(report.deploymentFrequency.medianDeployDaysPerWeek).toBe(0);
  });

  it("fall back: the 169-hour week of 19–25 Oct 2026", () => {
    const window = { from: "2026-10-18T22:00:00.000Z", to: "2026-10-25T23:00:00.000Z" }; // Mon 00:00 CEST → Mon 00:00 CET
    const deploys = [
      dep("1", "2026-10-18T21:59:00Z"), // Sun 18 Oct 23:59 CEST: the week before
      dep("2", "2026-10-18T22:00:00Z"), // Mon 19 Oct 00:00 CEST: first instant of the week
      dep("3", "2026-10-25T00:30:00Z"), // Sun 25 Oct 02:30 CEST (first pass through 02:30)
      dep("4", "2026-10-25T01:30:00Z"), // Sun 25 Oct 02:30 CET (second pass): same local day
      dep("5", "2026-10-25T22:30:00Z"), // Sun 25 Oct 23:30 CET (Sunday 22:30 UTC)
      dep("6", "2026-10-25T23:00:00Z"), // Mon 26 Oct 00:00 CET: the next week
    ];
    // In the window: 2, 3, 4, 5 = 4 deployments on Mon 19 and Sun 25 = 2 local days.
    const report = dora(deploys, [], { ...BERLIN, window });
    expect([report.deployments, report.deploymentDays]).toEqual([4, 2]);
  });
});

describe("lead time for changes", () => {
  it.each([
    // The first deployment carries only its head commit: 10:00 − 08:00 = 7 200 s; one value → median 7 200.
    { name: "first deployment (head commit only)", commits: [commit("h", "2026-03-09T08:00:00Z")], median: 7_200, count: 1 },
    // 3 600, 86 400 and 600 s: odd count → sorted 600, 3 600, 86 400 → 3 600.
    { name: "odd count", commits: [commit("a", "2026-03-09T09:00:00Z"), commit("b", "2026-03-08T10:00:00Z"), commit("c", "2026-03-09T09:50:00Z")], median: 3_600, count: 3 },
    // 3 600 and 86 400: even → (3 600 + 86 400) / 2 = 45 000.
    { name: "even count", commits: [commit("a", "2026-03-09T09:00:00Z"), commit("b", "2026-03-08T10:00:00Z")], median: 45_000, count: 2 },
    // 0 s (committed at the deploy) and −60 s (clock skew) are dropped; 1 800 s remains.
    { name: "values ≤ 0 dropped", commits: [commit("z", "2026-03-09T10:00:00Z"), commit("n", "2026-03-09T10:01:00Z"), commit("p", "2026-03-09T09:30:00Z")], median: 1_800, count: 1 },
    { name: "only non-positive → null", commits: [commit("z", "2026-03-09T10:00:00Z")], median: null, count: 0 },
  ])("$name", ({ commits, median, count }) => {
    const report = dora([dep("1", "2026-03-09T10:00:00Z", { commits })]);
    expect(report.leadTime).toEqual({ medianSeconds: median, commits: count, level: median === null ? null : "elite" });
  });

  it("counts the commits of every deployment in the window, and only those", () => {
    const report = dora([
      dep("0", "2026-03-06T10:00:00Z", { commits: [commit("old", "2026-03-01T10:00:00Z")] }), // before the window
      dep("1", "2026-03-09T10:00:00Z", { commits: [commit("a", "2026-03-02T10:00:00Z")] }), // 7 days = 604 800
      dep("2", "2026-03-10T10:00:00Z", { commits: [commit("b", "2026-03-10T09:00:00Z"), commit("c", "2026-03-10T08:00:00Z")] }), // 3 600, 7 200
    ]);
    // Sorted 3 600, 7 200, 604 800 → 7 200 (< 1 day → elite).
    expect(report.leadTime).toEqual({ medianSeconds: 7_200, commits: 3, level: "elite" });
  });
});

describe("change failure rate and rework rate", () => {
  it.each([
    // 4 plain deployments: 0 / 4.
    { name: "no failures", deploys: [dep("1", "2026-03-09T10:00:00Z"), dep("2", "2026-03-10T10:00:00Z"), dep("3", "2026-03-11T10:00:00Z"), dep("4", "2026-03-12T10:00:00Z")], failed: 0, cfr: 0, rework: 0 },
    // 1 rolled back, 2 the rollback: failed 1 / 2; rework (1 rollback) / 2.
    { name: "rollback", deploys: [dep("1", "2026-03-09T10:00:00Z", { rolledBack: true }), dep("2", "2026-03-09T11:00:00Z", { kind: "rollback" })], failed: 1, cfr: 0.5, rework: 0.5 },
    // 2 is followed by hotfix 3 → 2 failed: 1 / 3; rework 1 hotfix / 3.
    { name: "hotfix next", deploys: [dep("1", "2026-03-09T10:00:00Z"), dep("2", "2026-03-10T10:00:00Z"), dep("3", "2026-03-10T11:00:00Z", { hotfix: true })], failed: 1, cfr: 1 / 3, rework: 1 / 3 },
    // The next deployment is after the window, but the whole ledger counts: 2 fails; 1 / 2; no rework in the window.
    { name: "hotfix next, after the window", deploys: [dep("1", "2026-03-09T10:00:00Z"), dep("2", "2026-03-15T23:00:00Z"), dep("3", "2026-03-16T01:00:00Z", { hotfix: true })], failed: 1, cfr: 0.5, rework: 0 },
    // Rolled back AND followed by a hotfix: counted once → 1 / 2.
    { name: "two reasons count once", deploys: [dep("1", "2026-03-09T10:00:00Z", { rolledBack: true }), dep("2", "2026-03-09T11:00:00Z", { hotfix: true })], failed: 1, cfr: 0.5, rework: 0.5 },
    // No deployments: null, and null level.
    { name: "empty window", deploys: [dep("1", "2026-03-02T10:00:00Z")], failed: 0, cfr: null, rework: null },
  ])("$name", ({ deploys, failed, cfr, rework }) => {
    const report = dora(deploys);
    expect(report.changeFailureRate.failed).toBe(failed);
    expect(report.changeFailureRate.value).toBe(cfr);
    expect(report.reworkRate.value).toBe(rework);
    if (cfr === null) expect(report.changeFailureRate.level).toBeNull();
  });

  it("a linked incident fails its deployment; a hotfix of another service does not", () => {
    const report = dora(
      [dep("1", "2026-03-09T10:00:00Z"), dep("2", "2026-03-10T10:00:00Z"), dep("w", "2026-03-11T10:00:00Z", { service: "web", hotfix: true })],
      [inc("INC-1", "2026-03-09T12:00:00Z", "2026-03-09T13:00:00Z")], // → 1 (api, before 2)
    );
    // 1 failed (incident); 2 is followed by nothing in api; w's previous deploy in web: none. 1 / 3.
    expect(report.changeFailureRate).toEqual({ value: 1 / 3, failed: 1, level: "low" });
  });
});

describe("failed deployment recovery time", () => {
  const T = "2026-03-09T10:00:00Z";
  it.each([
    // Via the incident's resolution (13:30), not the next deployment (11:00): 3.5 h = 12 600 s.
    {
      name: "incident resolution",
      deploys: [dep("1", T), dep("2", "2026-03-09T11:00:00Z")],
      incidents: [inc("I", "2026-03-09T10:30:00Z", "2026-03-09T13:30:00Z")],
      median: 12_600, restored: 1, level: "high",
    },
    // Rolled back without an incident: restored by the next deployment (the rollback) at 10:20 → 1 200 s.
    { name: "next deployment", deploys: [dep("1", T, { rolledBack: true }), dep("2", "2026-03-09T10:20:00Z", { kind: "rollback" })], incidents: [], median: 1_200, restored: 1, level: "elite" },
    // Unresolved incident → not restored (even though a deployment followed).
    { name: "unresolved incident", deploys: [dep("1", T), dep("2", "2026-03-09T11:00:00Z")], incidents: [inc("I", "2026-03-09T10:30:00Z", null)], median: null, restored: 0, level: null },
    // Rolled back, no next deployment yet → not restored.
    { name: "no next deployment yet", deploys: [dep("1", T, { rolledBack: true })], incidents: [], median: null, restored: 0, level: null },
    // Two incidents linked to 1: the later resolution (16:00) restores → 6 h = 21 600 s.
    {
      name: "two incidents: the latest resolution",
      deploys: [dep("1", T)],
      incidents: [inc("A", "2026-03-09T10:30:00Z", "2026-03-09T16:00:00Z"), inc("B", "2026-03-09T11:00:00Z", "2026-03-09T12:00:00Z")],
      median: 21_600, restored: 1, level: "high",
    },
    // Two incidents, one still open → not restored.
    { name: "two incidents, one open", deploys: [dep("1", T)], incidents: [inc("A", "2026-03-09T10:30:00Z", "2026-03-09T16:00:00Z"), inc("B", "2026-03-09T11:00:00Z", null)], median: null, restored: 0, level: null },
    // Failed before the window (2 Mar 10:00), restored inside it (9 Mar 09:00): counts: 7 d − 1 h = 601 200 s → medium.
    { name: "failed before, restored in the window", deploys: [dep("0", "2026-03-02T10:00:00Z", { rolledBack: true }), dep("1", "2026-03-09T09:00:00Z")], incidents: [], median: 601_200, restored: 1, level: "medium" },
    // Failed in the window (Sun 15 Mar 23:00), restored after it (16 Mar 01:00): not counted.
    { name: "restored after the window", deploys: [dep("1", "2026-03-15T23:00:00Z", { rolledBack: true }), dep("2", "2026-03-16T01:00:00Z")], incidents: [], median: null, restored: 0, level: null },
    // Three restorations, 600, 1 800 and 7 200 s: odd → 1 800 (< 1 h → elite); four with 86 400 → (1 800 + 7 200) / 2 = 4 500.
    {
      name: "odd count",
      deploys: [dep("1", T, { rolledBack: true }), dep("2", "2026-03-09T10:10:00Z", { rolledBack: true }), dep("3", "2026-03-09T10:40:00Z", { rolledBack: true }), dep("4", "2026-03-09T12:40:00Z")],
      incidents: [], median: 1_800, restored: 3, level: "elite",
    },
    {
      name: "even count",
      deploys: [dep("1", T, { rolledBack: true }), dep("2", "2026-03-09T10:10:00Z", { rolledBack: true }), dep("3", "2026-03-09T10:40:00Z", { rolledBack: true }), dep("4", "2026-03-09T12:40:00Z", { rolledBack: true }), dep("5", "2026-03-10T12:40:00Z")],
      incidents: [], median: 4_500, restored: 4, level: "high",
    },
  ])("$name", ({ deploys, incidents, median, restored, level }) => {
    expect(dora(deploys, incidents).recoveryTime).toEqual({ medianSeconds: median, restored, level });
  });
});

describe("two services in one team", () => {
  const deploys = [
    dep("a1", "2026-03-09T10:00:00Z", { commits: [commit("x", "2026-03-09T09:00:00Z")] }), // lead 3 600
    dep("w1", "2026-03-09T11:00:00Z", { service: "web", commits: [commit("y", "2026-03-08T11:00:00Z")] }), // lead 86 400
    dep("a2", "2026-03-10T10:00:00Z", { hotfix: true, commits: [commit("z", "2026-03-10T09:30:00Z")] }), // lead 1 800; fails a1
    dep("w2", "2026-03-11T10:00:00Z", { service: "web" }),
  ];
  // A web incident at 12:00: the latest web deployment before it is w1 (a1 is api's, so it does not count).
  const incidents = [inc("W-1", "2026-03-09T12:00:00Z", "2026-03-09T14:00:00Z", { service: "web" })];
  const input: DoraInput = { deployments: deploys, incidents, window: WEEK, timezone: "UTC", scope: { team: "payments", services: ["api", "web"] } };

  it("the team report covers both", () => {
    const r = computeDora(input);
    // 4 deployments on 9, 10, 11 Mar = 3 days; leads 1 800, 3 600, 86 400 → 3 600.
    expect([r.deployments, r.deploymentDays, r.leadTime.medianSeconds, r.leadTime.commits]).toEqual([4, 3, 3_600, 3]);
    // Failed: a1 (hotfix next in api), w1 (incident): 2 / 4. Rework: a2 / 4.
    expect([r.changeFailureRate.value, r.changeFailureRate.failed, r.reworkRate.value]).toEqual([0.5, 2, 0.25]);
    // a1 restored by a2 after 24 h = 86 400; w1 by W-1 after 3 h = 10 800 → (10 800 + 86 400) / 2 = 48 600.
    expect(r.recoveryTime).toEqual({ medianSeconds: 48_600, restored: 2, level: "high" });
  });

  it("perService splits them, alphabetically", () => {
    const rows = perService(input).map(({ service, report: r }) => [service, r.scope.services, r.deployments, r.changeFailureRate.failed, r.recoveryTime.medianSeconds]);
    expect(rows).toEqual([
      ["api", ["api"], 2, 1, 86_400],
      ["web", ["web"], 2, 1, 10_800],
    ]);
  });

  it("a scope of one service ignores the other", () => {
    const r = computeDora({ ...input, scope: { team: "payments", services: ["web"] } });
    expect([r.deployments, r.leadTime.medianSeconds, r.reworkRate.value]).toEqual([2, 86_400, 0]);
  });
});
