import type { SlackEmulator } from "../slack/emulator.js";
import type { EmulatedMessage } from "../slack/types.js";

/** A message as the page renders it; the page never sees another user's ephemerals. */
export interface PageMessage {
  ts: string;
  channel: string;
  user?: string;
  bot: boolean;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  reply_count?: number;
  edited: boolean;
  ephemeral: boolean;
  /** An ephemeral that came back in the HTTP acknowledgement, not through the Web API. */
  local?: boolean;
  files?: { id: string; name: string; title: string; mimetype: string; url: string; alt?: string }[];
}

export interface PageModal {
  id: string;
  view: Record<string, unknown>;
  /** response_action "errors": block_id -> message, shown under the field. */
  errors: Record<string, string>;
}

export interface PageState {
  user: string;
  messages: PageMessage[];
  modal?: PageModal;
  home?: { id: string; view: Record<string, unknown> };
}

/**
 * The emulator's workspace as one user's Slack client shows it, plus what only the client knows: acknowledgement
 * ephemerals (Slack shows them, but they never pass through the Web API).
 */
export class PlaygroundState {
  private readonly acks: EmulatedMessage[] = [];
  private seq = 0;

  constructor(private readonly slack: SlackEmulator) {}

  /** `response_type: in_channel` answers show to everyone, as Slack posts them; the rest only to the person who asked. */
  addAck(user: string, channel: string, body: { text?: string; blocks?: unknown[]; response_type?: string }): void {
    const micros = Date.now() * 1000 + (this.seq++ % 1000);
    this.acks.push({
      channel,
      ts: `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`,
      text: body.text ?? "",
      ...(body.blocks ? { blocks: body.blocks } : {}),
      user: this.slack.identity.botUserId,
      bot_id: this.slack.identity.botId,
      ...(body.response_type === "in_channel" ? {} : { visibleTo: user }),
      via: "ack",
      history: [],
    });
  }

  findAck(user: string, ts: string): EmulatedMessage | undefined {
    return this.acks.find((m) => (m.visibleTo === undefined || m.visibleTo === user) && m.ts === ts);
  }

  /** The workspace as `user` sees it: the channel, their own ephemerals, their top modal and their home tab. */
  project(user: string): PageState {
    const all = [
      ...this.slack.messages(),
      ...this.slack.ephemerals(user),
      ...this.acks.filter((m) => m.visibleTo === undefined || m.visibleTo === user),
    ];
    all.sort((a, b) => a.ts.localeCompare(b.ts));
    const modal = this.slack.openModal(user);
    const home = this.slack.homeView(user);
    return {
      user,
      messages: all.map((m) => this.pageMessage(m)),
      ...(modal ? { modal: { id: modal.id, view: modal.view, errors: modal.errors ?? {} } } : {}),
      ...(home ? { home: { id: home.id, view: home.view } } : {}),
    };
  }

  private pageMessage(m: EmulatedMessage): PageMessage {
    const files = (m.files ?? []).map((f) => ({
      id: f.id,
      name: f.name,
      title: f.title,
      mimetype: f.mimetype,
      url: `/playground/files/${encodeURIComponent(f.id)}`,
      ...(f.alt_txt !== undefined ? { alt: f.alt_txt } : {}),
    }));
    return {
      ts: m.ts,
      channel: m.channel,
      ...(m.user !== undefined ? { user: m.user } : {}),
      bot: m.bot_id !== undefined,
      text: m.text,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      ...(m.reply_count !== undefined ? { reply_count: m.reply_count } : {}),
      edited: m.history.length > 0,
      ephemeral: m.visibleTo !== undefined,
      ...(m.via === "ack" ? { local: true } : {}),
      ...(files.length ? { files } : {}),
    };
  }
}
