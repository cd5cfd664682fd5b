import { launchDeploy } from "../../deploy/launch.js";
import { requestDeploy } from "../../deploy/request.js";
import { planRollback, type RollbackTarget } from "../../deploy/rollback.js";
import { checkRefName } from "../../domain/ref-name.js";
import { needsMembers } from "../../domain/policy.js";
import {
  ephemeral,
  localOrLater,
  type CommandInput,
  type CommandPorts,
  type CommandReply,
  type SlashCommand,
} from "./types.js";
import { bold, mrkdwn, user } from "../mrkdwn.js";
import { tellRequester, type Tell } from "../tell.js";
import { HELP } from "./help-registry.js";
import { ROLLBACK_USAGE, usageError } from "./usage.js";
import { checkNames } from "./grammar.js";
import { code, lex } from "./lex.js";

export type RollbackCommand = { service: string; environment: string; to: RollbackTarget };
export type RollbackParse = { ok: true; command: RollbackCommand } | { ok: false; error: string; usage: string };

/** `/rollback <service> [in] <env> [to <ref>|#<id>]`. Pure. */
export function parseRollback(text: string): RollbackParse {
  const words = lex(text).map((t) => t.value);
  const fail = (error: string): RollbackParse => ({ ok: false, error, usage: ROLLBACK_USAGE });
  const [service, ...rest] = words;
  if (!service) return fail("say which service to roll back");
  if (rest[0]?.toLowerCase() === "in") rest.shift();
  const environment = rest.shift()?.toLowerCase();
  if (!environment) return fail("missing environment: where to roll back?");
  if (rest.length === 0)
    return { ok: true, command: { service: service.toLowerCase(), environment, to: { by: "default" } } };
  if (rest[0]!.toLowerCase() !== "to") return fail(`expected \`to <ref>\` or \`to #<id>\`, got ${code(rest[0]!)}`);
  const target = rest[1];
  if (!target) return fail("missing ref or #id after `to`");
  if (rest.length > 2) return fail(`too many words: unexpected ${code(rest[2]!)}`);
  const id = /^#(\d+)$/.exec(target);
  if (id)
    return { ok: true, command: { service: service.toLowerCase(), environment, to: { by: "id", id: Number(id[1]) } } };
  const ref = checkRefName(target);
  if (!ref.ok) return fail(`invalid ref ${code(target)}: ${ref.reason}`);
  return { ok: true, command: { service: service.toLowerCase(), environment, to: { by: "ref", ref: target } } };
}

export async function handleRollback(ports: CommandPorts, input: CommandInput): Promise<CommandReply> {
  const parsed = parseRollback(input.text);
  if (!parsed.ok) return usageError(parsed.error, parsed.usage);
  const cmd = parsed.command;
  const names = checkNames(ports.config, cmd.service, [cmd.environment], ROLLBACK_USAGE);
  if (!names.ok) return usageError(names.error, names.usage);
  const where = { service: cmd.service, environment: cmd.environment, requester: input.user, channel: input.channel };
  const remote = needsMembers(ports.config.services[cmd.service]!.environments[cmd.environment]!.deployers, input.user);
  return localOrLater(remote, () => rollBack(ports, where, cmd.to, tellRequester(ports, input)));
}

/** Shared by the command and the Roll back button. */
export async function rollBack(
  ports: CommandPorts,
  where: { service: string; environment: string; requester: string; channel: string },
  to: RollbackTarget,
  tell?: Tell,
): Promise<CommandReply> {
  const plan = await planRollback(ports, where, to);
  if (!plan.ok) return ephemeral(plan.error);
  const asked = await requestDeploy(ports, plan.ask);
  if (!asked.ok) return { ack: asked.reply };
  const lock = await ports.store.getLock(where.service, where.environment);
  const tellHolder = async () => {
    if (!lock || lock.holder === where.requester) return;
    await ports.slack.postMessage(lock.holder, {
      text: mrkdwn`:rewind: ${user(where.requester)} is rolling back ${bold(where.service)} in ${bold(where.environment)} past your lock (#${asked.deployment.id}).`,
    });
  };
  return {
    after: async () => {
      await tellHolder().catch((err: unknown) => ports.log.warn({ err }, "could not tell the lock holder"));
      await launchDeploy(ports, asked.deployment, tell);
    },
  };
}

export const rollbackCommand: SlashCommand = { ...HELP.rollback, handle: handleRollback };
