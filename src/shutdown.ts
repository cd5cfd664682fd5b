import type { Logger } from "./log.js";

/** One thing a stopping Gantry waits for, in order. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown> | undefined;
}

/**
 * Gantry's whole shutdown, inside Kubernetes' default 30 s grace: the waiting (acknowledged work, polls, jobs) gets
 * this long in all, and what still runs then is abandoned. A deploy abandoned so is still in the store and is picked
 * up by the next start.
 */
export const SHUTDOWN_DEADLINE_MS = 20_000;

/** What each step still gets once the deadline has passed: enough to give a lease back and close the database. */
const GRACE_MS = 1_000;

/**
 * Runs `steps` in order, all inside one deadline; a step still running when its time is up is left running and
 * named in what this returns (the rest still run, each within a short grace). Never rejects: a failing step is logged.
 */
export async function runShutdown(
  steps: readonly ShutdownStep[],
  deadlineMs: number,
  log: Logger,
): Promise<{ abandoned: string[] }> {
  const deadline = Date.now() + deadlineMs;
  const abandoned: string[] = [];
  for (const step of steps) {
    const left = Math.max(deadline - Date.now(), GRACE_MS);
    const finished = await within(Promise.resolve().then(step.run), left).catch((err: unknown) => {
      log.warn({ step: step.name, err }, "shutdown step failed");
      return true;
    });
    if (!finished) abandoned.push(step.name);
  }
  if (abandoned.length)
    log.error({ abandoned, deadlineMs }, "shutdown deadline passed; abandoned what was still running");
  return { abandoned };
}

/** True when `work` settles within `ms`, false when it is still running then. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
