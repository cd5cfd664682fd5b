/** `gantry migrate-store --from sqlite:<file> --to postgres://…`: moves an installation to PostgreSQL, audit log included. */
import { existsSync } from "node:fs";
import { copySqliteToPostgres, CopyError } from "../store/copy-store.js";
import { describeDatabaseUrl, isPostgresUrl } from "../store/pg-db.js";
import { openPgStore } from "../store/pg-store.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import { EXIT, type CliCommand, type CliIo } from "./types.js";
import { parseOptions } from "./options.js";

const USAGE = [
  "usage: gantry migrate-store --from sqlite:<path, e.g. ./data/gantry.db> [--to postgres://user:password@host:5432/db]",
  "  Copies every deploy, transition, vote, lock, waiter, audit event, ledger commit, incident and digest, with their",
  "  ids, in one transaction, then compares row counts. --to defaults to GANTRY_DATABASE_URL. The target must be a",
  "  fresh (or freshly migrated, empty) database: a non-empty one is refused, as the audit log there cannot be replaced.",
  "  Stop Gantry first; the SQLite file is brought to the current schema, and is otherwise left as it was.",
];

export async function migrateStoreCli(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, { from: { type: "string" }, to: { type: "string" } }, io, USAGE);
  if (!values) return EXIT.usage;
  const usage = (problem: string) => (io.err(problem), USAGE.forEach((l) => io.err(l)), EXIT.usage);
  const from = values.from === undefined ? "" : String(values.from);
  const to = values.to === undefined ? io.env.GANTRY_DATABASE_URL : String(values.to);
  if (!from.startsWith("sqlite:")) return usage("--from must be sqlite:<path of the SQLite file>");
  if (!isPostgresUrl(to)) return usage("--to (or GANTRY_DATABASE_URL) must be a postgres:// or postgresql:// URL");
  const path = from.slice("sqlite:".length);
  // openSqliteStore would create an empty file: a typo must not look like a successful (empty) migration.
  if (!existsSync(path)) return usage(`--from: no SQLite file at ${path}`);

  const target = describeDatabaseUrl(to);
  const sqlite = openSqliteStore(path);
  const pg = openPgStore(to, { max: 2 });
  try {
    await pg.ready();
    const counts = await copySqliteToPostgres(sqlite.db, pg.pool);
    io.out(`copied ${path} to PostgreSQL ${target.host}/${target.database}`);
    const width = Math.max(...counts.map((c) => c.table.length));
    io.out(`${"table".padEnd(width)}  ${"sqlite".padStart(8)}  ${"postgres".padStart(8)}`);
    for (const c of counts)
      io.out(
        `${c.table.padEnd(width)}  ${String(c.source).padStart(8)}  ${String(c.target).padStart(8)}${c.source === c.target ? "" : "  MISMATCH"}`,
      );
    const bad = counts.filter((c) => c.source !== c.target);
    if (bad.length > 0) {
      io.err(`row counts differ for ${bad.map((c) => c.table).join(", ")}: was Gantry still writing to ${path}?`);
      return EXIT.failed;
    }
    io.out("row counts match");
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CopyError) {
      io.err(`gantry migrate-store: ${err.message}`);
      return EXIT.failed;
    }
    io.err(
      `gantry migrate-store: ${target.host}/${target.database}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return EXIT.failed;
  } finally {
    await sqlite.close();
    await pg.close();
  }
}

export const migrateStoreCommand: CliCommand = {
  summary: "copy a SQLite installation into PostgreSQL (--from sqlite:<file> --to postgres://…)",
  usage: USAGE,
  run: migrateStoreCli,
};
