import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultList, faultOutcome } from "./faults.js";
import { chatMethods } from "./methods-chat.js";
import { directoryMethods } from "./methods-directory.js";
import { viewMethods } from "./methods-views.js";
import type { MethodContext, MethodSpec } from "./methods.js";
import { BadRequest, parseArgs, readBody, redactToken, requestToken, type Args } from "./request-body.js";
import { handleResponseUrl } from "./response-url.js";
import { SocketModeServer } from "./socket.js";
import type { EmulatedCall, EmulatedChannel, EmulatedMessage, EmulatedUser, EmulatedUsergroup, EmulatedView } from "./types.js";
import type { MessageEvent, ResponseUrlTarget, SlackEmulatorOptions } from "./types.js";
import { waitFor } from "./wait.js";
import { Workspace, type WorkspaceIdentity } from "./workspace.js";

const METHODS: Record<string, MethodSpec> = { ...chatMethods, ...directoryMethods, ...viewMethods };

export interface SlackEmulatorEvents {
  call: [EmulatedCall];
  message: [MessageEvent];
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** A local stand-in for Slack's Web API, response_urls and Socket Mode, with recorded state for assertions. */
export class SlackEmulator extends EventEmitter<SlackEmulatorEvents> {
  readonly faults = new FaultList();
  readonly socket: SocketModeServer;
  readonly calls: EmulatedCall[] = [];
  readonly identity: WorkspaceIdentity;
  private readonly workspace: Workspace;
  private readonly now: () => number;
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private readonly delays = new Set<() => void>();

  constructor(private readonly options: SlackEmulatorOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.identity = {
      teamId: options.teamId ?? "T0GANTRY",
      teamDomain: options.teamDomain ?? "gantry-sandbox",
      botUserId: options.botUserId ?? "U0GANTRYBOT",
      botId: options.botId ?? "B0GANTRYBOT",
      appId: options.appId ?? "A0GANTRY",
    };
    this.workspace = new Workspace(this.identity, this.now, (event) => this.emit("message", event));
    this.addBotUser();
    this.socket = new SocketModeServer(this.identity.appId, (ack, type) =>
      this.record({ method: "socket_mode.ack", args: { type, ...ack }, response: null, status: 200, unexpected: false, faulted: false }),
    );
  }

  /** http://127.0.0.1:PORT; throws before start(). */
  get url(): string {
    if (!this.baseUrl) throw new Error("SlackEmulator is not started");
    return this.baseUrl;
  }

  /** What to pass as the WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.reply(res, { status: 500, body: { ok: false, error: String(err) } }));
    });
    server.on("upgrade", (req, socket, head) => {
      if (!this.socket.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.socket.close();
    for (const release of this.delays) release();
    this.delays.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addUser(user: EmulatedUser): this {
    this.workspace.users.set(user.id, { ...user });
    return this;
  }

  addUsergroup(group: EmulatedUsergroup): this {
    this.workspace.usergroups.set(group.id, { ...group, users: [...group.users] });
    return this;
  }

  addChannel(channel: EmulatedChannel): this {
    this.workspace.channels.set(channel.id, { ...channel });
    return this;
  }

  user(id: string): EmulatedUser | undefined {
    return this.workspace.users.get(id);
  }

  channel(id: string): EmulatedChannel | undefined {
    return this.workspace.channels.get(id);
  }

  /** The first channel added, as a default for payloads that do not name one. */
  defaultChannel(): EmulatedChannel | undefined {
    return [...this.workspace.channels.values()].find((c) => !c.id.startsWith("D"));
  }

  /** A response_url as Slack puts it in slash command and interaction payloads. */
  responseUrl(target: ResponseUrlTarget): string {
    return `${this.url}/response/${this.workspace.issueResponseUrl(target)}`;
  }

  /** A trigger_id that views.open will accept once, opening the modal for `user`. */
  issueTriggerId(user: string): string {
    return this.workspace.issueTriggerId(user);
  }

  messages(channel?: string): EmulatedMessage[] {
    return this.workspace.messages.filter((m) => channel === undefined || m.channel === channel);
  }

  ephemerals(user?: string): EmulatedMessage[] {
    return this.workspace.ephemerals.filter((m) => user === undefined || m.visibleTo === user);
  }

  findMessage(channel: string, ts: string): EmulatedMessage | undefined {
    return this.workspace.findMessage(channel, ts) ;
  }

  findEphemeral(user: string, ts: string): EmulatedMessage | undefined {
    return this.workspace.findEphemeral(user, ts);
  }

  /** Latest version of every view (modals and home tabs), optionally for one user. */
  views(user?: string): EmulatedView[] {
    return [...this.workspace.views.values()].filter((v) => user === undefined || v.user === user);
  }

  waitForCall(pred: (call: EmulatedCall) => boolean, timeoutMs = 5000): Promise<EmulatedCall> {
    return waitFor<EmulatedCall, EmulatedCall>({
      existing: () => this.calls.find(pred),
      emitter: this,
      event: "call",
      match: (call) => (pred(call) ? call : undefined),
      timeoutMs,
      describe: () => `waiting for a Slack call; recorded: [${this.calls.map(describeCall).join(", ") || "none"}]`,
    });
  }

  /** Waits for a channel message (new or updated) matching `pred`. */
  waitForMessage(pred: (message: EmulatedMessage) => boolean, timeoutMs = 5000): Promise<EmulatedMessage> {
    return this.waitForIn(() => this.workspace.messages, ["posted", "updated"], pred, timeoutMs, "channel message");
  }

  waitForEphemeral(pred: (message: EmulatedMessage) => boolean, timeoutMs = 5000): Promise<EmulatedMessage> {
    return this.waitForIn(() => this.workspace.ephemerals, ["ephemeral"], pred, timeoutMs, "ephemeral message");
  }

  /** Clears calls, conversations, views and faults; keeps users, groups and channels unless `directory` is set. */
  reset(opts: { directory?: boolean } = {}): void {
    this.calls.length = 0;
    this.faults.clear();
    const { users, usergroups, channels } = this.workspace;
    const keep = opts.directory ? undefined : { users: [...users.values()], groups: [...usergroups.values()], channels: [...channels.values()] };
    this.workspace.clear();
    this.addBotUser();
    keep?.users.forEach((u) => this.addUser(u));
    keep?.groups.forEach((g) => this.addUsergroup(g));
    keep?.channels.forEach((c) => this.addChannel(c));
  }

  private addBotUser(): void {
    this.addUser({ id: this.identity.botUserId, name: "gantry", realName: "Gantry", isBot: true });
  }

  private waitForIn(
    list: () => EmulatedMessage[],
    kinds: MessageEvent["kind"][],
    pred: (message: EmulatedMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<EmulatedMessage> {
    return waitFor<EmulatedMessage, MessageEvent>({
      existing: () => list().find(pred),
      emitter: this,
      event: "message",
      match: (e) => (kinds.includes(e.kind) && pred(e.message) ? e.message : undefined),
      timeoutMs,
      describe: () => `waiting for a ${what}; have: [${list().map((m) => JSON.stringify(m.text.slice(0, 60))).join(", ") || "none"}]`,
    });
  }

  private record(call: Omit<EmulatedCall, "at">): void {
    const full: EmulatedCall = { ...call, at: this.now() };
    this.calls.push(full);
    this.emit("call", full);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://emulator").pathname;
    const raw = await readBody(req);
    const route = path.startsWith("/api/") ? "api" : path.startsWith("/response/") ? "response" : undefined;
    const method = route === "api" ? decodeURIComponent(path.slice(5)) : route === "response" ? "response_url" : `${req.method} ${path}`;
    let args: Args = {};
    try {
      args = parseArgs(req, raw);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      return this.answer(res, method, { raw }, { status: route === "api" ? 200 : 400, body: { ok: false, error: err.error } });
    }
    const token = requestToken(req, args);
    args = redactToken(args);

    const fault = route ? this.faults.take(method) : undefined;
    if (fault?.delayMs) await new Promise<void>((resolve) => this.delay(fault.delayMs ?? 0, resolve));
    if (fault?.drop) {
      this.record({ method, args, response: null, status: 0, unexpected: false, faulted: true });
      res.socket?.destroy();
      return;
    }
    const faulted = fault ? faultOutcome(fault) : undefined;
    if (faulted) return this.answer(res, method, args, faulted, { faulted: true });

    if (route === "response") {
      return this.answer(res, method, args, handleResponseUrl(this.workspace, path.slice("/response/".length), args));
    }
    const spec = route === "api" ? METHODS[method] : undefined;
    if (!spec) {
      const reply = route === "api" ? { status: 200, body: { ok: false, error: "unknown_method" } } : { status: 404, body: { ok: false, error: "not_found" } };
      return this.answer(res, method, args, reply, { unexpected: true });
    }
    const authError = this.checkAuth(spec.token, token);
    if (authError) return this.answer(res, method, args, { status: 200, body: { ok: false, error: authError } });
    const ctx: MethodContext = { ws: this.workspace, baseUrl: this.url, socketUrl: () => this.socket.issueUrl(this.url) };
    this.answer(res, method, args, { status: 200, body: spec.run(args, ctx) });
  }

  private checkAuth(kind: MethodSpec["token"], token: string | undefined): string | undefined {
    if (!token) return "not_authed";
    const isApp = token.startsWith("xapp-");
    if (kind === "app") {
      if (!isApp) return "not_allowed_token_type";
      return this.options.appToken !== undefined && token !== this.options.appToken ? "invalid_auth" : undefined;
    }
    if (isApp) return "not_allowed_token_type";
    return this.options.botToken !== undefined && token !== this.options.botToken ? "invalid_auth" : undefined;
  }

  /** Records before replying, so a caller whose request resolved always finds its call in `calls`. */
  private answer(res: ServerResponse, method: string, args: Args, reply: Reply, flags: { unexpected?: boolean; faulted?: boolean } = {}): void {
    this.record({ method, args, response: reply.body, status: reply.status, unexpected: flags.unexpected ?? false, faulted: flags.faulted ?? false });
    this.reply(res, reply);
  }

  private reply(res: ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  /** Delays are released early by stop(), so an injected delay never keeps the process alive. */
  private delay(ms: number, resolve: () => void): void {
    const release = () => {
      clearTimeout(timer);
      this.delays.delete(release);
      resolve();
    };
    const timer = setTimeout(release, ms);
    this.delays.add(release);
  }
}

function describeCall(call: EmulatedCall): string {
  const body = call.response as { ok?: boolean; error?: string } | null;
  return `${call.method}(${body?.ok === false ? body.error : call.status === 200 ? "ok" : call.status})`;
}
