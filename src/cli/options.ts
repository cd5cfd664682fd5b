import { parseArgs } from "node:util";
import { loadConfig, DEFAULT_CONFIG_PATH } from "../config/load.js";
import type { GantryConfig } from "../config/schema.js";
import { openStore as openEngine } from "../store/open-store.js";
import type { Store } from "../store/types.js";
import type { CliIo } from "./types.js";

export type Parsed = ReturnType<
  typeof parseArgs<{ options: Record<string, { type: "string" | "boolean" }>; allowPositionals: false; strict: true }>
>;

/** Parses `--flag value` options, reporting mistakes as a usage error instead of a stack trace. */
export function parseOptions(
  args: string[],
  options: Record<string, { type: "string" | "boolean" }>,
  io: CliIo,
  usage: string[],
): Parsed["values"] | undefined {
  try {
    return parseArgs({
      args,
      options: { ...options, db: { type: "string" }, config: { type: "string" } },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    usage.forEach((line) => io.err(line));
    return undefined;
  }
}

/**
 * The store a CLI command reads: `--db` (a SQLite path or a postgres:// URL), else GANTRY_DATABASE_URL, else GANTRY_DB,
 * else the default SQLite file.
 */
export function openStore(values: Parsed["values"], io: CliIo): Store {
  const db = values.db === undefined ? undefined : String(values.db);
  const url =
    db === undefined ? io.env.GANTRY_DATABASE_URL || undefined : /^postgres(ql)?:\/\//.test(db) ? db : undefined;
  const pool = Number(io.env.GANTRY_DATABASE_POOL) || undefined;
  return openEngine({
    GANTRY_DATABASE_URL: url,
    GANTRY_DATABASE_POOL: pool,
    GANTRY_DB: db ?? io.env.GANTRY_DB ?? "./data/gantry.db",
  });
}

/** The config and store a CLI command works on: `--config`/`--db`, else GANTRY_CONFIG/GANTRY_DB, else the defaults. */
export function openWorkspace(values: Parsed["values"], io: CliIo): { config: GantryConfig; store: Store } {
  const config = loadConfig(String(values.config ?? io.env.GANTRY_CONFIG ?? DEFAULT_CONFIG_PATH));
  return { config, store: openStore(values, io) };
}
