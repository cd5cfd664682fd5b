import { readContent } from "./methods-chat.js";
import { bool, str, type Args } from "./request-body.js";
import type { Workspace } from "./workspace.js";

export interface ResponseUrlOutcome {
  status: number;
  body: { ok: boolean; error?: string };
}

/** Slack allows five responses per response_url; more is a bot bug worth surfacing. */
const MAX_USES = 5;

const problem = (status: number, error: string): ResponseUrlOutcome => ({ status, body: { ok: false, error } });

/**
 * Handles a POST to a response_url. URL problems answer 404 and payload problems 400, so a bot's
 * `respond()` rejects instead of silently losing the message.
 */
export function handleResponseUrl(ws: Workspace, id: string, args: Args): ResponseUrlOutcome {
  const target = ws.responseUrls.get(id);
  if (!target) return problem(404, "expired_url");
  target.uses += 1;
  if (target.uses > MAX_USES) return problem(404, "used_url");
  const original =
    target.messageTs === undefined
      ? undefined
      : (ws.findMessage(target.channel, target.messageTs) ?? ws.findEphemeral(target.user, target.messageTs));

  if (bool(args, "delete_original")) {
    if (!original) return problem(400, "message_not_found");
    ws.delete(original);
    return { status: 200, body: { ok: true } };
  }
  const read = readContent(args);
  if ("error" in read) return problem(400, read.error.error ?? "invalid_arguments");
  if (bool(args, "replace_original")) {
    if (!original) return problem(400, "message_not_found");
    // A response_url replacement is a whole new message, unlike chat.update which keeps omitted blocks.
    const { text, blocks, attachments } = read.content;
    ws.update(original, { text: text ?? "", blocks: blocks ?? [], attachments: attachments ?? [] });
    return { status: 200, body: { ok: true } };
  }
  const threadTs = str(args, "thread_ts");
  const inChannel = str(args, "response_type") === "in_channel";
  ws.post({
    channel: ws.resolveChannel(target.channel) ?? target.channel,
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    text: read.content.text ?? "",
    ...(read.content.blocks ? { blocks: read.content.blocks } : {}),
    ...(read.content.attachments ? { attachments: read.content.attachments } : {}),
    user: ws.identity.botUserId,
    bot_id: ws.identity.botId,
    ...(inChannel ? {} : { visibleTo: target.user }),
    via: "response_url",
    responseUrl: id,
  });
  return { status: 200, body: { ok: true } };
}
