import { describe, expect, it } from "vitest";
import { expireApprovals } from "../../src/jobs/expire-approvals.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, gatedConfig, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

async function requestProduction(text = "checkout-api main to production"): Promise<Deployment> {
  const res = await h.client.command(USERS.alice, "/deploy", text, { channel: CHANNEL });
  expect(res.body).toBe("");
  const [d] = await h.gantry.store.history("checkout-api", "production", 1);
  return h.until(d!.id, (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null);
}

async function click(user: string, d: Deployment, actionId: string): Promise<void> {
  const res = await h.client.blockAction(user, {
    actionId,
    value: String(d.id),
    message: { channel: d.slackChannel!, ts: d.slackTs! },
  });
  expect(res.status).toBe(200);
}

const ephemeral = (user: string, text: string) =>
  h.slack.waitForEphemeral((m) => m.visibleTo === user && m.text.includes(text));

/** A counted vote is answered on the deploy's message itself, redrawn in place (no ephemeral confirmation). */
const shown = (d: Deployment, text: string) =>
  h.slack.waitForMessage((m) => m.ts === d.slackTs && JSON.stringify(m.blocks).includes(text));
const messageOf = (d: Deployment) => h.slack.findMessage(d.slackChannel!, d.slackTs!)!;
const dispatches = () => h.gh.calls.filter((c) => c.path.endsWith("/dispatches"));

describe("go/no-go approvals", () => {
  it("waits for two approvals, then the same message becomes the progress message", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    const pending = JSON.stringify(messageOf(d).blocks);
    expect(pending).toContain("Waiting for approval");
    expect(pending).toContain("approve_deploy");
    expect(pending).toContain("reject_deploy");
    expect(pending).toContain("*Change:* 1 commit (first deploy here)");
    expect(pending).toContain("Still needed: 2 more");
    expect(dispatches()).toHaveLength(0);

    await click(USERS.bob, d, "approve_deploy");
    await shown(d, `approved by <@${USERS.bob}>`);
    expect(dispatches()).toHaveLength(0);

    await click(USERS.carol, d, "approve_deploy");
    const done = await h.finished(d.id);
    expect(done.state).toBe("succeeded");
    expect(done.slackTs).toBe(d.slackTs);
    expect(dispatches()).toHaveLength(1);
    expect(dispatches()[0]!.body).toMatchObject({ inputs: { sha: d.sha, environment: "production" } });
    const final = JSON.stringify(messageOf(d).blocks);
    expect(final).toContain("Succeeded");
    expect(final).toContain("2 of 2");
    const actions = (await h.gantry.store.listAudit({ deploymentId: d.id })).map((a) => `${a.actor}:${a.action}`);
    expect(actions).toEqual([
      `${USERS.alice}:deploy.pending_approval`,
      `${USERS.bob}:vote.approve`,
      `${USERS.carol}:vote.approve`,
      `${USERS.carol}:deploy.requested`,
      "gantry:deploy.queued",
      "gantry:deploy.in_progress",
      "gantry:deploy.succeeded",
    ]);
  });

  it("refuses the requester's own approval and a non-approver's click, and counts a double click once", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    await click(USERS.alice, d, "approve_deploy");
    await ephemeral(USERS.alice, "cannot approve it yourself");
    await click(USERS.mallory, d, "approve_deploy");
    const refusal = await ephemeral(USERS.mallory, "can approve or reject");
    expect(refusal.text).toContain("`@release`");
    await click(USERS.bob, d, "approve_deploy");
    await shown(d, `approved by <@${USERS.bob}>`);
    await click(USERS.bob, d, "approve_deploy");
    await ephemeral(USERS.bob, "You already approved");

    expect(await h.gantry.store.votes(d.id)).toMatchObject([{ voter: USERS.bob, vote: "approve" }]);
    expect((await h.gantry.store.getDeployment(d.id))!.state).toBe("pending_approval");
    const refused = (await h.gantry.store.listAudit({ deploymentId: d.id })).filter((a) => a.action === "vote.refused");
    expect(refused.map((a) => [a.actor, a.detail.why])).toEqual([
      [USERS.alice, "self_approval"],
      [USERS.mallory, "not_approver"],
    ]);
    expect(dispatches()).toHaveLength(0);
  });

  it("ends on one Reject, with the reason asked in a modal and shown", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    await click(USERS.dave, d, "reject_deploy");
    await h.slack.waitForCall((c) => c.method === "views.open");
    const res = await h.client.viewSubmission(USERS.dave, {
      callbackId: "reject_deploy_modal",
      values: { reason: { reason: { type: "plain_text_input", value: "Black Friday traffic" } } },
    });
    expect(res.status).toBe(200);
    const done = await h.finished(d.id);
    expect(done).toMatchObject({ state: "rejected", reason: "rejected: Black Friday traffic" });
    // The store says rejected a moment before Slack has the redraw (group lookups are warm, so the vote is quick).
    await shown(d, "Black Friday traffic");
    const final = JSON.stringify(messageOf(d).blocks);
    expect(final).toContain("Black Friday traffic");
    expect(final).toContain(`Rejected by <@${USERS.dave}>`);
    expect(final).not.toContain("approve_deploy");
    expect(dispatches()).toHaveLength(0);
  });

  it("asks again for a reason left empty, inline on the field", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    await click(USERS.dave, d, "reject_deploy");
    await h.slack.waitForCall((c) => c.method === "views.open");
    const res = await h.client.viewSubmission(USERS.dave, {
      callbackId: "reject_deploy_modal",
      values: { reason: { reason: { type: "plain_text_input", value: " " } } },
    });
    expect(JSON.parse(res.body)).toEqual({ response_action: "errors", errors: { reason: "Say why, in a few words." } });
    expect((await h.gantry.store.getDeployment(d.id))!.state).toBe("pending_approval");
  });

  it("expires an unanswered request, and says so", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    expect(await expireApprovals(h.gantry.ports)).toBe(0);
    h.advance(61 * 60_000);
    expect(await expireApprovals(h.gantry.ports)).toBe(1);
    expect(await expireApprovals(h.gantry.ports)).toBe(0);
    const done = await h.gantry.store.getDeployment(d.id);
    expect(done!.state).toBe("expired");
    expect(JSON.stringify(messageOf(d).blocks)).toContain("Nobody answered in 1h");
  });

  it("lets only the requester cancel a pending request", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    await click(USERS.bob, d, "cancel_deploy");
    await ephemeral(USERS.bob, "can cancel it");
    await click(USERS.alice, d, "cancel_deploy");
    expect((await h.finished(d.id)).state).toBe("cancelled");
  });

  it("binds approvals to one commit: if the branch moves, they start over", async () => {
    h = await startHarness({ config: gatedConfig() });
    const d = await requestProduction();
    await click(USERS.bob, d, "approve_deploy");
    await shown(d, `approved by <@${USERS.bob}>`);
    const newer = h.gh.addCommit("acme/checkout-api", { message: "PAY-9 sneaky change", branch: "main" });
    await click(USERS.carol, d, "approve_deploy");
    await h.slack.waitForMessage((m) => m.thread_ts === d.slackTs && m.text.includes("approvals start over"));
    const reset = (await h.gantry.store.getDeployment(d.id))!;
    expect(reset).toMatchObject({ state: "pending_approval", sha: newer });
    expect(dispatches()).toHaveLength(0);

    await click(USERS.bob, d, "approve_deploy");
    await h.slack.waitForCall(
      (c) =>
        c.method === "chat.update" &&
        JSON.stringify(c.args).includes(`approved by <@${USERS.bob}>`) &&
        JSON.stringify(c.args).includes(newer.slice(0, 7)),
    );
    await click(USERS.carol, d, "approve_deploy");
    const done = await h.finished(d.id);
    expect(done).toMatchObject({ state: "succeeded", sha: newer });
  });
});
