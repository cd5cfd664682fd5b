import type Database from "better-sqlite3";
import { toLock, type LockRow } from "./lock-rows.js";
import type { Lock } from "../domain/deployment.js";

export function get(db: Database.Database, service: string, environment: string): Lock | undefined {
  const row = db
    .prepare<[string, string], LockRow>("SELECT * FROM locks WHERE service = ? AND environment = ?")
    .get(service, environment);
  return row && toLock(row);
}

export function list(db: Database.Database): Lock[] {
  return db.prepare<[], LockRow>("SELECT * FROM locks ORDER BY service, environment").all().map(toLock);
}

/** Runs inside the caller's transaction. The holder may renew; anyone else is refused. */
export function acquire(
  db: Database.Database,
  lock: Omit<Lock, "warned">,
): { ok: true; lock: Lock } | { ok: false; lock: Lock } {
  const current = get(db, lock.service, lock.environment);
  if (current && current.holder !== lock.holder) return { ok: false, lock: current };
  db.prepare(
    `INSERT INTO locks (service, environment, holder, reason, created_at, expires_at, warned) VALUES (?, ?, ?, ?, ?, ?, 0)
     ON CONFLICT (service, environment) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, warned = 0`,
  ).run(lock.service, lock.environment, lock.holder, lock.reason, lock.createdAt, lock.expiresAt);
  return { ok: true, lock: get(db, lock.service, lock.environment)! };
}

/** Runs inside the caller's transaction. */
export function release(
  db: Database.Database,
  service: string,
  environment: string,
): { lock: Lock; waiters: string[] } | undefined {
  const lock = get(db, service, environment);
  if (!lock) return undefined;
  const waiters = db
    .prepare<[string, string], { user_id: string }>(
      "SELECT user_id FROM lock_waiters WHERE service = ? AND environment = ? ORDER BY at, user_id",
    )
    .all(service, environment)
    .map((r) => r.user_id);
  db.prepare("DELETE FROM lock_waiters WHERE service = ? AND environment = ?").run(service, environment);
  db.prepare("DELETE FROM locks WHERE service = ? AND environment = ?").run(service, environment);
  return { lock, waiters };
}
