import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { githubWebhookRoute, type GitHubWebhookRoute } from "../../src/github/webhooks/index.js";
import { signWebhook } from "../../sandbox/github/webhooks.js";
import { CHANNEL, startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";

const SECRET = "whsec-test-0123456789";
/** Polls once, at dispatch, and then not for an hour: only webhooks can move a deploy in these tests. */
const slowPolling = () => testConfig({ polling: { interval: "1h", maxInterval: "1h" } });
const PRODUCTION = [{ service: "checkout-api", environment: "production" }];
const EPOCH = "2000-01-01T00:00:00Z";

interface Mounted {
  url: string;
  route: GitHubWebhookRoute;
  close(): Promise<void>;
}

let h: Harness | undefined;
let mounted: Mounted[] = [];
stopAfterEach(() => h);
// Runs before the harness stops (after-hooks run last-registered first): let deliveries land, then close.
afterEach(async () => {
  await h?.gh.deliveriesSettled();
  for (const m of mounted) await m.close();
  mounted = [];
});

/**
 * Gantry's webhook route on a server of its own next to the harness's Gantry, as gantry.ts will mount it on its
 * own server, and the emulator's webhook pointed at it, signing with `emulatorSecret`.
 */
async function mountWebhooks(harness: Harness, emulatorSecret = SECRET): Promise<Mounted> {
  const route = githubWebhookRoute({ ...harness.gantry.ports, tracker: harness.gantry.tracker }, SECRET);
  const server: Server = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhooks`;
  harness.gh.setWebhook({ url, secret: emulatorSecret });
  const m: Mounted = {
    url,
    route,
    async close() {
      await route.idle();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  mounted.push(m);
  return m;
}

/** Every delivery so far answered, and everything accepted processed. */
async function settle(harness: Harness): Promise<void> {
  await harness.gh.deliveriesSettled();
  for (const m of mounted) await m.route.idle();
}

async function newestDeployId(harness: Harness, service = "checkout-api"): Promise<number> {
  const [latest] = await harness.gantry.store.history(service, undefined, 1);
  if (!latest) throw new Error("no deploy was recorded");
  return latest.id;
}

function runReads(harness: Harness): number {
  return harness.gh.calls.filter((c) => c.method === "GET" && /\/actions\/runs\/\d+$/.test(c.path)).length;
}

function outsideAnnouncements(harness: Harness) {
  return harness.slack.messages(CHANNEL).filter((m) => m.text.includes("outside Gantry"));
}

describe("GitHub webhooks", () => {
  it("are served by Gantry's own server when GITHUB_WEBHOOK_SECRET is set, and refuse a bad signature", async () => {
    h = await startHarness({ config: slowPolling(), webhookSecret: SECRET });
    h.gh.setWebhook({ url: `${h.gantry.url}/github/webhooks`, secret: SECRET });
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId(h));
    expect(done.state).toBe("succeeded");
    const audit = await h.gantry.store.listAudit({ deploymentId: done.id });
    expect(audit.find((a) => a.action === "deploy.succeeded")?.detail).toMatchObject({ via: "webhook" });

    const before = (await h.gantry.store.listAudit()).length;
    const forged = await fetch(`${h.gantry.url}/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_run",
        "x-github-delivery": "forged-1",
        "x-hub-signature-256": "sha256=" + "0".repeat(64),
      },
      body: JSON.stringify({ action: "completed" }),
    });
    expect(forged.status).toBe(401);
    expect((await h.gantry.store.listAudit()).length).toBe(before);
    await h.gh.deliveriesSettled();
    await h.gantry.githubWebhooks!.idle();
  });

  it("finishes a deploy from the workflow_run webhook while polling waits", async () => {
    h = await startHarness({ config: slowPolling() });
    await mountWebhooks(h);
    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const id = await newestDeployId(h);
    const run = await h.gh.waitForRun((r) => r.status === "in_progress");
    await h.until(id, (d) => d.state === "in_progress");
    await h.gh.waitForCall((c) => c.method === "GET" && c.path.endsWith(`/actions/runs/${run.id}`));

    h.gh.completeRun(run.id, "success");
    const done = await h.finished(id);
    expect(done).toMatchObject({ state: "succeeded", runId: String(run.id), reason: null });
    const audit = await h.gantry.store.listAudit({ deploymentId: id });
    expect(audit.find((a) => a.action === "deploy.succeeded")?.detail).toMatchObject({ via: "webhook" });
    // The tracker read the run when it was dispatched, and once more when a webhook said it ended: the webhook is a
    // hint, and GitHub's API confirmed it. The rest came by webhook alone.
    expect(runReads(h)).toBe(2);
    const reply = h.slack.messages(CHANNEL).find((m) => m.thread_ts === done.slackTs && m.ts !== done.slackTs);
    expect(reply?.text).toContain("is live in *staging*");

    await settle(h);
    const runDeliveries = h.gh.deliveries.filter((d) => d.event === "workflow_run");
    expect(runDeliveries.map((d) => d.action)).toEqual(["requested", "in_progress", "completed"]);
    expect(runDeliveries.map((d) => d.status)).toEqual([202, 202, 202]);
    expect(runDeliveries[2]!.payload).toMatchObject({
      workflow_run: { id: run.id, status: "completed", conclusion: "success" },
      repository: { full_name: "acme/checkout-api" },
    });
  });

  it("finishes a deployment-mode deploy from deployment_status webhooks, and counts it once", async () => {
    h = await startHarness({ config: slowPolling() });
    await mountWebhooks(h);
    h.gh.setDeploymentScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "billing-worker main to staging", { channel: CHANNEL });
    const id = await newestDeployId(h, "billing-worker");
    const queued = await h.until(id, (d) => d.runId !== null);
    await h.gh.waitForCall((c) => c.method === "GET" && c.path.endsWith(`/deployments/${queued.runId}/statuses`));
    const logUrl = "https://deployer.example.com/acme/billing-worker/1";

    h.gh.addDeploymentStatus("acme/billing-worker", Number(queued.runId), "in_progress", {
      creator: "deployer[bot]",
      logUrl,
    });
    await h.until(id, (d) => d.state === "in_progress");
    h.gh.addDeploymentStatus("acme/billing-worker", Number(queued.runId), "success", {
      creator: "deployer[bot]",
      logUrl,
    });
    const done = await h.finished(id);
    expect(done).toMatchObject({ state: "succeeded", runUrl: logUrl });
    const audit = await h.gantry.store.listAudit({ deploymentId: id });
    expect(audit.filter((a) => a.detail.via === "webhook").map((a) => a.action)).toEqual([
      "deploy.in_progress",
      "deploy.succeeded",
    ]);

    await settle(h);
    // Staging is billing-worker's DORA environment: its own deploy is in the ledger once, not also as "external".
    const ledger = await h.gantry.store.ledger([{ service: "billing-worker", environment: "staging" }], EPOCH);
    expect(ledger.map((d) => [d.id, d.kind])).toEqual([[String(id), "deploy"]]);
    expect(outsideAnnouncements(h)).toEqual([]);
    expect(h.gh.deliveries.filter((d) => d.event === "deployment_status").every((d) => d.status === 202)).toBe(true);
  });

  it("records a production deployment made outside Gantry, with its commits, and announces it in the team channel", async () => {
    h = await startHarness({ config: slowPolling() });
    await mountWebhooks(h);
    const first = h.gh.addCommit("acme/checkout-api", { message: "PAY-7 first", branch: "main" });
    const outside1 = h.gh.addDeployment("acme/checkout-api", {
      ref: first,
      environment: "production",
      creator: "octocat",
    });
    h.gh.addDeploymentStatus("acme/checkout-api", outside1.id, "in_progress", { creator: "deployer[bot]" });
    h.gh.addDeploymentStatus("acme/checkout-api", outside1.id, "success", {
      creator: "deployer[bot]",
      logUrl: "https://deployer.example.com/1",
    });
    await settle(h);

    let ledger = await h.gantry.store.ledger(PRODUCTION, EPOCH);
    expect(ledger.map((d) => [d.id, d.kind, d.sha])).toEqual([
      [`gh:acme/checkout-api:${outside1.id}`, "external", first],
    ]);
    expect(ledger[0]!.commits.map((c) => c.sha)).toEqual([first]);
    const [announced] = outsideAnnouncements(h);
    expect(announced?.text).toContain("*checkout-api* was deployed to *production* outside Gantry by octocat");
    expect(announced?.text).toContain(first.slice(0, 7));
    // The deployer's page is not on GitHub's host: shown, not linked.
    expect(announced?.text).toContain("details `https://deployer.example.com/1`");
    expect(h.logs.join("")).toContain("deployment created outside Gantry");

    // The next one brings the commits since the first.
    const second = h.gh.addCommit("acme/checkout-api", { message: "PAY-8 second", branch: "main" });
    const third = h.gh.addCommit("acme/checkout-api", { message: "PAY-9 third", branch: "main" });
    const outside2 = h.gh.addDeployment("acme/checkout-api", {
      ref: "main",
      environment: "production",
      creator: "hubot",
    });
    h.gh.addDeploymentStatus("acme/checkout-api", outside2.id, "success", { creator: "deployer[bot]" });
    // Not production's business: another environment, and a production deployment that failed.
    const toStaging = h.gh.addDeployment("acme/checkout-api", { ref: "main", environment: "staging" });
    h.gh.addDeploymentStatus("acme/checkout-api", toStaging.id, "success");
    const failed = h.gh.addDeployment("acme/checkout-api", { ref: "main", environment: "production" });
    h.gh.addDeploymentStatus("acme/checkout-api", failed.id, "failure");
    await settle(h);

    ledger = await h.gantry.store.ledger(PRODUCTION, EPOCH);
    expect(ledger.map((d) => [d.id, d.kind, d.sha])).toEqual([
      [`gh:acme/checkout-api:${outside1.id}`, "external", first],
      [`gh:acme/checkout-api:${outside2.id}`, "external", third],
    ]);
    expect(ledger[1]!.commits.map((c) => c.sha).sort()).toEqual([second, third].sort());
    expect(outsideAnnouncements(h).map((m) => m.text)).toEqual([
      expect.stringContaining("by octocat"),
      expect.stringContaining("by hubot: `main`"),
    ]);
    expect((await h.gantry.store.listAudit()).map((a) => a.action)).toEqual(["deploy.imported", "deploy.imported"]);
    expect(await h.gantry.store.history("checkout-api", "staging")).toEqual([]);
  });

  it("does not count a Gantry workflow deploy's own job deployment as an outside one", async () => {
    h = await startHarness({ config: slowPolling() });
    await mountWebhooks(h);
    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    const id = await newestDeployId(h);
    const live = await h.until(id, (d) => d.state === "in_progress");
    // The run's job has `environment: production`, so GitHub makes a deployment that succeeds before the run ends.
    const job = h.gh.addDeployment("acme/checkout-api", {
      ref: live.sha!,
      environment: "production",
      creator: "github-actions[bot]",
    });
    h.gh.addDeploymentStatus("acme/checkout-api", job.id, "success", { creator: "github-actions[bot]" });
    await settle(h);
    h.gh.completeRun(Number(live.runId), "success");
    await h.finished(id);
    await settle(h);

    const ledger = await h.gantry.store.ledger(PRODUCTION, EPOCH);
    expect(ledger.map((d) => [d.id, d.kind])).toEqual([[String(id), "deploy"]]);
    expect(outsideAnnouncements(h)).toEqual([]);
  });

  it("changes nothing on a redelivery, nor when a restarted Gantry gets the same delivery again", async () => {
    h = await startHarness({ config: slowPolling() });
    const hook = await mountWebhooks(h);
    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const id = await newestDeployId(h);
    const run = await h.gh.waitForRun((r) => r.status === "in_progress");
    await h.until(id, (d) => d.state === "in_progress");
    h.gh.completeRun(run.id, "success");
    await h.finished(id);
    const sha = h.gh.addCommit("acme/checkout-api", { message: "PAY-3 hotfix by hand", branch: "main" });
    const outside = h.gh.addDeployment("acme/checkout-api", { ref: sha, environment: "production" });
    h.gh.addDeploymentStatus("acme/checkout-api", outside.id, "success");
    await settle(h);

    const snapshot = async () => ({
      audit: await h!.gantry.store.listAudit(),
      deploy: await h!.gantry.store.getDeployment(id),
      ledger: await h!.gantry.store.ledger(PRODUCTION, EPOCH),
      messages: h!.slack.messages(CHANNEL).map((m) => [m.ts, m.text, m.history.length]),
    });
    const before = await snapshot();
    expect(before.ledger).toHaveLength(1);
    const completed = h.gh.deliveries.find((d) => d.event === "workflow_run" && d.action === "completed")!;
    const success = h.gh.deliveries.find(
      (d) =>
        d.event === "deployment_status" &&
        (d.payload as { deployment_status: { state: string } }).deployment_status.state === "success",
    )!;

    const again = [await h.gh.redeliver(completed.id), await h.gh.redeliver(success.id)];
    expect(again.map((d) => [d.id, d.status])).toEqual([
      [completed.id, 200],
      [success.id, 200],
    ]);
    await settle(h);
    expect(await snapshot()).toEqual(before);

    // A fresh route (as after a restart) has forgotten the ids: the store's conditional updates and keys hold.
    await hook.close();
    await mountWebhooks(h);
    const fresh = [await h.gh.redeliver(completed.id), await h.gh.redeliver(success.id)];
    expect(fresh.map((d) => d.status)).toEqual([202, 202]);
    await settle(h);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a bad or missing signature with 401 and records nothing", async () => {
    h = await startHarness({ config: slowPolling() });
    const hook = await mountWebhooks(h, "not-the-webhook-secret");
    const sha = h.gh.addCommit("acme/checkout-api", { message: "PAY-5 by hand", branch: "main" });
    const outside = h.gh.addDeployment("acme/checkout-api", { ref: sha, environment: "production" });
    h.gh.addDeploymentStatus("acme/checkout-api", outside.id, "success");
    await settle(h);
    expect(h.gh.deliveries.map((d) => [d.event, d.status])).toEqual([
      ["deployment", 401],
      ["deployment_status", 401],
    ]);

    const signed = h.gh.deliveries[1]!;
    const post = (headers: Record<string, string>, body = signed.body) =>
      fetch(hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "deployment_status",
          "x-github-delivery": "d-1",
          ...headers,
        },
        body,
      });
    const good = signWebhook(SECRET, signed.body);
    const tampered = signed.body.replace(`"state":"success"`, `"state":"success" `);
    const refusals = [
      await post({}), // missing
      await post({ "x-hub-signature": signWebhook(SECRET, signed.body, "sha1") }), // only the legacy SHA-1 one
      await post({ "x-hub-signature-256": "sha256=deadbeef" }),
      await post({ "x-hub-signature-256": good }, tampered),
      await post({ "x-hub-signature-256": good }, ""),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await refusals[0]!.json()).toEqual({ error: "missing X-Hub-Signature-256" });
    await settle(h);

    expect(await h.gantry.store.listAudit()).toEqual([]);
    expect(await h.gantry.store.ledger(PRODUCTION, EPOCH)).toEqual([]);
    expect(outsideAnnouncements(h)).toEqual([]);

    // The same bytes with the right signature go through: it was only the signature.
    const accepted = await post({ "x-hub-signature-256": good });
    expect(accepted.status).toBe(202);
    await settle(h);
    expect(await h.gantry.store.ledger(PRODUCTION, EPOCH)).toHaveLength(1);
  });

  it("applies news once when polling and webhooks both bring it", async () => {
    h = await startHarness();
    await mountWebhooks(h);
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId(h));
    await settle(h);
    expect(done.state).toBe("succeeded");
    expect((await h.gantry.store.transitions(done.id)).map((t) => t.state)).toEqual([
      "requested",
      "queued",
      "in_progress",
      "succeeded",
    ]);
    expect((await h.gantry.store.listAudit({ deploymentId: done.id })).map((a) => a.action)).toEqual([
      "deploy.requested",
      "deploy.queued",
      "deploy.in_progress",
      "deploy.succeeded",
    ]);
    const replies = h.slack.messages(CHANNEL).filter((m) => m.thread_ts === done.slackTs && m.ts !== done.slackTs);
    expect(replies).toHaveLength(1);
  });

  it("falls back on polling when deliveries fail, and the emulator carries on", async () => {
    h = await startHarness();
    h.gh.setWebhook({ url: "http://127.0.0.1:9/github/webhooks", secret: SECRET });
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId(h));
    expect(done.state).toBe("succeeded");
    await h.gh.deliveriesSettled();
    expect(h.gh.deliveries.length).toBeGreaterThanOrEqual(3);
    expect(h.gh.deliveries.every((d) => d.status === null && d.error !== null)).toBe(true);
  });

  it("answers pings and other events, and only POST", async () => {
    h = await startHarness({ config: slowPolling() });
    const hook = await mountWebhooks(h);
    const send = (event: string, body: string) =>
      fetch(hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": `d-${event}`,
          "x-hub-signature-256": signWebhook(SECRET, body),
        },
        body,
      });
    expect((await send("ping", JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }))).status).toBe(200);
    expect(await (await send("push", JSON.stringify({ ref: "refs/heads/main" }))).json()).toEqual({
      ok: true,
      ignored: "push",
    });
    expect((await send("workflow_run", JSON.stringify({ action: "completed" }))).status).toBe(400);
    expect((await fetch(hook.url)).status).toBe(405);
    expect((await fetch(hook.url.replace("/github/webhooks", "/elsewhere"), { method: "POST" })).status).toBe(404);
    expect(await h.gantry.store.listAudit()).toEqual([]);
  });
});
