import { sql, type Queryable } from "./pg-db.js";

/** The primary key decides: of two replicas inserting one key, only one inserts a row. */
export async function firstDelivery(db: Queryable, key: string, at: string): Promise<boolean> {
  const { rowCount } = await db.query(
    sql("INSERT INTO idempotency_keys (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
    [key, at],
  );
  return rowCount === 1;
}

export async function forgetDeliveries(db: Queryable, before: string): Promise<number> {
  const { rowCount } = await db.query(sql("DELETE FROM idempotency_keys WHERE seen_at < ?"), [before]);
  return rowCount ?? 0;
}
