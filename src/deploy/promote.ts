import { environmentOf } from "../config/lookup.js";
import { durationMs } from "../domain/duration.js";
import type { Deployment } from "../domain/deployment.js";
import { launchable, type Asked } from "./ask.js";
import type { LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";
import type { Ports } from "./ports.js";
import type { PromotionRefusal } from "./refusals.js";
import { requestDeploy, type AskResult, type DeployAsk } from "./request.js";

export type { PromotionRefusal } from "./refusals.js";

export interface PromotionAsk {
  service: string;
  to: string;
  /** The source the person named; absent means the target's `promoteFrom`. */
  from?: string;
  /** The deploy to ship, when a button named one; it is a hint, checked like everything else. */
  sourceId?: number;
  requester: string;
  channel: string;
}

export type PromotionPlan = { ok: true; ask: DeployAsk; source: Deployment } | { ok: false; refusal: PromotionRefusal };

const refuse = (refusal: PromotionRefusal): PromotionPlan => ({ ok: false, refusal });

/**
 * A promotion ships exactly what passed the source environment: its commit and artifact. Where the target names a
 * `promoteFrom`, that is the only source: a typed `from` or a button's source elsewhere is refused, never obeyed.
 */
export async function planPromotion(
  ports: Pick<Ports, "config" | "store" | "clock">,
  p: PromotionAsk,
): Promise<PromotionPlan> {
  const env = environmentOf(ports.config, p.service, p.to);
  if (!env) return refuse({ why: "unknown_target", service: p.service, to: p.to });
  const from = p.from ?? env.promoteFrom;
  if (!from) return refuse({ why: "no_source", service: p.service, to: p.to });
  if (from === p.to) return refuse({ why: "same_environment", to: p.to });
  if (env.promoteFrom && from !== env.promoteFrom)
    return refuse({ why: "wrong_source", service: p.service, to: p.to, from, promoteFrom: env.promoteFrom });
  let source: Deployment | undefined;
  if (p.sourceId !== undefined) {
    source = await ports.store.getDeployment(p.sourceId);
    if (!source || source.service !== p.service || source.environment !== from || source.state !== "succeeded") {
      return refuse({ why: "source_not_good", from, sourceId: p.sourceId, sha: source?.sha ?? null });
    }
  } else {
    source = await ports.store.lastSucceeded(p.service, from);
    if (!source) return refuse({ why: "nothing_in_source", from });
  }
  const verified = await ports.store.succeededWithSha(p.service, from, source.sha!);
  if (!verified) return refuse({ why: "source_not_good", from, sourceId: source.id, sha: source.sha });
  if (env.requireVerified && !source.verifiedAt) return refuse({ why: "not_verified", from, sourceId: source.id });
  const allowedAt = env.minBake ? bakedAt(source, env.minBake) : undefined;
  if (env.minBake && allowedAt !== undefined && allowedAt > ports.clock.now().getTime()) {
    const at = new Date(allowedAt).toISOString();
    return refuse({ why: "baking", from, sourceId: source.id, minBake: env.minBake, allowedAt: at });
  }
  return {
    ok: true,
    source,
    ask: {
      service: p.service,
      environment: p.to,
      ref: source.ref,
      sha: source.sha!,
      requester: p.requester,
      channel: p.channel,
      kind: "promote",
      sourceId: source.id,
      artifact: source.artifact,
    },
  };
}

/**
 * When a deploy has been live long enough for a target's `minBake` (ms since the epoch): counted from the start of its
 * verification, or from when it finished where it was not verified.
 */
export function bakedAt(source: Deployment, minBake: string): number | undefined {
  const since = source.verification?.startedAt ?? source.finishedAt;
  return since ? Date.parse(since) + durationMs(minBake) : undefined;
}

/** Plans the promotion and asks for it as any deploy is asked for; a refused plan is audited and explained. */
export async function requestPromotion(ports: Ports, p: PromotionAsk): Promise<AskResult> {
  const plan = await planPromotion(ports, p);
  if (plan.ok) return requestDeploy(ports, plan.ask);
  // The service and target are the audit row's own columns; the rest of the reason is its detail.
  const { service: _service, to: _to, ...detail } = { service: p.service, to: p.to, ...plan.refusal };
  await ports.store.audit({
    actor: p.requester,
    action: "promote.refused",
    service: p.service,
    environment: p.to,
    detail,
    at: ports.clock.now().toISOString(),
  });
  return { ok: false, refusal: { refused: "promotion", promotion: plan.refusal } };
}

/** Promotes (typed, or a Promote or Retry button): the plan and the rules decide, then it launches. */
export async function promote(ports: LaunchPorts, p: PromotionAsk, tell?: Tell): Promise<Asked> {
  return launchable(ports, await requestPromotion(ports, p), tell);
}
