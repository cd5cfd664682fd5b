import { environmentOf } from "../config/lookup.js";
import { checkLockDuration, type LockDurationCheck } from "../domain/lock-duration.js";
import type { Lock } from "../domain/deployment.js";
import type { Ports } from "./ports.js";
import { mayAct } from "./request.js";

export interface LockAsk {
  service: string;
  environment: string;
  user: string;
  duration?: string;
  reason?: string;
}

type Where = { service: string; environment: string };

/** How a lock ask ended, with what the words need. */
export type LockOutcome =
  | { done: "locked"; lock: Lock; duration: string }
  | ({ refused: "unknown_target" } & Where)
  | ({ refused: "not_deployer" } & Where)
  | ({ refused: "bad_duration"; check: Extract<LockDurationCheck, { ok: false }> } & Where)
  | { refused: "held"; lock: Lock };

/** How an unlock ask ended. */
export type UnlockOutcome =
  | ({ done: "unlocked" } & Where)
  | ({ refused: "unknown_target" } & Where)
  | ({ refused: "not_locked" } & Where)
  | { refused: "not_deployer"; lock: Lock };

/** Takes (or renews) a lock for its holder. Anyone who may deploy there may lock it. */
export async function lock(ports: Ports, ask: LockAsk): Promise<LockOutcome> {
  const where = { service: ask.service, environment: ask.environment };
  const env = environmentOf(ports.config, ask.service, ask.environment);
  if (!env) return { refused: "unknown_target", ...where };
  const now = ports.clock.now();
  if (!(await mayAct(ports, env.deployers, ask.user))) {
    await audit(ports, ask, "lock.refused", { why: "not a deployer" });
    return { refused: "not_deployer", ...where };
  }
  const duration = ask.duration ?? ports.config.locks.defaultDuration;
  const length = checkLockDuration(duration, ports.config.locks.maxDuration);
  if (!length.ok) {
    await audit(ports, ask, "lock.refused", { why: length.why, duration, max: length.max });
    return { refused: "bad_duration", check: length, ...where };
  }
  const taken = await ports.store.acquireLock({
    ...where,
    holder: ask.user,
    reason: ask.reason ?? "no reason given",
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + length.ms).toISOString(),
  });
  if (!taken.ok) {
    await audit(ports, ask, "lock.refused", { why: "held", holder: taken.lock.holder });
    return { refused: "held", lock: taken.lock };
  }
  await audit(ports, ask, "lock.acquired", { reason: taken.lock.reason, expiresAt: taken.lock.expiresAt });
  return { done: "locked", lock: taken.lock, duration };
}

/** Releases a lock: its holder, or anyone who may deploy there (the holder is told). Waiters hear about it. */
export async function unlock(ports: Ports, ask: LockAsk): Promise<UnlockOutcome> {
  const where = { service: ask.service, environment: ask.environment };
  const env = environmentOf(ports.config, ask.service, ask.environment);
  if (!env) return { refused: "unknown_target", ...where };
  const held = await ports.store.getLock(ask.service, ask.environment);
  if (!held) return { refused: "not_locked", ...where };
  if (held.holder !== ask.user && !(await mayAct(ports, env.deployers, ask.user))) {
    await audit(ports, ask, "unlock.refused", { why: "not a deployer", holder: held.holder });
    return { refused: "not_deployer", lock: held };
  }
  await releaseLock(ports, held, ask.user);
  return { done: "unlocked", ...where };
}

/** Removes a lock and tells the people who were waiting for it, and the holder if someone else released it. */
export async function releaseLock(ports: Ports, lock: Lock, by: string): Promise<void> {
  const released = await ports.store.releaseLock(lock.service, lock.environment);
  if (!released) return;
  await audit(ports, { service: lock.service, environment: lock.environment, user: by }, "lock.released", {
    holder: lock.holder,
  });
  const tell = new Set(released.waiters);
  if (by !== lock.holder) tell.add(lock.holder);
  for (const user of tell) {
    await ports.notifier
      .toUser(user, { notice: "unlocked", lock, by })
      .catch((err: unknown) => ports.log.warn({ user, err }, "could not notify about an unlock"));
  }
}

async function audit(
  ports: Ports,
  ask: Pick<LockAsk, "service" | "environment" | "user">,
  action: string,
  detail: Record<string, unknown>,
) {
  await ports.store.audit({
    actor: ask.user,
    action,
    service: ask.service,
    environment: ask.environment,
    detail,
    at: ports.clock.now().toISOString(),
  });
}
