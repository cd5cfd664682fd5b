/** A Jira Cloud REST v3 emulator over real HTTP, for Gantry's jira.js client in tests and the demo. */
import { HttpEmulator } from "../http/emulator.js";
import { TemplateRouter } from "../http/router.js";
import { Timers } from "../http/timers.js";
import { JiraHttpFront } from "./http-front.js";
import type { Route } from "./router.js";
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

/** Faults, recorded calls, url, start/stop, unexpectedCalls and waitForCall come from HttpEmulator. */
export class JiraEmulator extends HttpEmulator<JiraEmulatorEvents> {
  /** While true, every request answers 503 (an Atlassian outage), recorded as a fault. */
  down = false;
  private readonly timers = new Timers();
  private readonly clock: () => Date;
  private readonly store: JiraStore;
  protected readonly front: JiraHttpFront;

  constructor(options: JiraEmulatorOptions = {}) {
    super("JiraEmulator");
    this.clock = options.now ?? (() => new Date());
    const email = options.email ?? "gantry@example.com";
    this.store = new JiraStore(this.clock, {
      accountId: "5b10ac8d82e05b22cc7d4ef5",
      emailAddress: email,
      displayName: email.split("@")[0] ?? email,
      timeZone: "Etc/UTC",
    });
    const router = new TemplateRouter<Route>([
      ...issueRoutes(this.store),
      ...activityRoutes(this.store),
      ...searchRoutes(this.store, this.clock),
    ]);
    this.front = new JiraHttpFront({
      router,
      faults: this.faults,
      timers: this.timers,
      credentials: options.apiToken === undefined ? undefined : { email: options.email, apiToken: options.apiToken },
      isDown: () => this.down,
      record: (call) => this.record(call),
    });
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

  /** Clears recorded calls and faults and brings the site back up; projects and issues stay. */
  override reset(): void {
    super.reset();
    this.down = false;
  }

  /** Wakes every request still held by a latency fault, so it gives up instead of answering after stop(). */
  protected clearTimers(): void {
    this.timers.clearAll();
  }
}
