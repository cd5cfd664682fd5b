import type { ViewValues } from "./view-state.js";

export interface SlackEmulatorOptions {
  /** When set, bot methods require exactly this token (else `invalid_auth`); when unset any token passes. */
  botToken?: string;
  /** When set, `apps.connections.open` requires exactly this token; otherwise any `xapp-` token. */
  appToken?: string;
  teamId?: string;
  /** An Enterprise Grid organization the workspace belongs to: auth.test and every payload then carry its id. */
  enterpriseId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Milliseconds clock used for message timestamps and call records; tests may pin it. */
  now?: () => number;
}

export interface EmulatedUser {
  id: string;
  name: string;
  realName?: string;
  tz?: string;
  isBot?: boolean;
  email?: string;
}

export interface EmulatedUsergroup {
  id: string;
  handle: string;
  name?: string;
  users: string[];
}

export interface EmulatedChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
}

export interface MessageVersion {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** A file as a message shows it (the `files` array of a file share). */
export interface SharedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  alt_txt?: string;
  url_private: string;
  permalink: string;
}

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface EmulatedFile {
  id: string;
  /** The filename given to files.getUploadURLExternal. */
  name: string;
  /** From files.completeUploadExternal; the name until then. */
  title: string;
  /** The bytes posted to the upload URL (empty until then). */
  bytes: Buffer;
  /** The length promised to files.getUploadURLExternal. */
  length: number;
  altText?: string;
  mimetype: string;
  filetype: string;
  /** Bytes arrived at the upload URL. */
  uploaded: boolean;
  /** files.completeUploadExternal accepted it. */
  completed: boolean;
  /** Where it was shared, once completed with a channel. */
  channel?: string;
  /** The ts of the message that shares it. */
  ts?: string;
  thread_ts?: string;
  user: string;
  /** Seconds since the epoch. */
  created: number;
}

/** A channel message, or an ephemeral one when `visibleTo` is set. */
export interface EmulatedMessage extends MessageVersion {
  channel: string;
  ts: string;
  thread_ts?: string;
  /** Author: the bot user for bot posts. */
  user?: string;
  bot_id?: string;
  visibleTo?: string;
  /** How the message arrived, e.g. "chat.postMessage" or "response_url". */
  via: string;
  /** The response_url it was posted through, when it was. */
  responseUrl?: string;
  /** Previous versions, oldest first; `history.length` is the edit count. */
  history: MessageVersion[];
  reply_count?: number;
  /** Files shared by this message (files.completeUploadExternal). */
  files?: SharedFile[];
}

export type MessageEventKind = "posted" | "updated" | "ephemeral" | "deleted";

export interface MessageEvent {
  kind: MessageEventKind;
  message: EmulatedMessage;
}

export interface EmulatedView {
  id: string;
  user: string;
  kind: "modal" | "home";
  /** The view as the bot last sent it, plus the fields Slack adds (id, hash, state...). */
  view: Record<string, unknown>;
  hash: string;
  updates: number;
  /** What the person entered (by block_id, then action_id); `viewState` adds the initial values. */
  values: ViewValues;
  /** A modal the person submitted (and the bot closed) or dismissed; home tabs never close. */
  closed: boolean;
  /** The bot's last `response_action: errors`, by block_id, shown under the fields until the next submission. */
  errors?: Record<string, string>;
}

export interface EmulatedCall {
  /** Web API method name, or "response_url" / "socket_mode.ack" / the raw path for unknown routes. */
  method: string;
  args: Record<string, unknown>;
  response: unknown;
  status: number;
  at: number;
  /** True for calls a real bot should never make against Slack (unknown method or route). */
  unexpected: boolean;
  /** True when an injected fault produced the response. */
  faulted: boolean;
}

export interface FaultSpec {
  method: string | RegExp;
  /** Answer `{ ok: false, error }` (HTTP 200 unless `status` says otherwise). */
  error?: string;
  status?: number;
  /** Answer 429 with this Retry-After (seconds) unless `status` overrides. */
  retryAfter?: number;
  /** Delay before answering; with nothing else set, the call then proceeds normally. */
  delayMs?: number;
  /** Destroy the connection without an answer, like a network drop. */
  drop?: boolean;
  /** How many matching calls this fault applies to; unlimited when unset. */
  times?: number;
}

export interface ResponseUrlTarget {
  channel: string;
  user: string;
  /** The message an action came from, so `replace_original` / `delete_original` can find it. */
  messageTs?: string;
}
