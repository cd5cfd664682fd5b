/** Deployments with a VerificationRecord, for rendering tests: a canary of checkout-api, three checks. */
import type { Deployment } from "../../src/domain/deployment.js";
import { deploymentFixture } from "../support/deployment-fixture.js";
import type { CheckTrace, VerificationOutcome, VerificationRecord } from "../../src/domain/verify/record.js";
import type { Measured, VerifyPlan } from "../../src/domain/verify/types.js";

export const START = "2026-12-01T10:00:00.000Z";
export const NOW = new Date("2026-12-01T10:03:30.000Z");

export const PLAN: VerifyPlan = {
  bakeMs: 600_000,
  intervalMs: 30_000,
  failAfter: 2,
  noData: "fail",
  checks: [
    { name: "error rate", query: "q1", threshold: { kind: "max", max: 0.02 } },
    { name: "p99 latency", query: "q2", threshold: { kind: "maxIncrease", maxIncrease: 0.2 } },
    { name: "p99 vs production", query: "q3", threshold: { kind: "maxRatio", compareTo: "production", maxRatio: 1.5 } },
  ],
};

const at = (i: number): string => new Date(Date.parse(START) + i * 30_000).toISOString();

export function points(values: readonly (number | null)[]): CheckTrace["points"] {
  return values.map((value, i) => ({ at: at(i + 1), value }));
}

export const ERROR_RATE: Measured = {
  check: "error rate",
  value: 0.004,
  limit: 0.02,
  bound: "upper",
  labels: {},
  threshold: { kind: "max", max: 0.02 },
};

export const LATENCY: Measured = {
  check: "p99 latency",
  value: 138,
  limit: 144,
  bound: "upper",
  labels: {},
  threshold: { kind: "maxIncrease", maxIncrease: 0.2 },
  baseline: 120,
};

export const RATIO: Measured = {
  check: "p99 vs production",
  value: 0.36,
  limit: 0.45,
  bound: "upper",
  labels: {},
  threshold: { kind: "maxRatio", compareTo: "production", maxRatio: 1.5 },
  reference: 0.3,
};

export function record(over: Partial<VerificationRecord> = {}): VerificationRecord {
  return {
    startedAt: START,
    bake: {
      startedAt: Date.parse(START),
      lastAt: Date.parse(START) + 210_000,
      observedMs: 210_000,
      heldMs: 0,
      readings: 7,
      streaks: { "error rate": 0, "p99 latency": 0, "p99 vs production": 0 },
    },
    baselines: { "p99 latency": 120 },
    checks: [
      { name: "error rate", points: points([0.001, 0.002, null, 0.004]), last: { status: "ok", ...ERROR_RATE } },
      { name: "p99 latency", points: points([120, 130, 138]), last: { status: "ok", ...LATENCY } },
      { name: "p99 vs production", points: points([0.3, 0.33, 0.36]), last: { status: "ok", ...RATIO } },
    ],
    unseen: null,
    queries: 21,
    outcome: null,
    rollbackId: null,
    ...over,
  };
}

export function deployment(over: Partial<Deployment> = {}): Deployment {
  return deploymentFixture({
    id: 12,
    key: "k",
    environment: "canary",
    ref: "release-1",
    sha: "a".repeat(40),
    state: "verifying",
    runId: "1",
    slackChannel: "C0DEPLOYS",
    slackTs: "12.0001",
    createdAt: START,
    updatedAt: START,
    startedAt: START,
    dispatchedAt: START,
    verification: record(),
    ...over,
  });
}

/** A deploy whose verification ended with `outcome`, in the state the engine leaves it in. */
export function ended(outcome: VerificationOutcome, over: Partial<VerificationRecord> = {}): Deployment {
  const state = outcome.kind === "failed" || outcome.kind === "rolled_back" ? "failed" : "succeeded";
  return deployment({ state, finishedAt: outcome.at, verification: record({ ...over, outcome }) });
}
