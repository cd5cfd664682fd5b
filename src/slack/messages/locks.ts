import { MIN_LOCK, type LockDurationCheck } from "../../domain/lock-duration.js";
import { escapeMrkdwn } from "../../domain/format.js";

type Refused = Extract<LockDurationCheck, { ok: false }>;

/** Why a lock of that length was refused, with the command that would work. */
export function lockDurationText(r: Refused, service: string, environment: string): string {
  const bound = r.why === "too_long" ? `at most ${r.max} (\`locks.maxDuration\`)` : `at least ${MIN_LOCK}`;
  const example = escapeMrkdwn(`/deploy lock ${service} ${environment} for ${r.why === "too_long" ? r.max : MIN_LOCK} <reason>`);
  return `:no_entry: Locks last ${bound}, so not \`${escapeMrkdwn(r.duration)}\`. Try \`${example}\`, and renew it when it ends if you still need it.`;
}

/** The same, under the lock form's duration field (plain text). */
export function lockDurationFieldError(r: Refused): string {
  return r.why === "too_long" ? `Locks last at most ${r.max}: pick a shorter time.` : `Locks last at least ${MIN_LOCK}.`;
}
