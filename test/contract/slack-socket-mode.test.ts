import { App, LogLevel, type BlockAction, type ButtonAction } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackPayloads } from "../../sandbox/slack/payloads.js";

const CHANNEL = "C0PAYMENTS";

describe("a real Bolt app in Socket Mode", () => {
  let slack: SlackEmulator;
  let app: App;
  let payloads: SlackPayloads;

  beforeEach(async () => {
    slack = new SlackEmulator({ botToken: "xoxb-test", appToken: "xapp-test" });
    await slack.start();
    slack.addChannel({ id: CHANNEL, name: "payments" }).addUser({ id: "U0ALICE", name: "alice" });
    payloads = new SlackPayloads(slack);
    app = new App({
      token: "xoxb-test",
      appToken: "xapp-test",
      socketMode: true,
      logLevel: LogLevel.ERROR,
      // Bolt hands clientOptions to the SocketModeClient too, so apps.connections.open reaches the emulator.
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    app.command("/deploy", async ({ command, ack, respond }) => {
      await ack({ text: `Queued ${command.text}` });
      await respond({ text: "Deploy started", response_type: "in_channel" });
    });
    app.action<BlockAction<ButtonAction>>("approve", async ({ ack, respond, body }) => {
      await ack();
      await respond({ text: `Approved ${body.actions[0]?.value ?? ""}` });
    });
    await app.start();
  });

  afterEach(async () => {
    await app.stop();
    await slack.stop();
  });

  it("handshakes, delivers a slash command envelope and receives the ack", async () => {
    await slack.socket.connected();
    expect(slack.calls.filter((c) => c.method === "apps.connections.open")).toHaveLength(1);
    const ack = await slack.socket.sendSlashCommand(
      payloads.slashCommand("U0ALICE", "/deploy", "checkout-api", { channel: CHANNEL }),
    );
    expect(ack.envelope_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ack.payload).toEqual({ text: "Queued checkout-api" });
    await slack.waitForMessage((m) => m.text === "Deploy started");
    expect(slack.calls.some((c) => c.method === "socket_mode.ack")).toBe(true);
  });

  it("delivers interactive envelopes for buttons on stored messages", async () => {
    await app.client.chat.postMessage({
      channel: CHANNEL,
      text: "approve?",
      blocks: [
        {
          type: "actions",
          elements: [
            { type: "button", action_id: "approve", value: "v1.2", text: { type: "plain_text", text: "Approve" } },
          ],
        },
      ],
    });
    const ack = await slack.socket.sendInteractive(payloads.blockAction("U0ALICE", { actionId: "approve" }));
    expect(ack.payload).toEqual({});
    const reply = await slack.waitForEphemeral((m) => m.visibleTo === "U0ALICE");
    expect(reply.text).toBe("Approved v1.2");
  });
});
