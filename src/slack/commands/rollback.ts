import { envOf } from "../../config/lookup.js";
import { rollBack, type RollbackTarget } from "../../deploy/index.js";
import { askedReply } from "./asked.js";
import { checkRefName } from "../../domain/ref-name.js";
import { needsMembers } from "../../domain/policy.js";
import { localOrLater, type CommandInput, type CommandPorts, type CommandReply, type SlashCommand } from "./types.js";
import { tellRequester } from "../tell.js";
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
  const remote = needsMembers(envOf(ports.config, cmd)!.deployers, input.user);
  return localOrLater(remote, async () =>
    askedReply(ports, await rollBack(ports, where, cmd.to, tellRequester(ports, input))),
  );
}

export const rollbackCommand: SlashCommand = { ...HELP.rollback, handle: handleRollback };
