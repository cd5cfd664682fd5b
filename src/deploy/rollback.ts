import { environmentOf } from "../config/lookup.js";
import type { Deployment } from "../domain/deployment.js";
import { launchable, type Asked } from "./ask.js";
import type { LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";
import type { Ports } from "./ports.js";
import type { RollbackRefusal } from "./refusals.js";
import { requestDeploy, type DeployAsk } from "./request.js";

/**
 * Where to roll back to: the last good deploy before the current one, or an earlier good one by ref or id. `failed`:
 * away from a deploy that failed its verification (it is what runs, so it counts as current), to the last verified
 * good one before it (see TargetBasis).
 */
export type RollbackTarget =
  { by: "default" } | { by: "ref"; ref: string } | { by: "id"; id: number } | { by: "failed"; id: number };

/**
 * Among which deploys the target was found. Away from a failed verification where the environment verifies, the
 * newest verified deploy comes first ("verified"); when none is (deploys from before `verify` was configured), the
 * last succeeded one, as everywhere else ("succeeded").
 */
export type TargetBasis = "verified" | "succeeded";

export type RollbackPlan =
  | { ok: true; ask: DeployAsk; current: Deployment; target: Deployment; basis: TargetBasis }
  | { ok: false; refusal: RollbackRefusal };

/** A rollback that was asked for, with among which deploys its target was found. */
export type RolledBack = Asked & { basis?: TargetBasis };

export interface RollbackWhere {
  service: string;
  environment: string;
  requester: string;
  channel: string;
  /** Gantry rolls back on its own (a failed verification): `requester` is GANTRY_ACTOR, not a deployer. */
  automatic?: boolean;
}

/**
 * Rolls back (typed, the Roll back or Retry button, or a job): to `to`, through the same rules as any deploy, past
 * locks and freezes. A lock's holder hears that someone went past their lock before the rollback launches.
 */
export async function rollBack(
  ports: LaunchPorts,
  where: RollbackWhere,
  to: RollbackTarget,
  tell?: Tell,
): Promise<RolledBack> {
  const plan = await planRollback(ports, where, to);
  if (!plan.ok) return { ok: false, refusal: { refused: "rollback", rollback: plan.refusal } };
  const asked = launchable(ports, await requestDeploy(ports, plan.ask), tell);
  if (!asked.ok) return asked;
  const lock = await ports.store.getLock(where.service, where.environment);
  const tellHolder = async () => {
    if (!lock || lock.holder === where.requester) return;
    await ports.notifier.toUser(lock.holder, {
      notice: "rolling_back_past_lock",
      id: asked.deployment.id,
      requester: where.requester,
      service: where.service,
      environment: where.environment,
    });
  };
  return {
    ...asked,
    basis: plan.basis,
    launch: async () => {
      await tellHolder().catch((err: unknown) => ports.log.warn({ err }, "could not tell the lock holder"));
      await asked.launch();
    },
  };
}

export async function planRollback(
  ports: Pick<Ports, "store" | "config">,
  where: RollbackWhere,
  to: RollbackTarget,
): Promise<RollbackPlan> {
  const { service, environment } = where;
  const current = to.by === "failed" ? await failedHere(ports, where, to.id) : await liveNow(ports, where);
  if (!current) return { ok: false, refusal: { why: "nothing_live", environment } };
  if ("why" in current) return { ok: false, refusal: current };
  // Away from a failed verification (automatic, Roll back now, or a typed /rollback after it), to the last verified
  // good deploy when there is one.
  const away = to.by === "failed" || (to.by === "default" && failedVerification(current));
  const verifies = away && environmentOf(ports.config, service, environment)?.verify !== undefined;
  const verified = verifies ? await lastVerified(ports, where, current) : undefined;
  const target = verified ?? (await findTarget(ports, where, current, to.by === "failed" ? { by: "default" } : to));
  if ("why" in target) return { ok: false, refusal: target };
  return {
    ok: true,
    current,
    target,
    basis: verified ? "verified" : "succeeded",
    ask: {
      service,
      environment,
      ref: target.ref,
      sha: target.sha!,
      requester: where.requester,
      channel: where.channel,
      kind: "rollback",
      sourceId: target.id,
      replacesId: current.id,
      artifact: target.artifact,
      ...(where.automatic ? { automatic: true } : {}),
    },
  };
}

/** A deploy that failed its verification (or a person's Roll back now): its code ran, and may still run. */
function failedVerification(d: Deployment): boolean {
  const kind = d.verification?.outcome?.kind;
  return d.state === "failed" && (kind === "failed" || kind === "rolled_back");
}

/**
 * What runs now: the last succeeded deploy, unless the newest deploy there failed its verification and nothing rolled
 * it back (`onFailure: notify`, or a refused rollback): its code is what runs, so a typed /rollback moves away from it.
 */
async function liveNow(ports: Pick<Ports, "store">, { service, environment }: RollbackWhere) {
  const [newest] = await ports.store.history(service, environment, 1);
  if (newest && failedVerification(newest) && !newest.verification?.rollbackId) return newest;
  return ports.store.lastSucceeded(service, environment);
}

/** The failed deploy a `failed` rollback moves away from, when it is one of this service and environment. */
async function failedHere(
  ports: Pick<Ports, "store">,
  where: RollbackWhere,
  id: number,
): Promise<Deployment | RollbackRefusal> {
  const d = await ports.store.getDeployment(id);
  if (!d || d.service !== where.service || d.environment !== where.environment)
    return { why: "not_here", id, service: where.service, environment: where.environment };
  return d.state === "failed" ? d : { why: "nothing_live", environment: where.environment };
}

/** The newest verified deploy before the current one, of another commit than the one live now. */
async function lastVerified(
  ports: Pick<Ports, "store">,
  { service, environment }: RollbackWhere,
  current: Deployment,
): Promise<Deployment | undefined> {
  for (let before = current.id; ;) {
    const d = await ports.store.lastVerified(service, environment, before);
    if (!d || d.sha !== current.sha) return d;
    before = d.id;
  }
}

async function findTarget(
  ports: Pick<Ports, "store">,
  { service, environment }: RollbackWhere,
  current: Deployment,
  to: Exclude<RollbackTarget, { by: "failed" }>,
): Promise<Deployment | RollbackRefusal> {
  if (to.by === "id") {
    const d = await ports.store.getDeployment(to.id);
    if (!d || d.service !== service || d.environment !== environment)
      return { why: "not_here", id: to.id, service, environment };
    if (d.state !== "succeeded" || !d.sha) return { why: "not_good", id: to.id };
    if (d.id === current.id) return { why: "is_live", id: to.id };
    return d;
  }
  // Walk back through earlier good deploys: skip those of the very commit that is live now.
  let before = current.id;
  for (;;) {
    const d = await ports.store.lastSucceeded(service, environment, before);
    if (!d) {
      return to.by === "ref"
        ? { why: "ref_never_good", ref: to.ref, environment }
        : { why: "none_before", current, environment };
    }
    const matches =
      to.by === "default"
        ? d.sha !== current.sha
        : d.ref === to.ref || (to.ref.length >= 7 && d.sha!.startsWith(to.ref));
    if (matches) return d;
    before = d.id;
  }
}
