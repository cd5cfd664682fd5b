import type { Logger } from "pino";
import { nextFire, parseCron, type CronSpec } from "../domain/cron-time.js";

export interface Job {
  name: string;
  /** A five-field cron expression, read by Gantry's own engine (src/domain/cron-time.ts). */
  schedule: string;
  /** IANA time zone the expression is read in; default the process's. */
  timezone?: string;
  run(): Promise<unknown>;
}

export interface ScheduleOptions {
  /** Asked at each fire: with several replicas only the leader runs the jobs, every replica keeps the timers. */
  when?: () => boolean;
}

/** How far ahead a fire is looked for: a yearly schedule still finds its next one. */
const HORIZON_MS = 400 * 86_400_000;
/** setTimeout's longest delay; a later fire is reached in several waits. */
const MAX_WAIT_MS = 2 ** 31 - 1;

/**
 * Only schedules: each job is a plain function that tests call directly. Overlapping runs are skipped. Jobs fire
 * from the same engine that computes freeze windows and the digest catch-up, so all three agree on when a schedule
 * falls, daylight-saving changes included (a time in a spring-forward gap fires at the first instant after it; a
 * time that occurs twice fires once, at the first).
 */
export function scheduleJobs(jobs: readonly Job[], log: Logger, opts: ScheduleOptions = {}): { stop(): Promise<void> } {
  const timers = jobs.map((job) => {
    const parsed = parseCron(job.schedule);
    if (!parsed.ok) throw new Error(`job ${job.name}: bad schedule "${job.schedule}": ${parsed.reason}`);
    let running: Promise<unknown> | undefined;
    const fire = () => {
      if (running) return;
      if (opts.when && !opts.when()) return void log.debug({ job: job.name }, "job left to the leader");
      running = job
        .run()
        .then((result) => log.debug({ job: job.name, result }, "job ran"))
        .catch((err: unknown) => log.error({ job: job.name, err }, "job failed"))
        .finally(() => (running = undefined));
    };
    const timer = new CronTimer(parsed.spec, job.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone, fire);
    return { timer, idle: () => running };
  });
  return {
    async stop() {
      for (const t of timers) t.timer.stop();
      await Promise.allSettled(timers.map((t) => t.idle()));
    },
  };
}

/** Calls `fire` at each time the spec names, one timer at a time. */
class CronTimer {
  private handle: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly spec: CronSpec,
    private readonly tz: string,
    private readonly fire: () => void,
  ) {
    this.arm(Date.now());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.handle);
  }

  /** Waits for the first fire after `after`; a timer that wakes early waits again, one that wakes late fires once. */
  private arm(after: number): void {
    if (this.stopped) return;
    const at = nextFire(this.spec, this.tz, after, HORIZON_MS);
    if (at === undefined) return;
    const wait = () => {
      const left = at - Date.now();
      if (left > 0) return void (this.handle = setTimeout(wait, Math.min(left, MAX_WAIT_MS)));
      this.fire();
      this.arm(Math.max(at, Date.now()));
    };
    wait();
  }
}
