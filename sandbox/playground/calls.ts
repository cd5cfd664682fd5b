import type { RecordedCall } from "../http/recorder.js";
import type { EmulatedCall } from "../slack/types.js";

/** One line of the side panel: what an emulator received from Gantry, and what it answered. */
export interface PanelCall {
  seq: number;
  service: "github" | "jira" | "slack";
  method: string;
  path: string;
  status: number;
  /** GitHub's or Jira's OpenAPI operation, when the emulator knows it. */
  operation?: string;
  /** A write (anything but GET/HEAD); reads are mostly the tracker polling. */
  write: boolean;
  at: number;
  /** Request body, shortened to what a side panel can show. */
  body?: string;
  unexpected: boolean;
}

const MAX_BODY = 1_500;

function shorten(body: unknown): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  const text = typeof body === "string" ? body : JSON.stringify(body, null, 1);
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text;
}

export function fromRecorded(service: "github" | "jira", call: RecordedCall, seq: number): PanelCall {
  const write = call.method !== "GET" && call.method !== "HEAD";
  const body = write ? shorten(call.body) : undefined;
  return {
    seq,
    service,
    method: call.method,
    path:
      decodeURIComponent(call.path) +
      (Object.keys(call.query).length ? `?${new URLSearchParams(call.query).toString()}` : ""),
    status: call.status,
    ...(call.operationId ? { operation: call.operationId } : {}),
    write,
    at: Date.now(),
    ...(body !== undefined ? { body } : {}),
    unexpected: call.unexpected,
  };
}

/** Slack Web API reads (users.info, auth.test...) count as reads; everything that changes what people see is a write. */
const SLACK_READS = /^(auth\.test|users\.|usergroups\.|conversations\.(info|list|members)|GET )/;

export function fromSlack(call: EmulatedCall, seq: number): PanelCall {
  const { blocks: _blocks, ...rest } = call.args;
  const body = shorten(rest);
  return {
    seq,
    service: "slack",
    method: "POST",
    path: call.method,
    status: call.status,
    write: !SLACK_READS.test(call.method),
    at: call.at,
    ...(body !== undefined ? { body } : {}),
    unexpected: call.unexpected,
  };
}
