/**
 * Attack: someone holding the webhook secret (or replaying an old delivery) signs a webhook that says a deploy
 * ended the way they like. A webhook is a hint: before it ends a deploy, Gantry reads the run or the deployment from
 * GitHub's API, and GitHub's answer decides.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";
import { hookUp, newest, sendWebhook, webhooksSettled, WEBHOOK_SECRET } from "./support.js";

let h: Harness | undefined;
stopAfterEach(() => h);
afterEach(async () => {
  if (h) await webhooksSettled(h);
  h = undefined;
});

/** Polls once, at dispatch, and then not for an hour: only webhooks move these deploys. */
const slowPolling = () => testConfig({ polling: { interval: "1h", maxInterval: "1h" } });

describe("forged webhooks", () => {
  it("a signed workflow_run 'success' for a run that is still running does not end the deploy; GitHub's failure does", async () => {
    h = await startHarness({ config: slowPolling(), webhookSecret: WEBHOOK_SECRET });
    const url = hookUp(h);
    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: "C0PAYMENTS" });
    const id = await newest(h);
    const running = await h.until(id, (d) => d.state === "in_progress");
    await webhooksSettled(h);
    const real = h.gh.deliveries.find((d) => d.event === "workflow_run" && d.action === "in_progress")!;
    const forged = structuredClone(real.payload) as {
      action: string;
      workflow_run: { status: string; conclusion: string | null };
    };
    forged.action = "completed";
    forged.workflow_run.status = "completed";
    forged.workflow_run.conclusion = "success";

    expect(await sendWebhook(url, "workflow_run", forged)).toBe(202);
    await webhooksSettled(h);
    expect((await h.gantry.store.getDeployment(id))?.state).toBe("in_progress");
    // GitHub was asked, and the run's own answer was kept.
    expect(
      h.gh.calls.filter((c) => c.method === "GET" && c.path.endsWith(`/actions/runs/${running.runId}`)).length,
    ).toBeGreaterThan(1);

    h.gh.completeRun(Number(running.runId), "failure");
    const done = await h.finished(id);
    expect(done.state).toBe("failed");
    expect(done.reason).toContain("conclusion `failure`");
    // Replaying the forged success after the end changes nothing either.
    expect(await sendWebhook(url, "workflow_run", forged)).toBe(202);
    await webhooksSettled(h);
    expect((await h.gantry.store.getDeployment(id))?.state).toBe("failed");
  });

  it("a signed deployment_status 'success' for a deployment GitHub shows in progress does not end the deploy", async () => {
    h = await startHarness({ config: slowPolling(), webhookSecret: WEBHOOK_SECRET });
    const url = hookUp(h);
    h.gh.setDeploymentScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "billing-worker main to staging", { channel: "C0PAYMENTS" });
    const id = await newest(h, "billing-worker");
    const created = await h.until(id, (d) => d.runId !== null);
    h.gh.addDeploymentStatus("acme/billing-worker", Number(created.runId), "in_progress");
    await h.until(id, (d) => d.state === "in_progress");
    await webhooksSettled(h);
    const real = h.gh.deliveries.find((d) => d.event === "deployment_status")!;
    const forged = structuredClone(real.payload) as { deployment_status: { state: string } };
    forged.deployment_status.state = "success";

    expect(await sendWebhook(url, "deployment_status", forged)).toBe(202);
    await webhooksSettled(h);
    expect((await h.gantry.store.getDeployment(id))?.state).toBe("in_progress");

    h.gh.addDeploymentStatus("acme/billing-worker", Number(created.runId), "failure");
    const done = await h.finished(id);
    expect(done.state).toBe("failed");
    expect(done.reason).toContain("`failure`");
  });

  it("a signed workflow_run naming another deploy's finished run does not end this one", async () => {
    h = await startHarness({ config: slowPolling(), webhookSecret: WEBHOOK_SECRET });
    const url = hookUp(h);
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: "C0PAYMENTS" });
    const first = await h.finished(await newest(h));
    expect(first.state).toBe("succeeded");
    await webhooksSettled(h);
    const success = h.gh.deliveries.find((d) => d.event === "workflow_run" && d.action === "completed")!;

    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: "C0PAYMENTS" });
    const id = await newest(h);
    const running = await h.until(id, (d) => d.state === "in_progress");
    await webhooksSettled(h);
    // The old success, retitled with this deploy's key: the run it names is not this deploy's.
    const forged = structuredClone(success.payload) as { workflow_run: { display_title: string } };
    forged.workflow_run.display_title = `Deploy production ${running.key}`;
    expect(await sendWebhook(url, "workflow_run", forged)).toBe(202);
    await webhooksSettled(h);
    expect(await h.gantry.store.getDeployment(id)).toMatchObject({
      state: "in_progress",
      runId: running.runId,
    });
    h.gh.completeRun(Number(running.runId), "success");
    expect((await h.finished(id)).state).toBe("succeeded");
  });
});
