import type Database from "better-sqlite3";

/** One statement, so two connections racing for an expired lease cannot both win. */
export function acquire(db: Database.Database, name: string, holder: string, now: string, ttlMs: number): boolean {
  const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
  const { changes } = db
    .prepare(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
    )
    .run(name, holder, expiresAt, now);
  return changes === 1;
}

export function release(db: Database.Database, name: string, holder: string): void {
  db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?").run(name, holder);
}
