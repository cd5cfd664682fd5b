/**
 * `POST /github/webhooks`: GitHub's deliveries, verified against `GITHUB_WEBHOOK_SECRET` (`X-Hub-Signature-256`)
 * before anything else. A bad or missing signature gets a 401 and nothing is read further or recorded. A good one
 * gets a 202 at once (GitHub waits 10 s at most) and is processed after, one delivery at a time in arrival order.
 * Redeliveries (the same `X-GitHub-Delivery`) are dropped; anything else repeated is harmless, because deploys
 * move by conditional updates and outside deployments are keyed by GitHub's id.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { verify } from "@octokit/webhooks-methods";
import type { z } from "zod";
import { onDeployment, onDeploymentStatus, onWorkflowRun, type Outcome, type WebhookPorts } from "./events.js";
import { DeploymentEvent, DeploymentStatusEvent, WorkflowRunEvent } from "./payloads.js";
import { SeenDeliveries } from "./seen.js";
import { readLimitedBody, refuseBody } from "../../http-body.js";

export type { WebhookPorts } from "./outcome.js";

export const GITHUB_WEBHOOK_PATH = "/github/webhooks";

/**
 * GitHub caps payloads at 25 MB, but the three events Gantry reads (workflow_run, deployment, deployment_status)
 * are tens of kilobytes: a repository, a commit and a run. A megabyte leaves room for any of them and keeps an
 * unauthenticated sender from making Gantry hold more than that per request.
 */
export const GITHUB_BODY_LIMIT = 1024 * 1024;

/** Handles `POST /github/webhooks` and answers true; any other path is left alone (false, body unread). */
export interface GitHubWebhookRoute {
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Settles once every delivery accepted so far has been processed: await it before closing the store. */
  idle(): Promise<void>;
}

/** Checks a payload and, when it is one Gantry understands, returns the work to do with it. */
type Handler = (
  ports: WebhookPorts,
  body: unknown,
) => { action: string; run: () => Promise<Outcome> } | { issues: z.core.$ZodIssue[] };

function handler<T extends { action: string }>(
  schema: z.ZodType<T>,
  run: (ports: WebhookPorts, event: T) => Promise<Outcome>,
): Handler {
  return (ports, body) => {
    const parsed = schema.safeParse(body);
    return parsed.success
      ? { action: parsed.data.action, run: () => run(ports, parsed.data) }
      : { issues: parsed.error.issues };
  };
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  workflow_run: handler(WorkflowRunEvent, onWorkflowRun),
  deployment_status: handler(DeploymentStatusEvent, onDeploymentStatus),
  deployment: handler(DeploymentEvent, onDeployment),
};

export function githubWebhookRoute(
  ports: WebhookPorts,
  secret: string,
  opts: { remember?: number } = {},
): GitHubWebhookRoute {
  if (!secret) throw new Error("githubWebhookRoute needs the webhook secret");
  const seen = new SeenDeliveries(opts.remember);
  let queue: Promise<void> = Promise.resolve();

  const receive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      reply(res, 405, { error: "use POST" }, { allow: "POST" });
      return;
    }
    const read = await readLimitedBody(req, GITHUB_BODY_LIMIT);
    if (!read.ok) {
      if (read.reason === "aborted") return void res.destroy();
      ports.log.warn(
        { limit: GITHUB_BODY_LIMIT, declared: header(req, "content-length") },
        "GitHub webhook refused: body too large",
      );
      return refuseBody(req, res, 413, { error: "payload too large" });
    }
    const raw = read.body.toString("utf8");
    const signature = header(req, "x-hub-signature-256");
    if (!signature || !(await verified(secret, raw, signature))) {
      ports.log.warn(
        { delivery: header(req, "x-github-delivery"), event: header(req, "x-github-event"), signed: !!signature },
        "GitHub webhook refused: bad or missing signature",
      );
      reply(res, 401, { error: signature ? "signature does not match" : "missing X-Hub-Signature-256" });
      return;
    }
    const event = header(req, "x-github-event");
    const delivery = header(req, "x-github-delivery");
    if (!event) {
      reply(res, 400, { error: "missing X-GitHub-Event" });
      return;
    }
    if (delivery && seen.has(delivery)) {
      ports.log.debug({ delivery, event }, "GitHub webhook redelivered; already handled");
      reply(res, 200, { ok: true, duplicate: true });
      return;
    }
    if (event === "ping") {
      reply(res, 200, { ok: true, pong: true });
      return;
    }
    const work = Object.hasOwn(HANDLERS, event)
      ? HANDLERS[event]!(ports, parseBody(raw, header(req, "content-type")))
      : undefined;
    if (!work) {
      reply(res, 200, { ok: true, ignored: event });
      return;
    }
    if ("issues" in work) {
      ports.log.warn({ delivery, event, issues: work.issues.slice(0, 5) }, "GitHub webhook payload not understood");
      reply(res, 400, { error: `unexpected ${event} payload` });
      return;
    }
    if (delivery) seen.add(delivery);
    reply(res, 202, { ok: true, accepted: event });
    const { action } = work;
    queue = queue.then(async () => {
      try {
        const outcome = await work.run();
        ports.log.info({ delivery, event, action, outcome }, "GitHub webhook handled");
      } catch (err) {
        // Let a redelivery try again; polling covers Gantry's own deploys meanwhile.
        if (delivery) seen.delete(delivery);
        ports.log.error({ delivery, event, action, err }, "GitHub webhook failed");
      }
    });
    await queue;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if ((req.url ?? "").split("?")[0] !== GITHUB_WEBHOOK_PATH) return false;
    try {
      await receive(req, res);
    } catch (err) {
      // Never a rejection for the server to trip over: a dropped connection while reading, say.
      ports.log.warn({ err }, "GitHub webhook request failed");
      if (!res.headersSent) reply(res, 400, { error: "could not read the request" });
      else res.end();
    }
    return true;
  };

  return Object.assign(route, {
    async idle(): Promise<void> {
      for (let settled: Promise<void> | undefined; settled !== queue;) {
        settled = queue;
        await settled;
      }
    },
  });
}

async function verified(secret: string, raw: string, signature: string): Promise<boolean> {
  try {
    return await verify(secret, raw, signature);
  } catch {
    return false; // an empty body, for one
  }
}

/** GitHub sends JSON, or (content type `application/x-www-form-urlencoded`) the JSON in a `payload` field. */
function parseBody(raw: string, contentType: string | undefined): unknown {
  try {
    if (contentType?.startsWith("application/x-www-form-urlencoded"))
      return JSON.parse(new URLSearchParams(raw).get("payload") ?? "");
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function reply(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
