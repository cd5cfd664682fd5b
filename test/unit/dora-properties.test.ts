import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failedDeployments, perService, weeklyTrend } from "../../src/domain/dora/digest-data.js";
import { linkIncidents } from "../../src/domain/dora/linking.js";
import { median } from "../../src/domain/dora/median.js";
import { computeDora, type DoraInput } from "../../src/domain/dora/report.js";
import type { LedgerDeployment, LedgerIncident } from "../../src/domain/dora/types.js";

const BASE = Date.parse("2026-01-05T00:00:00Z");
const MIN = 60_000;
const SPAN = 120 * 24 * 60; // 120 days, in minutes
const iso = (minutes: number): string => new Date(BASE + minutes * MIN).toISOString();

const deploymentArb = fc.record({
  service: fc.constantFrom("api", "web"),
  at: fc.integer({ min: 0, max: SPAN }),
  rolledBack: fc.boolean(),
  hotfix: fc.boolean(),
  kind: fc.constantFrom("deploy", "promote", "rollback", "external") as fc.Arbitrary<LedgerDeployment["kind"]>,
  commitAges: fc.array(fc.integer({ min: -600, max: 20_000 }), { maxLength: 3 }),
});
const incidentArb = fc.record({
  service: fc.constantFrom("api", "web"),
  at: fc.integer({ min: -1_000, max: SPAN }),
  duration: fc.option(fc.integer({ min: 0, max: 5_000 })),
  ref: fc.option(fc.nat({ max: 60 })),
});

const ledgerArb = fc
  .record({
    deps: fc.array(deploymentArb, { maxLength: 40 }),
    incs: fc.array(incidentArb, { maxLength: 12 }),
    from: fc.integer({ min: 0, max: SPAN }),
    length: fc.integer({ min: 0, max: 30 * 24 * 60 }),
    timezone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York"),
  })
  .map(({ deps, incs, from, length, timezone }): DoraInput => ({
    deployments: deps.map((d, i): LedgerDeployment => ({
      id: String(i),
      service: d.service,
      environment: "production",
      sha: `${i}`.padStart(10, "f"),
      ref: "main",
      kind: d.kind,
      finishedAt: iso(d.at),
      rolledBack: d.rolledBack,
      hotfix: d.hotfix,
      changeTicket: null,
      commits: d.commitAges.map((age, j) => ({
        sha: `${i}-${j}`,
        committedAt: iso(d.at - age),
        author: "a",
        message: "m",
      })),
    })),
    incidents: incs.map((x, i): LedgerIncident => ({
      key: `INC-${i}`,
      service: x.service,
      createdAt: iso(x.at),
      resolvedAt: x.duration === null ? null : iso(x.at + x.duration),
      status: "x",
      refs: { deployIds: x.ref === null ? [] : [String(x.ref)], shas: [], issueKeys: [] },
    })),
    window: { from: iso(from), to: iso(from + length) },
    timezone,
    scope: { team: "t", services: [] },
  }));

/** The definition of a failed deployment, read literally, in O(n²). */
function naiveFailedIds(input: DoraInput): string[] {
  const links = linkIncidents(input.deployments, input.incidents);
  const t = (d: LedgerDeployment): number => Date.parse(d.finishedAt);
  const order = new Map(input.deployments.map((d, i) => [d, i]));
  const next = (d: LedgerDeployment): LedgerDeployment | undefined =>
    input.deployments
      .filter(
        (o) => o.service === d.service && (t(o) > t(d) || (t(o) === t(d) && (order.get(o) ?? 0) > (order.get(d) ?? 0))),
      )
      .sort((a, b) => t(a) - t(b) || (order.get(a) ?? 0) - (order.get(b) ?? 0))[0];
  const from = Date.parse(input.window.from);
  const to = Date.parse(input.window.to);
  return input.deployments
    .filter((d) => from <= t(d) && t(d) < to)
    .filter((d) => d.rolledBack || links.some((l) => l.deployment === d) || next(d)?.hotfix === true)
    .map((d) => d.id)
    .sort();
}

describe("DORA properties", () => {
  it("rates stay in [0, 1]; failed ≤ deployments; days ≤ deployments", () => {
    fc.assert(
      fc.property(ledgerArb, (input) => {
        const r = computeDora(input);
        expect(r.changeFailureRate.failed).toBeLessThanOrEqual(r.deployments);
        expect(r.deploymentDays).toBeLessThanOrEqual(r.deployments);
        expect(r.leadTime.commits).toBeLessThanOrEqual(input.deployments.reduce((n, d) => n + d.commits.length, 0));
        for (const rate of [r.changeFailureRate.value, r.reworkRate.value]) {
          if (r.deployments === 0) expect(rate).toBeNull();
          else {
            expect(rate).toBeGreaterThanOrEqual(0);
            expect(rate).toBeLessThanOrEqual(1);
          }
        }
        if (r.recoveryTime.medianSeconds !== null) expect(r.recoveryTime.medianSeconds).toBeGreaterThanOrEqual(0);
        if (r.leadTime.medianSeconds !== null) expect(r.leadTime.medianSeconds).toBeGreaterThan(0);
      }),
    );
  });

  it("restored ≤ failures that finished before the window's end", () => {
    fc.assert(
      fc.property(ledgerArb, (input) => {
        const r = computeDora(input);
        const everFailed = failedDeployments({
          ...input,
          window: { from: "1970-01-01T00:00:00Z", to: input.window.to },
        });
        expect(r.recoveryTime.restored).toBeLessThanOrEqual(everFailed.length);
      }),
    );
  });

  it("failed deployments match the definition read literally", () => {
    fc.assert(
      fc.property(ledgerArb, (input) => {
        expect(
          failedDeployments(input)
            .map((f) => f.deployment.id)
            .sort(),
        ).toEqual(naiveFailedIds(input));
        expect(computeDora(input).changeFailureRate.failed).toBe(naiveFailedIds(input).length);
      }),
    );
  });

  it("time-based links go to the latest same-service deployment strictly before the incident", () => {
    fc.assert(
      fc.property(ledgerArb, (input) => {
        for (const link of linkIncidents(input.deployments, input.incidents)) {
          if (link.via !== "time") continue;
          const created = Date.parse(link.incident.createdAt);
          const before = input.deployments.filter(
            (d) => d.service === link.incident.service && Date.parse(d.finishedAt) < created,
          );
          const latest = Math.max(...before.map((d) => Date.parse(d.finishedAt)));
          expect(link.deployment?.service).toBe(link.incident.service);
          expect(Date.parse(link.deployment?.finishedAt ?? "")).toBe(latest);
        }
      }),
    );
  });

  it("per-service and weekly reports add up to the whole", () => {
    fc.assert(
      fc.property(ledgerArb, (input) => {
        const whole = computeDora(input);
        const parts = perService(input).map((p) => p.report);
        expect(parts.reduce((n, p) => n + p.deployments, 0)).toBe(whole.deployments);
        expect(parts.reduce((n, p) => n + p.changeFailureRate.failed, 0)).toBe(whole.changeFailureRate.failed);
        const trend = weeklyTrend(input, 4);
        const first = trend[0]?.week.from ?? "";
        const last = trend[trend.length - 1]?.week.to ?? "";
        expect(trend.reduce((n, w) => n + w.report.deployments, 0)).toBe(
          computeDora({ ...input, window: { from: first, to: last } }).deployments,
        );
      }),
    );
  });

  it("the median lies between the smallest and largest value", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1 }), (values) => {
        const m = median(values) as number;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });
});
