import type { IncomingMessage } from "node:http";

export type Args = Record<string, unknown>;

/** Form bodies carry structured arguments as JSON strings; these are the ones Slack decodes. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata", "user_ids", "users"]);

export class BadRequest extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString("utf8");
}

/** The request body as bytes (file uploads are binary). */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a Web API request from the query string plus a form-encoded or JSON body, as Slack accepts all three. */
export function parseArgs(req: IncomingMessage, raw: string): Args {
  const url = new URL(req.url ?? "/", "http://emulator");
  const args: Args = Object.fromEntries(url.searchParams);
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (raw.length > 0 && type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BadRequest("invalid_json");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new BadRequest("invalid_json");
    Object.assign(args, parsed);
  } else if (raw.length > 0) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  }
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value !== "string" || !/^\s*[[{]/.test(value)) continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      throw new BadRequest(key === "blocks" ? "invalid_blocks_format" : "invalid_arguments");
    }
  }
  return args;
}

/** Slack takes the token from the Authorization header or, for form posts, a `token` argument. */
export function requestToken(req: IncomingMessage, args: Args): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (match?.[1]) return match[1].trim();
  return typeof args.token === "string" && args.token !== "" ? args.token : undefined;
}

export function str(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

export function bool(args: Args, key: string): boolean {
  const value = args[key];
  return value === true || value === "true" || value === "1" || value === 1;
}

export function list(args: Args, key: string): unknown[] | undefined {
  const value = args[key];
  return Array.isArray(value) ? value : undefined;
}

export function redactToken(args: Args): Args {
  if (!("token" in args)) return args;
  const { token: _token, ...rest } = args;
  return rest;
}
