import { describe, expect, it } from "vitest";
import { failedDeployments } from "../../src/domain/dora/digest-data.js";
import { computeDora, type DoraInput } from "../../src/domain/dora/report.js";
import type { LedgerDeployment, Window } from "../../src/domain/dora/types.js";
import { promotionPath } from "../../src/digest/dora-input.js";
import { dep, inc } from "../support/dora-fixtures.js";

/** The UTC week of Monday 9 March 2026. */
const WEEK: Window = { from: "2026-03-09T00:00:00Z", to: "2026-03-16T00:00:00Z" };

function dora(deployments: LedgerDeployment[], extra: Partial<DoraInput> = {}) {
  return computeDora({
    deployments,
    incidents: [],
    window: WEEK,
    timezone: "UTC",
    scope: { team: "payments", services: [] },
    ...extra,
  });
}

/** A deploy that reached its environment at `startedAt` and failed its verification at `at`. */
function failedVerification(
  id: string,
  startedAt: string,
  at: string,
  p: Partial<LedgerDeployment> = {},
  outcome: "failed" | "rolled_back" = "failed",
): LedgerDeployment {
  return dep(id, at, { failedVerification: true, verification: { startedAt, outcome, at }, ...p });
}

const autoRollback = (id: string, finishedAt: string, replaces: string, p: Partial<LedgerDeployment> = {}) =>
  dep(id, finishedAt, { kind: "rollback", replacesId: replaces, automatic: true, ...p });

describe("a deploy that failed verification in DORA", () => {
  it("is a failed deployment: it counts in the deployments and in the failures", () => {
    const r = dora([
      dep("1", "2026-03-09T10:00:00Z"),
      failedVerification("2", "2026-03-10T10:00:00Z", "2026-03-10T10:02:00Z"),
      autoRollback("3", "2026-03-10T10:03:30Z", "2"),
    ]);
    expect(r.deployments).toBe(3);
    expect(r.changeFailureRate.failed).toBe(1);
    expect(r.changeFailureRate.value).toBeCloseTo(1 / 3);
    // The rollback is rework, as a person's would be.
    expect(r.reworkRate.rollbacks).toBe(1);
  });

  it("recovers when the rollback that replaced it ends, not at the next deployment", () => {
    const deploys = [
      failedVerification("2", "2026-03-10T10:00:00Z", "2026-03-10T10:02:00Z"),
      // Another service's deploy in between changes nothing; this service's next deploy is the rollback's target.
      dep("9", "2026-03-10T10:02:30Z", { service: "billing" }),
      autoRollback("3", "2026-03-10T10:04:00Z", "2"),
      dep("4", "2026-03-11T10:00:00Z"),
    ];
    const r = dora(deploys);
    expect(r.recoveryTime.restored).toBe(1);
    expect(r.recoveryTime.medianSeconds).toBe(120);
    const [failed] = failedDeployments({ deployments: deploys, incidents: [], ...params() });
    expect(failed?.reasons).toEqual(["failed_verification"]);
    expect(failed?.restoredAt).toBe("2026-03-10T10:04:00.000Z");
  });

  it("without a rollback (onFailure: notify), recovers at the service's next deployment", () => {
    const r = dora([
      failedVerification("2", "2026-03-10T10:00:00Z", "2026-03-10T10:02:00Z"),
      dep("3", "2026-03-10T11:02:00Z"),
    ]);
    expect(r.recoveryTime.medianSeconds).toBe(3600);
  });

  it("an incident linked to it decides its recovery, as for any failed deployment", () => {
    const deploys = [
      failedVerification("2", "2026-03-10T10:00:00Z", "2026-03-10T10:02:00Z"),
      autoRollback("3", "2026-03-10T10:04:00Z", "2"),
    ];
    const r = computeDora({
      deployments: deploys,
      incidents: [inc("OPS-1", "2026-03-10T10:01:00Z", "2026-03-10T12:02:00Z", { deployIds: ["2"] })],
      ...params(),
    });
    expect(r.recoveryTime.medianSeconds).toBe(7200);
  });
});

function params() {
  return { window: WEEK, timezone: "UTC", scope: { team: "payments", services: [] } };
}

describe("the verification figures", () => {
  it("count automatic rollbacks only (a person's rollback is not one), and the median time to detection", () => {
    const r = dora([
      failedVerification("1", "2026-03-09T10:00:00Z", "2026-03-09T10:01:00Z"),
      autoRollback("2", "2026-03-09T10:02:00Z", "1"),
      failedVerification("3", "2026-03-10T10:00:00Z", "2026-03-10T10:03:00Z"),
      autoRollback("4", "2026-03-10T10:04:00Z", "3"),
      // A person clicked Roll back now: a failed verification, not a detection, and their rollback is not automatic.
      failedVerification("5", "2026-03-11T10:00:00Z", "2026-03-11T10:00:30Z", {}, "rolled_back"),
      dep("6", "2026-03-11T10:01:00Z", { kind: "rollback", replacesId: "5", automatic: false }),
      failedVerification("7", "2026-03-12T10:00:00Z", "2026-03-12T10:05:00Z"),
      autoRollback("8", "2026-03-12T10:06:00Z", "7"),
    ]);
    expect(r.verification.failedVerifications).toBe(4);
    expect(r.verification.automaticRollbacks).toBe(3);
    expect(r.verification.detection).toEqual({ medianSeconds: 180, detected: 3 });
    expect(r.verification.caughtBeforeProduction).toBe(0);
  });

  it("count only what happened in the window", () => {
    const r = dora([
      failedVerification("1", "2026-03-08T23:50:00Z", "2026-03-08T23:55:00Z"),
      autoRollback("2", "2026-03-08T23:58:00Z", "1"),
    ]);
    expect(r.verification).toEqual({
      failedVerifications: 0,
      automaticRollbacks: 0,
      detection: { medianSeconds: null, detected: 0 },
      caughtBeforeProduction: 0,
    });
  });

  it("count a bad change caught in the canary when its commit never succeeded in production", () => {
    const canary = (id: string, p: Partial<LedgerDeployment>) => ({ environment: "canary", ...p });
    const production = [dep("10", "2026-03-10T12:00:00Z", { sha: "good" })];
    const upstream = [
      failedVerification("1", "2026-03-10T09:00:00Z", "2026-03-10T09:01:00Z", canary("1", { sha: "bad" })),
      autoRollback("2", "2026-03-10T09:02:00Z", "1", canary("2", { sha: "old" })),
      // Failed in the canary but shipped to production later anyway (a person accepted it there): not caught.
      failedVerification("3", "2026-03-11T09:00:00Z", "2026-03-11T09:01:00Z", canary("3", { sha: "flaky" })),
      dep("4", "2026-03-10T11:00:00Z", canary("4", { sha: "good" })),
    ];
    const shippedAnyway = dep("11", "2026-03-11T12:00:00Z", { sha: "flaky" });
    const r = dora([...production, shippedAnyway], {
      path: {
        deployments: [...production, shippedAnyway, ...upstream],
        promotesTo: { api: { canary: "production" } },
      },
    });
    expect(r.verification.caughtBeforeProduction).toBe(1);
    expect(r.verification.failedVerifications).toBe(2);
    expect(r.verification.automaticRollbacks).toBe(1);
    // The canary is not production: its deploys are not in the four keys.
    expect(r.deployments).toBe(2);
    expect(r.changeFailureRate.failed).toBe(0);
  });
});

describe("the promotion path DORA reads", () => {
  const env = (e: Record<string, unknown> = {}) => e;
  it("follows promoteFrom and promoteTo upstream from the measured environment, and no further than needed", () => {
    const config = {
      services: {
        api: {
          environments: {
            dev: env(),
            staging: env({ promoteTo: "canary" }),
            canary: env({ promoteTo: "production" }),
            production: env({ promoteFrom: "canary" }),
          },
        },
        web: { environments: { staging: env(), production: env() } },
      },
    } as never;
    const path = promotionPath(config, [
      { service: "api", environment: "production" },
      { service: "web", environment: "production" },
    ]);
    expect(path.upstream).toEqual([
      { service: "api", environment: "canary" },
      { service: "api", environment: "staging" },
    ]);
    expect(path.promotesTo).toEqual({ api: { canary: "production", staging: "canary" }, web: {} });
  });
});
