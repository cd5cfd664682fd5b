import { ErrorCode, WebClient, type WebAPIPlatformError } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { quietSlackLogger } from "../support/quiet-slack-logger.js";
import { renderTrendChart } from "../../src/digest/chart.js";
import { GantryError } from "../../src/errors.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { renderMessageForTerminal } from "../../sandbox/slack/render-text.js";
import type { MessageEvent } from "../../sandbox/slack/types.js";
import { WebSlack } from "../../src/slack/web-slack.js";
import { mrkdwn } from "../../src/slack/mrkdwn.js";

const BOT = "xoxb-test";
const CHANNEL = "C0PAYMENTS";

let slack: SlackEmulator;
let web: WebClient;

const client = (token = BOT) =>
  new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quietSlackLogger });

/** Every byte value, CR/LF pairs and something that looks like a multipart boundary: survives only a binary-clean path. */
function awkwardBytes(): Buffer {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([
    all,
    Buffer.from("\r\n--boundary\r\n\r\n--\r\n"),
    all.reverse(),
    Buffer.from([0xff, 0xfe, 0x00]),
  ]);
}

async function platformError(p: Promise<unknown>): Promise<string | undefined> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPIPlatformError | undefined;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err?.data.error;
}

beforeEach(async () => {
  slack = new SlackEmulator({ botToken: BOT });
  await slack.start();
  slack.addChannel({ id: CHANNEL, name: "payments" }).addUser({ id: "U0ALICE", name: "alice" });
  web = client();
});

afterEach(async () => {
  await slack.stop();
});

describe("files.uploadV2 against the emulator", () => {
  it("uploads the exact bytes and shares them into the channel with a file-share message", async () => {
    const events: MessageEvent[] = [];
    slack.on("message", (e) => events.push(e));
    const bytes = awkwardBytes();
    const res = await web.files.uploadV2({
      channel_id: CHANNEL,
      file: bytes,
      filename: "weird.bin",
      title: "Weird bytes",
      initial_comment: "Here it is",
      alt_text: "binary soup",
    });
    expect(res.ok).toBe(true);

    expect(slack.calls.map((c) => c.method)).toEqual([
      "files.getUploadURLExternal",
      "upload_url",
      "files.completeUploadExternal",
    ]);
    expect(slack.calls[0]?.args).toMatchObject({
      filename: "weird.bin",
      length: String(bytes.length),
      alt_text: "binary soup",
    });

    const [file] = slack.files();
    expect(slack.files()).toHaveLength(1);
    expect(file).toMatchObject({
      name: "weird.bin",
      title: "Weird bytes",
      channel: CHANNEL,
      uploaded: true,
      completed: true,
    });
    expect(file?.bytes.equals(bytes)).toBe(true);
    expect(file?.id).toMatch(/^F/);

    const [message] = slack.messages(CHANNEL);
    expect(message).toMatchObject({
      channel: CHANNEL,
      ts: file?.ts,
      text: "Here it is",
      via: "files.completeUploadExternal",
    });
    expect(message?.thread_ts).toBeUndefined();
    expect(message?.files).toEqual([
      expect.objectContaining({
        id: file?.id,
        name: "weird.bin",
        title: "Weird bytes",
        size: bytes.length,
        alt_txt: "binary soup",
      }),
    ]);
    expect(events.map((e) => [e.kind, e.message.ts])).toEqual([["posted", file?.ts]]);

    // The completion answers as Slack documents it.
    const completion = (res as unknown as { files: { files: { id: string; title: string }[] }[] }).files[0];
    expect(completion?.files).toEqual([{ id: file?.id, title: "Weird bytes" }]);
  });

  it("shares into a thread when thread_ts is given", async () => {
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: "Weekly digest" });
    await web.files.uploadV2({
      channel_id: CHANNEL,
      thread_ts: parent.ts ?? "",
      file: Buffer.from("a,b\n1,2\n"),
      filename: "data.csv",
      title: "Data",
    });
    const [file] = slack.files(CHANNEL);
    expect(file).toMatchObject({ name: "data.csv", title: "Data", thread_ts: parent.ts, mimetype: "text/csv" });
    const reply = slack.findMessage(CHANNEL, file?.ts ?? "");
    expect(reply?.thread_ts).toBe(parent.ts);
    expect(slack.findMessage(CHANNEL, parent.ts ?? "")?.reply_count).toBe(1);
  });

  it("answers files.info and serves the bytes at url_private", async () => {
    const bytes = awkwardBytes();
    await web.files.uploadV2({ channel_id: CHANNEL, file: bytes, filename: "chart.png", title: "Chart" });
    const [file] = slack.files();
    const info = await web.files.info({ file: file?.id ?? "" });
    expect(info.file).toMatchObject({
      id: file?.id,
      name: "chart.png",
      title: "Chart",
      mimetype: "image/png",
      filetype: "png",
      size: bytes.length,
      channels: [CHANNEL],
    });
    const res = await fetch(info.file?.url_private ?? "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await platformError(web.files.info({ file: "F0NOPE" }))).toBe("file_not_found");
  });

  it("rejects what Slack rejects", async () => {
    expect(await platformError(web.files.getUploadURLExternal({ filename: "x.txt" } as never))).toBe(
      "invalid_arguments",
    );
    expect(await platformError(web.files.getUploadURLExternal({ filename: "x.txt", length: 0 }))).toBe(
      "invalid_length",
    );
    expect(await platformError(web.files.completeUploadExternal({ files: [{ id: "F0NOPE" }] }))).toBe("file_not_found");

    // Completing before the bytes arrived, or with fewer bytes than promised, fails.
    const url = await web.files.getUploadURLExternal({ filename: "x.txt", length: 5 });
    const ref = [{ id: url.file_id ?? "", title: "X" }] as [{ id: string; title: string }];
    expect(await platformError(web.files.completeUploadExternal({ files: ref, channel_id: CHANNEL }))).toBe(
      "file_not_found",
    );
    const short = await fetch(url.upload_url ?? "", { method: "POST", body: "abc" });
    expect([short.status, await short.text()]).toEqual([200, "OK - 3"]);
    expect(await platformError(web.files.completeUploadExternal({ files: ref, channel_id: CHANNEL }))).toBe(
      "file_not_found",
    );

    // Raw bytes (not multipart) are accepted too; then a bad channel or thread is refused.
    await fetch(url.upload_url ?? "", { method: "POST", body: "hello" });
    expect(await platformError(web.files.completeUploadExternal({ files: ref, channel_id: "C0NOPE" }))).toBe(
      "channel_not_found",
    );
    expect(
      await platformError(web.files.completeUploadExternal({ files: ref, channel_id: CHANNEL, thread_ts: "1.000001" })),
    ).toBe("thread_not_found");
    const done = await web.files.completeUploadExternal({ files: ref, channel_id: CHANNEL });
    expect(done.files).toEqual([{ id: url.file_id, title: "X" }]);
    expect(slack.files()[0]?.bytes.toString()).toBe("hello");
    // A completed file cannot be completed or uploaded again.
    expect(await platformError(web.files.completeUploadExternal({ files: ref, channel_id: CHANNEL }))).toBe(
      "file_not_found",
    );
    expect((await fetch(url.upload_url ?? "", { method: "POST", body: "again" })).status).toBe(410);
    expect((await fetch(`${slack.url}/upload/v1/nope`, { method: "POST", body: "x" })).status).toBe(404);
    expect(slack.calls.some((c) => c.unexpected)).toBe(false);
  });

  it("keeps a file private when completed without a channel", async () => {
    const url = await web.files.getUploadURLExternal({ filename: "x.txt", length: 2 });
    await fetch(url.upload_url ?? "", { method: "POST", body: "hi" });
    await web.files.completeUploadExternal({ files: [{ id: url.file_id ?? "" }] });
    expect(slack.files()).toEqual([expect.objectContaining({ completed: true, title: "x.txt" })]);
    expect(slack.files()[0]?.channel).toBeUndefined();
    expect(slack.messages()).toEqual([]);
  });

  it("applies faults to the upload URL as method upload_url", async () => {
    slack.faults.add({ method: "upload_url", status: 500, times: 1 });
    await expect(
      web.files.uploadV2({ channel_id: CHANNEL, file: Buffer.from("x"), filename: "x.txt" }),
    ).rejects.toThrow();
    expect(slack.calls.find((c) => c.method === "upload_url")).toMatchObject({ faulted: true, status: 500 });
    expect(slack.messages()).toEqual([]);
  });

  it("forgets files on reset()", async () => {
    await web.files.uploadV2({ channel_id: CHANNEL, file: Buffer.from("x"), filename: "x.txt" });
    expect(slack.files()).toHaveLength(1);
    slack.reset();
    expect(slack.files()).toEqual([]);
  });

  it("renders a shared file in the terminal view", async () => {
    await web.files.uploadV2({
      channel_id: CHANNEL,
      file: Buffer.alloc(2560, 1),
      filename: "trend.png",
      title: "DORA trend",
      initial_comment: "This week",
    });
    const [message] = slack.messages(CHANNEL);
    if (!message) throw new Error("no message");
    const { text } = renderMessageForTerminal(message, { ...slack.nameLookup(), timeZone: "UTC" });
    expect(text.split("\n").slice(1)).toEqual(["  This week", "  [file: DORA trend (trend.png, 2.5 KB)]"]);
  });
});

describe("WebSlack.uploadFile", () => {
  it("uploads a rendered chart into the channel, and into a thread", async () => {
    const port = new WebSlack(web);
    const png = renderTrendChart({
      title: "Payments: DORA",
      weeks: ["W1", "W2", "W3"],
      series: [{ label: "Lead time", unit: "h", values: [3, 2, 1] }],
    });
    await port.uploadFile(CHANNEL, {
      filename: "dora.png",
      title: "DORA trend",
      bytes: png,
      altText: "Lead time falling",
    });
    const parent = await port.postMessage(CHANNEL, { text: mrkdwn`Weekly digest` });
    await port.uploadFile(CHANNEL, { filename: "dora-2.png", title: "DORA trend (thread)", bytes: png }, parent.ts);

    const [first, second] = slack.files(CHANNEL);
    expect(first).toMatchObject({
      name: "dora.png",
      title: "DORA trend",
      altText: "Lead time falling",
      mimetype: "image/png",
    });
    expect(first?.bytes.equals(png)).toBe(true);
    expect(first?.thread_ts).toBeUndefined();
    expect(second).toMatchObject({ name: "dora-2.png", title: "DORA trend (thread)", thread_ts: parent.ts });
    expect(second?.bytes.equals(png)).toBe(true);
    expect(slack.findMessage(CHANNEL, second?.ts ?? "")?.thread_ts).toBe(parent.ts);
  });

  it("turns Slack's refusal into a GantryError naming files.uploadV2", async () => {
    const port = new WebSlack(web);
    const err = await port.uploadFile("C0NOPE", { filename: "x.png", title: "X", bytes: Buffer.from("x") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GantryError);
    expect((err as GantryError).message).toContain("files.uploadV2");
    expect((err as GantryError).message).toContain("channel_not_found");
  });
});
