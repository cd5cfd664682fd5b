import type {
  ChatDeleteResponse,
  ChatGetPermalinkResponse,
  ChatPostEphemeralResponse,
  ChatPostMessageResponse,
  ChatUpdateResponse,
} from "@slack/web-api";
import { apiMessage, fail, opaque, type ApiResult, type Method, type MethodSpec } from "./methods.js";
import { list, str, type Args } from "./request-body.js";
import type { MessageVersion } from "./types.js";
import { validateBlocks } from "./validate-blocks.js";

type PostedMessage = NonNullable<ChatPostMessageResponse["message"]>;
type UpdatedMessage = NonNullable<ChatUpdateResponse["message"]>;

const MAX_TEXT = 40_000;

/** Validates text/blocks/attachments the way chat.* methods do. */
export function readContent(args: Args): { content: Partial<MessageVersion> } | { error: ApiResult } {
  const text = str(args, "text");
  const blocks = args.blocks;
  const attachments = list(args, "attachments");
  if (text === undefined && blocks === undefined && attachments === undefined) return { error: fail("no_text") };
  if (text !== undefined && text.length > MAX_TEXT) return { error: fail("msg_too_long") };
  const problems = validateBlocks(blocks);
  if (problems) return { error: fail(problems.error, { response_metadata: { messages: problems.messages } }) };
  return { content: { text, blocks: blocks as unknown[] | undefined, attachments } };
}

const postMessage: Method = (args, { ws }) => {
  const channel = ws.resolveChannel(str(args, "channel") ?? "");
  if (!channel) return fail("channel_not_found");
  const read = readContent(args);
  if ("error" in read) return read.error;
  let threadTs = str(args, "thread_ts");
  if (threadTs !== undefined) {
    const parent = ws.findMessage(channel, threadTs);
    // Real Slack silently posts a broken reply here; failing loudly catches the bot bug instead.
    if (!parent) return fail("thread_not_found");
    threadTs = parent.thread_ts ?? parent.ts;
  }
  const { botUserId, botId } = ws.identity;
  const m = ws.post({
    channel,
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    text: read.content.text ?? "",
    ...(read.content.blocks ? { blocks: read.content.blocks } : {}),
    ...(read.content.attachments ? { attachments: read.content.attachments } : {}),
    user: botUserId,
    bot_id: botId,
    via: "chat.postMessage",
  });
  const message = apiMessage(m, ws);
  return {
    ok: true,
    channel,
    ts: m.ts,
    message: {
      ...message,
      blocks: opaque<PostedMessage["blocks"]>(message.blocks),
      attachments: opaque<PostedMessage["attachments"]>(message.attachments),
    },
  } satisfies ChatPostMessageResponse;
};

const update: Method = (args, { ws }) => {
  const channel = ws.resolveChannel(str(args, "channel") ?? "");
  if (!channel) return fail("channel_not_found");
  const existing = ws.findMessage(channel, str(args, "ts") ?? "");
  if (!existing) return fail("message_not_found");
  if (existing.bot_id !== ws.identity.botId) return fail("cant_update_message");
  const read = readContent(args);
  if ("error" in read) return read.error;
  const m = ws.update(existing, read.content);
  const message = apiMessage(m, ws);
  return {
    ok: true,
    channel,
    ts: m.ts,
    text: m.text,
    message: { ...message, blocks: opaque<UpdatedMessage["blocks"]>(message.blocks) },
  } satisfies ChatUpdateResponse;
};

const postEphemeral: Method = (args, { ws }) => {
  const channel = ws.resolveChannel(str(args, "channel") ?? "");
  if (!channel) return fail("channel_not_found");
  const user = str(args, "user") ?? "";
  if (!ws.users.has(user) && !/^[UW][A-Z0-9]+$/.test(user)) return fail("user_not_found");
  const read = readContent(args);
  if ("error" in read) return read.error;
  const threadTs = str(args, "thread_ts");
  const m = ws.post({
    channel,
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    text: read.content.text ?? "",
    ...(read.content.blocks ? { blocks: read.content.blocks } : {}),
    ...(read.content.attachments ? { attachments: read.content.attachments } : {}),
    user: ws.identity.botUserId,
    bot_id: ws.identity.botId,
    visibleTo: user,
    via: "chat.postEphemeral",
  });
  return { ok: true, message_ts: m.ts } satisfies ChatPostEphemeralResponse;
};

const getPermalink: Method = (args, { ws }) => {
  const channel = ws.resolveChannel(str(args, "channel") ?? "");
  if (!channel) return fail("channel_not_found");
  const m = ws.findMessage(channel, str(args, "message_ts") ?? "");
  if (!m) return fail("message_not_found");
  const base = `https://${ws.identity.teamDomain}.slack.com/archives/${channel}/p${m.ts.replace(".", "")}`;
  const permalink =
    m.thread_ts !== undefined && m.thread_ts !== m.ts ? `${base}?thread_ts=${m.thread_ts}&cid=${channel}` : base;
  return { ok: true, channel, permalink } satisfies ChatGetPermalinkResponse;
};

const remove: Method = (args, { ws }) => {
  const channel = ws.resolveChannel(str(args, "channel") ?? "");
  if (!channel) return fail("channel_not_found");
  const m = ws.findMessage(channel, str(args, "ts") ?? "");
  if (!m) return fail("message_not_found");
  if (m.bot_id !== ws.identity.botId) return fail("cant_delete_message");
  ws.delete(m);
  return { ok: true, channel, ts: m.ts } satisfies ChatDeleteResponse;
};

export const chatMethods: Record<string, MethodSpec> = {
  "chat.postMessage": { token: "bot", run: postMessage },
  "chat.update": { token: "bot", run: update },
  "chat.postEphemeral": { token: "bot", run: postEphemeral },
  "chat.getPermalink": { token: "bot", run: getPermalink },
  "chat.delete": { token: "bot", run: remove },
};
