/**
 * A failed verification's automatic rollback during a freeze window, end to end: it passes the freeze as a manual
 * rollback does (restoring service comes first), while ordinary deploys there need break glass.
 */
import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

const ERRORS = 'errors{service="checkout-api",env="canary"}';
// Every minute starts a 1h window: always frozen, whenever the test runs.
const ALWAYS = [{ cron: "* * * * *", duration: "1h", timezone: "UTC", reason: "release freeze" }];

const config = () =>
  GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    breakGlass: { approvers: [USERS.dave] },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          canary: {
            freeze: ALWAYS,
            verify: {
              bake: "300ms",
              interval: "50ms",
              failAfter: 2,
              onFailure: "rollback",
              checks: [{ name: "error rate", query: 'errors{service="{{service}}",env="{{environment}}"}', max: 0.02 }],
            },
          },
        },
      },
    },
  });

/** Alice breaks glass for a new commit and Dave approves it; resolves with the deploy once it ends. */
async function forcedDeploy(message: string): Promise<Deployment> {
  h.gh.addCommit("acme/checkout-api", { message, branch: "main" });
  const res = await h.client.command(USERS.alice, "/deploy", 'checkout-api main to canary --force "fix it"', {
    channel: CHANNEL,
  });
  expect(res.answer?.text ?? "").toBe("");
  const [asked] = await h.gantry.store.history("checkout-api", "canary", 1);
  const pending = await h.until(asked!.id, (x) => x.state === "pending_approval" && x.slackTs !== null);
  await h.client.blockAction(USERS.dave, {
    actionId: "approve_deploy",
    value: String(pending.id),
    message: { channel: pending.slackChannel!, ts: pending.slackTs! },
  });
  return h.finished(pending.id);
}

describe("an automatic rollback during a freeze", () => {
  it("passes the freeze as a manual rollback does: breach, failed, rolled back at once", async () => {
    h = await startHarness({ config: config(), prometheus: true });
    let errors = 0.01;
    h.prom!.addSeries(ERRORS, { value: () => errors });

    // The freeze covers now: a plain deploy is refused.
    const refused = await h.client.command(USERS.alice, "/deploy", "checkout-api main to canary", { channel: CHANNEL });
    expect(refused.answer?.text).toContain("Deploys to *canary* are frozen");
    expect(await h.gantry.store.history("checkout-api", "canary")).toEqual([]);

    const good = await forcedDeploy("good");
    expect(good).toMatchObject({ state: "succeeded", forceReason: "fix it" });
    expect(good.verifiedAt).not.toBeNull();

    errors = 0.05;
    const bad = await forcedDeploy("bad");
    expect(bad).toMatchObject({ state: "failed", reason: "error rate 5% > 2% for 2 checks in a row" });
    const rollbackId = (await h.until(bad.id, (x) => x.verification?.rollbackId != null)).verification!.rollbackId!;
    const rollback = await h.finished(rollbackId);
    expect(rollback).toMatchObject({
      state: "succeeded",
      kind: "rollback",
      requester: "gantry",
      sha: good.sha,
      sourceId: good.id,
      replacesId: bad.id,
      forceReason: null,
    });
    // The bad deploy had to break glass past the freeze; its rollback did not, and waited for no approval.
    const audit = await h.gantry.store.listAudit({ deploymentId: bad.id });
    expect(audit[0]).toMatchObject({ action: "deploy.pending_approval", detail: { breakGlass: "fix it" } });
    const rollbackAudit = await h.gantry.store.listAudit({ deploymentId: rollbackId });
    expect(rollbackAudit.some((a) => "breakGlass" in a.detail)).toBe(false);
    expect((await h.gantry.store.transitions(rollbackId)).map((t) => t.state)).not.toContain("pending_approval");
    expect(audit.find((a) => a.action === "verification.rollback")).toMatchObject({
      actor: "gantry",
      detail: { automatic: true, failedId: bad.id, rollbackId, toId: good.id, target: "last verified" },
    });
    expect(await h.gantry.store.getLock("checkout-api", "canary")).toMatchObject({ holder: "gantry" });
  });
});
