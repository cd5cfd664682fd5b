import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../src/slack/commands/index.js";
import type { Gantry } from "../../src/gantry.js";
import type { Logger } from "../../src/log.js";
import { readLimitedBody } from "../../src/http-body.js";
import type { GitHubEmulator } from "../github/emulator.js";
import type { JiraEmulator } from "../jira/emulator.js";
import type { SlackEmulator } from "../slack/emulator.js";
import type { SlackSigningClient } from "../slack/signing-client.js";
import { DEMO_CHANNELS, DEMO_GROUPS, DEMO_USERS } from "../demo/world.js";
import { perform, type PageAction } from "./actions.js";
import { fromRecorded, fromSlack, type PanelCall } from "./calls.js";
import { PageGuard } from "./guard.js";
import { PlaygroundState } from "./state.js";

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), "public");
/** The page's files: index.html, and the scripts and styles beside it (plain names only, nothing outside public/). */
const ASSET = /^\/playground\/(?:([a-z-]+\.(?:js|css)))?$/;
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};
/** Enough history for the side panel; the tracker's polling would otherwise grow it without end. */
const KEEP_CALLS = 400;
/** A page action is a few fields; a modal submission a few more. */
const ACTION_LIMIT = 64 * 1024;

export interface PlaygroundDeps {
  slack: SlackEmulator;
  gh: GitHubEmulator;
  jira: JiraEmulator;
  client: SlackSigningClient;
  gantry: Gantry;
  log: Logger;
}

interface Subscriber {
  user: string;
  res: ServerResponse;
}

/**
 * The playground: a page that plays Slack's client for the demo users. It reads the Slack emulator's workspace and
 * the emulators' recorders, and sends everything a person does to Gantry through the signing client.
 */
export class Playground {
  private readonly state: PlaygroundState;
  private readonly subscribers = new Set<Subscriber>();
  private readonly calls: PanelCall[] = [];
  private seq = 0;
  private pending: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly guard = new PageGuard();

  constructor(private readonly deps: PlaygroundDeps) {
    this.state = new PlaygroundState(deps.slack);
    const changed = () => this.scheduleBroadcast();
    const ghCall = (c: Parameters<typeof fromRecorded>[1]) => this.addCall(fromRecorded("github", c, ++this.seq));
    const jiraCall = (c: Parameters<typeof fromRecorded>[1]) => this.addCall(fromRecorded("jira", c, ++this.seq));
    const slackCall = (c: Parameters<typeof fromSlack>[0]) => this.addCall(fromSlack(c, ++this.seq));
    deps.slack.on("message", changed);
    deps.slack.on("view", changed);
    deps.slack.on("call", slackCall);
    deps.gh.on("call", ghCall);
    deps.jira.on("call", jiraCall);
    this.unsubscribe.push(
      () => deps.slack.off("message", changed),
      () => deps.slack.off("view", changed),
      () => deps.slack.off("call", slackCall),
      () => deps.gh.off("call", ghCall),
      () => deps.jira.off("call", jiraCall),
    );
  }

  /** Answers requests under /playground; anything else is left to Gantry. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path !== "/playground" && !path.startsWith("/playground/")) return false;
    this.route(req, res, path).catch((err: unknown) => {
      this.deps.log.warn({ err, path }, "playground request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    });
    return true;
  }

  close(): void {
    clearTimeout(this.pending);
    this.unsubscribe.forEach((off) => off());
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const refused = this.guard.refusal(req, path.startsWith("/playground/api/"));
    if (refused) return json(res, 403, { error: refused });
    if (path === "/playground")
      return void res.writeHead(302, { location: `/playground/${(req.url ?? "").slice(path.length)}` }).end();
    const match = ASSET.exec(path);
    const asset = match ? (match[1] ?? "index.html") : undefined;
    if (req.method === "GET" && asset && existsSync(join(PUBLIC, asset))) {
      const type = TYPES[asset.split(".").pop() ?? ""] ?? "text/plain";
      const file = readFileSync(join(PUBLIC, asset));
      // Each page gets its own token for the API (see PageGuard); client.js reads it from this meta tag.
      const body =
        asset === "index.html"
          ? file.toString("utf8").replace(/<meta name="playground-token" content="" ?\/?>/, () => {
              return `<meta name="playground-token" content="${this.guard.issue()}">`;
            })
          : file;
      return void res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
    }
    if (req.method === "GET" && path === "/playground/api/world") return json(res, 200, this.world());
    if (req.method === "GET" && path === "/playground/api/events") return this.subscribe(req, res);
    if (req.method === "GET" && path.startsWith("/playground/files/"))
      return this.file(res, decodeURIComponent(path.slice("/playground/files/".length)));
    if (req.method === "POST" && path === "/playground/api/action") {
      const read = await readLimitedBody(req, ACTION_LIMIT);
      if (!read.ok) return json(res, 413, { error: "action too large" });
      const action = JSON.parse(read.body.toString("utf8")) as PageAction;
      if (!DEMO_USERS.some((u) => u.id === action.user))
        return json(res, 400, { error: `unknown demo user ${String(action.user)}` });
      const result = await perform({ ...this.deps, state: this.state }, action);
      this.scheduleBroadcast();
      return json(res, 200, result);
    }
    json(res, 404, { error: `no playground route ${req.method} ${path}` });
  }

  private world() {
    const lookup = this.deps.slack.nameLookup();
    return {
      bot: { id: this.deps.slack.identity.botUserId, name: "Gantry" },
      users: DEMO_USERS.map((u) => ({ id: u.id, name: u.name, realName: u.realName, role: u.role })),
      channels: DEMO_CHANNELS.map((c) => ({ id: c.id, name: c.name })),
      groups: DEMO_GROUPS.map((g) => ({ id: g.id, handle: lookup.usergroupHandle?.(g.id) ?? g.handle })),
      commands: COMMANDS.map((c) => ({
        name: c.name,
        summary: c.summary,
        usage: c.usage.map((u) => ({ syntax: u.syntax, description: u.description })),
      })),
    };
  }

  /** Server-Sent Events: the user's whole view of the workspace on every change, and each emulator call as it lands. */
  private subscribe(req: IncomingMessage, res: ServerResponse): void {
    const user = new URL(req.url ?? "", "http://x").searchParams.get("user") ?? "";
    if (!DEMO_USERS.some((u) => u.id === user)) return json(res, 400, { error: `unknown demo user ${user}` });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    const sub: Subscriber = { user, res };
    this.subscribers.add(sub);
    req.on("close", () => this.subscribers.delete(sub));
    send(res, "calls", this.calls);
    send(res, "state", this.state.project(user));
  }

  private file(res: ServerResponse, id: string): void {
    const file = this.deps.slack.files().find((f) => f.id === id && f.completed);
    if (!file) return json(res, 404, { error: "file_not_found" });
    res.writeHead(200, { "content-type": file.mimetype, "cache-control": "no-store" }).end(file.bytes);
  }

  private addCall(call: PanelCall): void {
    this.calls.push(call);
    if (this.calls.length > KEEP_CALLS) this.calls.splice(0, this.calls.length - KEEP_CALLS);
    for (const s of this.subscribers) send(s.res, "calls", [call]);
  }

  /** Many emulator events arrive together (an update, then its thread reply): one projection per burst. */
  private scheduleBroadcast(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const s of this.subscribers) send(s.res, "state", this.state.project(s.user));
    }, 20);
  }
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
