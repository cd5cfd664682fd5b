import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, USERS, type Harness } from "../support/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
});

describe("Socket Mode", () => {
  it("connects out to Slack at start-up and answers commands through the same handlers", async () => {
    h = await startHarness({ socketMode: true });
    await h.slack.socket.connected();
    expect(h.slack.calls.some((c) => c.method === "apps.connections.open")).toBe(true);

    const help = await h.slack.socket.sendSlashCommand(
      h.client.slashCommandPayload(USERS.alice, "/deploy", "help", { channel: CHANNEL }),
    );
    expect(JSON.stringify(help.payload)).toContain("/deploy &lt;service&gt; [&lt;ref&gt;] to &lt;env&gt;");

    const ack = await h.slack.socket.sendSlashCommand(
      h.client.slashCommandPayload(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL }),
    );
    expect(ack.envelope_id).toBeTruthy();
    const [d] = await h.gantry.store.history("checkout-api");
    expect((await h.finished(d!.id)).state).toBe("succeeded");
  });
});
