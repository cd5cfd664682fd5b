import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { LeaseStore } from "../store/types.js";

export interface LeaderOptions {
  store: LeaseStore;
  /** The lease's name, e.g. `scheduler`. */
  name: string;
  /** This replica's id. */
  holder: string;
  /** How long a lease lasts without renewal: when the leader dies, another replica takes over within ttl + renew. */
  ttlMs: number;
  /** How often the lease is renewed (by the leader) or tried for (by the others); well below ttlMs. */
  renewMs: number;
  clock: Clock;
  log: Logger;
  /** Work owed on becoming the leader (the digest catch-up): what a dead leader may have missed. */
  onGain?: () => Promise<unknown>;
}

export interface LeaderEvents {
  gained: [];
  lost: [];
}

/**
 * One replica at a time holds a named lease and so leads; the others keep trying, and one of them takes over once
 * the leader stops renewing. Leadership is only believed locally until the lease this replica wrote expires, so a
 * leader cut off from the database stops leading on its own before anyone else can start.
 */
export class Leader extends EventEmitter<LeaderEvents> {
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private gainWork: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private started = false;

  constructor(private readonly opts: LeaderOptions) {
    super();
  }

  /** Tries once at once, then every renewMs. Resolves when the first try, and any work owed on gaining, is done. */
  async start(): Promise<void> {
    this.started = true;
    await this.tryLead();
    await this.gainWork;
  }

  isLeader(): boolean {
    return !this.stopped && this.opts.clock.now().getTime() < this.validUntil;
  }

  /** Stops trying, waits for running work, and gives the lease back so another replica need not wait for its expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.attempt;
    await this.gainWork.catch(() => {});
    // Also when it was never confirmed here: a try cut short by stop() may still have taken it.
    if (!this.started) return;
    this.validUntil = 0;
    await this.opts.store
      .releaseLease(this.opts.name, this.opts.holder)
      .catch((err: unknown) => this.opts.log.warn({ lease: this.opts.name, err }, "could not release a lease"));
  }

  private tryLead(): Promise<void> {
    this.attempt = this.renew().finally(() => {
      this.attempt = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.tryLead(), this.opts.renewMs);
      this.timer.unref();
    });
    return this.attempt;
  }

  private async renew(): Promise<void> {
    const { store, name, holder, ttlMs, log } = this.opts;
    const at = this.opts.clock.now();
    const was = this.isLeader();
    let held: boolean;
    try {
      held = await store.acquireLease(name, holder, at.toISOString(), ttlMs);
    } catch (err) {
      // Leadership lapses by itself when the lease this replica wrote runs out; nothing to undo here.
      log.warn({ lease: name, err }, "could not renew a lease");
      return;
    }
    if (this.stopped) return;
    if (held) {
      this.validUntil = at.getTime() + ttlMs;
      if (was) return;
      log.info({ lease: name, holder }, "became the leader");
      this.emit("gained");
      const onGain = this.opts.onGain;
      if (onGain)
        this.gainWork = this.gainWork
          .then(onGain)
          .catch((err: unknown) => log.error({ lease: name, err }, "leader start-up work failed"));
      return;
    }
    this.validUntil = 0;
    if (!was) return;
    log.warn({ lease: name, holder }, "lost the lead to another replica");
    this.emit("lost");
  }
}
