import { rollBack, promote } from "../../deploy/index.js";
import { checkNames, USAGE } from "../commands/grammar.js";
import { PROMOTE_USAGE, usageError } from "../commands/usage.js";
import type { Asked } from "../../deploy/ask.js";
import { askedReply } from "../commands/asked.js";
import type { CommandPorts, CommandReply } from "../commands/types.js";
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
export function clicker(ports: CommandPorts, input: ActionInput): Tell {
  return tellRequester(ports, {
    user: input.user,
    ...(input.channel ? { channel: input.channel } : {}),
    responseUrl: input.responseUrl,
  });
}

/** A deploy asked for by a click: launched after the acknowledgement, or the refusal. */
export function launched(ports: CommandPorts, asked: Asked): ActionReply {
  return asClick(askedReply(ports, asked));
}

/** A command's reply as a click's. */
export function asClick(reply: CommandReply): ActionReply {
  return { ...(reply.ack ? { reply: reply.ack } : {}), ...(reply.after ? { after: reply.after } : {}) };
}

/** The deploy a button names by the number its value starts with. */
export async function deployOf(ports: CommandPorts, input: ActionInput) {
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
    return launched(ports, await rollBack(ports, where, { by: "default" }, clicker(ports, input)));
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
    const asked = await promote(
      ports,
      {
        service: d.service,
        to,
        from: d.environment,
        sourceId: d.id,
        requester: input.user,
        channel: d.slackChannel ?? input.channel ?? "",
      },
      clicker(ports, input),
    );
    return launched(ports, asked);
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
