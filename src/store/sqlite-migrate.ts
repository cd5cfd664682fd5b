/** Opening an SQLite database for Gantry: its schema brought up to date, its statements compiled once. */
import type Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations.js";

/** Each SQL text is compiled once: preparing it on every call was a fifth of a busy Gantry's store time (npm run bench). */
export function cacheStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (statement) return statement;
    // SQL carries placeholders, never values, so the texts are few; the bound only guards against a future mistake.
    if (statements.size >= 1000) statements.clear();
    statements.set(sql, (statement = prepare(sql)));
    return statement;
  }) as typeof db.prepare;
}

export function migrate(db: Database.Database): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    db
      .prepare<[], { version: number }>("SELECT version FROM schema_migrations")
      .all()
      .map((r) => r.version),
  );
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    ran.push(m.version);
  }
  return ran;
}
