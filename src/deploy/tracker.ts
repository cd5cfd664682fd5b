import { EventEmitter } from "node:events";
import { durationMs } from "../config/schema.js";
import { advance, isFinal, stateFromRemote, type RemoteProgress } from "../domain/deploy-state.js";
import { describeError, isGantryError } from "../errors.js";
import { parseRepo } from "../github/port.js";
import type { Deployment, DeploymentPatch } from "../store/types.js";
import type { Ports } from "./ports.js";
import { moveTo, publish } from "./progress.js";

interface Follow {
  timer?: NodeJS.Timeout;
  intervalMs: number;
  etag: string | null;
  last?: RemoteProgress;
  running?: Promise<void>;
}

/** How long a dispatched run may take to show up on GitHub before Gantry concludes it never started. */
const RUN_LOOKUP_GRACE_MS = 3 * 60_000;
/** Gantry's own word for "no run exists": not one of GitHub's conclusions, so it cannot be confused with one. */
const NO_RUN = "gantry_no_run";

/** Runs looked up by key may start a little before our clock says the dispatch happened. */
const CLOCK_SKEW_MS = 60_000;

/** A deploy that changed this recently is being taken care of by the replica that changed it. */
const JUST_MOVED_MS = 2_000;

/** How the replicas share polling: each tick renews the deploy's `poll:<id>` lease, and a scan adopts orphans. */
export interface PollLeases {
  /** This replica's id, written on the leases it takes. */
  holder: string;
  /** Longer than the longest pause between two ticks (maxInterval plus a slow poll), or replicas take turns. */
  ttlMs: number;
  /** How often live deploys are looked through for ones nobody polls any more (their poller died). */
  scanMs: number;
}

export interface TrackerEvents {
  /** This replica took a deploy's poll lease: it polls the deploy from now on. */
  polling: [number];
  /** This replica offered to follow a deploy, but another replica holds its poll lease. */
  yielded: [number];
}

/**
 * Follows each live deploy on GitHub until it ends: polling with backoff and conditional requests,
 * and a timeout for deploys with no news. One loop per deploy; following twice is harmless.
 * With several replicas each deploy is polled by the one holding its poll lease; the others leave it alone
 * until that lease runs out, and their scan then takes it over.
 */
export class Tracker {
  readonly events = new EventEmitter<TrackerEvents>();
  private readonly follows = new Map<number, Follow>();
  /** Deploys whose poll lease this replica holds. */
  private readonly held = new Set<number>();
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly ports: Ports,
    private readonly leases: PollLeases,
  ) {}

  follow(d: Deployment): void {
    // A deploy waiting for approval has nothing on GitHub yet; approval hands it back here once dispatched.
    if (this.stopped || this.follows.has(d.id) || isFinal(d.state) || d.state === "pending_approval") return;
    const follow: Follow = { intervalMs: this.minInterval(), etag: null };
    this.follows.set(d.id, follow);
    this.schedule(d.id, follow, 0);
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
    return durationMs(this.ports.config.polling.interval);
  }

  private schedule(id: number, follow: Follow, delayMs: number): void {
    follow.timer = setTimeout(() => {
      follow.running = this.tick(id, follow).catch((err) => {
        // Not followed any more here, so the next scan (on this replica or another) picks it up again.
        if (this.follows.get(id) === follow) this.follows.delete(id);
        this.ports.log.error({ deployId: id, err }, "tracker tick failed");
      });
    }, delayMs);
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
    const changed = await this.poll(d, follow);
    const now = await this.ports.store.getDeployment(id);
    if (!now || isFinal(now.state) || this.stopped) return this.drop(id);
    const max = durationMs(this.ports.config.polling.maxInterval);
    follow.intervalMs = changed ? this.minInterval() : Math.min(max, Math.round(follow.intervalMs * 1.5));
    this.schedule(id, follow, follow.intervalMs);
  }

  /**
   * Applies a piece of news from GitHub (a poll's answer or a webhook) to a deploy: moves it as far as the state
   * machine allows, reading the reported artifact on success and giving the reason on any other end. `news` adds
   * what the news told us about where the deploy lives on GitHub (adopted only where the deploy has nothing yet or
   * the value differs, for the URL) and `via`, written to the audit event. Safe to call twice, and alongside
   * polling: stale news does not move a deploy back, and the store's conditional update lets only one caller move it.
   * Returns whether the deploy changed.
   */
  async apply(d: Deployment, progress: RemoteProgress, news: RemoteNews = {}): Promise<boolean> {
    const fields = newFields(d, news);
    const detail = news.via ? { via: news.via } : {};
    const target = advance(d.state, stateFromRemote(progress));
    if (target !== d.state) {
      const patch = target === "succeeded" ? await this.artifactOf(d) : isFinal(target) ? { reason: failureReason(progress) } : {};
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
    try {
      const progress = await this.read(d, follow);
      if (progress) follow.last = progress;
      // News that calls for a move counts as a change (the backoff starts over), even if a webhook made the move first.
      if (follow.last && advance(d.state, stateFromRemote(follow.last)) !== d.state) {
        await this.apply(d, follow.last);
        return true;
      }
    } catch (err) {
      // A 4xx means GitHub will not tell us about this deploy again; anything else may pass.
      const status = isGantryError(err) ? (err.details.status as number | undefined) : undefined;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        await moveTo(this.ports, d, "failed", { reason: describeError(err) });
        return true;
      }
      this.ports.log.warn({ deployId: d.id, err }, "polling GitHub failed; will retry");
    }
    return this.timeOutIfQuiet(d);
  }

  private async read(d: Deployment, follow: Follow): Promise<RemoteProgress | undefined> {
    const service = this.ports.config.services[d.service]!;
    const repo = parseRepo(service.repo);
    if (d.mode === "deployment") {
      let deploymentId = d.githubDeploymentId;
      if (!deploymentId) {
        const found = await this.ports.github.findDeploymentByKey(repo, d.environment, d.key);
        if (!found) return this.noRunYet(d);
        await this.ports.store.patch(d.id, { githubDeploymentId: found.id }, this.now());
        deploymentId = found.id;
      }
      const res = await this.ports.github.latestDeploymentStatus(repo, deploymentId, follow.etag);
      if (!res.changed) return undefined;
      follow.etag = res.etag;
      if (res.value.logUrl && res.value.logUrl !== d.githubUrl) {
        await this.ports.store.patch(d.id, { githubUrl: res.value.logUrl }, this.now());
      }
      return { kind: "deployment", state: res.value.state };
    }
    let runId = d.githubRunId;
    if (!runId) {
      const since = new Date(Date.parse(d.createdAt) - CLOCK_SKEW_MS).toISOString();
      const run = await this.ports.github.findRunByKey(repo, service.workflow!, d.key, since);
      if (!run) return this.noRunYet(d);
      const adopted = await this.ports.store.patch(d.id, { githubRunId: run.id, githubUrl: run.htmlUrl }, this.now());
      await publish(this.ports, adopted);
      runId = run.id;
    }
    const res = await this.ports.github.getRun(repo, runId, follow.etag);
    if (!res.changed) return undefined;
    follow.etag = res.etag;
    return { kind: "run", status: res.value.status, conclusion: res.value.conclusion };
  }

  /**
   * A dispatch whose answer was lost is never sent again (it may have started a run); the run is looked for by the
   * deploy's key. If GitHub shows none after a grace period, it never started: say so rather than wait for the timeout.
   */
  private noRunYet(d: Deployment): RemoteProgress | undefined {
    if (d.state !== "queued") return undefined;
    const waited = Date.parse(this.now()) - Date.parse(d.updatedAt);
    if (waited < RUN_LOOKUP_GRACE_MS) return undefined;
    return d.mode === "deployment" ? { kind: "deployment", state: NO_RUN } : { kind: "run", status: "completed", conclusion: NO_RUN };
  }

  /** What the workflow reported it shipped (a commit status); a promotion already carries its artifact. */
  private async artifactOf(d: Deployment): Promise<{ artifact?: string }> {
    if (d.artifact || !d.sha) return {};
    const service = this.ports.config.services[d.service]!;
    try {
      const artifact = await this.ports.github.statusDescription(parseRepo(service.repo), d.sha, service.artifactStatus);
      return artifact ? { artifact } : {};
    } catch (err) {
      this.ports.log.warn({ deployId: d.id, err }, "could not read the reported artifact");
      return {};
    }
  }

  private async timeOutIfQuiet(d: Deployment): Promise<boolean> {
    const service = this.ports.config.services[d.service]!;
    const timeout = service.environments[d.environment]?.timeout ?? service.timeout;
    const quietMs = Date.parse(this.now()) - Date.parse(d.updatedAt);
    if (quietMs < durationMs(timeout)) return false;
    await moveTo(this.ports, d, "timed_out", { reason: `no news from GitHub for ${timeout}` });
    return true;
  }

  private now(): string {
    return this.ports.clock.now().toISOString();
  }
}

/** What a piece of news may tell about a deploy besides its progress, and how it came (for the audit log). */
export interface RemoteNews {
  githubRunId?: number;
  githubDeploymentId?: number;
  githubUrl?: string;
  via?: string;
}

/** The fields of `news` the deploy does not have yet: ids only where it has none, the URL where it differs. */
function newFields(d: Deployment, news: RemoteNews): Omit<RemoteNews, "via"> & DeploymentPatch {
  const out: Omit<RemoteNews, "via"> = {};
  if (news.githubRunId !== undefined && d.githubRunId === null) out.githubRunId = news.githubRunId;
  if (news.githubDeploymentId !== undefined && d.githubDeploymentId === null) out.githubDeploymentId = news.githubDeploymentId;
  if (news.githubUrl && news.githubUrl !== d.githubUrl) out.githubUrl = news.githubUrl;
  return out;
}

function failureReason(progress: RemoteProgress | undefined): string {
  if (!progress) return "GitHub reported a failure";
  if ((progress.kind === "run" ? progress.conclusion : progress.state) === NO_RUN) {
    const what = progress.kind === "run" ? "workflow run" : "deployment";
    return `GitHub shows no ${what} for this deploy: the request never started one (nothing was sent twice). Try again.`;
  }
  if (progress.kind === "run") return `the workflow run ended with conclusion \`${progress.conclusion ?? "unknown"}\``;
  return `the deployment status is \`${progress.state ?? "unknown"}\``;
}
