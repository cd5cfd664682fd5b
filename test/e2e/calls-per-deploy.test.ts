import { describe, expect, it } from "vitest";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, gatedConfig, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

// Issue 18: what a deploy costs in Slack and GitHub calls outside status polling, counted at the emulators.

let h: Harness;
stopAfterEach(() => h);

const POLLS = new Set(["actions/get-workflow-run", "repos/list-deployment-statuses"]);

/** The Slack calls about deploys in #payments since `from`, and answers by response_url (the gated deploy's votes). */
const slackSince = (from: number) =>
  h.slack.calls.slice(from).filter((c) => c.args.channel === CHANNEL || c.method === "response_url");
const githubSince = (from: number) =>
  h.gh.calls.slice(from).filter((c) => !POLLS.has(c.operationId ?? "") && c.path.startsWith("/repos/"));

async function deploy(text: string): Promise<Deployment> {
  const res = await h.client.command(USERS.alice, "/deploy", text, { channel: CHANNEL });
  expect(res.body).toBe("");
  const [d] = await h.gantry.store.history("checkout-api", undefined, 1);
  return h.finished(d!.id);
}

/** Every version a message showed, oldest first, by its status field. */
function statuses(ts: string): string[] {
  const m = h.slack.messages(CHANNEL).find((x) => x.ts === ts)!;
  return [...m.history, m].map((v) => v.text.split(":")[0]!);
}

describe("calls per deploy (issue 18)", () => {
  it("a staging deploy makes at most 4 Slack calls outside polling, its first post already showing it queued", async () => {
    h = await startHarness({ config: gatedConfig() });
    const slack = h.slack.calls.length;
    const github = h.gh.calls.length;
    const done = await deploy("checkout-api main to staging");
    expect(done.state).toBe("succeeded");
    const calls = slackSince(slack);
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls[0]!.method).toBe("chat.postMessage");
    expect(statuses(done.slackTs!)[0]).toBe("Queued");
    expect(statuses(done.slackTs!).at(-1)).toBe("Succeeded");
    // The thread reply that tells the requester stays.
    expect(calls.at(-1)).toMatchObject({ method: "chat.postMessage", args: { thread_ts: done.slackTs } });
    expect(githubSince(github).length).toBeLessThanOrEqual(4);
  });

  it("a gated deploy makes at most 4 Slack calls plus one per vote, and two votes at once resolve its ref once", async () => {
    h = await startHarness({ config: gatedConfig() });
    // The groups the config names (@platform deploys, @release approves) and the default branches are looked up at
    // start-up, in the background.
    await h.gantry.warmed;
    const slack = h.slack.calls.length;
    const github = h.gh.calls.length;
    const res = await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    expect(res.body).toBe("");
    const [asked] = await h.gantry.store.history("checkout-api", "production", 1);
    const d = await h.until(asked!.id, (x) => x.state === "pending_approval" && x.slackTs !== null);
    const click = (user: string) =>
      h.client.blockAction(user, {
        actionId: "approve_deploy",
        value: String(d.id),
        message: { channel: d.slackChannel!, ts: d.slackTs! },
      });
    // Both approvals land together: both see the round complete, only the one that completed it starts the deploy.
    await Promise.all([click(USERS.bob), click(USERS.carol)]);
    const done = await h.finished(d.id);
    expect(done).toMatchObject({ state: "succeeded", sha: d.sha });
    expect(slackSince(slack).length).toBeLessThanOrEqual(4 + 2);
    // No answer by response_url: each counted vote shows on the deploy's message.
    expect(slackSince(slack).filter((c) => c.method === "response_url")).toEqual([]);
    // The request and both votes found the groups cached: one lookup of each, all at start-up.
    const lookups = h.slack.calls.filter((c) => c.method.startsWith("usergroups."));
    expect(lookups.map((c) => [c.method, c.args.usergroup ?? null]).sort()).toEqual([
      ["usergroups.list", null],
      ["usergroups.users.list", "S0PLATFORM"],
      ["usergroups.users.list", "S0RELEASE"],
    ]);
    const gh = githubSince(github);
    // Pinned at the request, checked again once when the approvals are in.
    expect(gh.filter((c) => c.operationId === "repos/get-commit")).toHaveLength(2);
    expect(gh.filter((c) => c.path.endsWith("/dispatches"))).toHaveLength(1);
    // The default branch the workflow is dispatched from was read at start-up.
    expect(gh.filter((c) => c.operationId === "repos/get")).toEqual([]);
    expect(gh.length).toBeLessThanOrEqual(4);
    const final = h.slack.messages(CHANNEL).find((m) => m.ts === d.slackTs)!;
    expect(JSON.stringify(final.blocks)).toContain("2 of 2");
    expect(statuses(d.slackTs!).at(-1)).toBe("Succeeded");
  });

  it("a default branch renamed after start-up: the dispatch GitHub refuses for the old name goes once more with the new", async () => {
    h = await startHarness({ config: gatedConfig() });
    await h.gantry.warmed;
    h.gh.renameBranch("acme/checkout-api", "main", "trunk");
    const github = h.gh.calls.length;
    const done = await deploy("checkout-api trunk to staging");
    expect(done.state).toBe("succeeded");
    const dispatches = githubSince(github).filter((c) => c.path.endsWith("/dispatches"));
    expect(dispatches.map((c) => (c.body as { ref?: string }).ref)).toEqual(["main", "trunk"]);
    expect(dispatches.map((c) => c.status < 300)).toEqual([false, true]);
    expect(h.gh.runs.map((r) => r.headBranch)).toEqual(["trunk"]);
  });

  it("a rollback makes at most 4 Slack calls outside polling and still ends on its final state", async () => {
    h = await startHarness({ config: gatedConfig() });
    h.gh.addCommit("acme/checkout-api", { message: "one", branch: "main" });
    const first = await deploy("checkout-api main to staging");
    h.gh.addCommit("acme/checkout-api", { message: "two", branch: "main" });
    const second = await deploy("checkout-api main to staging");
    expect([first.state, second.state]).toEqual(["succeeded", "succeeded"]);
    const slack = h.slack.calls.length;
    const github = h.gh.calls.length;
    const res = await h.client.command(USERS.bob, "/rollback", "checkout-api staging", { channel: CHANNEL });
    expect(res.body).toBe("");
    const [asked] = await h.gantry.store.history("checkout-api", "staging", 1);
    const back = await h.finished(asked!.id);
    expect(back).toMatchObject({ kind: "rollback", state: "succeeded", sha: first.sha, replacesId: second.id });
    expect(slackSince(slack).length).toBeLessThanOrEqual(4);
    expect(statuses(back.slackTs!).at(-1)).toBe("Succeeded");
    expect(githubSince(github).length).toBeLessThanOrEqual(3);
    // The replaced deploy is recorded as rolled back (audit log, status), and the rollback's message names it.
    expect((await h.gantry.store.getDeployment(second.id))!.state).toBe("rolled_back");
    const shown = h.slack.messages(CHANNEL).find((m) => m.ts === back.slackTs)!;
    expect(JSON.stringify(shown.blocks)).toContain(`undoes #${second.id}`);
  });

  it("a rollback asked for in another channel still redraws the replaced deploy's message as rolled back", async () => {
    h = await startHarness({ config: gatedConfig() });
    h.slack.addChannel({ id: "C0INCIDENT", name: "incident" });
    h.gh.addCommit("acme/checkout-api", { message: "one", branch: "main" });
    await deploy("checkout-api main to staging");
    h.gh.addCommit("acme/checkout-api", { message: "two", branch: "main" });
    const second = await deploy("checkout-api main to staging");
    await h.client.command(USERS.bob, "/rollback", "checkout-api staging", { channel: "C0INCIDENT" });
    const [asked] = await h.gantry.store.history("checkout-api", "staging", 1);
    expect((await h.finished(asked!.id)).state).toBe("succeeded");
    // Nobody reading #payments would see the rollback's message, so the replaced one says it.
    const redrawn = await h.slack.waitForMessage(
      (m) => m.ts === second.slackTs && JSON.stringify(m.blocks).includes("Rolled back"),
    );
    expect(JSON.stringify(redrawn.blocks)).not.toContain("rollback_deploy");
  });

  it("a channel that will not take Gantry's post: a started deploy goes on and its requester is told; a gated one ends", async () => {
    h = await startHarness({ config: gatedConfig() });
    h.slack.faults.add({ method: "chat.postMessage", error: "not_in_channel", times: Infinity });
    // Staging: the post waits for the dispatch, so the run is already asked for when Slack refuses it.
    const staging = await deploy("checkout-api main to staging");
    expect(staging).toMatchObject({ state: "succeeded", slackTs: null });
    const told = await h.slack.waitForEphemeral(
      (m) => m.visibleTo === USERS.alice && m.text.includes(`#${staging.id}`),
    );
    expect(told.text).toContain("not_in_channel");
    // Gated: the message is what approvers vote on, so it goes up before anything starts, and its refusal ends it.
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    const [gated] = await h.gantry.store.history("checkout-api", "production", 1);
    const ended = await h.finished(gated!.id);
    expect(ended.state).toBe("failed");
    expect(ended.reason).toContain("Invite the bot");
    expect(h.gh.calls.filter((c) => c.path.endsWith("/dispatches"))).toHaveLength(1);
    for (const d of [staging, ended])
      expect((await h.gantry.store.listAudit({ deploymentId: d.id })).map((a) => a.action)).toContain(
        `deploy.message_failed`,
      );
  });
});
