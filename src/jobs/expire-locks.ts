import { durationMs } from "../domain/duration.js";
import { releaseLock } from "../deploy/index.js";
import type { Ports } from "../deploy/ports.js";

/** Warns holders shortly before their lock ends, then releases expired locks and tells whoever waited. */
export async function expireLocks(ports: Ports): Promise<{ warned: number; released: number }> {
  const now = ports.clock.now().getTime();
  const warnBefore = durationMs(ports.config.locks.warnBefore);
  let warned = 0;
  let released = 0;
  for (const lock of await ports.store.listLocks()) {
    const left = Date.parse(lock.expiresAt) - now;
    if (left <= 0) {
      await releaseLock(ports, lock, "gantry");
      released++;
      continue;
    }
    if (left > warnBefore || lock.warned) continue;
    await ports.store.markLockWarned(lock.service, lock.environment);
    await ports.notifier
      .toUser(lock.holder, { notice: "lock_ending", lock, leftMs: left })
      .catch((err: unknown) => ports.log.warn({ err }, "could not warn a lock holder"));
    warned++;
  }
  return { warned, released };
}
