import Bottleneck from "bottleneck";
import type { HomeView } from "@slack/types";
import type { AppPorts as Ports } from "../../ports.js";
import type { EventHandler } from "../forms/types.js";
import { boardFor, loadSnapshot } from "./board-model.js";
import { boardView } from "./board-view.js";

export interface HomeBoardsOptions {
  /** Whose board is kept current: people who opened it within this long (default 24h). */
  recentMs?: number;
  /** Changes within this long are drawn once (default 300ms). */
  coalesceMs?: number;
  /** How often boards are checked for what no event announces, e.g. a lock that expired (default 30s). */
  checkEveryMs?: number;
  /** views.publish calls per minute: Slack's Tier 4 allows about 100. */
  perMinute?: number;
}

/** One HomeBoards per Gantry, found from its event emitter by code that changes what boards show. */
const registry = new WeakMap<object, HomeBoards>();

/** Tells the boards something they show changed (a lock taken or released), so they redraw soon. */
export function boardsChanged(ports: Pick<Ports, "events">): void {
  registry.get(ports.events)?.changed();
}

/**
 * Everyone's App Home. A board is published when its owner opens the tab, then republished while they are recent
 * viewers whenever what it shows changes: only boards whose blocks differ are sent, at most one waiting per person,
 * and all of them through one limiter that keeps within views.publish's rate limit.
 */
export class HomeBoards {
  private readonly viewers = new Map<string, number>();
  private readonly shown = new Map<string, string>();
  private readonly queued = new Map<string, HomeView>();
  private readonly due = new Set<string>();
  private readonly limiter: Bottleneck;
  private readonly ticker: NodeJS.Timeout;
  private pendingRefresh: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly onChange = () => this.changed();
  private readonly recentMs: number;
  private readonly coalesceMs: number;

  constructor(
    private readonly ports: Ports,
    opts: HomeBoardsOptions = {},
  ) {
    this.recentMs = opts.recentMs ?? 24 * 3_600_000;
    this.coalesceMs = opts.coalesceMs ?? 300;
    const perMinute = opts.perMinute ?? 100;
    this.limiter = new Bottleneck({
      reservoir: perMinute,
      reservoirRefreshAmount: perMinute,
      reservoirRefreshInterval: 60_000,
      maxConcurrent: 4,
    });
    ports.events.on("changed", this.onChange);
    ports.events.on("finished", this.onChange);
    this.ticker = setInterval(() => this.changed(), opts.checkEveryMs ?? 30_000);
    this.ticker.unref();
    registry.set(ports.events, this);
  }

  /** `app_home_opened`: the board is drawn for this person now, and kept current for a while. */
  opened(user: string): Promise<void> {
    this.viewers.set(user, this.ports.clock.now().getTime());
    this.due.add(user);
    // People opening the tab together share one snapshot: the first task draws every board due by then.
    return this.enqueue(() => {
      const users = [...this.due];
      this.due.clear();
      return this.refresh(users);
    });
  }

  /** Something on the boards changed: redraw them once the burst is over. */
  changed(): void {
    if (this.stopped || this.pendingRefresh || this.viewers.size === 0) return;
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = undefined;
      void this.enqueue(() => this.refresh([...this.viewers.keys()]));
    }, this.coalesceMs);
    this.pendingRefresh.unref();
  }

  /** Boards drawn but not yet published (waiting for the rate limit). */
  get backlog(): number {
    return this.queued.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.pendingRefresh);
    this.ports.events.off("changed", this.onChange);
    this.ports.events.off("finished", this.onChange);
    if (registry.get(this.ports.events) === this) registry.delete(this.ports.events);
    await this.work;
    await this.limiter.stop({ dropWaitingJobs: true });
  }

  /** Refreshes run one at a time, so an older snapshot is never published after a newer one. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work
      .then(task)
      .catch((err: unknown) => this.ports.log.warn({ err }, "could not refresh home boards"));
    return this.work;
  }

  private async refresh(users: string[]): Promise<void> {
    const now = this.ports.clock.now().getTime();
    for (const [user, at] of this.viewers) {
      if (now - at > this.recentMs) {
        this.viewers.delete(user);
        this.shown.delete(user);
      }
    }
    const current = [...new Set(users)].filter((u) => this.viewers.has(u));
    if (this.stopped || current.length === 0) return;
    const snapshot = await loadSnapshot(this.ports);
    for (const user of current) {
      const view = boardView(await boardFor(this.ports, snapshot, user));
      // Unchanged since it was last sent: nothing to send, and an older board still waiting must not go out.
      if (JSON.stringify(view) === this.shown.get(user)) this.queued.delete(user);
      else this.publish(user, view);
    }
  }

  private publish(user: string, view: HomeView): void {
    const waiting = this.queued.has(user);
    this.queued.set(user, view);
    if (waiting || this.stopped) return;
    this.limiter
      .schedule(async () => {
        const latest = this.queued.get(user);
        this.queued.delete(user);
        if (!latest) return;
        // Counted as shown from the start, so a redraw while this call is on its way is not sent twice.
        this.shown.set(user, JSON.stringify(latest));
        await this.ports.slack.publishHome(user, latest);
      })
      .catch((err: unknown) => {
        this.shown.delete(user);
        this.ports.log.warn({ user, err }, "could not publish a home tab");
      });
  }
}

/** The Events API's `app_home_opened` for the Home tab. */
export function homeOpenedHandler(boards: HomeBoards): EventHandler {
  return {
    event: "app_home_opened",
    async handle(_ports, input) {
      if (input.tab === "messages") return;
      await boards.opened(input.user);
    },
  };
}
