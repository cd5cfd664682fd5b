import { EventEmitter } from "node:events";
import { durationMs } from "../config/schema.js";
import { advance, isFinal, stateFromProgress, type RunProgress } from "../domain/deploy-state.js";
import { describeError, isGantryError } from "../errors.js";
import type { Deployment } from "../domain/deployment.js";
import { jittered, pollIntervals, type PollLeases, type TrackerEvents } from "./poll-leases.js";
import type { Ports } from "./ports.js";
import { moveTo, publish } from "./progress.js";
import { moveForNews, watchVerifying } from "./verify-step.js";
import { confirmHint, leftBehind, newFields, readRemote, runnerOf, type RemoteNews } from "./remote.js";

export type { RemoteNews } from "./remote.js";
export type { PollLeases, TrackerEvents } from "./poll-leases.js";

interface Follow {
  timer?: NodeJS.Timeout;
  intervalMs: number;
  etag: string | null;
  last?: RunProgress;
  running?: Promise<void>;
}

/** A deploy that changed this recently is being taken care of by the replica that changed it. */
const JUST_MOVED_MS = 2_000;

/**
 * Follows each live deploy on its runner until it ends: polling with backoff and conditional requests,
 * and a timeout for deploys with no news. One loop per deploy; following twice is harmless.
 * With several replicas each deploy is polled by the one holding its poll lease; the others leave it alone
 * until that lease runs out, and their scan then takes it over.
 */
export class Tracker {
  readonly events = new EventEmitter<TrackerEvents>();
  private readonly follows = new Map<number, Follow>();
  /** Deploys whose poll lease this replica holds. */
  private readonly held = new Set<number>();
  /** Deploys this process is launching (posting, pinning, dispatching): not left behind, whatever their state. */
  private readonly launches = new Set<number>();
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly ports: Ports,
    private readonly leases: PollLeases,
  ) {}

  follow(d: Deployment): void {
    // A deploy waiting for approval has nothing on its runner yet; approval hands it back here once dispatched.
    if (this.stopped || this.leases.passive || this.follows.has(d.id) || isFinal(d.state)) return;
    if (d.state === "pending_approval") return;
    const follow: Follow = { intervalMs: this.minInterval(), etag: null };
    this.follows.set(d.id, follow);
    this.schedule(d.id, follow, 0);
  }

  /** Runs `work` (a deploy's launch) with the deploy marked as being launched here. */
  async launching<T>(id: number, work: () => Promise<T>): Promise<T> {
    this.launches.add(id);
    try {
      return await work();
    } finally {
      this.launches.delete(id);
    }
  }

  /** Picks up every deploy that was live when Gantry last stopped. */
  async resumeAll(): Promise<number> {
    const live = await this.ports.store.listLive();
    for (const d of live) this.follow(d);
    return live.length;
  }

  /**
   * Follows the live deploys this replica does not follow yet; the lease decides who polls. Left alone: a deploy still
   * being requested, until quiet for a lease's length (the replica launching it follows it once dispatched, and a
   * graceful stop waits for that), and one that moved a moment ago (whoever moved it is about to follow it).
   * Returns how many it offered to follow.
   */
  async adoptOrphans(): Promise<number> {
    const now = this.ports.clock.now().getTime();
    let offered = 0;
    for (const d of await this.ports.store.listLive()) {
      if (this.follows.has(d.id) || d.state === "pending_approval") continue;
      const quietMs = now - Date.parse(d.updatedAt);
      if (quietMs < (d.state === "requested" ? this.leases.ttlMs : JUST_MOVED_MS)) continue;
      this.follow(d);
      offered++;
    }
    return offered;
  }

  /** Runs adoptOrphans every scanMs until stopped. */
  startScan(): void {
    if (this.stopped || this.scanTimer) return;
    this.scanTimer = setInterval(() => {
      if (this.scanning) return;
      this.scanning = this.adoptOrphans()
        .catch((err: unknown) => this.ports.log.warn({ err }, "could not look for deploys nobody follows"))
        .finally(() => (this.scanning = undefined));
    }, this.leases.scanMs);
    this.scanTimer.unref();
  }

  following(): number[] {
    return [...this.follows.keys()];
  }

  /** Stops polling and gives every poll lease back, so the other replicas take these deploys over at their next scan. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.scanTimer);
    const running = [...this.follows.values()].map((f) => {
      clearTimeout(f.timer);
      return f.running;
    });
    this.follows.clear();
    await Promise.allSettled([...running, this.scanning]);
    await Promise.allSettled([...this.held].map((id) => this.release(id)));
  }

  private minInterval(): number {
    return pollIntervals(this.ports.config.polling, this.leases.webhooks ?? false).minMs;
  }

  private schedule(id: number, follow: Follow, delayMs: number): void {
    follow.timer = setTimeout(() => {
      follow.running = this.tick(id, follow).catch((err) => {
        // Not followed any more here, so the next scan (on this replica or another) picks it up again.
        if (this.follows.get(id) === follow) this.follows.delete(id);
        this.ports.log.error({ deployId: id, err }, "tracker tick failed");
      });
    }, jittered(delayMs));
    follow.timer.unref();
  }

  private async tick(id: number, follow: Follow): Promise<void> {
    if (this.stopped) return;
    if (!(await this.hold(id))) {
      // Another replica polls it; if that one dies, the scan offers it here again.
      this.follows.delete(id);
      this.events.emit("yielded", id);
      return;
    }
    const d = await this.ports.store.getDeployment(id);
    if (!d || isFinal(d.state)) return this.drop(id);
    // Handed over by a web replica and not taken yet: the worker that takes it claims and follows it.
    if (d.state === "requested" && !d.dispatchedAt && (await this.ports.store.handoffs().waiting(id)))
      return this.drop(id);
    // Verifying: the run is over and the metrics decide, at their interval; no runner timeout applies any more.
    if (d.state === "verifying") return this.watch(d, follow);
    const changed = await this.poll(d, follow);
    const now = await this.ports.store.getDeployment(id);
    if (!now || isFinal(now.state) || this.stopped) return this.drop(id);
    const max = pollIntervals(this.ports.config.polling, this.leases.webhooks ?? false).maxMs;
    follow.intervalMs = changed ? this.minInterval() : Math.min(max, Math.round(follow.intervalMs * 1.5));
    this.schedule(id, follow, follow.intervalMs);
  }

  private async watch(d: Deployment, follow: Follow): Promise<void> {
    const { dueMs, read } = await watchVerifying({ ...this.ports, tracker: this }, d);
    // Between readings nothing here changed it; the next tick's own read sees what others did.
    if (this.stopped) return this.drop(d.id);
    if (read) {
      const now = await this.ports.store.getDeployment(d.id);
      if (!now || isFinal(now.state)) return this.drop(d.id);
    }
    // At most maxInterval apart, so that the poll lease is renewed however long the check interval is.
    this.schedule(
      d.id,
      follow,
      Math.min(dueMs, pollIntervals(this.ports.config.polling, this.leases.webhooks ?? false).maxMs),
    );
  }

  /**
   * Applies a piece of news from the runner (a poll's answer or a webhook) to a deploy: moves it as far as the state
   * machine allows, reading the reported artifact on success and giving the reason on any other end. `news` adds
   * what the news told us about where the run lives (adopted only where the deploy has nothing yet or the value
   * differs, for the URL) and `via`, written to the audit event. Safe to call twice, and alongside
   * polling: stale news does not move a deploy back, and the store's conditional update lets only one caller move it.
   * Returns whether the deploy changed.
   */
  async apply(d: Deployment, progress: RunProgress, news: RemoteNews = {}): Promise<boolean> {
    const fields = newFields(d, news);
    const detail = news.via ? { via: news.via } : {};
    const { target, patch } = await moveForNews(this.ports, d, progress);
    if (target !== d.state) {
      if (await moveTo(this.ports, d, target, { ...fields, ...patch }, detail)) return true;
      // Someone else (a poll, another delivery) moved it first; what we learnt about it may still be new.
      const now = await this.ports.store.getDeployment(d.id);
      if (!now) return false;
      d = now;
    }
    const remaining = newFields(d, fields);
    if (Object.keys(remaining).length === 0) return false;
    await publish(this.ports, await this.ports.store.patch(d.id, remaining, this.now()));
    return true;
  }

  /**
   * News from a webhook, which anyone holding the secret can sign: a hint. Progress that would end the deploy, or tie
   * it to a run it has no id for yet, is read from the runner's API first, and the API's answer is applied instead
   * (or nothing, when the hint names a run that is not this deploy's). Any other progress is
   * applied as it came; links are taken from the API only. Returns whether the deploy changed.
   */
  async hint(d: Deployment, progress: RunProgress, news: RemoteNews): Promise<boolean> {
    const ends = isFinal(advance(d.state, stateFromProgress(progress)));
    const ties = news.runId !== undefined && d.runId === null;
    if (!ends && !ties) return this.apply(d, progress, news.via ? { via: news.via } : {});
    const confirmed = await confirmHint(this.ports, d, news);
    if (!confirmed) {
      this.ports.log.warn(
        { deployId: d.id, via: news.via, runId: news.runId },
        "webhook not confirmed by the runner's API; ignored",
      );
      return false;
    }
    return this.apply(d, confirmed.progress, { ...confirmed.news, ...(news.via ? { via: news.via } : {}) });
  }

  /** Takes the deploy's poll lease for this replica before it follows it; false while another replica holds it. */
  claim(id: number): Promise<boolean> {
    return this.hold(id);
  }

  /** Takes or renews the deploy's poll lease; false while another replica holds it. */
  private async hold(id: number): Promise<boolean> {
    const { holder, ttlMs } = this.leases;
    const held = await this.ports.store.acquireLease(`poll:${id}`, holder, this.now(), ttlMs);
    if (!held) {
      this.held.delete(id);
      return false;
    }
    if (!this.held.has(id)) {
      this.held.add(id);
      this.ports.log.debug({ deployId: id, holder }, "polling a deploy");
      this.events.emit("polling", id);
    }
    return true;
  }

  private async drop(id: number): Promise<void> {
    this.follows.delete(id);
    if (!this.stopped) await this.release(id);
  }

  private async release(id: number): Promise<void> {
    this.held.delete(id);
    await this.ports.store.releaseLease(`poll:${id}`, this.leases.holder);
  }

  /** Returns whether anything changed. */
  private async poll(d: Deployment, follow: Follow): Promise<boolean> {
    // Nothing was sent to the runner and nobody here is launching it: the Gantry that was is gone. Say so now.
    if (d.state === "requested" && d.dispatchedAt === null && !this.launches.has(d.id)) {
      const { vendor } = runnerOf(this.ports, d).runner;
      await moveTo(this.ports, d, "failed", { reason: leftBehind(vendor) });
      return true;
    }
    try {
      const read = await readRemote(this.ports, d, follow.etag);
      if (read.etag !== undefined) follow.etag = read.etag;
      if (read.progress) follow.last = read.progress;
      // News that calls for a move counts as a change (the backoff starts over), even if a webhook made the move first.
      if (follow.last && advance(d.state, stateFromProgress(follow.last)) !== d.state) {
        await this.apply(d, follow.last, read.news);
        return true;
      }
      // A new link alone is kept without redrawing the message: the next change shows it.
      const fields = newFields(d, read.news);
      if (Object.keys(fields).length) await this.ports.store.patch(d.id, fields, this.now());
    } catch (err) {
      // A 4xx means the runner will not tell us about this deploy again; anything else may pass.
      const status = isGantryError(err) ? (err.details.status as number | undefined) : undefined;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        await moveTo(this.ports, d, "failed", { reason: describeError(err) });
        return true;
      }
      this.ports.log.warn({ deployId: d.id, err }, "polling the runner failed; will retry");
    }
    return this.timeOutIfQuiet(d);
  }

  private async timeOutIfQuiet(d: Deployment): Promise<boolean> {
    const service = this.ports.config.services[d.service]!;
    const timeout = service.environments[d.environment]?.timeout ?? service.timeout;
    const quietMs = Date.parse(this.now()) - Date.parse(d.updatedAt);
    if (quietMs < durationMs(timeout)) return false;
    const { vendor } = runnerOf(this.ports, d).runner;
    await moveTo(this.ports, d, "timed_out", { reason: `no news from ${vendor} for ${timeout}` });
    return true;
  }

  private now(): string {
    return this.ports.clock.now().toISOString();
  }
}
