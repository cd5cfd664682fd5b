import { envOf } from "../config/lookup.js";
import type { DeployState } from "../domain/deploy-state.js";
import type { Deployment } from "../domain/deployment.js";
import type { LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";
import type { DeployRefusal } from "./refusals.js";
import { mayAct } from "./request.js";
import { endAsFailed, endAsSucceeded, rollBackFailed, tellFailedEnded } from "./verify-outcome.js";
import { freshRecord, planOf } from "./verify-step.js";

/** How an Accept now or Roll back now click on a verifying deploy ended, with what the words need. */
export type VerificationActionResult =
  | { done: "accepted"; id: number }
  | { done: "rolling_back"; id: number; rollbackId: number }
  /** The deploy ended as failed by the person's call, but the rollback itself was refused. */
  | { done: "failed_without_rollback"; id: number; refusal: DeployRefusal }
  | { refused: "not_verifying"; id: number; state?: DeployState }
  | { refused: "not_deployer"; id: number; service: string; environment: string; deployers: string[] };

type Checked = { ok: true; d: Deployment } | { ok: false; result: VerificationActionResult };

/**
 * The deploy, re-loaded (a button's id is a hint), while it is verifying, and only for someone who may deploy where it
 * runs: the same `deployers` check (user groups included) a typed /deploy meets. Refusals are audited.
 */
async function check(ports: LaunchPorts, id: number, user: string, action: string): Promise<Checked> {
  const d = await ports.store.getDeployment(id);
  const env = d && envOf(ports.config, d);
  if (!d || !env || d.state !== "verifying")
    return { ok: false, result: { refused: "not_verifying", id, ...(d ? { state: d.state } : {}) } };
  if (await mayAct(ports, env.deployers, user)) return { ok: true, d };
  await ports.store.audit({
    actor: user,
    action: `verification.${action}_refused`,
    deploymentId: d.id,
    service: d.service,
    environment: d.environment,
    detail: { why: "not a deployer" },
    at: ports.clock.now().toISOString(),
  });
  const where = { service: d.service, environment: d.environment };
  return { ok: false, result: { refused: "not_deployer", id, ...where, deployers: env.deployers ?? [] } };
}

async function lost(ports: LaunchPorts, id: number): Promise<VerificationActionResult> {
  const now = await ports.store.getDeployment(id);
  return { refused: "not_verifying", id, ...(now ? { state: now.state } : {}) };
}

function recordOf(ports: LaunchPorts, d: Deployment) {
  return d.verification ?? freshRecord(planOf(ports, d)?.checks ?? [], ports.clock.now().getTime());
}

/** Accept now: a person who may deploy there ends the bake early and the deploy succeeds, marked accepted. */
export async function acceptNow(ports: LaunchPorts, id: number, user: string): Promise<VerificationActionResult> {
  const checked = await check(ports, id, user, "accept");
  if (!checked.ok) return checked.result;
  const at = ports.clock.now().toISOString();
  const ended = await endAsSucceeded(
    ports,
    checked.d,
    recordOf(ports, checked.d),
    { kind: "accepted", at, by: user },
    user,
  );
  return ended ? { done: "accepted", id } : lost(ports, id);
}

/** Roll back now: a person who may deploy there fails the deploy at once and rolls back to the last good deploy. */
export async function rollBackNow(
  ports: LaunchPorts,
  id: number,
  user: string,
  tell?: Tell,
): Promise<VerificationActionResult> {
  const checked = await check(ports, id, user, "roll_back");
  if (!checked.ok) return checked.result;
  const at = ports.clock.now().toISOString();
  const reason = `rolled back by ${user} during verification`;
  const outcome = { kind: "rolled_back", at, by: user } as const;
  const failed = await endAsFailed(ports, checked.d, recordOf(ports, checked.d), outcome, reason, user);
  if (!failed) return lost(ports, id);
  const asked = await rollBackFailed(ports, failed, user, tell);
  if (asked.ok) await asked.launch();
  await tellFailedEnded(ports, failed);
  if (!asked.ok) return { done: "failed_without_rollback", id, refusal: asked.refusal };
  return { done: "rolling_back", id, rollbackId: asked.deployment.id };
}
