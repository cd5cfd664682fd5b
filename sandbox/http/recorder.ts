/** The record each emulator keeps of every HTTP call, and the request parsing that feeds it. */
import type { IncomingMessage } from "node:http";

export interface RecordedCall {
  method: string;
  /** Path without the query string, as sent (still percent-encoded). */
  path: string;
  query: Record<string, string>;
  /** Request headers, names lowercased. */
  headers: Record<string, string>;
  body: unknown;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  /** Parsed JSON, or the raw text when the service answers in text (Jira's 401 and outage 503). */
  response: unknown;
  responseHeaders: Record<string, string>;
  /** The OpenAPI operationId, e.g. GitHub's actions/list-workflow-runs or Jira's createIssue. */
  operationId?: string;
  /** OpenAPI path template, e.g. /repos/{owner}/{repo}/actions/runs/{run_id} or /rest/api/3/issue/{issueIdOrKey}/transitions. */
  pathTemplate?: string;
  /** The emulator has no route for this request (answered 404), or it asks for something no test set up. */
  unexpected: boolean;
  /** The answer came from an injected fault (or Jira's `down` switch), not from the emulated service. */
  fault: boolean;
  durationMs: number;
}

/** A call as known before it is answered. */
export type CallDraft = Omit<RecordedCall, "status" | "response" | "responseHeaders" | "fault" | "durationMs">;

/** One line per call, for timeout messages that show what did arrive instead. */
export function describeCalls(calls: readonly RecordedCall[]): string {
  return calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(", ") || "none";
}

/** Never rejects: a broken upload is recorded with an empty body rather than failing the request handler. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

/** Invalid JSON is kept as the raw text, so the recorded call shows what the client actually sent. */
export function parseJsonBody(raw: string): { body: unknown; badJson: boolean } {
  try {
    return { body: raw ? JSON.parse(raw) : undefined, badJson: false };
  } catch {
    return { body: raw, badJson: true };
  }
}

export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** The last of repeated parameters wins, as GitHub reads them. */
export function lastValueQuery(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params);
}

/** Repeated parameters (Jira allows `fields=a&fields=b`) mean the same as one comma-separated value. */
export function joinedQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(params.keys())) out[key] = params.getAll(key).join(",");
  return out;
}
