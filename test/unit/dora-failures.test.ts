import { describe, expect, it } from "vitest";
import { computeDora, type DoraInput } from "../../src/domain/dora/report.js";
import { perService } from "../../src/domain/dora/digest-data.js";
import type { LedgerDeployment, LedgerIncident, Window } from "../../src/domain/dora/types.js";
import { commit, dep, inc } from "../support/dora-fixtures.js";

/** The UTC week of Monday 9 March 2026. */
const WEEK: Window = { from: "2026-03-09T00:00:00Z", to: "2026-03-16T00:00:00Z" };
function dora(deployments: LedgerDeployment[], incidents: LedgerIncident[] = [], extra: Partial<DoraInput> = {}) {
  return computeDora({
    deployments,
    incidents,
    window: WEEK,
    timezone: "UTC",
    scope: { team: "payments", services: [] },
    ...extra,
  });
}

describe("change failure rate and rework rate", () => {
  it.each([
    // 4 plain deployments: 0 / 4.
    {
      name: "no failures",
      deploys: [
        dep("1", "2026-03-09T10:00:00Z"),
        dep("2", "2026-03-10T10:00:00Z"),
        dep("3", "2026-03-11T10:00:00Z"),
        dep("4", "2026-03-12T10:00:00Z"),
      ],
      failed: 0,
      cfr: 0,
      rework: 0,
    },
    // 1 rolled back, 2 the rollback: failed 1 / 2; rework (1 rollback) / 2.
    {
      name: "rollback",
      deploys: [
        dep("1", "2026-03-09T10:00:00Z", { rolledBack: true }),
        dep("2", "2026-03-09T11:00:00Z", { kind: "rollback" }),
      ],
      failed: 1,
      cfr: 0.5,
      rework: 0.5,
    },
    // 2 is followed by hotfix 3 → 2 failed: 1 / 3; rework 1 hotfix / 3.
    {
      name: "hotfix next",
      deploys: [
        dep("1", "2026-03-09T10:00:00Z"),
        dep("2", "2026-03-10T10:00:00Z"),
        dep("3", "2026-03-10T11:00:00Z", { hotfix: true }),
      ],
      failed: 1,
      cfr: 1 / 3,
      rework: 1 / 3,
    },
    // The next deployment is after the window, but the whole ledger counts: 2 fails; 1 / 2; no rework in the window.
    {
      name: "hotfix next, after the window",
      deploys: [
        dep("1", "2026-03-09T10:00:00Z"),
        dep("2", "2026-03-15T23:00:00Z"),
        dep("3", "2026-03-16T01:00:00Z", { hotfix: true }),
      ],
      failed: 1,
      cfr: 0.5,
      rework: 0,
    },
    // Rolled back AND followed by a hotfix: counted once → 1 / 2.
    {
      name: "two reasons count once",
      deploys: [
        dep("1", "2026-03-09T10:00:00Z", { rolledBack: true }),
        dep("2", "2026-03-09T11:00:00Z", { hotfix: true }),
      ],
      failed: 1,
      cfr: 0.5,
      rework: 0.5,
    },
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
      [
        dep("1", "2026-03-09T10:00:00Z"),
        dep("2", "2026-03-10T10:00:00Z"),
        dep("w", "2026-03-11T10:00:00Z", { service: "web", hotfix: true }),
      ],
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
      median: 12_600,
      restored: 1,
      level: "high",
    },
    // Rolled back without an incident: restored by the next deployment (the rollback) at 10:20 → 1 200 s.
    {
      name: "next deployment",
      deploys: [dep("1", T, { rolledBack: true }), dep("2", "2026-03-09T10:20:00Z", { kind: "rollback" })],
      incidents: [],
      median: 1_200,
      restored: 1,
      level: "elite",
    },
    // Unresolved incident → not restored (even though a deployment followed).
    {
      name: "unresolved incident",
      deploys: [dep("1", T), dep("2", "2026-03-09T11:00:00Z")],
      incidents: [inc("I", "2026-03-09T10:30:00Z", null)],
      median: null,
      restored: 0,
      level: null,
    },
    // Rolled back, no next deployment yet → not restored.
    {
      name: "no next deployment yet",
      deploys: [dep("1", T, { rolledBack: true })],
      incidents: [],
      median: null,
      restored: 0,
      level: null,
    },
    // Two incidents linked to 1: the later resolution (16:00) restores → 6 h = 21 600 s.
    {
      name: "two incidents: the latest resolution",
      deploys: [dep("1", T)],
      incidents: [
        inc("A", "2026-03-09T10:30:00Z", "2026-03-09T16:00:00Z"),
        inc("B", "2026-03-09T11:00:00Z", "2026-03-09T12:00:00Z"),
      ],
      median: 21_600,
      restored: 1,
      level: "high",
    },
    // Two incidents, one still open → not restored.
    {
      name: "two incidents, one open",
      deploys: [dep("1", T)],
      incidents: [inc("A", "2026-03-09T10:30:00Z", "2026-03-09T16:00:00Z"), inc("B", "2026-03-09T11:00:00Z", null)],
      median: null,
      restored: 0,
      level: null,
    },
    // Failed before the window (2 Mar 10:00), restored inside it (9 Mar 09:00): counts: 7 d − 1 h = 601 200 s → medium.
    {
      name: "failed before, restored in the window",
      deploys: [dep("0", "2026-03-02T10:00:00Z", { rolledBack: true }), dep("1", "2026-03-09T09:00:00Z")],
      incidents: [],
      median: 601_200,
      restored: 1,
      level: "medium",
    },
    // Failed in the window (Sun 15 Mar 23:00), restored after it (16 Mar 01:00): not counted.
    {
      name: "restored after the window",
      deploys: [dep("1", "2026-03-15T23:00:00Z", { rolledBack: true }), dep("2", "2026-03-16T01:00:00Z")],
      incidents: [],
      median: null,
      restored: 0,
      level: null,
    },
    // Three restorations, 600, 1 800 and 7 200 s: odd → 1 800 (< 1 h → elite); four with 86 400 → (1 800 + 7 200) / 2 = 4 500.
    {
      name: "odd count",
      deploys: [
        dep("1", T, { rolledBack: true }),
        dep("2", "2026-03-09T10:10:00Z", { rolledBack: true }),
        dep("3", "2026-03-09T10:40:00Z", { rolledBack: true }),
        dep("4", "2026-03-09T12:40:00Z"),
      ],
      incidents: [],
      median: 1_800,
      restored: 3,
      level: "elite",
    },
    {
      name: "even count",
      deploys: [
        dep("1", T, { rolledBack: true }),
        dep("2", "2026-03-09T10:10:00Z", { rolledBack: true }),
        dep("3", "2026-03-09T10:40:00Z", { rolledBack: true }),
        dep("4", "2026-03-09T12:40:00Z", { rolledBack: true }),
        dep("5", "2026-03-10T12:40:00Z"),
      ],
      incidents: [],
      median: 4_500,
      restored: 4,
      level: "high",
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
  const incidents = [inc("W-1", "2026-03-09T12:00:00Z", "2026-03-09T14:00:00Z", {}, { service: "web" })];
  const input: DoraInput = {
    deployments: deploys,
    incidents,
    window: WEEK,
    timezone: "UTC",
    scope: { team: "payments", services: ["api", "web"] },
  };

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
    const rows = perService(input).map(({ service, report: r }) => [
      service,
      r.scope.services,
      r.deployments,
      r.changeFailureRate.failed,
      r.recoveryTime.medianSeconds,
    ]);
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
