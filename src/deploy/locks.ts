import { environmentOf } from "../config/lookup.js";
import { checkLockDuration } from "../domain/lock-duration.js";
import { formatSince } from "../domain/format.js";
import { unknownTarget } from "../slack/messages/button-refusals.js";
import { lockDurationText } from "../slack/messages/locks.js";
import { bold, code, mrkdwn, user } from "../slack/mrkdwn.js";
import type { SlackMessage } from "../slack/port.js";
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

/** Takes (or renews) a lock for its holder. Anyone who may deploy there may lock it. */
export async function lockEnvironment(ports: Ports, ask: LockAsk): Promise<SlackMessage> {
  const env = environmentOf(ports.config, ask.service, ask.environment);
  if (!env) return { text: unknownTarget(ask.service, ask.environment) };
  const now = ports.clock.now();
  if (!(await mayAct(ports, env.deployers, ask.user))) {
    await audit(ports, ask, "lock.refused", { why: "not a deployer" });
    return {
      text: mrkdwn`:no_entry: Only those who may deploy ${bold(ask.service)} to ${bold(ask.environment)} may lock it.`,
    };
  }
  const duration = ask.duration ?? ports.config.locks.defaultDuration;
  const length = checkLockDuration(duration, ports.config.locks.maxDuration);
  if (!length.ok) {
    await audit(ports, ask, "lock.refused", { why: length.why, duration, max: length.max });
    return { text: lockDurationText(length, ask.service, ask.environment) };
  }
  const taken = await ports.store.acquireLock({
    service: ask.service,
    environment: ask.environment,
    holder: ask.user,
    reason: ask.reason ?? "no reason given",
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + length.ms).toISOString(),
  });
  if (!taken.ok) {
    await audit(ports, ask, "lock.refused", { why: "held", holder: taken.lock.holder });
    return {
      text: mrkdwn`:lock: Already locked by ${user(taken.lock.holder)} ${formatSince(taken.lock.createdAt, now.toISOString())} ago: ${taken.lock.reason}.`,
    };
  }
  await audit(ports, ask, "lock.acquired", { reason: taken.lock.reason, expiresAt: taken.lock.expiresAt });
  return {
    text: mrkdwn`:lock: Locked ${bold(ask.service)} in ${bold(ask.environment)} for ${duration}: ${taken.lock.reason}. Only you can deploy there now (rollbacks still pass). ${code(`/deploy unlock ${ask.service} ${ask.environment}`)} releases it.`,
  };
}

/** Releases a lock: its holder, or anyone who may deploy there (the holder is told). Waiters hear about it. */
export async function unlockEnvironment(ports: Ports, ask: LockAsk): Promise<SlackMessage> {
  const env = environmentOf(ports.config, ask.service, ask.environment);
  if (!env) return { text: unknownTarget(ask.service, ask.environment) };
  const lock = await ports.store.getLock(ask.service, ask.environment);
  if (!lock) return { text: mrkdwn`${bold(ask.service)} in ${bold(ask.environment)} is not locked.` };
  if (lock.holder !== ask.user && !(await mayAct(ports, env.deployers, ask.user))) {
    await audit(ports, ask, "unlock.refused", { why: "not a deployer", holder: lock.holder });
    return {
      text: mrkdwn`:no_entry: Only ${user(lock.holder)} or those who may deploy to ${bold(ask.environment)} may unlock it.`,
    };
  }
  await releaseLock(ports, lock, ask.user);
  return { text: mrkdwn`:unlock: Unlocked ${bold(ask.service)} in ${bold(ask.environment)}.` };
}

/** Removes a lock and tells the people who were waiting for it, and the holder if someone else released it. */
export async function releaseLock(ports: Ports, lock: Lock, by: string): Promise<void> {
  const released = await ports.store.releaseLock(lock.service, lock.environment);
  if (!released) return;
  await audit(ports, { service: lock.service, environment: lock.environment, user: by }, "lock.released", {
    holder: lock.holder,
  });
  const text = mrkdwn`:unlock: ${bold(lock.service)} in ${bold(lock.environment)} is unlocked${by === "gantry" ? " (the lock expired)" : mrkdwn` by ${user(by)}`}. You can deploy again.`;
  const tell = new Set(released.waiters);
  if (by !== lock.holder) tell.add(lock.holder);
  for (const user of tell) {
    await ports.slack
      .postMessage(user, { text })
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
