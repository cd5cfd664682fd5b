import { envOf } from "../../config/lookup.js";
import { promote } from "../../deploy/index.js";
import { askedReply } from "./asked.js";
import { needsMembers } from "../../domain/policy.js";
import { localOrLater, type CommandPorts, type CommandReply, type CommandInput, type SlashCommand } from "./types.js";
import { tellRequester } from "../tell.js";
import { HELP } from "./help-registry.js";
import { PROMOTE_USAGE, usageError } from "./usage.js";
import { checkNames } from "./grammar.js";
import { code, lex } from "./lex.js";

export type PromoteCommand = { service: string; from?: string; to: string };
export type PromoteParse = { ok: true; command: PromoteCommand } | { ok: false; error: string; usage: string };

/** `/promote <service> [from <env>] to <env>`. Pure. */
export function parsePromote(text: string): PromoteParse {
  const words = lex(text).map((t) => t.value);
  const fail = (error: string): PromoteParse => ({ ok: false, error, usage: PROMOTE_USAGE });
  const [service, ...rest] = words;
  if (!service) return fail("say which service to promote");
  const command: PromoteCommand = { service: service.toLowerCase(), to: "" };
  if (rest[0]?.toLowerCase() === "from") {
    if (!rest[1] || rest[1].toLowerCase() === "to") return fail("missing environment after `from`");
    command.from = rest[1].toLowerCase();
    rest.splice(0, 2);
  }
  if (rest[0]?.toLowerCase() !== "to")
    return fail(rest[0] ? `expected \`to\`, got ${code(rest[0])}` : "missing `to <env>`: say where to promote to");
  if (!rest[1]) return fail("missing environment after `to`");
  if (rest.length > 2) return fail(`too many words: unexpected ${code(rest[2]!)}`);
  command.to = rest[1].toLowerCase();
  return { ok: true, command };
}

export async function handlePromote(ports: CommandPorts, input: CommandInput): Promise<CommandReply> {
  const parsed = parsePromote(input.text);
  if (!parsed.ok) return usageError(parsed.error, parsed.usage);
  const cmd = parsed.command;
  const names = checkNames(ports.config, cmd.service, [cmd.to, ...(cmd.from ? [cmd.from] : [])], PROMOTE_USAGE);
  if (!names.ok) return usageError(names.error, names.usage);
  const remote = needsMembers(
    envOf(ports.config, { service: cmd.service, environment: cmd.to })!.deployers,
    input.user,
  );
  return localOrLater(remote, async () => {
    const asked = await promote(
      ports,
      {
        service: cmd.service,
        to: cmd.to,
        ...(cmd.from ? { from: cmd.from } : {}),
        requester: input.user,
        channel: input.channel,
      },
      tellRequester(ports, input),
    );
    return askedReply(ports, asked);
  });
}

export const promoteCommand: SlashCommand = { ...HELP.promote, handle: handlePromote };
