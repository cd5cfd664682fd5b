import type { Handoff, HandoffQueue, ReplyTo } from "../domain/handoff.js";
import { launchDeploy, startApproved, type LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";

export interface HandoffWorkerOptions {
  /** How often the queue is read when it was empty last time. */
  everyMs: number;
  /** Handoffs running here at once, at most; more wait in the queue for this or another worker. */
  concurrency: number;
  /** Rebuilds the asker's Tell from where they asked. */
  tellFor: (replyTo: ReplyTo) => Tell;
}

/** A worker reads the queue four times a second, so a handed-over deploy starts within about 250 ms. */
export const HANDOFF_DEFAULTS: Omit<HandoffWorkerOptions, "tellFor"> = { everyMs: 250, concurrency: 16 };

/**
 * Takes the deploy work web replicas handed over (GANTRY_ROLE=web) and runs it here: each handoff is taken by one
 * worker only, and the deploy is re-read before anything is done, so a handoff for a deploy that moved meanwhile
 * (cancelled, expired, started elsewhere) does nothing.
 */
export class HandoffWorker {
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly ports: LaunchPorts,
    private readonly queue: HandoffQueue,
    private readonly opts: HandoffWorkerOptions,
  ) {}

  start(): void {
    if (this.stopped) return;
    this.schedule(0);
  }

  /** Reads the queue now (tests; a wake-up) unless a read is already under way. */
  poke(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Settles once nothing taken here is still running. */
  async idle(): Promise<void> {
    while (this.reading || this.running.size) await Promise.allSettled([this.reading, ...this.running]);
  }

  /** Takes nothing more; waits for what it took. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.idle();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.poke().finally(() => {
        if (!this.stopped) this.schedule(this.opts.everyMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    for (;;) {
      const room = this.opts.concurrency - this.running.size;
      if (room <= 0 || this.stopped) return;
      let taken: Handoff[];
      try {
        taken = await this.queue.take(room);
      } catch (err) {
        return void this.ports.log.warn({ err }, "could not read the handed-over deploys");
      }
      for (const h of taken) this.run(h);
      if (taken.length < room) return;
    }
  }

  private run(h: Handoff): void {
    const work = this.ports.tracker
      .launching(h.deploymentId, () => this.carryOut(h))
      .catch((err: unknown) =>
        this.ports.log.error({ deployId: h.deploymentId, step: h.step, err }, "handed-over deploy work failed"),
      )
      .finally(() => {
        this.running.delete(work);
        // A slot came free while the queue may still hold work: read again at once.
        if (!this.stopped) void this.poke();
      });
    this.running.add(work);
  }

  private async carryOut(h: Handoff): Promise<void> {
    const d = await this.ports.store.getDeployment(h.deploymentId);
    const log = { deployId: h.deploymentId, step: h.step, state: d?.state };
    if (h.step === "launch" && d && (d.state === "requested" || d.state === "pending_approval")) {
      this.ports.log.debug(log, "launching a handed-over deploy");
      return launchDeploy(this.ports, d, h.replyTo ? this.opts.tellFor(h.replyTo) : undefined);
    }
    if (h.step === "approved" && d?.state === "pending_approval" && h.actor) {
      this.ports.log.debug(log, "starting a handed-over approved deploy");
      return startApproved(this.ports, d, h.actor);
    }
    this.ports.log.info(log, "handed-over deploy moved on meanwhile; nothing to do");
  }
}
