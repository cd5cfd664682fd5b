import type { Tracker } from "../deploy/tracker.js";
import type { AppPorts } from "../ports.js";
import type { ReplicaTuning } from "../replica.js";
import { Leader } from "./leader.js";
import { minuteJobs } from "./minute-jobs.js";
import { scheduleJobs } from "./schedule.js";
import { catchUpDigests } from "./weekly-digest.js";

export interface Scheduler {
  leader: Leader;
  jobs: { stop(): Promise<void> };
  /** Settles when the digest catch-up owed on becoming leader is done (at once when nothing is scheduled here). */
  catchUp: Promise<void>;
}

/**
 * Each replica that runs jobs keeps the timers; only the leader (the `scheduler` lease) runs them, and on becoming
 * leader catches up on digests. `run: false` (tests; a web replica) schedules nothing and never leads.
 */
export function startScheduler(
  ports: AppPorts & { tracker: Tracker },
  opts: { replica: string; tuning: Pick<ReplicaTuning, "schedulerTtlMs" | "schedulerRenewMs">; run: boolean },
): Scheduler {
  const { store, clock, log } = ports;
  const leader = new Leader({
    store,
    name: "scheduler",
    holder: opts.replica,
    ttlMs: opts.tuning.schedulerTtlMs,
    renewMs: opts.tuning.schedulerRenewMs,
    clock,
    log,
    onGain: () =>
      catchUpDigests(ports).then(
        (outcome) => log.info({ outcome }, "digest catch-up done"),
        (err: unknown) => log.error({ err }, "digest catch-up failed"),
      ),
  });
  const jobs = scheduleJobs(opts.run ? minuteJobs(ports) : [], log, { when: () => leader.isLeader() });
  return { leader, jobs, catchUp: opts.run ? leader.start() : Promise.resolve() };
}
