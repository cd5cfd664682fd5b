/**
 * `gantry config check [file]` and `gantry config schema`: validate gantry.yml before a
 * deploy depends on it, and print the JSON Schema editors use to complete it.
 */
import { configJsonSchemaText } from "../config/json-schema.js";
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from "../config/load.js";
import { explainNotices, parseEvent, type ExplainQuery } from "./explain-notices.js";
import type { CliCommand, CliIo } from "./types.js";

const USAGE = [
  "usage: gantry config check [file]   validate a config file (default: $GANTRY_CONFIG or ./gantry.yml)",
  "       gantry config check [file] --explain <environment> <state> [--service <service>] [--event deploy|outside|verification|digest]",
  "                                    which notify rules a notice would match, and where it would go",
  "       gantry config schema         print the config's JSON Schema",
];

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

interface CheckArgs {
  file?: string;
  explain?: ExplainQuery;
}

function parseCheckArgs(args: string[], io: CliIo): CheckArgs | string {
  const out: CheckArgs = {};
  let service: string | undefined;
  let event: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--explain") {
      const [environment, state] = [args[++i], args[++i]];
      if (!environment || !state)
        return "--explain needs an environment and a state, such as --explain production failed";
      out.explain = { environment, state, event: "deploy" };
    } else if (a === "--service") service = args[++i];
    else if (a === "--event") event = args[++i];
    else if (a.startsWith("--")) return `unknown option ${a}`;
    else if (out.file === undefined) out.file = a;
    else return `expected at most one file, got ${a} too`;
  }
  out.file ??= io.env.GANTRY_CONFIG || DEFAULT_CONFIG_PATH;
  if (!out.explain) return service || event ? "--service and --event go with --explain" : out;
  const parsed = parseEvent(event);
  if (!parsed) return `--event: expected deploy, outside, verification or digest, got ${event}`;
  out.explain = { ...out.explain, event: parsed, ...(service ? { service } : {}) };
  return out;
}

export function configCheck(args: string[], io: CliIo): number {
  const parsed = parseCheckArgs(args, io);
  if (typeof parsed === "string") {
    io.err(`gantry config check: ${parsed}`);
    USAGE.forEach((line) => io.err(line));
    return 2;
  }
  const file = parsed.file!;
  try {
    const config = loadConfig(file);
    const services = Object.keys(config.services).length;
    const teams = Object.keys(config.teams).length;
    io.out(`✓ ${file} is valid: ${plural(services, "service")}, ${plural(teams, "team")}`);
    if (parsed.explain) explainNotices(config, parsed.explain).forEach((line) => io.out(line));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`✗ ${file}: ${plural(err.problems.length, "problem")}`);
    err.problems.forEach((problem) => io.err(`  ${problem}`));
    return 1;
  }
}

export function configSchema(args: string[], io: CliIo): number {
  if (args.length > 0) {
    io.err("gantry config schema: takes no arguments");
    return 2;
  }
  // The text ends in a newline already; `out` adds one per line.
  io.out(configJsonSchemaText().trimEnd());
  return 0;
}

const SUBCOMMANDS: Readonly<Record<string, (args: string[], io: CliIo) => number>> = {
  check: configCheck,
  schema: configSchema,
};

export const configCommand: CliCommand = {
  summary: "check gantry.yml, or print its JSON Schema (check | schema)",
  usage: USAGE,
  run(args, io) {
    const [name, ...rest] = args;
    const handler = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (handler) return handler(rest, io);
    if (name === "help" || name === "--help") {
      USAGE.forEach((line) => io.out(line));
      return 0;
    }
    if (name !== undefined) io.err(`gantry config: unknown subcommand \`${name}\``);
    USAGE.forEach((line) => io.err(line));
    return 2;
  },
};
