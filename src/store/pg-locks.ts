import { sql, type Queryable } from "./pg-db.js";
import { toLock, type LockRow } from "./lock-rows.js";
import type { Lock } from "../domain/deployment.js";

export async function get(db: Queryable, service: string, environment: string): Promise<Lock | undefined> {
  const { rows } = await db.query<LockRow>(sql("SELECT * FROM locks WHERE service = ? AND environment = ?"), [
    service,
    environment,
  ]);
  return rows[0] && toLock(rows[0]);
}

export async function list(db: Queryable): Promise<Lock[]> {
  return (await db.query<LockRow>("SELECT * FROM locks ORDER BY service, environment")).rows.map(toLock);
}

type Acquired = { ok: true; lock: Lock } | { ok: false; lock: Lock };

/**
 * One upsert that only renews the holder's own lock, so two replicas taking a free lock at once cannot both win
 * (the second waits for the first's row, then finds someone else holding it).
 */
export async function acquire(db: Queryable, lock: Omit<Lock, "warned">): Promise<Acquired> {
  for (;;) {
    const { rows } = await db.query<LockRow>(
      sql(`INSERT INTO locks (service, environment, holder, reason, created_at, expires_at, warned) VALUES (?, ?, ?, ?, ?, ?, 0)
           ON CONFLICT (service, environment) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, warned = 0
           WHERE locks.holder = excluded.holder
           RETURNING *`),
      [lock.service, lock.environment, lock.holder, lock.reason, lock.createdAt, lock.expiresAt],
    );
    if (rows[0]) return { ok: true, lock: toLock(rows[0]) };
    const current = await get(db, lock.service, lock.environment);
    // Released between the two statements: try again.
    if (current) return { ok: false, lock: current };
  }
}

/** Runs inside the caller's transaction. */
export async function release(
  db: Queryable,
  service: string,
  environment: string,
): Promise<{ lock: Lock; waiters: string[] } | undefined> {
  const { rows } = await db.query<LockRow>(sql("DELETE FROM locks WHERE service = ? AND environment = ? RETURNING *"), [
    service,
    environment,
  ]);
  if (!rows[0]) return undefined;
  const waiters = await db.query<{ user_id: string }>(
    sql(`WITH gone AS (DELETE FROM lock_waiters WHERE service = ? AND environment = ? RETURNING user_id, at)
         SELECT user_id FROM gone ORDER BY at, user_id`),
    [service, environment],
  );
  return { lock: toLock(rows[0]), waiters: waiters.rows.map((r) => r.user_id) };
}

export async function markWarned(db: Queryable, service: string, environment: string): Promise<void> {
  await db.query(sql("UPDATE locks SET warned = 1 WHERE service = ? AND environment = ?"), [service, environment]);
}

export async function addWaiter(
  db: Queryable,
  service: string,
  environment: string,
  user: string,
  at: string,
): Promise<void> {
  await db.query(
    sql("INSERT INTO lock_waiters (service, environment, user_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
    [service, environment, user, at],
  );
}

/** One statement, so two replicas racing for an expired lease cannot both win. */
export async function acquireLease(
  db: Queryable,
  name: string,
  holder: string,
  now: string,
  ttlMs: number,
): Promise<boolean> {
  const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
  const { rowCount } = await db.query(
    sql(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`),
    [name, holder, expiresAt, now],
  );
  return rowCount === 1;
}

export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query(sql("DELETE FROM leases WHERE name = ? AND holder = ?"), [name, holder]);
}
