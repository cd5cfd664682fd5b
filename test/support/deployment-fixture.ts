import type { Deployment } from "../../src/domain/deployment.js";

const AT = "2026-01-05T10:00:00.000Z";

/** A deploy record with every field set: nothing of its own yet (no commit, run, message or end) unless `over` says. */
export function deploymentFixture(over: Partial<Deployment> = {}): Deployment {
  return {
    id: 1,
    key: "k1",
    service: "checkout-api",
    environment: "staging",
    ref: "main",
    sha: null,
    requester: "U0ALICE",
    runner: "workflow",
    kind: "deploy",
    state: "requested",
    sourceId: null,
    replacesId: null,
    forceReason: null,
    hotfix: false,
    artifact: null,
    jiraKey: null,
    expiresAt: null,
    changeSummary: null,
    reason: null,
    runId: null,
    runUrl: null,
    slackChannel: null,
    slackTs: null,
    createdAt: AT,
    updatedAt: AT,
    startedAt: null,
    finishedAt: null,
    dispatchedAt: null,
    verification: null,
    verifiedAt: null,
    ...over,
  };
}
