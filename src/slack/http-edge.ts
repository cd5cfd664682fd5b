/**
 * `POST /slack/events` before Bolt sees it. Bolt's receiver buffers up to 4 MB before it checks anything, accepts
 * timestamps from any time in the future, and reads fields of whatever the body parses to outside its own error
 * handling (`payload=null` ended the process). Here, in this order:
 * 1. the body is read with a ceiling of SLACK_BODY_LIMIT (413), from Content-Length first;
 * 2. the signature and a timestamp within five minutes either way are checked (401), as Slack documents;
 * 3. the body must decode the way Bolt will decode it, to an object of a kind and shape Gantry serves (400).
 * Only then does Bolt get the request, with the body already read (its receiver reuses `rawBody`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { isValidSlackRequest, type HTTPReceiver } from "@slack/bolt";
import type { Logger } from "../log.js";
import { readLimitedBody, refuseBody } from "../http-body.js";
import { payloadProblem } from "./payload-shapes.js";

export const SLACK_EVENTS_PATH = "/slack/events";

/**
 * Slack's largest payloads are view submissions and clicks that carry the whole message or view: 100 blocks of
 * 3,000 characters, form-encoded, stays under a megabyte. Gantry's own views are a fraction of that.
 */
export const SLACK_BODY_LIMIT = 1024 * 1024;

/** How far a request's timestamp may be from Gantry's clock, either way (Slack's own rule is five minutes). */
export const SLACK_TIMESTAMP_WINDOW_S = 5 * 60;

const FORM = "application/x-www-form-urlencoded";

export interface SlackEdgeOptions {
  signingSecret: string;
  log: Logger;
  /** Milliseconds clock for the timestamp window. */
  now?: () => number;
  /** Called as each request arrives; what it returns is called once its response is done or abandoned. */
  answering?: () => () => void;
}

type Refusal = { status: 400 | 401; reason: string };

/** The edge in HTTP mode (Bolt's HTTP receiver and a signing secret); none in Socket Mode, which has no endpoint. */
export function slackEdgeFor(
  receiver: HTTPReceiver | undefined,
  signingSecret: string | undefined,
  opts: Omit<SlackEdgeOptions, "signingSecret">,
): ((req: IncomingMessage, res: ServerResponse) => void) | undefined {
  return receiver && signingSecret ? slackHttpEdge(receiver, { ...opts, signingSecret }) : undefined;
}

/** The handler for `/slack/events`: Bolt's receiver behind the checks above. */
export function slackHttpEdge(
  receiver: HTTPReceiver,
  opts: SlackEdgeOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const now = opts.now ?? Date.now;
  const log = opts.log.child({ component: "slack-edge" });
  const admit = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readLimitedBody(req, SLACK_BODY_LIMIT);
    if (!read.ok) {
      if (read.reason === "aborted") return void res.destroy();
      log.warn(
        { limit: SLACK_BODY_LIMIT, declared: req.headers["content-length"] },
        "Slack request refused: body too large",
      );
      return refuseBody(req, res, 413, { error: "payload too large" });
    }
    const raw = read.body.toString("utf8");
    const contentType = req.headers["content-type"];
    const refusal = sslCheck(contentType, raw)
      ? undefined
      : (unsigned(req, raw, opts.signingSecret, now()) ?? malformed(contentType, raw));
    if (refusal) {
      log.warn({ status: refusal.status, reason: refusal.reason }, "Slack request refused");
      res
        .writeHead(refusal.status, { "content-type": "application/json" })
        .end(JSON.stringify({ error: refusal.reason }));
      return;
    }
    Object.assign(req, { rawBody: read.body });
    receiver.requestListener(req, res);
  };
  return (req, res) => {
    if (req.method !== "POST") return void res.writeHead(405, { allow: "POST" }).end();
    if (opts.answering) res.once("close", opts.answering());
    admit(req, res).catch((err: unknown) => {
      log.error({ err }, "Slack request failed");
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  };
}

/** Slack's SSL check carries no signature; Bolt answers it with nothing but a 200 and drops anything else in it. */
function sslCheck(contentType: string | undefined, raw: string): boolean {
  return contentType === FORM && parseQuery(raw).ssl_check === "1";
}

function unsigned(req: IncomingMessage, raw: string, signingSecret: string, nowMs: number): Refusal | undefined {
  const signature = req.headers["x-slack-signature"];
  const stamp = req.headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || typeof stamp !== "string")
    return { status: 401, reason: "missing signature headers" };
  const seconds = /^\d{1,12}$/.test(stamp) ? Number(stamp) : NaN;
  if (!Number.isFinite(seconds) || Math.abs(nowMs / 1000 - seconds) > SLACK_TIMESTAMP_WINDOW_S) {
    return { status: 401, reason: "timestamp outside the five-minute window" };
  }
  const valid = isValidSlackRequest({
    signingSecret,
    body: raw,
    headers: { "x-slack-signature": signature, "x-slack-request-timestamp": seconds },
    nowMilliseconds: nowMs,
  });
  return valid ? undefined : { status: 401, reason: "signature does not match" };
}

/**
 * Decodes the body as Bolt's receiver will (form field `payload` holding JSON, a plain form, or JSON): it must be
 * an object, of a kind and shape Gantry serves (payload-shapes.ts).
 */
function malformed(contentType: string | undefined, raw: string): Refusal | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  let body: unknown;
  if (contentType === FORM) {
    const form = parseQuery(raw);
    if (typeof form.payload !== "string" && form.payload !== undefined)
      return { status: 400, reason: "more than one payload field" };
    body = form.payload === undefined ? { ...form } : parseJson(form.payload);
    if (!isObject(body)) return { status: 400, reason: "payload is not a JSON object" };
  } else {
    body = parseJson(raw);
    if (!isObject(body)) return { status: 400, reason: "body is not a JSON object" };
  }
  const problem = payloadProblem(body);
  return problem ? { status: 400, reason: problem } : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
