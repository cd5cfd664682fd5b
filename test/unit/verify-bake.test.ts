import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceBake,
  startBake,
  type BakeOutcome,
  type BakeState,
  type CheckVerdict,
  type NoDataPolicy,
  type VerifyPlan,
} from "../../src/domain/verify/index.js";

const START = Date.parse("2026-05-04T10:00:00Z");
const CHECKS = ["error rate", "latency", "saturation"];

type Status = "ok" | "breach" | "no_data";

function planOf(o: Partial<VerifyPlan> & { checks?: VerifyPlan["checks"] } = {}): VerifyPlan {
  const checks = CHECKS.slice(0, 2).map((name) => ({
    name,
    query: "q",
    threshold: { kind: "max" as const, max: 0.02 },
  }));
  return { bakeMs: 10 * 60_000, intervalMs: 30_000, failAfter: 2, noData: "fail", checks, ...o };
}

function verdictOf(check: string, status: Status, value = 0.041): CheckVerdict {
  if (status === "no_data") return { status, check, missing: "current" };
  const measured = {
    check,
    value: status === "ok" ? 0.01 : value,
    limit: 0.02,
    bound: "upper" as const,
    labels: {},
    threshold: { kind: "max" as const, max: 0.02 },
  };
  return { status, ...measured };
}

/** Feeds readings at the given times until the bake ends; returns every outcome. */
function run(plan: VerifyPlan, ticks: Array<{ at: number; statuses: Status[] }>): BakeOutcome[] {
  let state: BakeState = startBake(START);
  const outcomes: BakeOutcome[] = [];
  for (const tick of ticks) {
    const verdicts = plan.checks.map((c, i) => verdictOf(c.name, tick.statuses[i] ?? "ok"));
    const step = advanceBake(plan, state, tick.at, verdicts);
    state = step.state;
    outcomes.push(step.outcome);
    if (step.outcome.kind !== "baking") break;
  }
  return outcomes;
}

const regular = (plan: VerifyPlan, rows: Status[][]) =>
  rows.map((statuses, i) => ({ at: START + (i + 1) * plan.intervalMs, statuses }));

/** The rule, written out plainly: the first reading at which some check has breached failAfter times in a row. */
function expectedFailure(plan: VerifyPlan, rows: Status[][]): { tick: number; check: string } | undefined {
  const streaks = plan.checks.map(() => 0);
  for (const [tick, row] of rows.entries()) {
    row.slice(0, plan.checks.length).forEach((s, i) => {
      const breach = s === "breach" || (s === "no_data" && plan.noData === "fail");
      const holds = s === "ok" || (s === "no_data" && plan.noData === "pass");
      streaks[i] = breach ? (streaks[i] ?? 0) + 1 : holds ? 0 : (streaks[i] ?? 0);
    });
    const i = streaks.findIndex((n) => n >= plan.failAfter);
    if (i >= 0) return { tick, check: plan.checks[i]!.name };
  }
  return undefined;
}

const policy = fc.constantFrom<NoDataPolicy>("fail", "hold", "pass");
const status = fc.constantFrom<Status>("ok", "ok", "breach", "no_data");
const planArb = fc
  .record({ failAfter: fc.integer({ min: 1, max: 4 }), noData: policy, checkCount: fc.integer({ min: 1, max: 3 }) })
  .map(({ failAfter, noData, checkCount }) =>
    planOf({
      failAfter,
      noData,
      bakeMs: 1000 * 60_000,
      checks: CHECKS.slice(0, checkCount).map((name) => ({ name, query: "q", threshold: { kind: "max", max: 0.02 } })),
    }),
  );

describe("the bake", () => {
  it("fails on failAfter breaches in a row, with what Slack words it with", () => {
    const plan = planOf();
    const outcomes = run(
      plan,
      regular(plan, [
        ["breach", "ok"],
        ["ok", "ok"],
        ["breach", "ok"],
        ["breach", "ok"],
      ]),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(["baking", "baking", "baking", "failed"]);
    expect(outcomes[0]).toMatchObject({ kind: "baking", breaching: [{ check: "error rate", consecutive: 1 }] });
    expect(outcomes.at(-1)).toEqual({
      kind: "failed",
      observedMs: 120_000,
      readings: 4,
      breach: {
        breached: true,
        cause: "threshold",
        check: "error rate",
        value: 0.041,
        limit: 0.02,
        bound: "upper",
        labels: {},
        threshold: { kind: "max", max: 0.02 },
        consecutive: 2,
      },
    });
  });

  it("verifies at the first reading once the whole bake is counted, with every check holding", () => {
    const plan = planOf();
    const outcomes = run(
      plan,
      regular(
        plan,
        Array.from({ length: 30 }, () => ["ok", "ok"]),
      ),
    );
    expect(outcomes).toHaveLength(20);
    expect(outcomes.at(-1)).toEqual({ kind: "verified", observedMs: 600_000, heldMs: 0, readings: 20 });
    expect(outcomes[18]).toEqual({ kind: "baking", remainingMs: 30_000, held: [], breaching: [] });
  });

  it("does not count time nobody watched, and stops the clock while a check is held", () => {
    const plan = planOf({ noData: "hold" });
    let state = startBake(START);
    state = advanceBake(plan, state, START + 5 * 60_000, [
      verdictOf("error rate", "ok"),
      verdictOf("latency", "ok"),
    ]).state;
    expect(state).toMatchObject({ observedMs: 30_000, heldMs: 0 });
    const held = advanceBake(plan, state, START + 5 * 60_000 + 30_000, [verdictOf("error rate", "ok")]);
    expect(held.state).toMatchObject({ observedMs: 30_000, heldMs: 30_000 });
    expect(held.outcome).toEqual({ kind: "baking", remainingMs: 570_000, held: ["latency"], breaching: [] });
  });

  it("ends inconclusive, not failed, when data stays missing under hold past twice the bake", () => {
    const plan = planOf({ noData: "hold" });
    const outcomes = run(
      plan,
      regular(
        plan,
        Array.from({ length: 50 }, () => ["no_data", "ok"]),
      ),
    );
    expect(outcomes).toHaveLength(40);
    expect(outcomes.at(-1)).toEqual({
      kind: "inconclusive",
      observedMs: 0,
      heldMs: 1_200_000,
      held: ["error rate"],
      breaching: [],
    });
  });

  it("property: fails exactly at the first reading where a check has breached failAfter times in a row", () => {
    fc.assert(
      fc.property(
        planArb,
        fc.array(fc.array(status, { minLength: 3, maxLength: 3 }), { maxLength: 25 }),
        (plan, rows) => {
          const outcomes = run(plan, regular(plan, rows));
          const expected = expectedFailure(plan, rows);
          const failedAt = outcomes.findIndex((o) => o.kind === "failed");
          if (!expected) {
            expect(failedAt).toBe(-1);
            return;
          }
          expect(failedAt).toBe(expected.tick);
          const failed = outcomes[failedAt] as Extract<BakeOutcome, { kind: "failed" }>;
          expect(failed.breach).toMatchObject({ breached: true, check: expected.check, consecutive: plan.failAfter });
        },
      ),
    );
  });

  it("property: verified only after the whole bake, counted, with every check holding at that reading", () => {
    const times = fc.array(fc.integer({ min: 0, max: 90_000 }), { minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(
        planArb,
        times,
        fc.array(fc.array(status, { minLength: 3, maxLength: 3 }), { minLength: 80, maxLength: 80 }),
        (p, gaps, rows) => {
          const plan = { ...p, bakeMs: 5 * 60_000 };
          let at = START;
          const ticks = gaps.map((gap, i) => ({ at: (at += gap), statuses: rows[i]! }));
          const outcomes = run(plan, ticks);
          const last = outcomes.at(-1);
          if (last?.kind !== "verified") return;
          const tick = ticks[outcomes.length - 1]!;
          expect(tick.at - START).toBeGreaterThanOrEqual(plan.bakeMs);
          expect(last.observedMs).toBeGreaterThanOrEqual(plan.bakeMs);
          expect(last.observedMs + last.heldMs).toBeLessThanOrEqual(tick.at - START);
          for (const s of tick.statuses.slice(0, plan.checks.length))
            expect(s === "ok" || (s === "no_data" && plan.noData === "pass")).toBe(true);
        },
      ),
    );
  });

  it("property: nothing is verified on data that was never there, unless noData is pass", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<NoDataPolicy>("fail", "hold"),
        fc.integer({ min: 1, max: 4 }),
        (noData, failAfter) => {
          const plan = planOf({ noData, failAfter });
          const outcomes = run(
            plan,
            regular(
              plan,
              Array.from({ length: 60 }, () => ["no_data", "no_data"]),
            ),
          );
          expect(outcomes.at(-1)?.kind).toBe(noData === "fail" ? "failed" : "inconclusive");
          const passing = run(
            planOf({ noData: "pass", failAfter }),
            regular(
              plan,
              Array.from({ length: 60 }, () => ["no_data", "no_data"]),
            ),
          );
          expect(passing.at(-1)?.kind).toBe("verified");
        },
      ),
    );
  });
});
