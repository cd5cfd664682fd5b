import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, LogLevel, type BlockAction, type ButtonAction, type SlashCommand } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient, slackSignature } from "../../sandbox/slack/signing-client.js";

const SECRET = "test-signing-secret";
const CHANNEL = "C0PAYMENTS";

describe("slackSignature", () => {
  it("reproduces Slack's documented test vector", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(slackSignature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });
});

describe("a real Bolt app over HTTP", () => {
  let slack: SlackEmulator;
  let app: App;
  let client: SlackSigningClient;
  const seen: { commands: SlashCommand[]; actions: BlockAction<ButtonAction>[]; retryNums: (number | undefined)[] } = {
    commands: [],
    actions: [],
    retryNums: [],
  };

  beforeEach(async () => {
    seen.commands = [];
    seen.actions = [];
    seen.retryNums = [];
    slack = new SlackEmulator({ botToken: "xoxb-test" });
    await slack.start();
    slack.addChannel({ id: CHANNEL, name: "payments" }).addUser({ id: "U0ALICE", name: "alice" });
    app = new App({
      token: "xoxb-test",
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command("/deploy", async ({ command, ack, respond, client: web, context }) => {
      seen.commands.push(command);
      seen.retryNums.push(context.retryNum);
      await ack({ text: `Queued ${command.text}` });
      await respond({ text: "Only you see this" });
      const posted = await web.chat.postMessage({
        channel: command.channel_id,
        text: `Deploy of ${command.text}`,
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: `<@${command.user_id}> wants *${command.text}*` } },
          {
            type: "actions",
            block_id: "decide",
            elements: [
              { type: "button", action_id: "approve", value: "7", text: { type: "plain_text", text: "Approve" } },
            ],
          },
        ],
      });
      await web.chat.update({
        channel: posted.channel ?? "",
        ts: posted.ts ?? "",
        text: `Deploy of ${command.text}: waiting`,
      });
    });
    app.action<BlockAction<ButtonAction>>("approve", async ({ ack, body, respond }) => {
      seen.actions.push(body);
      await ack();
      await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
    });
    app.command("/rollback", async ({ ack, body, client: web }) => {
      await ack();
      await web.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: "modal",
          callback_id: "rollback",
          private_metadata: "checkout-api",
          title: { type: "plain_text", text: "Rollback" },
          blocks: [],
        },
      });
    });
    app.view("rollback", async ({ ack, view }) => {
      const reason = view.state.values.reason?.text?.value ?? "";
      await ack(reason ? undefined : { response_action: "errors", errors: { reason: "Say why" } });
    });
    const server = (await app.start(0)) as Server;
    const { port } = server.address() as AddressInfo;
    client = new SlackSigningClient({ botUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, slack });
  });

  afterEach(async () => {
    await app.stop();
    await slack.stop();
  });

  it("runs a slash command: ack body, respond() ephemeral, postMessage then update", async () => {
    const res = await client.command("U0ALICE", "/deploy", "checkout-api", { channel: CHANNEL });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ text: "Queued checkout-api" });
    const updated = await slack.waitForMessage((m) => m.history.length > 0);
    expect(updated).toMatchObject({
      channel: CHANNEL,
      text: "Deploy of checkout-api: waiting",
      history: [{ text: "Deploy of checkout-api" }],
    });
    expect(updated.blocks).toHaveLength(2);
    expect(slack.ephemerals("U0ALICE")).toMatchObject([
      { text: "Only you see this", channel: CHANNEL, via: "response_url" },
    ]);
    expect(seen.commands[0]).toMatchObject({
      user_name: "alice",
      channel_name: "payments",
      team_id: "T0GANTRY",
      command: "/deploy",
    });
    expect(seen.retryNums).toEqual([undefined]);
    expect(slack.calls.filter((c) => c.unexpected)).toEqual([]);
  });

  it("delivers a block action from the stored message and replaces it via response_url", async () => {
    await client.command("U0ALICE", "/deploy", "checkout-api", { channel: CHANNEL });
    const message = await slack.waitForMessage((m) => m.history.length > 0);
    const res = await client.blockAction("U0BOB", {
      actionId: "approve",
      message: { channel: CHANNEL, ts: message.ts },
    });
    expect(res.status).toBe(200);
    const replaced = await slack.waitForMessage((m) => m.text.startsWith("Approved"));
    expect(replaced.text).toBe("Approved by <@U0BOB>");
    const body = seen.actions[0];
    expect(body?.actions[0]).toMatchObject({
      action_id: "approve",
      block_id: "decide",
      value: "7",
      text: { text: "Approve" },
    });
    expect(body?.user).toMatchObject({ id: "U0BOB", username: "bob" });
    expect(body?.container).toMatchObject({
      type: "message",
      message_ts: message.ts,
      channel_id: CHANNEL,
      is_ephemeral: false,
    });
    expect(body?.message?.ts).toBe(message.ts);
  });

  it("finds the newest message holding a button when none is named, and passes retries", async () => {
    await client.command("U0ZED", "/deploy", "billing", { channel: CHANNEL, retryNum: 1 });
    await slack.waitForMessage((m) => m.history.length > 0);
    expect(seen.commands[0]?.user_name).toBe("zed");
    expect(seen.retryNums).toEqual([1]);
    await client.blockAction("U0ALICE", { actionId: "approve" });
    await slack.waitForMessage((m) => m.text === "Approved by <@U0ALICE>");
  });

  it("submits a modal the bot opened from a slash command's trigger_id", async () => {
    await client.command("U0ALICE", "/rollback", "");
    const call = await slack.waitForCall((c) => c.method === "views.open");
    expect(call.response).toMatchObject({ ok: true, view: { callback_id: "rollback" } });
    expect(slack.views("U0ALICE")).toHaveLength(1);
    const invalid = await client.viewSubmission("U0ALICE", { callbackId: "rollback" });
    expect(invalid.json).toEqual({ response_action: "errors", errors: { reason: "Say why" } });
    const values = { reason: { text: { type: "plain_text_input", value: "bad deploy" } } };
    expect(client.viewSubmissionPayload("U0ALICE", { values }).view).toMatchObject({
      private_metadata: "checkout-api",
      state: { values },
    });
    const ok = await client.viewSubmission("U0ALICE", { values });
    expect([ok.status, ok.body]).toEqual([200, ""]);
  });

  it("answers 401 to bad signatures, tampered bodies, stale timestamps and missing headers", async () => {
    const wrong = await client.command("U0ALICE", "/deploy", "x", { secret: "not-the-secret" });
    expect(wrong.status).toBe(401);
    const stale = await client.command("U0ALICE", "/deploy", "x", {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    const body = new URLSearchParams(client.slashCommandPayload("U0ALICE", "/deploy", "staging")).toString();
    const headers = client.signedHeaders(body);
    expect((await client.raw(body.replace("staging", "production"), headers)).status).toBe(401);
    expect((await client.raw(body, { "content-type": "application/x-www-form-urlencoded" })).status).toBe(401);
    expect((await client.raw(body, headers)).status).toBe(200);
    expect(seen.commands.map((c) => c.text)).toEqual(["staging"]);
    // Let the accepted command's listener finish before the emulator goes away.
    await slack.waitForMessage((m) => m.history.length > 0);
  });
});
