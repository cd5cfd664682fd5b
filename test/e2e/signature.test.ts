import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { slackSignature } from "../../sandbox/slack/signing-client.js";
import { CHANNEL, SIGNING_SECRET, startHarness, USERS, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  // The default branches read at start-up are not the test's calls.
  await h.gantry.warmed;
  h.gh.reset();
});
afterEach(async () => {
  await h.stop();
});

async function nothingRecorded(): Promise<void> {
  expect(await h.gantry.store.listAudit()).toEqual([]);
  expect(await h.gantry.store.history("checkout-api")).toEqual([]);
  expect(h.gh.calls).toEqual([]);
  expect(h.slack.calls.filter((c) => c.method.startsWith("chat."))).toEqual([]);
}

describe("Slack request signatures", () => {
  it("answers 401 to a request signed with the wrong secret, and records nothing", async () => {
    const res = await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", {
      channel: CHANNEL,
      secret: "not-the-secret",
    });
    expect(res.status).toBe(401);
    await nothingRecorded();
  });

  it("answers 401 to a timestamp older than five minutes, even when correctly signed", async () => {
    const stale = Math.floor(Date.now() / 1000) - 5 * 60 - 10;
    const res = await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", {
      channel: CHANNEL,
      timestamp: stale,
    });
    expect(res.status).toBe(401);
    await nothingRecorded();
  });

  it("answers 401 to a tampered body and to missing signature headers", async () => {
    const payload = h.client.slashCommandPayload(USERS.alice, "/deploy", "checkout-api main to staging", {
      channel: CHANNEL,
    });
    const body = new URLSearchParams(payload as unknown as Record<string, string>).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = slackSignature(SIGNING_SECRET, ts, body);
    const tampered = await h.client.raw(body.replace("staging", "production"), {
      "x-slack-signature": signature,
      "x-slack-request-timestamp": String(ts),
    });
    expect(tampered.status).toBe(401);
    const unsigned = await h.client.raw(body, {});
    expect(unsigned.status).toBe(401);
    await nothingRecorded();
  });

  it("accepts the same request when it is signed properly", async () => {
    const res = await h.client.command(USERS.alice, "/deploy", "help", { channel: CHANNEL });
    expect(res.status).toBe(200);
  });
});

describe("repeated deliveries", () => {
  it("does the work of a slash command once when Slack retries it (X-Slack-Retry-Num, same trigger_id)", async () => {
    const payload = h.client.slashCommandPayload(USERS.alice, "/deploy", "checkout-api main to staging", {
      channel: CHANNEL,
    });
    const body = new URLSearchParams(payload as unknown as Record<string, string>).toString();
    const first = await h.client.send(body);
    const retry = await h.client.send(body, { retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(h.logs.filter((l) => l.includes("repeated command delivery ignored"))).toHaveLength(1);
    const deploys = await h.gantry.store.history("checkout-api");
    expect(deploys).toHaveLength(1);
    expect((await h.finished(deploys[0]!.id)).state).toBe("succeeded");
    expect(h.gh.calls.filter((c) => c.path.endsWith("/dispatches"))).toHaveLength(1);
  });

  it("acts once on the same click delivered twice, while a second click is its own", async () => {
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const [d] = await h.gantry.store.history("checkout-api");
    const done = await h.finished(d!.id);
    const click = h.client.blockActionPayload(USERS.bob, {
      actionId: "rollback_deploy",
      value: String(done.id),
      message: { channel: done.slackChannel!, ts: done.slackTs! },
    });
    const body = `payload=${encodeURIComponent(JSON.stringify(click))}`;
    await h.client.send(body);
    await h.client.send(body, { retryNum: 1 });
    expect(h.logs.filter((l) => l.includes("repeated click delivery ignored"))).toHaveLength(1);
    await h.slack.waitForEphemeral((m) => m.visibleTo === USERS.bob && m.text.includes("no good deploy before"));
    const again = h.client.blockActionPayload(USERS.bob, {
      actionId: "rollback_deploy",
      value: String(done.id),
      message: { channel: done.slackChannel!, ts: done.slackTs! },
    });
    await h.client.send(`payload=${encodeURIComponent(JSON.stringify(again))}`);
    expect(h.logs.filter((l) => l.includes("repeated click delivery ignored"))).toHaveLength(1);
  });
});
