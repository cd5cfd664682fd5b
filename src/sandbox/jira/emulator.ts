/** A Jira Cloud REST v3 emulator over real HTTP, for Gantry's jira.js client in tests and the demo. */
import { EventEmitter } from "node:events";
import { FaultRegistry, Timers } from "./faults.js";
import { HttpFront } from "./http-front.js";
import { Router } from "./router.js";
import { activityRoutes } from "./routes-activity.js";
import { issueRoutes } from "./routes-issue.js";
import { searchRoutes } from "./routes-search.js";
import { JiraStore } from "./store.js";
import type { AddIssueOptions, AddProjectOptions, IssueRecord, RecordedCall } from "./types.js";

export interface JiraEmulatorOptions {
  /** The account's email; with apiToken, requests must carry HTTP Basic `email:apiToken`. */
  email?: string;
  /** When set, every request but serverInfo needs HTTP Basic auth with it, or gets Jira's 401. */
  apiToken?: string;
  /** The site's clock, for created/updated stamps and relative JQL dates (`-90d`). Defaults to the real time. */
  now?: () => Date;
}

export interface JiraEmulatorEvents {
  call: [RecordedCall];
}

export class JiraEmulator extends EventEmitter<JiraEmulatorEvents> {
  readonly faults = new FaultRegistry();
  calls: RecordedCall[] = [];
  /** While true, every request answers 503 (an Atlassian outage), recorded as a fault. */
  down = false;
  private readonly timers = new Timers();
  private readonly clock: () => Date;
  private readonly store: JiraStore;
  private readonly front: HttpFront;

  constructor(options: JiraEmulatorOptions = {}) {
    super();
    this.clock = options.now ?? (() => new Date());
    const email = options.email ?? "gantry@example.com";
    this.store = new JiraStore(this.clock, {
      accountId: "5b10ac8d82e05b22cc7d4ef5",
      emailAddress: email,
      displayName: email.split("@")[0] ?? email,
      timeZone: "Etc/UTC",
    });
    const router = new Router([...issueRoutes(this.store), ...activityRoutes(this.store), ...searchRoutes(this.store, this.clock)]);
    this.front = new HttpFront({
      router,
      faults: this.faults,
      timers: this.timers,
      credentials: options.apiToken === undefined ? undefined : { email: options.email, apiToken: options.apiToken },
      isDown: () => this.down,
      record: (call) => {
        this.calls.push(call);
        this.emit("call", call);
      },
    });
  }

  get url(): string {
    const url = this.front.url;
    if (!url) throw new Error("JiraEmulator not started; await start() first");
    return url;
  }

  /** Listens on 127.0.0.1 (an ephemeral port by default) and returns the site URL for jira.js's `host`. */
  start(port = 0): Promise<string> {
    return this.front.listen(port);
  }

  /** Closes the server and its sockets and wakes every request still held by a latency fault. */
  async stop(): Promise<void> {
    this.timers.clearAll();
    await this.front.close();
  }

  /** Adds a project; its workflow defaults to To Do -> In Progress -> Done, plus Failed and Rolled back. */
  addProject(opts: AddProjectOptions): void {
    this.store.addProject(opts);
  }

  /** Seeds an issue (incidents for DORA, say) with any history; creates its project when missing. Returns the key. */
  addIssue(opts: AddIssueOptions): string {
    return this.store.addIssue(opts).key;
  }

  /** Snapshots of every issue, in creation order. */
  get issues(): IssueRecord[] {
    return this.store.issues.map((i) => structuredClone(i));
  }

  /** A snapshot of one issue by key or id: fields, status, comments (with text), remote links, transitions. */
  issue(keyOrId: string): IssueRecord | undefined {
    const found = this.store.find(keyOrId);
    return found && structuredClone(found);
  }

  unexpectedCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.unexpected);
  }

  /** Clears recorded calls and faults and brings the site back up; projects and issues stay. */
  reset(): void {
    this.calls = [];
    this.faults.clear();
    this.down = false;
  }

  waitForCall(predicate: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const existing = this.calls.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const listener = (call: RecordedCall): void => {
        if (!predicate(call)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(", ") || "none";
        reject(new Error(`waitForCall: no matching call within ${timeoutMs}ms; recorded: ${seen}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off("call", listener);
      };
      this.on("call", listener);
    });
  }
}
