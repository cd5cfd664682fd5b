import cron from "node-cron";
import type { Logger } from "pino";

export interface Job {
  name: string;
  /** A node-cron expression. */
  schedule: string;
  /** IANA time zone the expression is read in; default the process's. */
  timezone?: string;
  run(): Promise<unknown>;
}

export interface ScheduleOptions {
  /** Asked at each fire: with several replicas only the leader runs the jobs, every replica keeps the timers. */
  when?: () => boolean;
}

/** Only schedules: each job is a plain function that tests call directly. Overlapping runs are skipped. */
export function scheduleJobs(jobs: readonly Job[], log: Logger, opts: ScheduleOptions = {}): { stop(): Promise<void> } {
  const tasks = jobs.map((job) => {
    let running: Promise<unknown> | undefined;
    const task = cron.schedule(job.schedule, () => {
      if (running) return;
      if (opts.when && !opts.when()) return void log.debug({ job: job.name }, "job left to the leader");
      running = job
        .run()
        .then((result) => log.debug({ job: job.name, result }, "job ran"))
        .catch((err: unknown) => log.error({ job: job.name, err }, "job failed"))
        .finally(() => (running = undefined));
    }, job.timezone ? { timezone: job.timezone } : {});
    return { task, idle: () => running };
  });
  return {
    async stop() {
      for (const t of tasks) await t.task.stop();
      await Promise.allSettled(tasks.map((t) => t.idle()));
    },
  };
}
