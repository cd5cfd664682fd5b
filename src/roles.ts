/**
 * What a process does, by GANTRY_ROLE. `all` (the default) does everything. On PostgreSQL, `web` replicas answer
 * Slack and record what was asked, handing deploy work over through the database; `worker` replicas take it and
 * do the work (launching, tracking, messages, jobs), so a burst of deploys never queues in front of an
 * acknowledgement, and each kind scales on its own. See BENCHMARKS.md, "Where deploy work runs (issue 18)".
 */
import type { Handoff } from "./domain/handoff.js";
import type { Env } from "./env.js";
import type { Store } from "./store/types.js";
import type { WorkThreadData } from "./work-thread-protocol.js";

export type Role = Env["GANTRY_ROLE"];

export interface RolePlan {
  /** Serves Slack (the events endpoint, or Socket Mode). */
  answersSlack: boolean;
  /** Records launches and approved starts for a worker instead of running them. */
  handsOver: boolean;
  /** Resumes and follows deploys, adopts orphans, runs the scheduled jobs. */
  runsWork: boolean;
  /** Takes the work web replicas handed over. */
  takesHandoffs: boolean;
}

/** `postgres`: replicas may share the database, so an `all` replica also takes what web replicas hand over. */
export function rolePlan(role: Role, postgres: boolean): RolePlan {
  if (role === "web") return { answersSlack: true, handsOver: true, runsWork: false, takesHandoffs: false };
  if (role === "worker") return { answersSlack: false, handsOver: false, runsWork: true, takesHandoffs: true };
  return { answersSlack: true, handsOver: false, runsWork: true, takesHandoffs: postgres };
}

/** A web replica's launches and approved starts: recorded in the store, and the work thread (if any) woken. */
export function handingOver(store: Store, thread?: { poke(): void }): (h: Handoff) => Promise<void> {
  const queue = store.handoffs();
  return async (h) => {
    await queue.handOver(h);
    thread?.poke();
  };
}

/** What the work thread is started with: the options that are plain data (no clock, no clients). */
export function workThreadData(opts: Omit<WorkThreadData, "replica">, replica: string): WorkThreadData {
  return {
    env: opts.env,
    config: opts.config,
    replica,
    ...(opts.github ? { github: opts.github } : {}),
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    ...(opts.shutdownMs !== undefined ? { shutdownMs: opts.shutdownMs } : {}),
    ...(opts.githubWeb ? { githubWeb: opts.githubWeb } : {}),
  };
}
