import { shortSha } from "../domain/format.js";
import { bold, code, mrkdwn, type SlackText } from "../slack/mrkdwn.js";
import type { Deployment } from "../store/types.js";
import type { Ports } from "./ports.js";
import type { DeployAsk } from "./request.js";

export type PromotionPlan = { ok: true; ask: DeployAsk; source: Deployment } | { ok: false; error: SlackText };

/**
 * A promotion ships exactly what passed the source environment: its commit and artifact.
 * `sourceId` (from a Promote button) names the deploy; otherwise the source's latest good deploy is used.
 */
export async function planPromotion(
  ports: Pick<Ports, "config" | "store">,
  p: { service: string; to: string; from?: string; sourceId?: number; requester: string; channel: string },
): Promise<PromotionPlan> {
  const env = ports.config.services[p.service]!.environments[p.to]!;
  const from = p.from ?? env.promoteFrom;
  if (!from) {
    return { ok: false, error: mrkdwn`${bold(p.to)} has no \`promoteFrom\`; say where from: ${code(`/promote ${p.service} from <env> to ${p.to}`)}.` };
  }
  if (from === p.to) return { ok: false, error: mrkdwn`A promotion needs two different environments.` };
  let source: Deployment | undefined;
  if (p.sourceId !== undefined) {
    source = await ports.store.getDeployment(p.sourceId);
    if (!source || source.service !== p.service || source.environment !== from || source.state !== "succeeded") {
      const what = source?.sha ? code(shortSha(source.sha)) : mrkdwn`#${p.sourceId}`;
      return { ok: false, error: mrkdwn`:no_entry: ${what} never succeeded in ${bold(from)} (or was rolled back there), so it cannot be promoted.` };
    }
  } else {
    source = await ports.store.lastSucceeded(p.service, from);
    if (!source) return { ok: false, error: mrkdwn`:no_entry: Nothing has succeeded in ${bold(from)} yet, so there is nothing verified to promote.` };
  }
  const verified = await ports.store.succeededWithSha(p.service, from, source.sha!);
  if (!verified) return { ok: false, error: mrkdwn`:no_entry: ${code(shortSha(source.sha))} never succeeded in ${bold(from)}.` };
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
