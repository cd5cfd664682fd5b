import { beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  // The default branches read at start-up are not the test's calls.
  await h.gantry.warmed;
  h.gh.reset();
});
stopAfterEach(() => h);

/** The id of the deploy a command just created (the only one, or the newest). */
async function newestDeployId(service = "checkout-api"): Promise<number> {
  const [latest] = await h.gantry.store.history(service, undefined, 1);
  if (!latest) throw new Error("no deploy was recorded");
  return latest.id;
}

function channelMessage(ts: string) {
  const m = h.slack.messages(CHANNEL).find((msg) => msg.ts === ts);
  if (!m) throw new Error(`no message ${ts}`);
  return m;
}

describe("/deploy end to end", () => {
  it("deploys a tag to staging and keeps one message current until it succeeds", async () => {
    const sha = h.gh.addCommit("acme/checkout-api", { message: "PAY-1 ship it", branch: "main" });
    h.gh.setTag("acme/checkout-api", "v1.4.2", sha);

    const res = await h.client.command(USERS.alice, "/deploy", "checkout-api v1.4.2 to staging", { channel: CHANNEL });
    expect(res.status).toBe(200);
    expect(res.body).toBe("");

    const done = await h.finished(await newestDeployId());
    expect(done).toMatchObject({ state: "succeeded", ref: "v1.4.2", sha, requester: USERS.alice, reason: null });
    expect(done.runUrl).toMatch(/^https:\/\/github\.com\/acme\/checkout-api\/actions\/runs\/\d+$/);

    const dispatch = h.gh.calls.find((c) => c.method === "POST" && c.path.endsWith("/dispatches"));
    expect(dispatch?.body).toMatchObject({
      ref: "main",
      inputs: { environment: "staging", sha, ref: "v1.4.2", gantry_deploy_id: done.key },
      return_run_details: true,
    });

    const message = channelMessage(done.slackTs!);
    expect(message.thread_ts).toBeUndefined();
    const final = JSON.stringify(message.blocks);
    expect(final).toContain("Succeeded");
    expect(final).toContain(done.runUrl!);
    expect(final).toMatch(/Took/);
    const states = message.history.map((v) => v.text.split(":")[0]);
    // The first post waits for the dispatch, so it already shows the deploy queued (issue 18: no "Requested" redraw).
    expect(states).toEqual(["Queued", "In progress"]);

    const reply = h.slack.messages(CHANNEL).find((m) => m.thread_ts === done.slackTs && m.ts !== done.slackTs);
    expect(reply?.text).toContain(`<@${USERS.alice}>`);
    expect(reply?.text).toContain("is live in *staging*");

    expect((await h.gantry.store.transitions(done.id)).map((t) => t.state)).toEqual([
      "requested",
      "queued",
      "in_progress",
      "succeeded",
    ]);
    const audit = await h.gantry.store.listAudit({ deploymentId: done.id });
    expect(audit.map((a) => a.action)).toEqual([
      "deploy.requested",
      "deploy.queued",
      "deploy.in_progress",
      "deploy.succeeded",
    ]);
  });

  it("deploys the default branch when no ref is given", async () => {
    const head = h.gh.addCommit("acme/checkout-api", { message: "tip of main", branch: "main" });
    await h.client.command(USERS.bob, "/deploy", "checkout-api to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    expect(done).toMatchObject({ state: "succeeded", ref: "main", sha: head });
  });

  it("ends as failed, in Slack too, when the workflow run fails", async () => {
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api@main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    expect(done.state).toBe("failed");
    expect(done.reason).toContain("conclusion `failure`");
    const final = JSON.stringify(channelMessage(done.slackTs!).blocks);
    expect(final).toContain("Failed");
    expect(final).toContain("conclusion");
    const reply = h.slack.messages(CHANNEL).find((m) => m.thread_ts === done.slackTs && m.ts !== done.slackTs);
    expect(reply?.text).toContain(`<@${USERS.alice}>`);
    expect(reply?.text).toContain("failed");
  });

  it("ends as failed with GitHub's own words when the dispatch gets a 422", async () => {
    h.gh.faults.add({
      method: "POST",
      path: /\/dispatches$/,
      status: 422,
      body: {
        message: 'Unexpected inputs provided: ["gantry_deploy_id"]',
        documentation_url: "https://docs.github.com/rest",
      },
    });
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    expect(done.state).toBe("failed");
    expect(done.reason).toBe(
      'GitHub answered 422 when starting workflow deploy.yml: Unexpected inputs provided: ["gantry_deploy_id"]',
    );
    expect(done.runId).toBeNull();
    expect(JSON.stringify(channelMessage(done.slackTs!).blocks)).toContain("Unexpected inputs provided");
    expect(h.gh.runs).toHaveLength(0);
  });

  it("fails clearly when the ref does not exist", async () => {
    await h.client.command(USERS.alice, "/deploy", "checkout-api v9.9.9 to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    expect(done.state).toBe("failed");
    expect(done.reason).toBe("`v9.9.9` is not a branch, tag or commit in acme/checkout-api");
    expect(h.gh.calls.some((c) => c.path.endsWith("/dispatches"))).toBe(false);
  });

  it("answers an unknown service with a suggestion, ephemerally, and calls no GitHub", async () => {
    const res = await h.client.command(USERS.alice, "/deploy", "chekout-api v1.4.2 to staging", { channel: CHANNEL });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toContain("unknown service `chekout-api` — did you mean `checkout-api`?");
    expect(body.text).toContain("/deploy &lt;service&gt; [&lt;ref&gt;] to &lt;env&gt;");
    expect(h.gh.calls).toHaveLength(0);
    expect(await h.gantry.store.history("chekout-api")).toHaveLength(0);
    expect(h.slack.messages(CHANNEL)).toHaveLength(0);
  });

  it("refuses a deploy without permission and names who may deploy there", async () => {
    const res = await h.client.command(USERS.mallory, "/deploy", "checkout-api main to production", {
      channel: CHANNEL,
    });
    expect(res.body).toBe("");
    const body = res.answer!;
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toContain("You may not deploy *checkout-api* to *production*");
    expect(body.text).toContain("`@platform`");
    expect(body.text).toContain(`<@${USERS.carol}>`);
    expect(h.gh.calls).toHaveLength(0);
    expect(await h.gantry.store.history("checkout-api")).toHaveLength(0);
    const audit = await h.gantry.store.listAudit();
    expect(audit).toMatchObject([
      { action: "deploy.refused", actor: USERS.mallory, detail: { why: "not a deployer" } },
      {
        action: "command",
        actor: USERS.mallory,
        detail: { command: "/deploy", text: "checkout-api main to production", accepted: false },
      },
    ]);
  });

  it("lets a member of a deployer group deploy to the gated environment", async () => {
    await h.client.command(USERS.bob, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    expect((await h.finished(await newestDeployId())).state).toBe("succeeded");
  });

  it("refuses a second deploy while one runs, saying what runs, who started it and when", async () => {
    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const first = await newestDeployId();
    const running = await h.until(first, (d) => d.state === "in_progress");

    const res = await h.client.command(USERS.bob, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const body = res.answer!;
    expect(body.text).toContain("already deploying to *staging*");
    expect(body.text).toContain(`deploy #${first}`);
    expect(body.text).toContain(`<@${USERS.alice}>`);
    expect(body.text).toMatch(/started \d+s ago/);
    expect(await h.gantry.store.history("checkout-api")).toHaveLength(1);

    h.gh.completeRun(Number(running.runId), "success");
    expect((await h.finished(first)).state).toBe("succeeded");
  });

  it("finds the run by the deploy id when GitHub answers the dispatch with 204", async () => {
    h.gh.returnRunDetails = false;
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    expect(done.state).toBe("succeeded");
    expect(done.runId).toBe(String(h.gh.runs[0]!.id));
    expect(h.gh.calls.some((c) => c.method === "GET" && /\/workflows\/deploy\.yml\/runs/.test(c.path))).toBe(true);
  });

  it("uses conditional requests while polling, and GitHub answers 304 when nothing changed", async () => {
    h.gh.setRunScript(() => ({ runMs: 150 }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    await h.finished(await newestDeployId());
    const polls = h.gh.calls.filter((c) => c.method === "GET" && /\/actions\/runs\/\d+$/.test(c.path));
    expect(polls.some((c) => c.status === 304 && c.headers["if-none-match"])).toBe(true);
  });

  it("creates a GitHub Deployment in deployment mode and follows its statuses", async () => {
    await h.client.command(USERS.alice, "/deploy", "billing-worker main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId("billing-worker"));
    expect(done).toMatchObject({ state: "succeeded", runner: "deployment" });
    const create = h.gh.calls.find((c) => c.method === "POST" && c.path.endsWith("/deployments"));
    expect(create?.body).toMatchObject({
      ref: done.sha,
      environment: "staging",
      auto_merge: false,
      payload: { gantry_deploy_id: done.key },
    });
    expect(create?.body).not.toHaveProperty("required_contexts");
  });

  it("ends as failed when GitHub refuses a deployment because the commit's checks failed", async () => {
    const sha = h.gh.addCommit("acme/billing-worker", { message: "red build", branch: "main" });
    h.gh.setCommitChecks("acme/billing-worker", sha, "failure");
    await h.client.command(USERS.alice, "/deploy", "billing-worker main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId("billing-worker"));
    expect(done.state).toBe("failed");
    expect(done.reason).toContain("GitHub answered 409");
    expect(done.reason).toContain("Commit status checks failed");
  });

  it("ends a deploy with no news past its timeout as timed_out", async () => {
    await h.stop();
    const config = testConfig();
    config.services["checkout-api"]!.environments.staging!.timeout = "150ms";
    h = await startHarness({ config });
    h.gh.setRunScript(() => ({ hold: true }));
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    expect(done.state).toBe("timed_out");
    expect(done.reason).toBe("no news from GitHub for 150ms");
    expect(JSON.stringify(channelMessage(done.slackTs!).blocks)).toContain("Timed out");
  });
});

describe("logs", () => {
  it("carry one request id from the command through the GitHub calls and the tracker to the end", async () => {
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const done = await h.finished(await newestDeployId());
    const lines = h.logs.map((l) => JSON.parse(l) as { deployId?: number; requestId?: string; msg: string });
    const states = lines.filter((l) => l.deployId === done.id && l.msg === "deploy state changed");
    expect(states).toHaveLength(3);
    const ids = new Set(states.map((l) => l.requestId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    const calls = lines.filter((l) => l.msg === "github call" && l.requestId === [...ids][0]);
    expect(
      calls.some((l) =>
        /POST \/repos\/acme\/checkout-api\/actions\/workflows\/deploy\.yml\/dispatches/.test(
          String((l as { detail?: string }).detail),
        ),
      ),
    ).toBe(true);
  });
});
