import type { HandoffQueue } from "../domain/handoff.js";
import {
  HAND_OVER_SQL,
  handOverParams,
  handoffsOf,
  OLDEST_SQL,
  TAKE_SQL,
  WAITING_SQL,
  type HandoffRow,
} from "./handoff-sql.js";
import { sql, type Queryable } from "./pg-db.js";

/** The handoff queue on PostgreSQL: web replicas hand over, any worker takes. */
export function pgHandoffs(db: () => Promise<Queryable>): HandoffQueue {
  return {
    async handOver(h) {
      await (await db()).query(sql(HAND_OVER_SQL), handOverParams(h));
    },
    async take(limit) {
      const { rows } = await (await db()).query<HandoffRow>(sql(TAKE_SQL), [limit]);
      return handoffsOf(rows);
    },
    async oldest() {
      const { rows } = await (await db()).query<{ oldest: string | null }>(OLDEST_SQL);
      return rows[0]?.oldest ?? undefined;
    },
    async waiting(deploymentId) {
      const { rows } = await (await db()).query(sql(WAITING_SQL), [deploymentId]);
      return rows.length > 0;
    },
  };
}
