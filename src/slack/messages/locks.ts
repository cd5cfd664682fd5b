import { MIN_LOCK, type LockDurationCheck } from "../../domain/lock-duration.js";
import { code, mrkdwn, type SlackText } from "../mrkdwn.js";

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
