import { reportBlocks } from "../../digest/digest-message.js";
import { loadDoraInput } from "../../digest/dora-input.js";
import { computeDora } from "../../domain/dora/report.js";
import { teamOf, teamTimezone } from "../../domain/dora/targets.js";
import { weekStart } from "../../domain/dora/time.js";
import { ephemeral, type CommandInput, type CommandPorts, type CommandReply, type SlashCommand } from "./types.js";
import { own } from "../../config/lookup.js";
import type { GantryConfig } from "../../config/schema.js";
import { localDate } from "../../domain/format.js";
import { code as codeSpan, join, mrkdwn, section, type SlackText } from "../mrkdwn.js";
import { HELP } from "./help-registry.js";
import { DORA_USAGE, usageError } from "./usage.js";
import { code, lex } from "./lex.js";

export type DoraCommand = { name?: string; weeks: number; share: boolean };
export type DoraParse = { ok: true; command: DoraCommand } | { ok: false; error: string; usage: string };

/** `/dora [<team>|<service>] [<N>w] [--share]`. Pure. */
export function parseDora(text: string): DoraParse {
  const fail = (error: string): DoraParse => ({ ok: false, error, usage: DORA_USAGE });
  const command: DoraCommand = { weeks: 4, share: false };
  for (const word of lex(text).map((t) => t.value.toLowerCase())) {
    const weeks = /^(\d+)w$/.exec(word);
    if (word === "--share") command.share = true;
    else if (weeks) {
      const n = Number(weeks[1]);
      if (n < 1 || n > 52) return fail(`weeks must be between 1 and 52, not ${code(word)}`);
      command.weeks = n;
    } else if (word.startsWith("-")) return fail(`unknown flag ${code(word)}; the only flag is \`--share\``);
    else if (command.name) return fail(`name one team or service, not both ${code(command.name)} and ${code(word)}`);
    else command.name = word;
  }
  return { ok: true, command };
}

type Scope = { team: string; service?: string } | { error: SlackText };

/** A team, a service (and its team), or by default the team whose channel this is. */
export function resolveScope(config: GantryConfig, name: string | undefined, channel: string): Scope {
  const teams = Object.keys(config.teams);
  const listed = teams.length ? join(teams.map(codeSpan), ", ") : undefined;
  if (name && own(config.teams, name)) return { team: name };
  if (name && own(config.services, name)) {
    const team = teamOf(config, name);
    return team
      ? { team, service: name }
      : { error: mrkdwn`${codeSpan(name)} belongs to no team in gantry.yml (teams.<team>.services).` };
  }
  if (name) return { error: mrkdwn`unknown team or service ${codeSpan(name)}. Teams: ${listed ?? "none configured"}` };
  const here = teams.find((t) => config.teams[t]!.channel === channel) ?? (teams.length === 1 ? teams[0] : undefined);
  return here
    ? { team: here }
    : { error: mrkdwn`Which team? Try ${codeSpan("/dora <team>")} with one of: ${listed ?? "(none configured)"}` };
}

export async function handleDora(ports: CommandPorts, input: CommandInput): Promise<CommandReply> {
  const parsed = parseDora(input.text);
  if (!parsed.ok) return usageError(parsed.error, parsed.usage);
  const { name, weeks, share } = parsed.command;
  const scope = resolveScope(ports.config, name, input.channel);
  if ("error" in scope) return ephemeral(scope.error);
  const now = ports.clock.now();
  const tz = teamTimezone(ports.config, scope.team);
  const from = new Date(weekStart(now, tz).getTime() - (weeks - 1) * 7 * 86_400_000);
  const window = { from: weekStart(from.getTime() + 12 * 3_600_000, tz).toISOString(), to: now.toISOString() };
  const report = computeDora(await loadDoraInput(ports, scope.team, window, scope.service));
  const title = `DORA for ${scope.service ?? scope.team}, last ${weeks} week${weeks === 1 ? "" : "s"} (since ${localDate(window.from, tz)})`;
  const quiet = report.deployments === 0 ? "\nNo production deployments in this window." : "";
  return {
    ack: {
      text: mrkdwn`${title}${quiet}`,
      blocks: [section(mrkdwn`*${title}*${quiet}`), ...reportBlocks(report)],
    },
    ...(share ? { visibleToAll: true } : {}),
  };
}

export const doraCommand: SlashCommand = { ...HELP.dora, handle: handleDora };
