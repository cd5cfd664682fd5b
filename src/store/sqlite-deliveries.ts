import type Database from "better-sqlite3";

/** The primary key decides: of two replicas inserting one key, only one sees a change. */
export function firstDelivery(db: Database.Database, key: string, at: string): boolean {
  return db.prepare("INSERT OR IGNORE INTO idempotency_keys (key, seen_at) VALUES (?, ?)").run(key, at).changes === 1;
}

export function forgetDeliveries(db: Database.Database, before: string): number {
  return db.prepare("DELETE FROM idempotency_keys WHERE seen_at < ?").run(before).changes;
}
