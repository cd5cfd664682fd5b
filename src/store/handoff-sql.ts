import type Database from "better-sqlite3";
import { z } from "zod";
import type { Handoff, HandoffQueue } from "../domain/handoff.js";
import { sql, type Queryable } from "./pg-db.js";

/** The same statements on both engines (`?` placeholders; pg-db's `sql` numbers them for PostgreSQL). */
const HAND_OVER_SQL = `INSERT INTO handoffs (deployment_id, step, actor, reply_to, created_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (deployment_id, step) DO NOTHING`;

/**
 * One statement: two workers taking at once never get the same row (on PostgreSQL the second waits for the first's
 * delete and then skips the rows it removed).
 */
const TAKE_SQL = `DELETE FROM handoffs WHERE (deployment_id, step) IN
  (SELECT deployment_id, step FROM handoffs ORDER BY created_at, deployment_id LIMIT ?)
  RETURNING deployment_id, step, actor, reply_to, created_at`;

const OLDEST_SQL = "SELECT min(created_at) AS oldest FROM handoffs";

const WAITING_SQL = "SELECT 1 AS one FROM handoffs WHERE deployment_id = ? LIMIT 1";

interface HandoffRow {
  deployment_id: number;
  step: string;
  actor: string | null;
  reply_to: string | null;
  created_at: string;
}

function handOverParams(h: Handoff): [number, string, string | null, string | null, string] {
  return [h.deploymentId, h.step, h.actor, h.replyTo ? JSON.stringify(h.replyTo) : null, h.at];
}

const ReplyToJson = z.object({
  user: z.string().min(1),
  channel: z.string().min(1).optional(),
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
});

/** A row as read back; a reply address that does not parse is dropped (the deploy still launches). */
function toHandoff(row: HandoffRow): Handoff | undefined {
  if (row.step !== "launch" && row.step !== "approved") return undefined;
  let replyTo: Handoff["replyTo"] = null;
  if (row.reply_to) {
    try {
      const parsed = ReplyToJson.safeParse(JSON.parse(row.reply_to));
      if (parsed.success) replyTo = parsed.data;
    } catch {
      replyTo = null;
    }
  }
  return { deploymentId: Number(row.deployment_id), step: row.step, actor: row.actor, replyTo, at: row.created_at };
}

/** Oldest first, whatever order the engine returned the deleted rows in. */
function handoffsOf(rows: readonly HandoffRow[]): Handoff[] {
  return rows
    .map(toHandoff)
    .filter((h): h is Handoff => h !== undefined)
    .sort((a, b) => a.at.localeCompare(b.at) || a.deploymentId - b.deploymentId);
}

/** The handoff queue on SQLite (one process, but the same contract as PostgreSQL's). */
export function sqliteHandoffs(db: Database.Database): HandoffQueue {
  return {
    handOver: async (h) => void db.prepare(HAND_OVER_SQL).run(...handOverParams(h)),
    take: async (limit) => handoffsOf(db.prepare<[number], HandoffRow>(TAKE_SQL).all(limit)),
    oldest: async () => (db.prepare(OLDEST_SQL).get() as { oldest: string | null } | undefined)?.oldest ?? undefined,
    waiting: async (deploymentId) => db.prepare(WAITING_SQL).get(deploymentId) !== undefined,
  };
}

/** The handoff queue on PostgreSQL: web replicas hand over, any worker takes. */
export function pgHandoffs(db: () => Promise<Queryable>): HandoffQueue {
  const query = async <R extends object>(text: string, values: unknown[] = []) =>
    (await (await db()).query<R & Record<string, unknown>>(sql(text), values)).rows;
  return {
    handOver: async (h) => void (await query(HAND_OVER_SQL, handOverParams(h))),
    take: async (limit) => handoffsOf(await query<HandoffRow>(TAKE_SQL, [limit])),
    oldest: async () => (await query<{ oldest: string | null }>(OLDEST_SQL))[0]?.oldest ?? undefined,
    waiting: async (deploymentId) => (await query(WAITING_SQL, [deploymentId])).length > 0,
  };
}
