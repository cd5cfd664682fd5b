import { sql, type Queryable } from "./pg-db.js";
import type { RateBudgetShare } from "../domain/rate-budget.js";
import {
  LOAD_BUDGET_SQL,
  SAVE_BUDGET_SQL,
  saveParams,
  takeSlotSql,
  toObservation,
  type RateBudgetRow,
} from "./rate-budget-sql.js";

/** The shared GitHub budget on PostgreSQL: every replica reads and paces by the same row. */
export function pgRateBudgets(db: () => Promise<Queryable>): RateBudgetShare {
  return {
    async loadRateBudget(key) {
      const { rows } = await (await db()).query<RateBudgetRow>(sql(LOAD_BUDGET_SQL), [key]);
      return toObservation(rows[0]);
    },
    async saveRateBudget(key, obs) {
      await (await db()).query(sql(SAVE_BUDGET_SQL), saveParams(key, obs));
    },
    async takeRateSlot(key, now, spacingMs) {
      const at = Math.round(now);
      const { rows } = await (
        await db()
      ).query<{ next_slot: number }>(sql(takeSlotSql("GREATEST")), [key, at, Math.round(spacingMs), at]);
      return Number(rows[0]!.next_slot);
    },
  };
}
