import { randomBytes } from "node:crypto";
import type {
  EmulatedChannel,
  EmulatedFile,
  EmulatedMessage,
  EmulatedUser,
  EmulatedUsergroup,
  EmulatedView,
  MessageEvent,
  MessageVersion,
  ResponseUrlTarget,
} from "./types.js";

export interface WorkspaceIdentity {
  teamId: string;
  /** Set for a workspace in an Enterprise Grid organization. */
  enterpriseId?: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

/** The emulator's in-memory Slack workspace: directory, conversations, views and issued ids. */
export class Workspace {
  readonly users = new Map<string, EmulatedUser>();
  readonly usergroups = new Map<string, EmulatedUsergroup>();
  readonly channels = new Map<string, EmulatedChannel>();
  readonly messages: EmulatedMessage[] = [];
  readonly ephemerals: EmulatedMessage[] = [];
  readonly views = new Map<string, EmulatedView>();
  readonly triggers = new Map<string, string>();
  readonly usedTriggers = new Set<string>();
  readonly responseUrls = new Map<string, ResponseUrlTarget & { uses: number }>();
  readonly files = new Map<string, EmulatedFile>();
  /** Upload URL secret -> file id, as handed out by files.getUploadURLExternal. */
  readonly uploadUrls = new Map<string, string>();
  private lastMicros = 0;
  private seq = 0;

  constructor(
    readonly identity: WorkspaceIdentity,
    /** Milliseconds clock (the emulator's `now` option). */
    readonly now: () => number,
    private readonly emit: (event: MessageEvent) => void,
    /** Told about every new version of a view (opened, updated, published, closed, shown errors). */
    readonly viewChanged: (view: EmulatedView) => void = () => {},
  ) {}

  clear(): void {
    for (const store of [
      this.users,
      this.usergroups,
      this.channels,
      this.views,
      this.triggers,
      this.responseUrls,
      this.files,
      this.uploadUrls,
    ]) {
      store.clear();
    }
    this.usedTriggers.clear();
    this.messages.length = 0;
    this.ephemerals.length = 0;
  }

  /** Slack ts values are seconds with microsecond-ish suffixes; they must be unique and sort by time. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.now() * 1000), this.lastMicros + 100);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.seq.toString(36).toUpperCase().padStart(4, "0")}${randomBytes(3).toString("hex").toUpperCase()}`;
  }

  /** Trigger ids let views.open know whose screen the modal goes to, as Slack does. */
  issueTriggerId(user: string): string {
    const id = `${Date.now()}.${this.seq + 1}.${randomBytes(16).toString("hex")}`;
    this.seq += 1;
    this.triggers.set(id, user);
    return id;
  }

  issueResponseUrl(target: ResponseUrlTarget): string {
    const id = randomBytes(12).toString("hex");
    this.responseUrls.set(id, { ...target, uses: 0 });
    return id;
  }

  /** Accepts a channel id, a channel name (with or without '#'), or a user id (a DM, as Slack allows). */
  resolveChannel(ref: string): string | undefined {
    if (this.channels.has(ref)) return ref;
    const name = ref.replace(/^#/, "");
    for (const ch of this.channels.values()) if (ch.name === name) return ch.id;
    if (this.users.has(ref)) {
      const dm = `D${ref.slice(1)}`;
      if (!this.channels.has(dm)) this.channels.set(dm, { id: dm, name: ref, isPrivate: true });
      return dm;
    }
    return undefined;
  }

  userName(id: string): string | undefined {
    return this.users.get(id)?.name;
  }

  findMessage(channel: string, ts: string): EmulatedMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  findEphemeral(user: string, ts: string): EmulatedMessage | undefined {
    return this.ephemerals.find((m) => m.visibleTo === user && m.ts === ts);
  }

  post(fields: Omit<EmulatedMessage, "ts" | "history">): EmulatedMessage {
    const message: EmulatedMessage = { ...fields, ts: this.nextTs(), history: [] };
    if (message.visibleTo) {
      this.ephemerals.push(message);
      this.emit({ kind: "ephemeral", message });
      return message;
    }
    if (message.thread_ts) {
      const parent = this.findMessage(message.channel, message.thread_ts);
      if (parent) parent.reply_count = (parent.reply_count ?? 0) + 1;
    }
    this.messages.push(message);
    this.emit({ kind: "posted", message });
    return message;
  }

  /** Fields left undefined keep their old value, matching chat.update's documented behaviour for blocks. */
  update(message: EmulatedMessage, next: Partial<MessageVersion>): EmulatedMessage {
    message.history.push({ text: message.text, blocks: message.blocks, attachments: message.attachments });
    if (next.text !== undefined) message.text = next.text;
    if (next.blocks !== undefined) message.blocks = next.blocks;
    if (next.attachments !== undefined) message.attachments = next.attachments;
    this.emit({ kind: message.visibleTo ? "ephemeral" : "updated", message });
    return message;
  }

  delete(message: EmulatedMessage): void {
    const list = message.visibleTo ? this.ephemerals : this.messages;
    const index = list.indexOf(message);
    if (index >= 0) list.splice(index, 1);
    this.emit({ kind: "deleted", message });
  }
}
