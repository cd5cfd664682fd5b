import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { quietSlackLogger } from "../support/quiet-slack-logger.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import type { MessageEvent } from "../../sandbox/slack/types.js";

const BOT = "xoxb-test";
const APP = "xapp-test";
const approveBlocks = [
  { type: "section", text: { type: "mrkdwn", text: "*checkout-api* to production?" } },
  {
    type: "actions",
    block_id: "decide",
    elements: [{ type: "button", action_id: "approve", value: "42", text: { type: "plain_text", text: "Approve" } }],
  },
];

let slack: SlackEmulator;
let web: WebClient;

const client = (token: string, extra: Partial<ConstructorParameters<typeof WebClient>[1]> = {}) =>
  new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quietSlackLogger, ...extra });

async function platformError(p: Promise<unknown>): Promise<string | undefined> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPIPlatformError | undefined;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err?.data.error;
}

beforeEach(async () => {
  slack = new SlackEmulator({ botToken: BOT, appToken: APP });
  await slack.start();
  slack
    .addChannel({ id: "C0PAYMENTS", name: "payments" })
    .addUser({ id: "U0ALICE", name: "alice", realName: "Alice", tz: "Europe/Berlin" })
    .addUsergroup({ id: "S0PLATFORM", handle: "platform", users: ["U0ALICE"] });
  web = client(BOT);
});

afterEach(async () => {
  await slack.stop();
});

describe("auth", () => {
  it("answers auth.test with the bot identity and rejects other tokens", async () => {
    const res = await web.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: "T0GANTRY", user_id: "U0GANTRYBOT", bot_id: "B0GANTRYBOT" });
    expect(await platformError(client("xoxb-wrong").auth.test())).toBe("invalid_auth");
    expect(await platformError(client(APP).auth.test())).toBe("not_allowed_token_type");
    expect(slack.calls.map((c) => c.method)).toEqual(["auth.test", "auth.test", "auth.test"]);
    expect(slack.calls[0]?.args).not.toHaveProperty("token");
  });
});

describe("chat", () => {
  it("posts messages with blocks, unique increasing ts and threads", async () => {
    const first = await web.chat.postMessage({ channel: "C0PAYMENTS", text: "Deploy?", blocks: approveBlocks });
    const second = await web.chat.postMessage({ channel: "#payments", text: "again" });
    const reply = await web.chat.postMessage({ channel: "C0PAYMENTS", text: "in thread", thread_ts: first.ts ?? "" });
    expect(first.message).toMatchObject({
      text: "Deploy?",
      bot_id: "B0GANTRYBOT",
      user: "U0GANTRYBOT",
      blocks: approveBlocks,
    });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect([first.ts, second.ts, reply.ts]).toEqual([first.ts, second.ts, reply.ts].sort());
    expect(new Set([first.ts, second.ts, reply.ts]).size).toBe(3);
    expect(reply.message?.thread_ts).toBe(first.ts);
    const stored = slack.messages("C0PAYMENTS");
    expect(stored.map((m) => m.text)).toEqual(["Deploy?", "again", "in thread"]);
    expect(stored[0]).toMatchObject({ blocks: approveBlocks, reply_count: 1, via: "chat.postMessage" });
  });

  it("rejects unknown channels, missing text, bad blocks and unknown threads", async () => {
    expect(await platformError(web.chat.postMessage({ channel: "C0NOPE", text: "x" }))).toBe("channel_not_found");
    expect(await platformError(web.apiCall("chat.postMessage", { channel: "C0PAYMENTS" }))).toBe("no_text");
    const badHeader = [{ type: "header", text: { type: "mrkdwn", text: "x".repeat(151) } }];
    const err = await web.chat
      .postMessage({ channel: "C0PAYMENTS", text: "x", blocks: badHeader })
      .catch((e: WebAPIPlatformError) => e);
    expect((err as WebAPIPlatformError).data).toMatchObject({ error: "invalid_blocks" });
    expect((err as WebAPIPlatformError).data.response_metadata?.messages?.join()).toContain("/blocks/0/text");
    expect(await platformError(web.chat.postMessage({ channel: "C0PAYMENTS", text: "x", thread_ts: "1.000000" }))).toBe(
      "thread_not_found",
    );
    expect(slack.messages()).toEqual([]);
  });

  it("updates messages, keeps history, and emits message events", async () => {
    const events: MessageEvent[] = [];
    slack.on("message", (e) => events.push(e));
    const posted = await web.chat.postMessage({ channel: "C0PAYMENTS", text: "queued", blocks: approveBlocks });
    const updated = await web.chat.update({ channel: "C0PAYMENTS", ts: posted.ts ?? "", text: "running" });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: "running" });
    const [m] = slack.messages();
    expect(m).toMatchObject({ text: "running", blocks: approveBlocks, history: [{ text: "queued" }] });
    expect(events.map((e) => e.kind)).toEqual(["posted", "updated"]);
    expect(await platformError(web.chat.update({ channel: "C0PAYMENTS", ts: "1700000000.000001", text: "x" }))).toBe(
      "message_not_found",
    );
  });

  it("posts ephemerals and builds permalinks", async () => {
    const eph = await web.chat.postEphemeral({ channel: "C0PAYMENTS", user: "U0ALICE", text: "only you" });
    expect(eph.message_ts).toBeTruthy();
    expect(slack.ephemerals("U0ALICE")).toMatchObject([
      { text: "only you", channel: "C0PAYMENTS", visibleTo: "U0ALICE" },
    ]);
    expect(slack.messages()).toEqual([]);
    const posted = await web.chat.postMessage({ channel: "C0PAYMENTS", text: "hi" });
    const link = await web.chat.getPermalink({ channel: "C0PAYMENTS", message_ts: posted.ts ?? "" });
    expect(link.permalink).toBe(`https://gantry-sandbox.slack.com/archives/C0PAYMENTS/p${posted.ts?.replace(".", "")}`);
  });
});

describe("directory", () => {
  it("serves users.info and usergroups", async () => {
    const info = await web.users.info({ user: "U0ALICE" });
    expect(info.user).toMatchObject({
      id: "U0ALICE",
      name: "alice",
      real_name: "Alice",
      tz: "Europe/Berlin",
      is_bot: false,
    });
    expect([3600, 7200]).toContain(info.user?.tz_offset);
    expect(await platformError(web.users.info({ user: "U0NOBODY" }))).toBe("user_not_found");
    const groups = await web.usergroups.list({ include_users: true });
    expect(groups.usergroups).toMatchObject([
      { id: "S0PLATFORM", handle: "platform", users: ["U0ALICE"], user_count: 1 },
    ]);
    const plain = await web.usergroups.list();
    expect(plain.usergroups?.[0]).not.toHaveProperty("users");
    expect((await web.usergroups.users.list({ usergroup: "S0PLATFORM" })).users).toEqual(["U0ALICE"]);
    expect(await platformError(web.usergroups.users.list({ usergroup: "S0NOPE" }))).toBe("no_such_subteam");
  });
});

describe("views", () => {
  const modal = {
    type: "modal" as const,
    callback_id: "rollback",
    title: { type: "plain_text" as const, text: "Rollback" },
    blocks: [],
  };

  it("opens a modal for the trigger's user, updates it and publishes home tabs", async () => {
    const trigger = slack.issueTriggerId("U0ALICE");
    const opened = await web.views.open({ trigger_id: trigger, view: modal });
    const id = opened.view?.id ?? "";
    expect(opened.view).toMatchObject({ callback_id: "rollback", team_id: "T0GANTRY", state: { values: {} } });
    expect(await platformError(web.views.open({ trigger_id: trigger, view: modal }))).toBe("exchanged_trigger_id");
    expect(await platformError(web.views.open({ trigger_id: "123.456.abc", view: modal }))).toBe("invalid_trigger_id");
    const updated = await web.views.update({
      view_id: id,
      hash: opened.view?.hash ?? "",
      view: { ...modal, private_metadata: "v2" },
    });
    expect(updated.view).toMatchObject({ id, private_metadata: "v2" });
    expect(await platformError(web.views.update({ view_id: id, hash: "stale", view: modal }))).toBe("hash_conflict");
    await web.views.publish({ user_id: "U0ALICE", view: { type: "home", blocks: [] } });
    await web.views.publish({ user_id: "U0ALICE", view: { type: "home", blocks: [{ type: "divider" }] } });
    const views = slack.views("U0ALICE");
    expect(views.map((v) => [v.kind, v.updates])).toEqual([
      ["modal", 1],
      ["home", 1],
    ]);
    expect(views[1]?.view.blocks).toEqual([{ type: "divider" }]);
  });
});

describe("apps.connections.open", () => {
  it("needs the app token and returns a socket url", async () => {
    const res = await client(APP).apps.connections.open();
    expect(res.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/socket\\?ticket=`));
    expect(await platformError(web.apps.connections.open())).toBe("not_allowed_token_type");
    expect(await platformError(client("xapp-other").apps.connections.open())).toBe("invalid_auth");
  });
});

describe("requests", () => {
  it("parses JSON bodies and flags unknown methods as unexpected", async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${BOT}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: "C0PAYMENTS", text: "json", blocks: approveBlocks }),
    });
    expect(await res.json()).toMatchObject({ ok: true, message: { text: "json", blocks: approveBlocks } });
    expect(await platformError(web.apiCall("reactions.add", { name: "tada" }))).toBe("unknown_method");
    expect(slack.calls.filter((c) => c.unexpected).map((c) => c.method)).toEqual(["reactions.add"]);
  });
});

describe("direct messages", () => {
  it("posts to a user id as a DM channel and renders names from the directory", async () => {
    const res = await web.chat.postMessage({ channel: "U0ALICE", text: "psst" });
    expect(res.channel).toBe("D0ALICE");
    expect(slack.messages("D0ALICE").map((m) => m.text)).toEqual(["psst"]);
    const lookup = slack.nameLookup();
    expect([
      lookup.userName?.("U0ALICE"),
      lookup.channelName?.("C0PAYMENTS"),
      lookup.usergroupHandle?.("S0PLATFORM"),
    ]).toEqual(["alice", "payments", "platform"]);
  });
});

describe("faults", () => {
  it("injects errors for a number of calls, then recovers", async () => {
    slack.faults.add({ method: "chat.postMessage", error: "fatal_error", times: 1 });
    expect(await platformError(web.chat.postMessage({ channel: "C0PAYMENTS", text: "x" }))).toBe("fatal_error");
    await web.chat.postMessage({ channel: "C0PAYMENTS", text: "x" });
    expect(slack.calls.map((c) => c.faulted)).toEqual([true, false]);
  });

  it("rate limits with 429 and Retry-After", async () => {
    slack.faults.add({ method: /^chat\./, retryAfter: 7, times: 1 });
    const err = (await client(BOT, { rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: "C0PAYMENTS", text: "x" })
      .catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    expect(slack.calls[0]).toMatchObject({ status: 429, faulted: true, response: { ok: false, error: "ratelimited" } });
  });

  it("answers HTTP errors, drops connections and delays", async () => {
    slack.faults.add({ method: "auth.test", status: 503, times: 1 });
    const http = (await web.auth.test().catch((e: unknown) => e)) as { code: string };
    expect(http.code).toBe(ErrorCode.HTTPError);
    slack.faults.add({ method: "auth.test", drop: true, times: 1 });
    const dropped = (await web.auth.test().catch((e: unknown) => e)) as { code: string };
    expect(dropped.code).toBe(ErrorCode.RequestError);
    slack.faults.add({ method: "auth.test", delayMs: 60, times: 1 });
    const started = Date.now();
    await web.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    slack.faults.clear();
    expect(slack.faults.pending).toEqual([]);
  });
});

describe("response_url", () => {
  const post = (url: string, body: object) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("creates ephemerals and channel messages, and replaces or deletes the original", async () => {
    const plain = slack.responseUrl({ channel: "C0PAYMENTS", user: "U0ALICE" });
    expect(plain).toMatch(new RegExp(`^${slack.url}/response/\\w+$`));
    expect((await post(plain, { text: "just you" })).status).toBe(200);
    await post(plain, { text: "everyone", response_type: "in_channel" });
    expect(slack.ephemerals("U0ALICE").map((m) => m.text)).toEqual(["just you"]);
    expect(slack.messages().map((m) => m.text)).toEqual(["everyone"]);

    const original = await web.chat.postMessage({ channel: "C0PAYMENTS", text: "approve?", blocks: approveBlocks });
    const action = slack.responseUrl({ channel: "C0PAYMENTS", user: "U0ALICE", messageTs: original.ts ?? "" });
    await post(action, { replace_original: true, text: "approved" });
    const replaced = slack.findMessage("C0PAYMENTS", original.ts ?? "");
    expect(replaced).toMatchObject({ text: "approved", blocks: [], history: [{ text: "approve?" }] });
    const res = await post(action, { delete_original: true });
    expect(await res.json()).toEqual({ ok: true });
    expect(slack.findMessage("C0PAYMENTS", original.ts ?? "")).toBeUndefined();
    expect((await post(`${slack.url}/response/nope`, { text: "x" })).status).toBe(404);
    expect(slack.calls.filter((c) => c.method === "response_url")).toHaveLength(5);
  });

  it("can be faulted like a Web API method", async () => {
    slack.faults.add({ method: "response_url", status: 500, times: 1 });
    const url = slack.responseUrl({ channel: "C0PAYMENTS", user: "U0ALICE" });
    expect((await post(url, { text: "x" })).status).toBe(500);
    expect((await post(url, { text: "x" })).status).toBe(200);
    await expect(slack.waitForCall("response_url")).resolves.toMatchObject({ faulted: true, status: 500 });
  });
});

describe("waiting and reset", () => {
  it("waits for past and future calls and messages, with a clear timeout", async () => {
    await web.auth.test();
    await expect(slack.waitForCall((c) => c.method === "auth.test")).resolves.toMatchObject({ method: "auth.test" });
    const later = slack.waitForMessage((m) => m.text === "later");
    await web.chat.postMessage({ channel: "C0PAYMENTS", text: "later" });
    await expect(later).resolves.toMatchObject({ text: "later" });
    await expect(slack.waitForCall((c) => c.method === "views.open", 20)).rejects.toThrow(
      /timed out after 20ms.*auth\.test\(ok\)/,
    );
  });

  it("reset clears conversations and calls but keeps the directory", async () => {
    await web.chat.postMessage({ channel: "C0PAYMENTS", text: "x" });
    slack.faults.add({ method: "auth.test", error: "boom" });
    slack.reset();
    expect([slack.messages(), slack.calls, slack.faults.pending]).toEqual([[], [], []]);
    await web.chat.postMessage({ channel: "C0PAYMENTS", text: "still here" });
    expect((await web.users.info({ user: "U0ALICE" })).user?.name).toBe("alice");
  });
});
