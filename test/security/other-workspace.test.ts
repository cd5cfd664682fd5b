/**
 * Attack: requests from another Slack workspace or Enterprise Grid organization, signed with Gantry's signing
 * secret (an app distributed to a second workspace shares it). Gantry serves the workspace its bot token belongs
 * to (auth.test at start-up): anything else is refused, audited, and does nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listButtons } from "../../sandbox/slack/buttons.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { CHANNEL, USERS } from "../support/harness.js";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function audited(): Promise<{ actor: string; detail: Record<string, unknown> }[]> {
  const store = openSqliteStore(t!.db);
  try {
    return (await store.listAudit()).filter((a) => a.action === "request.refused");
  } finally {
    await store.close();
  }
}

async function deploys(): Promise<number> {
  const store = openSqliteStore(t!.db);
  try {
    return (await store.history("checkout-api")).length;
  } finally {
    await store.close();
  }
}

const dispatches = () => t!.gh.calls.filter((c) => c.path.endsWith("/dispatches"));

describe("requests from another workspace", () => {
  it("a /deploy from another workspace gets an ephemeral refusal, is audited, and deploys nothing", async () => {
    t = await startTarget();
    const res = await t
      .clientFrom({ teamId: "T0EVIL" })
      .command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: "ephemeral" });
    expect((res.json as { text: string }).text).toMatch(/another Slack workspace/);
    expect(await deploys()).toBe(0);
    expect(dispatches()).toEqual([]);
    expect(await audited()).toMatchObject([{ actor: USERS.alice, detail: { kind: "command", team: "T0EVIL" } }]);
  });

  it("an Approve click from another workspace is not counted as a vote", async () => {
    t = await startTarget();
    await t.client.command(USERS.carol, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    const message = await t.slack.waitForMessage((m) =>
      listButtons(m.blocks).some((b) => b.actionId === "approve_deploy"),
    );
    const evil = t.clientFrom({ teamId: "T0EVIL" });
    for (const user of [USERS.bob, USERS.dave]) {
      expect(
        (
          await evil.blockAction(user, {
            actionId: "approve_deploy",
            message: { channel: message.channel, ts: message.ts },
          })
        ).status,
      ).toBe(200);
    }
    // A click whose team is right but whose user belongs to another workspace is no better.
    const payload = t.client.blockActionPayload(USERS.bob, {
      actionId: "approve_deploy",
      message: { channel: message.channel, ts: message.ts },
    });
    payload.user.team_id = "T0EVIL";
    expect((await t.client.send(`payload=${encodeURIComponent(JSON.stringify(payload))}`)).status).toBe(200);
    expect((await audited()).map((a) => a.detail.kind)).toEqual(["block_actions", "block_actions", "block_actions"]);
    expect(dispatches()).toEqual([]);
    // The deploy message may be brought up to date meanwhile (its change summary), but it never shows a vote.
    const updates = t.slack.calls.filter((c) => c.method === "chat.update").map((c) => JSON.stringify(c.args));
    for (const voter of [USERS.bob, USERS.dave]) expect(updates.filter((u) => u.includes(voter))).toEqual([]);
  });

  it("a deploy form submitted from another workspace creates nothing, and its ref suggestions list nothing", async () => {
    t = await startTarget();
    expect((await t.client.command(USERS.alice, "/deploy", "", { channel: CHANNEL })).status).toBe(200);
    const form = await t.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.alice && v.view.callback_id === "deploy_form",
    );
    const evil = t.clientFrom({ teamId: "T0EVIL" });
    const suggested = await evil.blockSuggestion(USERS.alice, {
      view: form.id,
      actionId: "deploy_form_ref",
      value: "",
    });
    expect(suggested.options).toEqual([]);
    t.slack.enter(form.id, "deploy_form_env", "staging");
    t.slack.enter(form.id, "deploy_form_ref", { text: { type: "plain_text", text: "main" }, value: "main" });
    expect((await evil.viewSubmission(USERS.alice, { id: form.id })).status).toBe(200);
    expect(await deploys()).toBe(0);
    expect(dispatches()).toEqual([]);
    expect(t.gh.calls.filter((c) => c.path.endsWith("/branches") || c.path.endsWith("/tags"))).toEqual([]);
    expect((await audited()).map((a) => a.detail.kind)).toEqual(["block_suggestion", "view_submission"]);
  });

  it("a click whose team id is an object that cannot become a string is refused and audited, not a 500", async () => {
    t = await startTarget();
    const payload = t.client.blockActionPayload(USERS.bob, { actionId: "promote_deploy:production", value: "!;" });
    (payload.user as Record<string, unknown>).team_id = { toString: "T0OURS", valueOf: "T0OURS" };
    expect((await t.client.send(`payload=${encodeURIComponent(JSON.stringify(payload))}`)).status).toBe(200);
    expect(await audited()).toMatchObject([{ actor: USERS.bob, detail: { kind: "block_actions", team: "(object)" } }]);
    expect(dispatches()).toEqual([]);
  });

  it("an App Home opened from another workspace publishes nothing", async () => {
    t = await startTarget();
    expect((await t.clientFrom({ teamId: "T0EVIL" }).appHomeOpened(USERS.alice)).status).toBe(200);
    await t.client.appHomeOpened(USERS.bob);
    await t.slack.waitForCall((c) => c.method === "views.publish");
    expect(t.slack.calls.filter((c) => c.method === "views.publish").map((c) => c.args.user_id)).toEqual([USERS.bob]);
    expect((await audited()).map((a) => a.detail)).toMatchObject([{ kind: "event_callback", team: "T0EVIL" }]);
  });
});

describe("requests from another Enterprise Grid organization", () => {
  it("a command naming another organization is refused, though its team id is the workspace's", async () => {
    t = await startTarget({ slack: { enterpriseId: "E0ACME" } });
    const res = await t
      .clientFrom({ enterpriseId: "E0EVIL" })
      .command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    expect((res.json as { text: string }).text).toMatch(/another Slack workspace/);
    expect(await audited()).toMatchObject([{ detail: { kind: "command", enterprise: "E0EVIL" } }]);
    const own = await t.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    expect((own.json as { text?: string } | undefined)?.text ?? "").not.toMatch(/another Slack workspace/);
    await t.gh.waitForCall((c) => c.path.endsWith("/dispatches"));
    expect(dispatches()).toHaveLength(1);
  });

  it("a command from an organization when the workspace belongs to none is refused", async () => {
    t = await startTarget();
    const res = await t
      .clientFrom({ enterpriseId: "E0EVIL" })
      .command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    expect((res.json as { text: string }).text).toMatch(/another Slack workspace/);
    expect(await deploys()).toBe(0);
  });
});
