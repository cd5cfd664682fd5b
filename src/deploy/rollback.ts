import { shortSha } from "../domain/format.js";
import { bold, code, mrkdwn, SlackText } from "../slack/mrkdwn.js";
import type { Deployment } from "../domain/deployment.js";
import type { Ports } from "./ports.js";
import type { DeployAsk } from "./request.js";

/** Where to roll back to: the last good deploy before the current one, or an earlier good one by ref or id. */
export type RollbackTarget = { by: "default" } | { by: "ref"; ref: string } | { by: "id"; id: number };

export type RollbackPlan =
  { ok: true; ask: DeployAsk; current: Deployment; target: Deployment } | { ok: false; error: SlackText };

export async function planRollback(
  ports: Pick<Ports, "store">,
  where: { service: string; environment: string; requester: string; channel: string },
  to: RollbackTarget,
): Promise<RollbackPlan> {
  const { service, environment } = where;
  const current = await ports.store.lastSucceeded(service, environment);
  if (!current)
    return {
      ok: false,
      error: mrkdwn`Nothing has been deployed to ${bold(environment)} by Gantry yet, so there is nothing to roll back.`,
    };
  const target = await findTarget(ports, service, environment, current, to);
  if (target instanceof SlackText) return { ok: false, error: target };
  return {
    ok: true,
    current,
    target,
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
    },
  };
}

async function findTarget(
  ports: Pick<Ports, "store">,
  service: string,
  environment: string,
  current: Deployment,
  to: RollbackTarget,
): Promise<Deployment | SlackText> {
  if (to.by === "id") {
    const d = await ports.store.getDeployment(to.id);
    if (!d || d.service !== service || d.environment !== environment)
      return mrkdwn`#${to.id} is not a deploy of ${bold(service)} to ${bold(environment)}.`;
    if (d.state !== "succeeded" || !d.sha)
      return mrkdwn`#${to.id} did not succeed there, so it is no state to go back to.`;
    if (d.id === current.id) return mrkdwn`#${to.id} is what runs there now.`;
    return d;
  }
  // Walk back through earlier good deploys: skip those of the very commit that is live now.
  let before = current.id;
  for (;;) {
    const d = await ports.store.lastSucceeded(service, environment, before);
    if (!d) {
      return to.by === "ref"
        ? mrkdwn`${code(to.ref)} never succeeded in ${bold(environment)} before the current deploy, so Gantry cannot vouch for it.`
        : mrkdwn`There is no good deploy before #${current.id} (${shortSha(current.sha)}) in ${bold(environment)} to go back to.`;
    }
    const matches =
      to.by === "default"
        ? d.sha !== current.sha
        : d.ref === to.ref || (to.ref.length >= 7 && d.sha!.startsWith(to.ref));
    if (matches) return d;
    before = d.id;
  }
}
