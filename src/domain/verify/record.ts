/**
 * What Gantry keeps of a deploy's verification, stored with the deploy (one JSON column) so that a restart or another
 * replica carries on from it, and so that Slack, App Home, the chart and DORA read one record.
 */
import type { BakeState, Breach } from "./bake.js";
import type { CheckVerdict } from "./types.js";

/** One reading of one check, for the sparkline and the chart. `value` null: no data at that reading. */
export interface TracePoint {
  at: string;
  value: number | null;
}

export interface CheckTrace {
  name: string;
  /** Every reading of the bake, oldest first (bounded by bake / interval, at most twice over). */
  points: TracePoint[];
  /** The latest verdict, with the value, the limit and what was missing. */
  last: CheckVerdict | null;
}

/** How a verification ended. `accepted` and `rolled_back`: a person clicked Accept now or Roll back now. */
export type VerificationOutcome =
  | { kind: "verified"; at: string }
  | { kind: "failed"; at: string; breach: Breach }
  | { kind: "inconclusive"; at: string; held: string[]; breaching: string[] }
  | { kind: "accepted"; at: string; by: string }
  | { kind: "rolled_back"; at: string; by: string };

export interface VerificationRecord {
  /** When the CI run succeeded and the bake began. */
  startedAt: string;
  bake: BakeState;
  /** `maxIncrease` checks: the mean before the deploy, read once at the start; null when there was none. */
  baselines: Record<string, number | null>;
  checks: CheckTrace[];
  /** What Gantry could not see at the latest reading, in the metrics source's words; null when it saw everything. */
  unseen: string | null;
  /** Queries sent to the metrics source for this deploy, retries included. */
  queries: number;
  outcome: VerificationOutcome | null;
  /** The automatic rollback started for a failed verification (onFailure: rollback). */
  rollbackId: number | null;
  /** `promoteTo`: the promotion asked for once this deploy was verified or accepted; absent in older records. */
  promotionId?: number | null;
}

/** The actor Gantry acts as when nobody typed anything: automatic rollbacks and promotions' audit events. */
export const GANTRY_ACTOR = "gantry";
