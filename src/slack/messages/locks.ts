import type { LockOutcome, UnlockOutcome } from "../../deploy/locks.js";
import { formatSince } from "../../domain/format.js";
import { MIN_LOCK, type LockDurationCheck } from "../../domain/lock-duration.js";
import { bold, code, mrkdwn, type SlackText } from "../mrkdwn.js";
import { unknownTarget } from "./button-refusals.js";
import { who } from "./requester.js";

type Refused = Extract<LockDurationCheck, { ok: false }>;

/** Why a lock of that length was refused, with the command that would work. */
export function lockDurationText(r: Refused, service: string, environment: string): SlackText {
  const bound = r.why === "too_long" ? mrkdwn`at most ${r.max} (\`locks.maxDuration\`)` : mrkdwn`at least ${MIN_LOCK}`;
  const example = code(
    `/deploy lock ${service} ${environment} for ${r.why === "too_long" ? r.max : MIN_LOCK} <reason>`,
  );
  return mrkdwn`:no_entry: Locks last ${bound}, so not ${code(r.duration)}. Try ${example}, and renew it when it ends if you still need it.`;
}

/** The same, under the lock form's duration field (plain text). */
export function lockDurationFieldError(r: Refused): string {
  return r.why === "too_long"
    ? `Locks last at most ${r.max}: pick a shorter time.`
    : `Locks last at least ${MIN_LOCK}.`;
}

/** The answer to `/deploy lock` and the lock form. */
export function lockReply(o: LockOutcome, now: Date): SlackText {
  if ("done" in o) {
    const { service, environment, reason } = o.lock;
    return mrkdwn`:lock: Locked ${bold(service)} in ${bold(environment)} for ${o.duration}: ${reason}. Only you can deploy there now (rollbacks still pass). ${code(`/deploy unlock ${service} ${environment}`)} releases it.`;
  }
  switch (o.refused) {
    case "unknown_target":
      return unknownTarget(o.service, o.environment);
    case "not_deployer":
      return mrkdwn`:no_entry: Only those who may deploy ${bold(o.service)} to ${bold(o.environment)} may lock it.`;
    case "bad_duration":
      return lockDurationText(o.check, o.service, o.environment);
    case "held":
      return mrkdwn`:lock: Already locked by ${who(o.lock.holder)} ${formatSince(o.lock.createdAt, now.toISOString())} ago: ${o.lock.reason}.`;
  }
}

/** The answer to `/deploy unlock` and the Unlock button. */
export function unlockReply(o: UnlockOutcome): SlackText {
  if ("done" in o) return mrkdwn`:unlock: Unlocked ${bold(o.service)} in ${bold(o.environment)}.`;
  switch (o.refused) {
    case "unknown_target":
      return unknownTarget(o.service, o.environment);
    case "not_locked":
      return mrkdwn`${bold(o.service)} in ${bold(o.environment)} is not locked.`;
    case "not_deployer":
      return mrkdwn`:no_entry: Only ${who(o.lock.holder)} or those who may deploy to ${bold(o.lock.environment)} may unlock it.`;
  }
}
