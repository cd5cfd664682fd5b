/** The SQLite store's audit log. */
import type Database from "better-sqlite3";
import type { AuditEvent, AuditFilter, AuditInput } from "./types.js";

export function insertAudit(db: Database.Database, e: AuditInput): void {
  db.prepare(
    "INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
  ).run(
    e.at,
    e.actor,
    e.action,
    e.deploymentId ?? null,
    e.service ?? null,
    e.environment ?? null,
    JSON.stringify(e.detail ?? {}),
  );
}

export function listAudit(db: Database.Database, filter: AuditFilter): AuditEvent[] {
  const conditions: [string, unknown][] = [];
  if (filter.since) conditions.push(["at >= ?", filter.since]);
  if (filter.service) conditions.push(["service = ?", filter.service]);
  if (filter.deploymentId !== undefined) conditions.push(["deployment_id = ?", filter.deploymentId]);
  const where = conditions.length ? `WHERE ${conditions.map(([sql]) => sql).join(" AND ")}` : "";
  const args = conditions.map(([, value]) => value);
  type Row = Omit<AuditEvent, "detail" | "deploymentId"> & { deployment_id: number | null; detail: string };
  return db
    .prepare<unknown[], Row>(`SELECT * FROM audit_events ${where} ORDER BY id`)
    .all(...args)
    .map(({ deployment_id, detail, ...rest }) => ({
      ...rest,
      deploymentId: deployment_id,
      detail: JSON.parse(detail),
    }));
}
