import { serviceOf } from "../config/lookup.js";
import { retryRefusal, type RetryRefusal } from "../domain/retry.js";
import type { Deployment } from "../domain/deployment.js";
import { askToDeploy, type Asked } from "./ask.js";
import type { LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";
import type { Ports } from "./ports.js";
import { promote } from "./promote.js";
import { rollBack } from "./rollback.js";
import { retryFacts } from "./view.js";

/**
 * Whether `d` may be retried now: the store's facts first, then GitHub's word that nothing of it exists there (a
 * dispatch that GitHub answered with an error may still have started a run). Undefined when it may.
 */
export async function checkRetry(
  ports: Pick<Ports, "config" | "store" | "runners">,
  d: Deployment,
): Promise<RetryRefusal | undefined> {
  const refusal = retryRefusal(await retryFacts(ports, d));
  if (refusal) return refusal;
  return (await foundOnGitHub(ports, d)) ? { why: "reached_ci" } : undefined;
}

async function foundOnGitHub(ports: Pick<Ports, "config" | "runners">, d: Deployment): Promise<boolean> {
  const service = serviceOf(ports.config, d);
  if (!service) return false;
  return (await ports.runners[d.runner].findByKey(service, d)) !== undefined;
}

/**
 * Retry: asks again for what a deploy that never reached the CI asked for, as a new request by `requester`, through
 * the same plan and policy as the typed command. Anything else is refused with why, and audited.
 */
export async function retry(
  ports: LaunchPorts,
  d: Deployment,
  by: { requester: string; channel: string },
  tell?: Tell,
): Promise<Asked> {
  const refusal = await checkRetry(ports, d);
  if (refusal) {
    await ports.store.audit({
      actor: by.requester,
      action: "retry.refused",
      deploymentId: d.id,
      service: d.service,
      environment: d.environment,
      detail: { ...refusal },
      at: ports.clock.now().toISOString(),
    });
    return { ok: false, refusal: { refused: "retry", retry: refusal, d } };
  }
  const where = { service: d.service, requester: by.requester, channel: by.channel };
  if (d.kind === "rollback")
    return rollBack(
      ports,
      { ...where, environment: d.environment },
      d.sourceId ? { by: "id", id: d.sourceId } : { by: "default" },
      tell,
    );
  if (d.kind === "promote") {
    const source = d.sourceId ? await ports.store.getDeployment(d.sourceId) : undefined;
    const from = source ? { from: source.environment, sourceId: source.id } : {};
    return promote(ports, { ...where, to: d.environment, ...from }, tell);
  }
  return askToDeploy(
    ports,
    {
      ...where,
      environment: d.environment,
      ...(d.ref ? { ref: d.ref } : {}),
      kind: "deploy",
      ...(d.forceReason ? { forceReason: d.forceReason } : {}),
      hotfix: d.hotfix,
    },
    tell,
  );
}
