import { rollBack } from "../commands/rollback.js";
import { checkNames, USAGE } from "../commands/grammar.js";
import { PROMOTE_USAGE, usageError } from "../commands/usage.js";
import { launchDeploy, type LaunchPorts } from "../../deploy/launch.js";
import { requestPromotion } from "../../deploy/promote.js";
import type { AskResult } from "../../deploy/request.js";
import type { CommandReply } from "../commands/types.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import type { ActionInput, ActionReply, ButtonAction } from "./types.js";
import { deployIdOf, say } from "./types.js";
import { tellRequester, type Tell } from "../tell.js";

/**
 * Buttons on deploy messages carry ids and names drawn when the message was; they are hints. Each click re-loads the
 * deploy and asks afresh, through the same plan and policy as the typed command, from what is true now.
 */

/** Whoever clicked, told how it went after the acknowledgement. */
export function clicker(ports: LaunchPorts, input: ActionInput): Tell {
  return tellRequester(ports, {
    user: input.user,
    ...(input.channel ? { channel: input.channel } : {}),
    responseUrl: input.responseUrl,
  });
}

/** A new deploy asked for: launched after the acknowledgement, or the refusal. */
export function launched(ports: LaunchPorts, result: AskResult, input: ActionInput): ActionReply {
  if (!result.ok) return { reply: result.reply };
  return {
    after: () =>
      launchDeploy(
        ports,
        result.deployment,
        tellRequester(ports, { user: input.user, channel: input.channel, responseUrl: input.responseUrl }),
      ),
  };
}

/** A command's reply as a click's. */
export function asClick(reply: CommandReply): ActionReply {
  return { ...(reply.ack ? { reply: reply.ack } : {}), ...(reply.after ? { after: reply.after } : {}) };
}

/** The deploy a button names by the number its value starts with. */
export async function deployOf(ports: LaunchPorts, input: ActionInput) {
  const id = deployIdOf(input.value);
  return id === undefined ? undefined : ports.store.getDeployment(id);
}

/** Roll back: on a succeeded deploy's message, goes back to the good deploy before it, if it still runs there. */
export const rollbackAction: ButtonAction = {
  actionId: ACTIONS.rollback,
  async handle(ports, input) {
    const d = await deployOf(ports, input);
    if (!d) return say(BUTTON_REFUSALS.noSuchDeploy);
    const current = await ports.store.lastSucceeded(d.service, d.environment);
    if (current?.id !== d.id) return say(BUTTON_REFUSALS.notLiveAnyMore(d.id, d.environment, current?.id, d.service));
    const where = {
      service: d.service,
      environment: d.environment,
      requester: input.user,
      channel: d.slackChannel ?? input.channel ?? "",
    };
    return asClick(await rollBack(ports, where, { by: "default" }, clicker(ports, input)));
  },
};

/** Promote to <env>: ships exactly this deploy's commit and artifact onward, if the target takes it from here. */
export const promoteAction: ButtonAction = {
  actionId: new RegExp(`^${ACTIONS.promote}`),
  async handle(ports, input) {
    const d = await deployOf(ports, input);
    const to = input.value.split(":")[1] ?? "";
    if (!d) return say(BUTTON_REFUSALS.noSuchDeploy);
    const names = checkNames(ports.config, d.service, [to], PROMOTE_USAGE);
    if (!names.ok) return asClick(usageError(names.error, names.usage));
    const asked = await requestPromotion(ports, {
      service: d.service,
      to,
      from: d.environment,
      sourceId: d.id,
      requester: input.user,
      channel: d.slackChannel ?? input.channel ?? "",
    });
    return launched(ports, asked, input);
  },
};

/** Notify me when unlocked: remembered until the lock goes. */
export const notifyUnlockAction: ButtonAction = {
  actionId: ACTIONS.notifyUnlock,
  async handle(ports, input) {
    const [service = "", environment = ""] = input.value.split(":");
    const names = checkNames(ports.config, service, [environment], USAGE.status);
    if (!names.ok) return asClick(usageError(names.error, names.usage));
    const lock = await ports.store.getLock(service, environment);
    if (!lock) return say(BUTTON_REFUSALS.notLocked(service, environment));
    await ports.store.addLockWaiter(service, environment, input.user, ports.clock.now().toISOString());
    return say(BUTTON_REFUSALS.willNotify(service, environment));
  },
};
