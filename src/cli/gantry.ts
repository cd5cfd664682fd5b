#!/usr/bin/env node
/**
 * The `gantry` command line. Each subcommand lives in its own file and is listed in COMMANDS;
 * this file only dispatches, and wires process.argv and the exit code when run directly.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { auditCommand } from "./audit.js";
import { backfillCommand } from "./backfill.js";
import { configCommand } from "./config-check.js";
import { digestCommand } from "./digest.js";
import { doraCommand } from "./dora.js";
import { migrateStoreCommand } from "./migrate-store.js";
import { EXIT, type CliCommand, type CliIo } from "./types.js";

export { EXIT, type CliCommand, type CliIo } from "./types.js";

// One file each.
export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  config: configCommand,
  dora: doraCommand,
  digest: digestCommand,
  backfill: backfillCommand,
  audit: auditCommand,
  "migrate-store": migrateStoreCommand,
};

export function usageLines(): string[] {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length), "help".length);
  return [
    "usage: gantry <command> [args]",
    "",
    ...Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`),
    `  ${"help".padEnd(width)}  show this help`,
  ];
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    usageLines().forEach((line) => io.out(line));
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`gantry: unknown command \`${name}\``);
    usageLines().forEach((line) => io.err(line));
    return EXIT.usage;
  }
  return command.run(args, io);
}

// True when this file is the program (node, tsx or the npm bin symlink), not an import in a test.
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  };
  runCli(process.argv.slice(2), io).then(
    // exitCode rather than exit(): a piped stdout must finish flushing the schema first.
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = EXIT.failed;
    },
  );
}
