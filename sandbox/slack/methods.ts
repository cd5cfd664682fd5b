import type { WebAPICallResult } from "@slack/web-api";
import type { Args } from "./request-body.js";
import type { EmulatedMessage } from "./types.js";
import type { Workspace } from "./workspace.js";

/** Any Web API answer: the SDK's result plus the method's own fields (web-api 8 no longer indexes them). */
export type ApiResult = WebAPICallResult & { error?: string; [key: string]: unknown };

export interface MethodContext {
  ws: Workspace;
  /** http://127.0.0.1:PORT of the running emulator. */
  baseUrl: string;
  /** A fresh single-use WebSocket URL for Socket Mode. */
  socketUrl(): string;
}

export type Method = (args: Args, ctx: MethodContext) => ApiResult;

export interface MethodSpec {
  /** Which token kind Slack accepts for the method. */
  token: "bot" | "app";
  run: Method;
}

export function fail(error: string, extra: Record<string, unknown> = {}): ApiResult {
  return { ok: false, error, ...extra };
}

/**
 * The SDK's response block types are generated, all-optional structures; stored blocks are opaque
 * JSON, so a single cast here is the honest bridge between the two.
 */
export function opaque<T>(value: unknown): T {
  return value as T;
}

/** The message object Slack returns from chat.* methods and includes in interaction payloads. */
export function apiMessage(m: EmulatedMessage, ws: Workspace) {
  const { identity } = ws;
  const bot = m.bot_id !== undefined;
  return {
    type: "message" as const,
    ...(bot ? { bot_id: m.bot_id, app_id: identity.appId } : {}),
    user: m.user,
    team: identity.teamId,
    text: m.text,
    ts: m.ts,
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
    ...(m.files !== undefined ? { files: m.files, upload: true, display_as_bot: false } : {}),
    ...(m.history.length > 0 ? { edited: { user: m.user ?? identity.botUserId, ts: m.ts } } : {}),
  };
}
