import type Database from "better-sqlite3";
import type { RateBudgetShare } from "../domain/rate-budget.js";
import {
  LOAD_BUDGET_SQL,
  SAVE_BUDGET_SQL,
  saveParams,
  takeSlotSql,
  toObservation,
  type RateBudgetRow,
} from "./rate-budget-sql.js";

/** The shared GitHub budget on SQLite: every replica on the file reads and paces by the same row. */
export function sqliteRateBudgets(db: Database.Database): RateBudgetShare {
  return {
    async loadRateBudget(key) {
      return toObservation(db.prepare<[string], RateBudgetRow>(LOAD_BUDGET_SQL).get(key));
    },
    async saveRateBudget(key, obs) {
      db.prepare(SAVE_BUDGET_SQL).run(...saveParams(key, obs));
    },
    async takeRateSlot(key, now, spacingMs) {
      const at = Math.round(now);
      const row = db.prepare(takeSlotSql("MAX")).get(key, at, Math.round(spacingMs), at) as { next_slot: number };
      return Number(row.next_slot);
    },
  };
}
