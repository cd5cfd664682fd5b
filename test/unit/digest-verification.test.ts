import { describe, expect, it } from "vitest";
import { digestData, digestMessage, verificationText } from "../../src/digest/digest-message.js";
import type { LedgerDeployment } from "../../src/domain/dora/types.js";
import { renderBlocks } from "../../sandbox/slack/render-text.js";
import { dep } from "../support/dora-fixtures.js";

const WEEK = { from: "2026-03-09T00:00:00Z", to: "2026-03-16T00:00:00Z" };

function input(deployments: LedgerDeployment[], upstream: LedgerDeployment[] = []) {
  return {
    deployments,
    incidents: [],
    window: WEEK,
    timezone: "UTC",
    scope: { team: "payments", services: [] },
    path: { deployments: [...deployments, ...upstream], promotesTo: { api: { canary: "production" } } },
  };
}

const bad = (id: string, startedAt: string, at: string, environment = "production"): LedgerDeployment =>
  dep(id, at, {
    environment,
    sha: `bad${id}`,
    failedVerification: true,
    verification: { startedAt, outcome: "failed", at },
  });

describe("the digest's verification line", () => {
  it("says nothing in a week verification caught nothing", () => {
    const data = digestData(input([dep("1", "2026-03-10T10:00:00Z")]));
    expect(verificationText(data.report)).toBeUndefined();
    const text = renderBlocks({ blocks: digestMessage("payments", data, () => undefined, "UTC").blocks }).text;
    expect(text).not.toContain("Verification on live metrics");
  });

  it("reports automatic rollbacks, the median time to detection and bad changes caught in the canary", () => {
    const canary = [
      bad("1", "2026-03-10T09:00:00Z", "2026-03-10T09:00:40Z", "canary"),
      dep("2", "2026-03-10T09:01:00Z", { environment: "canary", kind: "rollback", replacesId: "1", automatic: true }),
    ];
    const production = [
      bad("3", "2026-03-11T09:00:00Z", "2026-03-11T09:01:20Z"),
      dep("4", "2026-03-11T09:02:00Z", { kind: "rollback", replacesId: "3", automatic: true }),
    ];
    const data = digestData(input(production, canary));
    const text = renderBlocks({ blocks: digestMessage("payments", data, () => undefined, "UTC").blocks }).text;
    expect(text).toContain("Verification on live metrics");
    expect(text).toContain(
      "2 failed verifications · 2 automatic rollbacks · median 1m 0s from deploy to detection · 1 bad change caught before production",
    );
    // The production failure is a failed deployment in its own words, restored by its rollback.
    expect(text).toMatch(/failed verification\) — restored after 40s/);
  });
});
