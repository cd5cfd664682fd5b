/** The write paths of the PostgreSQL store: one statement, or a few inside the transaction PgStore opens. */
import { LIVE_STATES, type DeployState } from "../domain/deploy-state.js";
import { sql, type Queryable } from "./pg-db.js";
import { toLock, type LockRow } from "./lock-rows.js";
import {
  creationAudit,
  NEW_DEPLOYMENT_COLUMNS,
  newDeploymentValues,
  patchColumns,
  toDeployment,
  type DeploymentRow,
} from "./rows.js";
import type { Deployment, DeploymentPatch, Lock, NewDeployment, Vote } from "../domain/deployment.js";
import type { AuditEvent, AuditFilter, AuditInput, GuardedCreateResult } from "./types.js";

/** The states the one-live index covers (deployments_one_live). */
export const LIVE_SQL = `state IN (${LIVE_STATES.map((s) => `'${s}'`).join(", ")})`;

/**
 * One attempt, in one statement (so in one round trip, atomic without BEGIN/COMMIT). Another holder's lock ($21; NULL
 * looks at no lock) or the live deploy in the way is looked up first, as SQLite does, so a refusal uses up no id;
 * otherwise the new deploy is inserted with its transition and audit event. The partial unique index decides between
 * racing replicas: the loser inserts nothing (neither the deploy nor its transition or audit event, which only follow
 * an inserted row) and gets no deploy back. The casts type the parameters, which an INSERT … SELECT cannot infer.
 */
const CREATE_SQL = `
  WITH held AS (
    SELECT * FROM locks WHERE service = $2 AND environment = $3 AND holder <> $21::text
  ), live AS (
    SELECT * FROM deployments WHERE service = $2 AND environment = $3 AND ${LIVE_SQL}
  ), inserted AS (
    INSERT INTO deployments (${NEW_DEPLOYMENT_COLUMNS}, updated_at)
    SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text,
           $11::bigint, $12::bigint, $13::text, $14::bigint, $15::text, $16::text, $17::text, $17::text
    WHERE NOT EXISTS (SELECT 1 FROM held) AND NOT EXISTS (SELECT 1 FROM live)
    ON CONFLICT (service, environment) WHERE ${LIVE_SQL} DO NOTHING
    RETURNING *
  ), transitioned AS (
    INSERT INTO deployment_transitions (deployment_id, state, at) SELECT id, state, $17 FROM inserted
  ), audited AS (
    INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail)
    SELECT $17, $18, $19, id, service, environment, $20 FROM inserted
  )
  SELECT (SELECT row_to_json(held)::text FROM held) AS held_lock, d.*
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT true AS is_new, * FROM inserted UNION ALL SELECT false AS is_new, * FROM live) AS d ON true`;

type CreateRow = DeploymentRow & { held_lock: string | null; is_new: boolean | null };

/**
 * One attempt: the new deploy, the live one in the way, the lock of someone other than `holder` (when given), or
 * undefined after a lost race.
 */
export async function createOnce(
  db: Queryable,
  input: NewDeployment,
  holder: string | null,
): Promise<Deployment | { active: Deployment } | { lock: Lock } | undefined> {
  const state = input.state ?? "requested";
  const kind = input.kind ?? "deploy";
  // The id is the inserted row's; the rest of the event is known before the statement runs.
  const audit = creationAudit(input, 0, kind, state);
  const { rows } = await db.query<CreateRow>(CREATE_SQL, [
    ...newDeploymentValues(input, kind, state),
    audit.actor,
    audit.action,
    JSON.stringify(audit.detail ?? {}),
    holder,
  ]);
  const row = rows[0]!;
  if (row.held_lock) return { lock: toLock(JSON.parse(row.held_lock) as LockRow) };
  if (row.is_new === null) return undefined;
  return row.is_new ? toDeployment(row) : { active: toDeployment(row) };
}

/**
 * A new deploy, the live one or the lock in the way (see createOnce). One statement, so no transaction and no
 * connection held across round trips; a second only after a lost race.
 */
export async function create(db: Queryable, input: NewDeployment, holder: string | null): Promise<GuardedCreateResult> {
  for (;;) {
    const created = await createOnce(db, input, holder);
    if (created && "lock" in created) return { ok: false, lock: created.lock };
    if (created && "active" in created) return { ok: false, active: created.active };
    if (created) return { ok: true, deployment: created };
    const { rows } = await db.query<DeploymentRow>(
      sql(`SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`),
      [input.service, input.environment],
    );
    // The live deploy we collided with finished in between: try again.
    if (rows[0]) return { ok: false, active: toDeployment(rows[0]) };
  }
}

/** The conditional update with its transition and audit event, in the caller's transaction. */
export async function transitionIn(
  db: Queryable,
  id: number,
  from: readonly DeployState[],
  to: DeployState,
  patch: DeploymentPatch,
  audit: Omit<AuditInput, "deploymentId" | "service" | "environment">,
): Promise<Deployment | undefined> {
  const { sets, values } = patchColumns(patch);
  // A concurrent transition of the same row waits for ours, then finds the state changed and updates nothing.
  const { rows } = await db.query<DeploymentRow>(
    sql(`UPDATE deployments SET state = ?, updated_at = ?${sets} WHERE id = ? AND state = ANY(?) RETURNING *`),
    [to, audit.at, ...values, id, [...from]],
  );
  if (!rows[0]) return undefined;
  const deployment = toDeployment(rows[0]);
  await insertTransition(db, id, to, audit.at);
  await insertAudit(db, {
    ...audit,
    deploymentId: id,
    service: deployment.service,
    environment: deployment.environment,
  });
  return deployment;
}

export async function castVoteIn(db: Queryable, deploymentId: number, vote: Vote): Promise<{ recorded: boolean }> {
  // Two clicks on two replicas: the unique (deployment, voter, sha) lets exactly one insert through.
  const { rows } = await db.query<{ service: string; environment: string }>(
    sql(`WITH added AS (
           INSERT INTO votes (deployment_id, voter, vote, sha, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING deployment_id
         )
         SELECT d.service, d.environment FROM added JOIN deployments d ON d.id = added.deployment_id`),
    [deploymentId, vote.voter, vote.vote, vote.sha, vote.at],
  );
  if (!rows[0]) return { recorded: false };
  await insertAudit(db, {
    actor: vote.voter,
    action: `vote.${vote.vote}`,
    deploymentId,
    service: rows[0].service,
    environment: rows[0].environment,
    detail: { sha: vote.sha },
    at: vote.at,
  });
  return { recorded: true };
}

export async function listAuditIn(db: Queryable, filter: AuditFilter): Promise<AuditEvent[]> {
  const conditions: [string, unknown][] = [];
  if (filter.since) conditions.push(["at >= ?", filter.since]);
  if (filter.service) conditions.push(["service = ?", filter.service]);
  if (filter.deploymentId !== undefined) conditions.push(["deployment_id = ?", filter.deploymentId]);
  const where = conditions.length ? `WHERE ${conditions.map(([text]) => text).join(" AND ")}` : "";
  type Row = Omit<AuditEvent, "detail" | "deploymentId"> & { deployment_id: number | null; detail: string };
  const { rows } = await db.query<Row>(
    sql(`SELECT * FROM audit_events ${where} ORDER BY id`),
    conditions.map(([, value]) => value),
  );
  return rows.map(({ deployment_id, detail, ...rest }) => ({
    ...rest,
    deploymentId: deployment_id,
    detail: JSON.parse(detail),
  }));
}

export async function insertTransition(db: Queryable, id: number, state: DeployState, at: string): Promise<void> {
  await db.query(sql("INSERT INTO deployment_transitions (deployment_id, state, at) VALUES (?, ?, ?)"), [
    id,
    state,
    at,
  ]);
}

export async function insertAudit(db: Queryable, e: AuditInput): Promise<void> {
  await db.query(
    sql(
      "INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    [
      e.at,
      e.actor,
      e.action,
      e.deploymentId ?? null,
      e.service ?? null,
      e.environment ?? null,
      JSON.stringify(e.detail ?? {}),
    ],
  );
}
