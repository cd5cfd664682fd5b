import { describe, expect, it } from "vitest";
import { computeDora, type DoraInput } from "../../src/domain/dora/report.js";
import type { LedgerDeployment, Window } from "../../src/domain/dora/types.js";
import { commit, dep } from "../support/dora-fixtures.js";

/** The UTC week of Monday 9 March 2026. */
const WEEK: Window = { from: "2026-03-09T00:00:00Z", to: "2026-03-16T00:00:00Z" };
function dora(deployments: LedgerDeployment[], extra: Partial<DoraInput> = {}) {
  const incidents: DoraInput["incidents"] = [];
  return computeDora({
    deployments,
    incidents,
    window: WEEK,
    timezone: "UTC",
    scope: { team: "payments", services: [] },
    ...extra,
  });
}
/** Monday 10:00 UTC of the k-th of the 12 trailing weeks (k = 0: 22 Dec 2025 … k = 11: 9 Mar 2026), plus `day` days. */
const inWeek = (k: number, day = 0): string =>
  new Date(Date.parse("2025-12-22T10:00:00Z") + (7 * k + day) * 86_400_000).toISOString();

describe("deployment frequency", () => {
  it.each([
    // Twelve weeks without deployments: median of twelve 0s = 0 → low.
    { name: "no deployments", deploys: [] as string[], deployments: 0, days: 0, median: 0, month: 0, level: "low" },
    // 1 day in weeks 1 3 5 7 9 11 → six 0s, six 1s; sorted middle pair (0, 1) → 0.5, below weekly; months
    // Jan (12, 26), Feb (9, 23), Mar (9) → 2, 2, 1 → 2 ≥ 1 a month → medium.
    {
      name: "every other week",
      deploys: [1, 3, 5, 7, 9, 11].map((k) => inWeek(k)),
      deployments: 1,
      days: 1,
      median: 0.5,
      month: 2,
      level: "medium",
    },
    // 1 day in weeks 0–6 → five 0s, seven 1s; middle pair (1, 1) → 1 → high. Months: Jan 4 (5–26), Feb 1, Mar 0 → 1.
    {
      name: "7 of 12 weeks",
      deploys: [0, 1, 2, 3, 4, 5, 6].map((k) => inWeek(k)),
      deployments: 0,
      days: 0,
      median: 1,
      month: 1,
      level: "high",
    },
    // Mon–Fri every week, plus a second deploy on the window's Monday: 5 days in every week → 5 → elite;
    // the window has 6 deployments on 5 days.
    {
      name: "every working day",
      deploys: [
        ...Array.from({ length: 12 }, (_, k) => [0, 1, 2, 3, 4].map((d) => inWeek(k, d))).flat(),
        "2026-03-09T15:00:00Z",
      ],
      deployments: 6,
      days: 5,
      median: 5,
      month: 20, // working days: Jan 22, Feb 20, Mar 10 (2–13) → 20
      level: "elite",
    },
    // Before the 12 weeks (15 Dec) and at/after the window's end (16 Mar 00:00) do not count: only week 11 has 1 day
    // → eleven 0s and one 1 → middle pair (0, 0) → 0; months Jan 0, Feb 0, Mar 1 → 0.
    {
      name: "outside the 12 weeks",
      deploys: ["2025-12-15T10:00:00Z", inWeek(11), "2026-03-16T00:00:00Z"],
      deployments: 1,
      days: 1,
      median: 0,
      month: 0,
      level: "low",
    },
    // Once a month (15 Jan, 12 Feb, 12 Mar): twelve weeks' median is 0, yet it is "between once per week and once
    // per month": months 1, 1, 1 → 1 → medium (weeks alone said low).
    {
      name: "once a month",
      deploys: ["2026-01-15T10:00:00Z", "2026-02-12T10:00:00Z", "2026-03-12T10:00:00Z"],
      deployments: 1,
      days: 1,
      median: 0,
      month: 1,
      level: "medium",
    },
    // Every five weeks or so (5 Jan, 9 Feb): Mar has none → 1, 1, 0 → 1 → medium.
    {
      name: "twice in three months, none this month",
      deploys: ["2026-01-05T10:00:00Z", "2026-02-09T10:00:00Z"],
      deployments: 0,
      days: 0,
      median: 0,
      month: 1,
      level: "medium",
    },
    // Only in December (before the three months): 0, 0, 0 → low.
    {
      name: "less than monthly",
      deploys: ["2025-12-29T10:00:00Z", "2026-02-02T10:00:00Z"],
      deployments: 0,
      days: 0,
      median: 0,
      month: 0,
      level: "low",
    },
  ])(
    "$name: median $median deployment days/week, $month a month",
    ({ deploys, deployments, days, median, month, level }) => {
      const report = dora(deploys.map((at, i) => dep(String(i), at)));
      expect(report.deployments).toBe(deployments);
      expect(report.deploymentDays).toBe(days);
      expect(report.deploymentFrequency).toEqual({
        medianDeployDaysPerWeek: median,
        medianDeployDaysPerMonth: month,
        level,
      });
    },
  );

  it("a window shorter than a week uses the 12 weeks ending with the week of its last instant", () => {
    // Window Tue 10 Mar – Thu 12 Mar: its last week is that of 9 Mar; weeks 9 and 10 have 1 day, week 11 has 2 days
    // inside the window (10 and 11 Mar) — the Friday 13 Mar deployment is after the window and does not count.
    // Counts: nine 0s, 1, 1, 2 → middle pair (0, 0) → 0; the window itself: 2 deployments on 2 days.
    const deploys = [inWeek(9), inWeek(10), inWeek(11, 1), inWeek(11, 2), inWeek(11, 4)].map((at, i) =>
      dep(String(i), at),
    );
    const report = dora(deploys, { window: { from: "2026-03-10T00:00:00Z", to: "2026-03-12T00:00:00Z" } });
    expect([report.deployments, report.deploymentDays, report.deploymentFrequency.medianDeployDaysPerWeek]).toEqual([
      2, 2, 0,
    ]);
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
    const report = dora(deploys, { ...BERLIN, window });
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
    const report = dora(deploys, { ...BERLIN, window });
    expect([report.deployments, report.deploymentDays]).toEqual([4, 2]);
  });
});

describe("lead time for changes", () => {
  it.each([
    // The first deployment carries only its head commit: 10:00 − 08:00 = 7 200 s; one value → median 7 200.
    {
      name: "first deployment (head commit only)",
      commits: [commit("h", "2026-03-09T08:00:00Z")],
      median: 7_200,
      count: 1,
    },
    // 3 600, 86 400 and 600 s: odd count → sorted 600, 3 600, 86 400 → 3 600.
    {
      name: "odd count",
      commits: [
        commit("a", "2026-03-09T09:00:00Z"),
        commit("b", "2026-03-08T10:00:00Z"),
        commit("c", "2026-03-09T09:50:00Z"),
      ],
      median: 3_600,
      count: 3,
    },
    // 3 600 and 86 400: even → (3 600 + 86 400) / 2 = 45 000.
    {
      name: "even count",
      commits: [commit("a", "2026-03-09T09:00:00Z"), commit("b", "2026-03-08T10:00:00Z")],
      median: 45_000,
      count: 2,
    },
    // 0 s (committed at the deploy) and −60 s (clock skew) are dropped; 1 800 s remains.
    {
      name: "values ≤ 0 dropped",
      commits: [
        commit("z", "2026-03-09T10:00:00Z"),
        commit("n", "2026-03-09T10:01:00Z"),
        commit("p", "2026-03-09T09:30:00Z"),
      ],
      median: 1_800,
      count: 1,
    },
    { name: "only non-positive → null", commits: [commit("z", "2026-03-09T10:00:00Z")], median: null, count: 0 },
  ])("$name", ({ commits, median, count }) => {
    const report = dora([dep("1", "2026-03-09T10:00:00Z", { commits })]);
    expect(report.leadTime).toEqual({ medianSeconds: median, commits: count, level: median === null ? null : "elite" });
  });

  it("counts the commits of every deployment in the window, and only those", () => {
    const report = dora([
      dep("0", "2026-03-06T10:00:00Z", { commits: [commit("old", "2026-03-01T10:00:00Z")] }), // before the window
      dep("1", "2026-03-09T10:00:00Z", { commits: [commit("a", "2026-03-02T10:00:00Z")] }), // 7 days = 604 800
      dep("2", "2026-03-10T10:00:00Z", {
        commits: [commit("b", "2026-03-10T09:00:00Z"), commit("c", "2026-03-10T08:00:00Z")],
      }), // 3 600, 7 200
    ]);
    // Sorted 3 600, 7 200, 604 800 → 7 200 (< 1 day → elite).
    expect(report.leadTime).toEqual({ medianSeconds: 7_200, commits: 3, level: "elite" });
  });

  it("gives a change one lead time: a rolled-back commit listed again by the next deploy counts at its first", () => {
    // P is live; X ships x1, x2 (Mon 10:00) and is rolled back to P (Mon 11:00, no commits: P is behind X); Y (Tue
    // 10:00) is compared from P, so GitHub lists x1 and x2 again with y1. They reached production with X.
    const x1 = commit("x1", "2026-03-09T08:00:00Z"); // 7 200 s to X
    const x2 = commit("x2", "2026-03-09T09:00:00Z"); // 3 600 s to X
    const y1 = commit("y1", "2026-03-10T09:30:00Z"); // 1 800 s to Y
    const report = dora([
      dep("P", "2026-03-06T10:00:00Z", { commits: [commit("p", "2026-03-06T09:00:00Z")] }),
      dep("X", "2026-03-09T10:00:00Z", { commits: [x1, x2], rolledBack: true }),
      dep("R", "2026-03-09T11:00:00Z", { kind: "rollback", sha: "shaP".padEnd(12, "0") }),
      dep("Y", "2026-03-10T10:00:00Z", { commits: [x1, x2, y1] }),
    ]);
    // 1 800, 3 600, 7 200 → 3 600 over 3 commits (x1 and x2 again from Y would add 93 600 and 90 000 s).
    expect(report.leadTime).toEqual({ medianSeconds: 3_600, commits: 3, level: "elite" });
  });

  it("counts a commit at its first deployment even when that one is outside the window", () => {
    const a = commit("a", "2026-03-05T10:00:00Z");
    const report = dora([
      dep("1", "2026-03-06T10:00:00Z", { commits: [a], rolledBack: true }), // before the window
      dep("2", "2026-03-10T10:00:00Z", { commits: [a, commit("b", "2026-03-10T09:00:00Z")] }),
    ]);
    expect(report.leadTime).toEqual({ medianSeconds: 3_600, commits: 1, level: "elite" });
  });
});
