/**
 * Keeps Gantry inside one GitHub token's budget: an Octokit plugin reads `x-ratelimit-*` off every answer and, before
 * each request, waits as long as the budget (src/domain/rate-budget.ts) says. Replicas with the same token share one
 * budget through the store: the last observation, and the slots of paced reads, so that together they keep the pace.
 */
import type { Octokit } from "@octokit/rest";
import type { Logger } from "pino";
import {
  budgetVerdict,
  newerObservation,
  parseRateHeaders,
  DEFAULT_BUDGET_POLICY,
  type BudgetPolicy,
  type RateBudgetShare,
  type RateObservation,
} from "../domain/rate-budget.js";

export interface RatePacerOptions {
  /** A fingerprint of the token (see tokenFingerprint). */
  key: string;
  log: Logger;
  share?: RateBudgetShare;
  policy?: BudgetPolicy;
  /** How often the shared budget is read again (ms). */
  refreshMs?: number;
  now?: () => number;
  /** Longest single wait, so that a wrong reset time cannot stall Gantry for long (ms). */
  maxWaitMs?: number;
}

/** While the budget is comfortably ahead, how often the shared observation is written at most (ms). */
const SAVE_EVERY_MS = 1_000;

export class RatePacer {
  private obs: RateObservation | undefined;
  private loadedAt = -Infinity;
  private localSlot = 0;
  private saving: Promise<void> | undefined;
  private pending: RateObservation | undefined;
  private savedAt = -Infinity;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Requests that waited, and for how long in all (ms): for the bench and the logs. */
  readonly waits = { count: 0, totalMs: 0 };

  constructor(private readonly opts: RatePacerOptions) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The budget as last seen (here or by another replica). */
  current(): RateObservation | undefined {
    return this.obs;
  }

  /**
   * Waits until the budget allows the request, and counts it as spent until GitHub's answer tells the truth, so that
   * requests sent together do not all see the same budget. A conditional read (If-None-Match) costs nothing when
   * answered 304: it is neither paced nor counted, and waits only when nothing at all is left.
   */
  async before(method: string, conditional: boolean, urgent = false): Promise<void> {
    const write = !["GET", "HEAD"].includes(method.toUpperCase());
    const policy = this.opts.policy ?? DEFAULT_BUDGET_POLICY;
    for (;;) {
      await this.refresh();
      const now = this.now();
      this.rollOver(now, policy.windowMs);
      const verdict = budgetVerdict(this.obs, now, write, policy);
      if (verdict.kind === "exhausted") {
        if (conditional && !write && (this.obs?.remaining ?? 0) > 0) return;
        this.opts.log.warn({ waitMs: verdict.waitMs, remaining: this.obs?.remaining }, "github budget spent; waiting");
        await this.wait(verdict.waitMs + 1000);
        continue;
      }
      if (conditional) return;
      // An urgent read (confirming a webhook, someone waits for it in Slack) is not spaced, only kept off the reserve.
      if (verdict.kind === "paced" && !urgent) {
        const waitMs = (await this.slot(verdict.spacingMs)) - this.now();
        if (waitMs > 0) {
          this.opts.log.debug({ waitMs, remaining: this.obs?.remaining }, "pacing github reads");
          await this.wait(waitMs);
        }
      }
      if (this.obs) this.obs = { ...this.obs, remaining: Math.max(0, this.obs.remaining - 1) };
      return;
    }
  }

  /** Reads the budget off an answer's headers: the answer that arrived last is the truth (GitHub counts them all). */
  observe(headers: Record<string, string | number | undefined> | undefined): void {
    if (!headers) return;
    let obs = parseRateHeaders(headers, this.now());
    if (!obs) return;
    // GitHub: with Retry-After, wait that long, and only otherwise until x-ratelimit-reset.
    const retryAfter = Number(headers["retry-after"] ?? NaN);
    if (obs.remaining === 0 && Number.isFinite(retryAfter))
      obs = { ...obs, resetAt: Math.min(obs.resetAt, obs.observedAt + retryAfter * 1000) };
    this.obs = obs;
    this.persist(obs);
  }

  /** Past the reset, the budget is whole again until an answer says otherwise. */
  private rollOver(now: number, windowMs: number): void {
    const obs = this.obs;
    if (!obs || now < obs.resetAt) return;
    const windows = Math.ceil((now - obs.resetAt + 1) / windowMs);
    this.obs = { ...obs, remaining: obs.limit, resetAt: obs.resetAt + windows * windowMs, observedAt: now };
  }

  private async refresh(): Promise<void> {
    const share = this.opts.share;
    if (!share || this.now() - this.loadedAt < (this.opts.refreshMs ?? 1000)) return;
    this.loadedAt = this.now();
    try {
      this.obs = newerObservation(this.obs, await share.loadRateBudget(this.opts.key));
    } catch (err) {
      this.opts.log.warn({ err }, "could not read the shared github budget");
    }
  }

  private async slot(spacingMs: number): Promise<number> {
    const now = this.now();
    if (this.opts.share) {
      try {
        return await this.opts.share.takeRateSlot(this.opts.key, now, spacingMs);
      } catch (err) {
        this.opts.log.warn({ err }, "could not take a shared github slot");
      }
    }
    const at = Math.max(now, this.localSlot + spacingMs);
    this.localSlot = at;
    return at;
  }

  /**
   * One write at a time; the latest observation waiting is written next. While more than half the budget is left,
   * at most one write a second: every answer carries the headers, and under load a write per answer costs more
   * than the other replicas gain from knowing the count to the request (they need it once the budget runs low).
   */
  private persist(obs: RateObservation): void {
    if (!this.opts.share) return;
    this.pending = obs;
    if (this.saving || this.saveTimer) return;
    const dueMs = this.savedAt + SAVE_EVERY_MS - this.now();
    if (dueMs <= 0 || obs.remaining < obs.limit / 2) return this.writePending();
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.writePending();
    }, dueMs);
    this.saveTimer.unref();
  }

  private writePending(): void {
    const share = this.opts.share;
    const next = this.pending;
    if (!share || this.saving || !next) return;
    this.pending = undefined;
    this.savedAt = this.now();
    this.saving = share
      .saveRateBudget(this.opts.key, next)
      .catch((err: unknown) => this.opts.log.warn({ err }, "could not share the github budget"))
      .finally(() => {
        this.saving = undefined;
        // What arrived meanwhile is written in its turn (at once once the budget runs low).
        if (this.pending) this.persist(this.pending);
      });
  }

  /** Resolves once the observations seen so far are shared. */
  async flushed(): Promise<void> {
    for (;;) {
      if (this.saveTimer) {
        clearTimeout(this.saveTimer);
        this.saveTimer = undefined;
        this.writePending();
      }
      if (!this.saving) return;
      await this.saving;
    }
  }

  private wait(ms: number): Promise<void> {
    const capped = Math.min(ms, this.opts.maxWaitMs ?? 3_600_000);
    this.waits.count++;
    this.waits.totalMs += capped;
    return new Promise((resolve) => setTimeout(resolve, capped));
  }
}

/** The option createOctokit passes the pacer under. */
export const OCTOKIT_PACER_OPTION = "gantryPacer";

/**
 * Applied first of Octokit's plugins (a request marked `request: { urgent: true }` is kept off the reserve but not
 * spaced), so its hook sits inside retry and throttling: every attempt waits for the
 * budget and is read.
 */
export function ratePacerPlugin(octokit: { hook: Octokit["hook"] }, options: Record<string, unknown>): void {
  const pacer = options[OCTOKIT_PACER_OPTION] as RatePacer | undefined;
  if (!pacer) return;
  octokit.hook.wrap("request", async (request, opts) => {
    const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
    const urgent = (opts.request as { urgent?: boolean } | undefined)?.urgent === true;
    await pacer.before(opts.method, Boolean(headers["if-none-match"]), urgent);
    try {
      const res = await request(opts);
      pacer.observe(res.headers as Record<string, string | undefined>);
      return res;
    } catch (err) {
      const response = (err as { response?: { headers?: Record<string, string | undefined> } }).response;
      pacer.observe(response?.headers);
      throw err;
    }
  });
}
