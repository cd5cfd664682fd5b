/**
 * Copies a SQLite installation into an empty PostgreSQL database, row for row and id for id (`gantry migrate-store`).
 * The target is written in one transaction: it ends up with everything or nothing.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import { tx } from "./pg-db.js";

/** Every table worth keeping, parents before children, each in its primary key's order. */
export const COPIED_TABLES = [
  { table: "deployments", order: "id", identity: true },
  { table: "deployment_transitions", order: "id", identity: true },
  { table: "votes", order: "id", identity: true },
  { table: "audit_events", order: "id", identity: true },
  { table: "locks", order: "service, environment", identity: false },
  { table: "lock_waiters", order: "service, environment, user_id", identity: false },
  { table: "deployment_commits", order: "deployment_id, sha", identity: false },
  { table: "incidents", order: "key", identity: false },
  { table: "digests", order: "team, week_start", identity: false },
] as const;

/**
 * Short-lived coordination between running replicas (they expire within minutes; the GitHub budget is read again from
 * GitHub's next answer), and the schema's own bookkeeping.
 */
export const SKIPPED_TABLES = [
  "schema_migrations",
  "leases",
  "idempotency_keys",
  "rate_budgets",
  "handoffs",
  "usergroup_members",
] as const;

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export type CopyCode = "target_not_empty" | "unknown_table" | "column_mismatch" | "count_mismatch";

export class CopyError extends Error {
  constructor(
    readonly code: CopyCode,
    message: string,
  ) {
    super(message);
  }
}

type Row = Record<string, unknown>;

/** Parameters per INSERT stay well below PostgreSQL's 65 535. */
const MAX_PARAMS = 30_000;

function readSource(db: Database.Database): Map<string, Row[]> {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((r) => r.name);
  const known = new Set<string>([...COPIED_TABLES.map((t) => t.table), ...SKIPPED_TABLES]);
  const unknown = tables.filter((t) => !known.has(t));
  if (unknown.length > 0)
    throw new CopyError(
      "unknown_table",
      `the SQLite file has tables this Gantry does not know how to copy: ${unknown.join(", ")}`,
    );
  // One read transaction: a consistent snapshot even if a Gantry is still writing to the file.
  return db.transaction(
    () =>
      new Map(
        COPIED_TABLES.map(({ table, order }) => [
          table,
          db.prepare<[], Row>(`SELECT * FROM ${table} ORDER BY ${order}`).all(),
        ]),
      ),
  )();
}

async function count(db: Pick<pg.PoolClient, "query">, table: string): Promise<number> {
  return Number((await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
}

async function insertAll(client: pg.PoolClient, table: string, columns: string[], rows: Row[]): Promise<void> {
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += perInsert) {
    const chunk = rows.slice(i, i + perInsert);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => `(${columns.map((c) => `$${values.push(row[c] ?? null)}`).join(", ")})`);
    await client.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, values);
  }
}

/**
 * Copies every table of `source` into `target` (already migrated, and empty: refused otherwise), resets the id
 * sequences past the copied ids, and compares row counts before committing. Returns the counts, read afresh.
 */
export async function copySqliteToPostgres(source: Database.Database, target: pg.Pool): Promise<TableCount[]> {
  const data = readSource(source);
  await tx(target, async (client) => {
    // No replica may write while the copy runs.
    await client.query(`LOCK TABLE ${COPIED_TABLES.map((t) => t.table).join(", ")} IN EXCLUSIVE MODE`);
    for (const { table } of COPIED_TABLES) {
      const n = await count(client, table);
      if (n > 0)
        throw new CopyError(
          "target_not_empty",
          `the target database is not empty (${table} has ${n} rows): migrate into a fresh database`,
        );
    }
    for (const { table, identity } of COPIED_TABLES) {
      const columns = source
        .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
        .all()
        .map((c) => c.name);
      const targetColumns = await client.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()",
        [table],
      );
      const missing = columns.filter((c) => !targetColumns.rows.some((r) => r.column_name === c));
      if (missing.length > 0)
        throw new CopyError("column_mismatch", `${table}: the target has no column ${missing.join(", ")}`);
      await insertAll(client, table, columns, data.get(table)!);
      if (identity) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM ${table}`,
        );
      }
    }
    for (const { table } of COPIED_TABLES) {
      const copied = await count(client, table);
      const expected = data.get(table)!.length;
      if (copied !== expected)
        throw new CopyError("count_mismatch", `${table}: copied ${copied} rows of ${expected}; nothing was committed`);
    }
  });
  const counts: TableCount[] = [];
  for (const { table } of COPIED_TABLES) {
    const sourceCount = source.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
    counts.push({ table, source: sourceCount, target: await count(target, table) });
  }
  return counts;
}
