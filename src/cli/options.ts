import { parseArgs } from "node:util";
import { loadConfig, DEFAULT_CONFIG_PATH } from "../config/load.js";
import type { GantryConfig } from "../config/schema.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/types.js";
import type { CliIo } from "./gantry.js";

export type Parsed = ReturnType<typeof parseArgs<{ options: Record<string, { type: "string" | "boolean" }>; allowPositionals: false; strict: true }>>;

/** Parses `--flag value` options, reporting mistakes as a usage error instead of a stack trace. */
export function parseOptions(args: string[], options: Record<string, { type: "string" | "boolean" }>, io: CliIo, usage: string[]): Parsed["values"] | undefined {
  try {
    return parseArgs({ args, options: { ...options, db: { type: "string" }, config: { type: "string" } }, allowPositionals: false, strict: true }).values;
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    usage.forEach((line) => io.err(line));
    return undefined;
  }
}

/** The store a CLI command reads: `--db`, else GANTRY_DB, else the default. */
export function openStore(values: Parsed["values"], io: CliIo): Store {
  return openSqliteStore(String(values.db ?? io.env.GANTRY_DB ?? "./data/gantry.db"));
}

/** The config and store a CLI command works on: `--config`/`--db`, else GANTRY_CONFIG/GANTRY_DB, else the defaults. */
export function openWorkspace(values: Parsed["values"], io: CliIo): { config: GantryConfig; store: Store } {
  const config = loadConfig(String(values.config ?? io.env.GANTRY_CONFIG ?? DEFAULT_CONFIG_PATH));
  return { config, store: openStore(values, io) };
}
