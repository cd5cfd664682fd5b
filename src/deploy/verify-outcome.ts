/**
 * How a verification ends: verified or inconclusive (the deploy succeeds, verified or not), or failed (with the reason
 * in plain words, then a rollback or an alert, as `onFailure` says). Every end is a conditional move out of
 * `verifying`: a re-run tick, a second replica or a click racing the metrics finds nothing to move, so only the one
 * that moved it acts on it.
 */
import { randomUUID } from "node:crypto";
import { envOf } from "../config/lookup.js";
import type { Deployment } from "../domain/deployment.js";
import { breachReason, type BakeOutcome } from "../domain/verify/index.js";
import { GANTRY_ACTOR, type VerificationOutcome, type VerificationRecord } from "../domain/verify/record.js";
import type { Asked } from "./ask.js";
import { askPromotion } from "./auto-promote.js";
import { ticketComment } from "./change-ticket.js";
import type { LaunchPorts } from "./launch.js";
import type { Tell, VerificationAlert } from "./notifier.js";
import type { Ports } from "./ports.js";
import { moveFrom, publish } from "./progress.js";
import { rollBack } from "./rollback.js";

type Ended = Exclude<BakeOutcome, { kind: "baking" }>;

/** The thread reply with the chart; Slack trouble is never fatal. */
export async function tellVerificationEnded(ports: Ports, d: Deployment): Promise<void> {
  try {
    await ports.notifier.verificationEnded(d);
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the verification's end");
  }
}

/** verifying → succeeded: verified (verifiedAt set) or not (inconclusive, or the config no longer verifies). */
export async function endAsSucceeded(
  ports: LaunchPorts,
  d: Deployment,
  record: VerificationRecord,
  outcome: VerificationOutcome,
  actor = GANTRY_ACTOR,
): Promise<Deployment | undefined> {
  const verified = outcome.kind === "verified" || outcome.kind === "accepted";
  const ended = await moveFrom(ports, d, ["verifying"], "succeeded", {
    patch: { verification: { ...record, outcome }, verifiedAt: verified ? outcome.at : null },
    detail: { verification: outcome.kind },
    actor,
  });
  if (!ended) return undefined;
  await tellVerificationEnded(ports, ended);
  if (verified) await askPromotion(ports, ended);
  return ended;
}

/**
 * verifying → failed with the reason; the caller decides what follows, and posts the verification's end after it
 * (restoring service goes first: see tellFailedEnded).
 */
export async function endAsFailed(
  ports: Ports,
  d: Deployment,
  record: VerificationRecord,
  outcome: VerificationOutcome,
  reason: string,
  actor = GANTRY_ACTOR,
): Promise<Deployment | undefined> {
  return moveFrom(ports, d, ["verifying"], "failed", {
    patch: { verification: { ...record, outcome }, reason },
    detail: { verification: outcome.kind },
    actor,
  });
}

/** The verification's end for a failed deploy, as stored once what followed (its rollback) is recorded. */
export async function tellFailedEnded(ports: Ports, failed: Deployment): Promise<void> {
  await tellVerificationEnded(ports, (await ports.store.getDeployment(failed.id)) ?? failed);
}

/**
 * Rolls back away from a deploy that failed its verification, to the last verified good deploy before it (the last
 * succeeded one when none was verified), as `requester` (GANTRY_ACTOR when automatic): the same rules as a manual rollback (past locks and freezes, rollback approvals
 * honoured, the environment locked once it is done). The rollback's id goes in the failed deploy's record.
 */
export async function rollBackFailed(
  ports: LaunchPorts,
  failed: Deployment,
  requester: string,
  tell?: Tell,
): Promise<Asked> {
  const automatic = requester === GANTRY_ACTOR;
  const where = { service: failed.service, environment: failed.environment, requester };
  const asked = await rollBack(
    ports,
    { ...where, channel: failed.slackChannel ?? "", ...(automatic ? { automatic } : {}) },
    { by: "failed", id: failed.id },
    tell,
  );
  if (!asked.ok) return asked;
  const at = ports.clock.now().toISOString();
  const rollbackId = asked.deployment.id;
  // Redrawn so the failed deploy's message names the rollback that restores service.
  if (failed.verification)
    await publish(
      ports,
      await ports.store.patch(failed.id, { verification: { ...failed.verification, rollbackId } }, at),
      false,
    );
  await ports.store.audit({
    actor: requester,
    action: "verification.rollback",
    deploymentId: failed.id,
    service: failed.service,
    environment: failed.environment,
    detail: {
      automatic,
      failedId: failed.id,
      rollbackId,
      to: asked.deployment.sha,
      toId: asked.deployment.sourceId,
      // Which good deploy it went to: the last verified one, or (none verified) the last succeeded one.
      target: asked.basis === "verified" ? "last verified" : "last succeeded (none verified)",
    },
    at,
  });
  await ticketComment(
    ports,
    failed,
    `Gantry ${automatic ? "is rolling back automatically" : `is rolling back (asked by ${requester})`}: rollback #${rollbackId} to ${asked.deployment.sha}.`,
  );
  return asked;
}

async function alert(ports: Ports, d: Deployment, a: Omit<VerificationAlert, "people">): Promise<void> {
  const people = envOf(ports.config, d)?.verify?.alert ?? [];
  try {
    await ports.notifier.verificationAlert(d, { people, ...a });
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the verification alert");
  }
}

/** Acts on a bake that ended (see bake.ts for when it does). */
export async function endVerification(
  ports: LaunchPorts,
  d: Deployment,
  record: VerificationRecord,
  outcome: Ended,
): Promise<void> {
  const at = ports.clock.now().toISOString();
  if (outcome.kind === "verified") return void (await endAsSucceeded(ports, d, record, { kind: "verified", at }));
  if (outcome.kind === "inconclusive") {
    const { held, breaching } = outcome;
    return void (await endAsSucceeded(ports, d, record, { kind: "inconclusive", at, held, breaching }));
  }
  const reason = breachReason(outcome.breach);
  const failed = await endAsFailed(ports, d, record, { kind: "failed", at, breach: outcome.breach }, reason);
  if (!failed) return;
  await actOnFailure(ports, failed);
  await tellFailedEnded(ports, failed);
}

/** Long enough that nothing acts twice on one failed verification. */
const ACTED_TTL_MS = 30 * 86_400_000;

/**
 * What `onFailure` says to do about a deploy that failed its verification: alert and wait, or roll back at once and
 * alert. At most once per deploy (a lease decides), so the job that finishes what a dead replica left undone
 * (finish-rollbacks) and the replica that moved it never both act.
 */
export async function actOnFailure(ports: LaunchPorts, failed: Deployment): Promise<boolean> {
  const at = ports.clock.now().toISOString();
  if (!(await ports.store.acquireLease(`verify-failed:${failed.id}`, randomUUID(), at, ACTED_TTL_MS))) return false;
  await act(ports, failed);
  return true;
}

async function act(ports: LaunchPorts, failed: Deployment): Promise<void> {
  const reason = failed.reason ?? "verification failed";
  if (envOf(ports.config, failed)?.verify?.onFailure !== "rollback")
    return alert(ports, failed, { reason, action: "waiting", rollbackId: null });
  const asked = await rollBackFailed(ports, failed, GANTRY_ACTOR);
  if (!asked.ok) {
    await ticketComment(ports, failed, `Gantry could not roll back automatically: ${asked.refusal.refused}.`);
    return alert(ports, failed, { reason, action: "rollback_refused", rollbackId: null, refusal: asked.refusal });
  }
  // The alert and the rollback's launch go out together: neither waits for the other.
  await Promise.all([
    alert(ports, failed, { reason, action: "rolling_back", rollbackId: asked.deployment.id }),
    asked.launch(),
  ]);
}
