/**
 * The `/deploy` grammar. Pure: it checks the shape of what was typed; `validateAgainstConfig`
 * then checks the names against the config. Errors are Slack mrkdwn.
 *
 *   /deploy <service> [<ref>] to <env> [--force "<reason>"] [--hotfix]
 *   /deploy <service>@<ref> to <env> …
 *   /deploy help | status [<service>] | history <service> [<env>]
 *   /deploy lock <service> <env> [for <duration>] [<reason>] | unlock <service> <env>
 */
import type { GantryConfig } from "../../config/schema.js";
import type { DeployAsk } from "../../deploy/request.js";
import { checkRefName } from "../../domain/ref-name.js";
import { suggest } from "../../domain/suggest.js";

import { code, codeList, lex, type Token } from "./lex.js";

export { tokenize } from "./lex.js";

export type DeployFlags = { force?: string; hotfix?: boolean };

export type DeployCommand =
  | { kind: "deploy"; service: string; ref?: string; environment: string; flags: DeployFlags }
  | { kind: "help" }
  | { kind: "status"; service?: string }
  | { kind: "history"; service: string; environment?: string }
  | { kind: "lock"; service: string; environment: string; duration?: string; reason?: string }
  | { kind: "unlock"; service: string; environment: string };

export type ParseResult = { ok: true; command: DeployCommand } | { ok: false; error: string; usage: string };

export type ValidationResult = { ok: true } | { ok: false; error: string; usage: string };

export const USAGE = {
  deploy: "/deploy <service> [<ref>] to <env>",
  flags: '/deploy <service> [<ref>] to <env> [--force "<reason>"] [--hotfix]',
  status: "/deploy status [<service>]",
  history: "/deploy history <service> [<env>]",
  lock: "/deploy lock <service> <env> [for <duration>] [<reason>]",
  unlock: "/deploy unlock <service> <env>",
} as const;

const FLAGS = ["--force", "--hotfix"] as const;

const ok = (command: DeployCommand): ParseResult => ({ ok: true, command });
const fail = (error: string, usage: string = USAGE.deploy): { ok: false; error: string; usage: string } => ({
  ok: false,
  error,
  usage,
});

const isWord = (t: Token | undefined, word: string): boolean => !!t && !t.quoted && t.value.toLowerCase() === word;
const isFlag = (t: Token): boolean => !t.quoted && t.value.length > 1 && t.value.startsWith("-");

export function parseDeploy(text: string): ParseResult {
  const tokens = lex(text);
  // Slack sends the text after the command, but people paste the whole line too.
  if (isWord(tokens[0], "/deploy")) tokens.shift();
  const [first, ...rest] = tokens;
  if (!first || isWord(first, "help")) return ok({ kind: "help" });
  if (isWord(first, "status")) return parseStatus(rest);
  if (isWord(first, "history")) return parseHistory(rest);
  if (isWord(first, "lock")) return parseLock(rest);
  if (isWord(first, "unlock")) return parseUnlock(rest);
  return parseDeployCommand(tokens);
}

function parseStatus(args: Token[]): ParseResult {
  if (args.length > 1) return fail(`too many words: \`status\` takes at most one service`, USAGE.status);
  const service = args[0];
  if (!service) return ok({ kind: "status" });
  if (!service.value) return fail("the service name is empty", USAGE.status);
  return ok({ kind: "status", service: service.value.toLowerCase() });
}

function parseHistory(args: Token[]): ParseResult {
  const [service, environment, extra] = args;
  if (!service) return fail("missing service: which service's history?", USAGE.history);
  if (extra) return fail(`too many words after \`history\`: unexpected ${code(extra.value)}`, USAGE.history);
  if (!service.value || environment?.value === "") return fail("a name is empty", USAGE.history);
  const command: DeployCommand = { kind: "history", service: service.value.toLowerCase() };
  if (environment) command.environment = environment.value.toLowerCase();
  return ok(command);
}

function parseLock(args: Token[]): ParseResult {
  const [service, environment, ...rest] = args;
  if (!service || !environment) return fail("say which service and environment to lock", USAGE.lock);
  const command: DeployCommand = {
    kind: "lock",
    service: service.value.toLowerCase(),
    environment: environment.value.toLowerCase(),
  };
  if (isWord(rest[0], "for")) {
    const duration = rest[1]?.value;
    if (!duration || !/^\d+(m|h|d)$/.test(duration)) {
      return fail(
        `\`for\` needs a duration such as \`30m\`, \`2h\` or \`1d\`${duration ? `, not ${code(duration)}` : ""}`,
        USAGE.lock,
      );
    }
    command.duration = duration;
    rest.splice(0, 2);
  }
  const reason = rest
    .map((t) => t.value)
    .join(" ")
    .trim();
  if (reason) command.reason = reason;
  return ok(command);
}

function parseUnlock(args: Token[]): ParseResult {
  const [service, environment, extra] = args;
  if (!service || !environment) return fail("say which service and environment to unlock", USAGE.unlock);
  if (extra) return fail(`too many words after the environment: unexpected ${code(extra.value)}`, USAGE.unlock);
  return ok({ kind: "unlock", service: service.value.toLowerCase(), environment: environment.value.toLowerCase() });
}

function parseDeployCommand(tokens: Token[]): ParseResult {
  const flagAt = tokens.findIndex(isFlag);
  const words = flagAt === -1 ? tokens : tokens.slice(0, flagAt);
  const flagTokens = flagAt === -1 ? [] : tokens.slice(flagAt);
  const toAt = words.findIndex((t) => isWord(t, "to"));
  if (toAt === -1 && flagTokens.some((t) => isWord(t, "to"))) {
    return fail(`flags go after the environment: move ${code(flagTokens[0]!.value)} to the end`, USAGE.flags);
  }
  if (toAt === -1) return missingTo(words);
  if (toAt === 0) return fail("missing service: say which service to deploy before `to`");
  const envWords = words.slice(toAt + 1);
  if (envWords.length === 0) return fail("missing environment after `to`");
  if (envWords.length > 1) {
    return fail(`too many words after \`to\`: expected one environment, got ${codeList(envWords.map((t) => t.value))}`);
  }
  const target = splitServiceRef(words.slice(0, toAt));
  if (!target.ok) return target;
  const environment = envWords[0]!.value.toLowerCase();
  if (!environment) return fail("the environment name is empty");
  const flags = parseFlags(flagTokens);
  if (!flags.ok) return flags;
  const command: DeployCommand = { kind: "deploy", service: target.service, environment, flags: flags.flags };
  if (target.ref !== undefined) command.ref = target.ref;
  return ok(command);
}

function missingTo(words: Token[]): ParseResult {
  const [service, second, third] = words;
  if (service && second && !third) {
    return fail(`missing \`to\`: try \`/deploy ${service.value} to ${second.value}\``);
  }
  if (service && !second) return fail(`missing \`to <env>\`: say where to deploy ${code(service.value)}`);
  return fail("missing `to` before the environment");
}

type Target = { ok: true; service: string; ref?: string } | { ok: false; error: string; usage: string };

function splitServiceRef(words: Token[]): Target {
  if (words.length > 2) {
    const extra = words.slice(2).map((t) => t.value);
    return fail(`too many words before \`to\`: expected a service and maybe a ref, also got ${codeList(extra)}`);
  }
  const [head, refWord] = words as [Token, Token | undefined];
  const at = head.value.indexOf("@");
  // A leading `@` is not a separator: `@foo` is a (bad) service name for validation to reject.
  const joined = at > 0;
  const service = (joined ? head.value.slice(0, at) : head.value).toLowerCase();
  const ref = joined ? head.value.slice(at + 1) : refWord?.value;
  if (!service) return fail("the service name is empty");
  if (joined && refWord) {
    return fail(
      `ref given twice: ${code(head.value)} already names ref ${code(ref ?? "")}, so drop ${code(refWord.value)}`,
    );
  }
  if (ref === "") return fail(joined ? `missing ref after \`@\` in ${code(head.value)}` : "the ref is empty");
  return ref === undefined ? { ok: true, service } : { ok: true, service, ref };
}

type FlagsResult = { ok: true; flags: DeployFlags } | { ok: false; error: string; usage: string };

function parseFlags(tokens: Token[]): FlagsResult {
  const flags: DeployFlags = {};
  let lastValue: Token | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!isFlag(token)) {
      const hint = lastValue && !lastValue.quoted ? ' — put the `--force` reason in quotes: `--force "…"`' : "";
      return fail(`unexpected ${code(token.value)} after the environment${hint}`, USAGE.flags);
    }
    const eq = token.value.indexOf("=");
    const name = (eq === -1 ? token.value : token.value.slice(0, eq)).toLowerCase();
    const inline = eq === -1 ? undefined : { value: token.value.slice(eq + 1), quoted: true };
    lastValue = undefined;
    if (name === "--hotfix") {
      if (flags.hotfix) return fail("`--hotfix` given twice", USAGE.flags);
      if (inline) return fail("`--hotfix` takes no value", USAGE.flags);
      flags.hotfix = true;
      continue;
    }
    if (name === "--force") {
      if (flags.force !== undefined) return fail("`--force` given twice", USAGE.flags);
      const next = tokens[i + 1];
      const value = inline ?? (next && !isFlag(next) ? next : undefined);
      if (!value) return fail('`--force` needs a reason: `--force "<reason>"`', USAGE.flags);
      if (!inline) i++;
      if (!value.value.trim()) return fail("the `--force` reason is empty: say why in the quotes", USAGE.flags);
      flags.force = value.value.trim();
      lastValue = value;
      continue;
    }
    // `-f` is someone reaching for `--force`: compare it as `--f`.
    const guess = suggest(name.startsWith("--") ? name : `-${name}`, FLAGS);
    const tail = guess ? ` — did you mean ${code(guess)}?` : `. Flags: ${codeList(FLAGS)}`;
    return fail(`unknown flag ${code(name)}${tail}`, USAGE.flags);
  }
  return { ok: true, flags };
}

/** Checks names against the config: the parser only knows shapes. */
export function validateAgainstConfig(cmd: DeployCommand, config: GantryConfig): ValidationResult {
  if (cmd.kind === "help" || (cmd.kind === "status" && cmd.service === undefined)) return { ok: true };
  const usage = cmd.kind === "deploy" ? USAGE.deploy : USAGE[cmd.kind];
  const env = cmd.kind === "status" ? undefined : cmd.environment;
  const names = checkNames(config, cmd.service ?? "", env === undefined ? [] : [env], usage);
  if (!names.ok) return names;
  if (cmd.kind === "deploy" && cmd.ref !== undefined) {
    const ref = checkRefName(cmd.ref);
    if (!ref.ok) return fail(`invalid ref ${code(cmd.ref)}: ${ref.reason}`, usage);
  }
  return { ok: true };
}

/** Checks that a service and its environments exist, suggesting the closest name when not. */
export function checkNames(
  config: GantryConfig,
  name: string,
  envs: readonly string[],
  usage: string,
): ValidationResult {
  const services = Object.keys(config.services);
  // hasOwn, so `/deploy constructor to staging` is an unknown service rather than Object's.
  const service = Object.hasOwn(config.services, name) ? config.services[name] : undefined;
  if (!service) {
    const guess = suggest(name, services);
    if (guess) return fail(`unknown service ${code(name)} — did you mean ${code(guess)}?`, usage);
    const known = services.length ? `Services: ${codeList(services)}` : "No services are configured yet.";
    return fail(`unknown service ${code(name)}. ${known}`, usage);
  }
  for (const env of envs) {
    if (Object.hasOwn(service.environments, env)) continue;
    const known = Object.keys(service.environments);
    const guess = suggest(env, known);
    const mean = guess ? ` — did you mean ${code(guess)}?` : ".";
    return fail(`unknown environment ${code(env)} for ${code(name)}${mean} Environments: ${codeList(known)}`, usage);
  }
  return { ok: true };
}

/** What a parsed `/deploy <service> <ref> to <env>` (typed or from the form) asks of the deploy use case. */
export function deployAsk(
  cmd: Extract<DeployCommand, { kind: "deploy" }>,
  at: { requester: string; channel: string },
): DeployAsk {
  return {
    service: cmd.service,
    environment: cmd.environment,
    ...(cmd.ref ? { ref: cmd.ref } : {}),
    requester: at.requester,
    channel: at.channel,
    kind: "deploy",
    ...(cmd.flags.force ? { forceReason: cmd.flags.force } : {}),
    ...(cmd.flags.hotfix ? { hotfix: true } : {}),
  };
}
