/** The SQL of the shared GitHub budget (rate_budgets), as both engines speak it; `?` placeholders. */
import type { RateObservation } from "../domain/rate-budget.js";

export interface RateBudgetRow {
  limit_total: number;
  remaining: number;
  reset_at: number;
  observed_at: number;
}

export const LOAD_BUDGET_SQL =
  "SELECT limit_total, remaining, reset_at, observed_at FROM rate_budgets WHERE token_hash = ? AND limit_total > 0";

/** Keeps the stored observation when it is of a later window, or came later in the same one. */
export const SAVE_BUDGET_SQL = `
  INSERT INTO rate_budgets (token_hash, limit_total, remaining, reset_at, observed_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (token_hash) DO UPDATE SET limit_total = excluded.limit_total, remaining = excluded.remaining,
    reset_at = excluded.reset_at, observed_at = excluded.observed_at
  WHERE excluded.reset_at > rate_budgets.reset_at
    OR (excluded.reset_at = rate_budgets.reset_at AND excluded.observed_at >= rate_budgets.observed_at)`;

/** One statement, so two replicas never take the same slot; `max` is the engine's two-argument maximum. */
export function takeSlotSql(max: "MAX" | "GREATEST"): string {
  return `
  INSERT INTO rate_budgets (token_hash, limit_total, remaining, reset_at, observed_at, next_slot)
  VALUES (?, 0, 0, 0, 0, ?)
  ON CONFLICT (token_hash) DO UPDATE SET next_slot = ${max}(rate_budgets.next_slot + ?, ?)
  RETURNING next_slot`;
}

export function saveParams(key: string, o: RateObservation): unknown[] {
  return [key, o.limit, o.remaining, Math.round(o.resetAt), Math.round(o.observedAt)];
}

export function toObservation(row: RateBudgetRow | undefined): RateObservation | undefined {
  return (
    row && {
      limit: Number(row.limit_total),
      remaining: Number(row.remaining),
      resetAt: Number(row.reset_at),
      observedAt: Number(row.observed_at),
    }
  );
}
