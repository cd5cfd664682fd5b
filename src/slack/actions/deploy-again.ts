import { launchDeploy } from "../../deploy/launch.js";
import { planPromotion } from "../../deploy/promote.js";
import { requestDeploy, type DeployAsk } from "../../deploy/request.js";
import { rollBack } from "../../../commands/rollback.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { bold, mrkdwn } from "../mrkdwn.js";
import { tellRequester } from "../tell.js";
import type { ActionInput, ActionReply, ButtonAction } from "./types.js";
import { say } from "./types.js";
import type { LaunchPorts } from "../../deploy/launch.js";

async function ask(ports: LaunchPorts, asked: DeployAsk, input: ActionInput): Promise<ActionReply> {
  const result = await requestDeploy(ports, asked);
  if (!result.ok) return { reply: result.reply };
  return { after: () => launchDeploy(ports, result.deployment, tellRequester(ports, { user: input.user, channel: input.channel, responseUrl: input.responseUrl })) };
}

async function deployOf(ports: LaunchPorts, input: ActionInput) {
  return ports.store.getDeployment(Number(input.value.split(":")[0]));
}

/** Roll back: on a succeeded deploy's message, goes back to the good deploy before it. */
export const rollbackAction: ButtonAction = {
  actionId: ACTIONS.rollback,
  async handle(ports, input) {
    const d = await deployOf(ports, input);
    if (!d) return say(mrkdwn`That deploy no longer exists.`);
    const where = { service: d.service, environment: d.environment, requester: input.user, channel: d.slackChannel ?? input.channel ?? "" };
    const current = await ports.store.lastSucceeded(d.service, d.environment);
    if (current && current.id !== d.id) return say(mrkdwn`#${d.id} is no longer what runs in ${bold(d.environment)} (#${current.id} is). Use \`/rollback\` to choose.`);
    const reply = await rollBack(ports, where, { by: "default" }, tellRequester(ports, { user: input.user, channel: input.channel, responseUrl: input.responseUrl }));
    return { ...(reply.ack ? { reply: reply.ack } : {}), ...(reply.after ? { after: reply.after } : {}) };
  },
};

/** Promote to <env>: ships exactly this deploy's commit and artifact onward. */
export const promoteAction: ButtonAction = {
  actionId: new RegExp(`^${ACTIONS.promote}`),
  async handle(ports, input) {
    const [id, to] = input.value.split(":");
    const d = await deployOf(ports, input);
    if (!d || !to) return say(mrkdwn`That deploy no longer exists.`);
    const plan = await planPromotion(ports, {
      service: d.service,
      to,
      from: d.environment,
      sourceId: Number(id),
      requester: input.user,
      channel: d.slackChannel ?? input.channel ?? "",
    });
    if (!plan.ok) return say(plan.error);
    return ask(ports, plan.ask, input);
  },
};

/** Retry: asks again for what a deploy that never reached GitHub asked for. */
export const retryAction: ButtonAction = {
  actionId: ACTIONS.retry,
  async handle(ports, input) {
    const d = await deployOf(ports, input);
    if (!d) return say(mrkdwn`That deploy no longer exists.`);
    return ask(ports, {
      service: d.service,
      environment: d.environment,
      ...(d.ref ? { ref: d.ref } : {}),
      ...(d.kind !== "deploy" && d.sha ? { sha: d.sha } : {}),
      requester: input.user,
      channel: d.slackChannel ?? input.channel ?? "",
      kind: d.kind,
      ...(d.sourceId ? { sourceId: d.sourceId } : {}),
      ...(d.replacesId ? { replacesId: d.replacesId } : {}),
      ...(d.forceReason ? { forceReason: d.forceReason } : {}),
      hotfix: d.hotfix,
      artifact: d.artifact,
    }, input);
  },
};

/** Notify me when unlocked: remembered until the lock goes. */
export const notifyUnlockAction: ButtonAction = {
  actionId: ACTIONS.notifyUnlock,
  async handle(ports, input) {
    const [service = "", environment = ""] = input.value.split(":");
    const lock = await ports.store.getLock(service, environment);
    if (!lock) return say(mrkdwn`${bold(service)} in ${bold(environment)} is not locked any more: go ahead.`);
    await ports.store.addLockWaiter(service, environment, input.user, ports.clock.now().toISOString());
    return say(mrkdwn`:bell: I'll send you a message when ${bold(service)} in ${bold(environment)} is unlocked.`);
  },
};
