import type Database from "better-sqlite3";
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

/** The handoff queue on SQLite (one process, but the same contract as PostgreSQL's). */
export function sqliteHandoffs(db: Database.Database): HandoffQueue {
  return {
    async handOver(h) {
      db.prepare(HAND_OVER_SQL).run(...handOverParams(h));
    },
    async take(limit) {
      return handoffsOf(db.prepare<[number], HandoffRow>(TAKE_SQL).all(limit));
    },
    async oldest() {
      return (db.prepare(OLDEST_SQL).get() as { oldest: string | null } | undefined)?.oldest ?? undefined;
    },
    async waiting(deploymentId) {
      return db.prepare(WAITING_SQL).get(deploymentId) !== undefined;
    },
  };
}
