import { EventEmitter } from "node:events";
import type { ViewStateSelectedOption } from "@slack/bolt";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultList } from "./faults.js";
import type { NameLookup } from "./mrkdwn.js";
import { Router } from "./router.js";
import { SocketModeServer } from "./socket.js";
import type {
  EmulatedCall,
  EmulatedChannel,
  EmulatedFile,
  EmulatedMessage,
  EmulatedUser,
  EmulatedUsergroup,
  EmulatedView,
} from "./types.js";
import type { MessageEvent, ResponseUrlTarget, SlackEmulatorOptions } from "./types.js";
import { answerView } from "./methods-views.js";
import { statefulElements, typedValue, viewState, type StatefulElement } from "./view-state.js";
import { waitFor } from "./wait.js";
import { Workspace, type WorkspaceIdentity } from "./workspace.js";

export interface SlackEmulatorEvents {
  call: [EmulatedCall];
  message: [MessageEvent];
  /** A new version of a view: opened, updated, published, closed, or showing the bot's field errors. */
  view: [EmulatedView];
}

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
  private readonly router: Router;

  constructor(options: SlackEmulatorOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.identity = {
      teamId: options.teamId ?? "T0GANTRY",
      ...(options.enterpriseId !== undefined ? { enterpriseId: options.enterpriseId } : {}),
      teamDomain: options.teamDomain ?? "gantry-sandbox",
      botUserId: options.botUserId ?? "U0GANTRYBOT",
      botId: options.botId ?? "B0GANTRYBOT",
      appId: options.appId ?? "A0GANTRY",
    };
    this.workspace = new Workspace(
      this.identity,
      this.now,
      (event) => this.emit("message", event),
      (view) => this.emit("view", view),
    );
    this.addBotUser();
    this.socket = new SocketModeServer(this.identity.appId, (ack, type) =>
      this.record({
        method: "socket_mode.ack",
        args: { type, ...ack },
        response: null,
        status: 200,
        unexpected: false,
        faulted: false,
      }),
    );
    this.router = new Router({
      workspace: this.workspace,
      faults: this.faults,
      socket: this.socket,
      tokens: { botToken: options.botToken, appToken: options.appToken },
      baseUrl: () => this.url,
      record: (call) => this.record(call),
    });
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
      this.router
        .handle(req, res)
        .catch((err: unknown) => this.router.reply(res, { status: 500, body: { ok: false, error: String(err) } }));
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
    this.router.releaseDelays();
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

  /** Directory lookups for renderBlocks / renderMessageForTerminal. */
  nameLookup(): NameLookup {
    const ws = this.workspace;
    return {
      userName: (id) => ws.users.get(id)?.name,
      channelName: (id) => ws.channels.get(id)?.name,
      usergroupHandle: (id) => ws.usergroups.get(id)?.handle,
    };
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
    return this.workspace.findMessage(channel, ts);
  }

  findEphemeral(user: string, ts: string): EmulatedMessage | undefined {
    return this.workspace.findEphemeral(user, ts);
  }

  /** Files uploaded through files.getUploadURLExternal (oldest first), optionally only those shared into `channel`. */
  files(channel?: string): EmulatedFile[] {
    return [...this.workspace.files.values()].filter((f) => channel === undefined || f.channel === channel);
  }

  /** Latest version of every view (modals and home tabs), optionally for one user. */
  views(user?: string): EmulatedView[] {
    return [...this.workspace.views.values()].filter((v) => user === undefined || v.user === user);
  }

  view(id: string): EmulatedView | undefined {
    return this.workspace.views.get(id);
  }

  /** The modal `user` has on screen: the newest one opened and not yet closed. */
  openModal(user: string): EmulatedView | undefined {
    return this.views(user)
      .filter((v) => v.kind === "modal" && !v.closed)
      .at(-1);
  }

  /** What `user` sees on the app's Home tab, once the app has published one. */
  homeView(user: string): EmulatedView | undefined {
    return this.views(user).find((v) => v.kind === "home");
  }

  /**
   * Types into a field or picks an option, as the person would: text for inputs, an option value (or, for an
   * external_select, the option itself as the app suggested it). Returns the element, so a caller knows whether
   * Slack would also send block_actions (selects outside input blocks, and inputs with dispatch_action).
   */
  enter(viewId: string, actionId: string, entry: string | ViewStateSelectedOption, blockId?: string): StatefulElement {
    const stored = this.workspace.views.get(viewId);
    if (!stored || stored.closed) throw new Error(`enter: no open view ${viewId}`);
    const el = statefulElements(stored.view.blocks as unknown[]).find(
      (e) => e.actionId === actionId && (blockId === undefined || e.blockId === blockId),
    );
    if (!el) throw new Error(`enter: view ${viewId} has no field ${blockId ?? "*"}/${actionId}`);
    (stored.values[el.blockId] ??= {})[el.actionId] = typedValue(el, entry);
    stored.view.state = { values: viewState(stored.view.blocks as unknown[], stored.values) };
    this.emit("view", stored);
    return el;
  }

  /** The modal is gone from the screen: submitted and closed by the app, or dismissed. */
  closeView(id: string): void {
    const stored = this.workspace.views.get(id);
    if (!stored || stored.kind !== "modal" || stored.closed) return;
    stored.closed = true;
    this.emit("view", stored);
  }

  /** Applies the app's answer to a view submission, as Slack's client does. */
  applySubmissionAnswer(id: string, answer: unknown): void {
    const stored = this.workspace.views.get(id);
    if (!stored) return;
    const body = (typeof answer === "object" && answer !== null ? answer : {}) as {
      response_action?: string;
      errors?: Record<string, string>;
      view?: unknown;
    };
    switch (body.response_action) {
      case "errors":
        stored.errors = { ...(body.errors ?? {}) };
        this.emit("view", stored);
        return;
      case "update":
      case "push": {
        const replaced = answerView(this.workspace, stored, body.view, body.response_action === "push");
        if ("error" in replaced)
          throw new Error(
            `the app answered ${body.response_action} with a view Slack refuses: ${replaced.messages.join("; ") || replaced.error}`,
          );
        return;
      }
      case "clear":
        for (const v of this.views(stored.user)) if (v.kind === "modal") this.closeView(v.id);
        return;
      default:
        this.closeView(id);
    }
  }

  /** Waits for a view version matching `pred` (already stored, or the next one). */
  waitForView(pred: (view: EmulatedView) => boolean, timeoutMs = 5000): Promise<EmulatedView> {
    return waitFor<EmulatedView, EmulatedView>({
      existing: () => this.views().find(pred),
      emitter: this,
      event: "view",
      match: (v) => (pred(v) ? v : undefined),
      timeoutMs,
      describe: () =>
        `waiting for a view; have: [${
          this.views()
            .map((v) => `${v.kind}:${v.user}#${v.updates}`)
            .join(", ") || "none"
        }]`,
    });
  }

  /** `pred` may be a method name as shorthand for `(c) => c.method === name`. */
  waitForCall(pred: ((call: EmulatedCall) => boolean) | string, timeoutMs = 5000): Promise<EmulatedCall> {
    if (typeof pred === "string") {
      const method = pred;
      pred = (c) => c.method === method;
    }
    const test = pred;
    return waitFor<EmulatedCall, EmulatedCall>({
      existing: () => this.calls.find(test),
      emitter: this,
      event: "call",
      match: (call) => (test(call) ? call : undefined),
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

  /** Clears calls, conversations, views, files and faults; keeps users, groups and channels unless `directory` is set. */
  reset(opts: { directory?: boolean } = {}): void {
    this.calls.length = 0;
    this.faults.clear();
    const { users, usergroups, channels } = this.workspace;
    const keep = opts.directory
      ? undefined
      : { users: [...users.values()], groups: [...usergroups.values()], channels: [...channels.values()] };
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
      describe: () =>
        `waiting for a ${what}; have: [${
          list()
            .map((m) => JSON.stringify(m.text.slice(0, 60)))
            .join(", ") || "none"
        }]`,
    });
  }

  private record(call: Omit<EmulatedCall, "at">): void {
    const full: EmulatedCall = { ...call, at: this.now() };
    this.calls.push(full);
    this.emit("call", full);
  }
}

function describeCall(call: EmulatedCall): string {
  const body = call.response as { ok?: boolean; error?: string } | null;
  return `${call.method}(${body?.ok === false ? body.error : call.status === 200 ? "ok" : call.status})`;
}
