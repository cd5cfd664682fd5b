/** The write paths of the PostgreSQL store, each a few statements inside the transaction PgStore opens. */
import { LIVE_STATES, type DeployState } from "../domain/deploy-state.js";
import { sql, type Queryable } from "./pg-db.js";
import { creationAudit, patchColumns, toDeployment, type DeploymentRow } from "./rows.js";
import type { Deployment, DeploymentPatch, NewDeployment, Vote } from "../domain/deployment.js";
import type { AuditEvent, AuditFilter, AuditInput } from "./types.js";

/** The states the one-live index covers (deployments_one_live). */
export const LIVE_SQL = `state IN (${LIVE_STATES.map((s) => `'${s}'`).join(", ")})`;

/** One attempt in the caller's transaction: the new deploy, the live one in the way, or undefined after a lost race. */
export async function createOnce(
  db: Queryable,
  input: NewDeployment,
): Promise<Deployment | { active: Deployment } | undefined> {
  const state = input.state ?? "requested";
  const kind = input.kind ?? "deploy";
  // Looked up first, as SQLite does, so a refusal uses up no id; the index below settles a race.
  const { rows: live } = await db.query<DeploymentRow>(
    sql(`SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`),
    [input.service, input.environment],
  );
  if (live[0]) return { active: toDeployment(live[0]) };
  // The partial unique index decides between racing replicas: the loser inserts nothing.
  const { rows } = await db.query<DeploymentRow>(
    sql(`INSERT INTO deployments (key, service, environment, ref, sha, requester, runner, kind, state, slack_channel,
           source_id, replaces_id, force_reason, hotfix, artifact, expires_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (service, environment) WHERE ${LIVE_SQL} DO NOTHING
         RETURNING *`),
    [
      input.key,
      input.service,
      input.environment,
      input.ref,
      input.sha ?? null,
      input.requester,
      input.runner,
      kind,
      state,
      input.slackChannel,
      input.sourceId ?? null,
      input.replacesId ?? null,
      input.forceReason ?? null,
      input.hotfix ? 1 : 0,
      input.artifact ?? null,
      input.expiresAt ?? null,
      input.at,
      input.at,
    ],
  );
  if (!rows[0]) return undefined;
  const deployment = toDeployment(rows[0]);
  await insertTransition(db, deployment.id, state, input.at);
  await insertAudit(db, creationAudit(input, deployment.id, kind, state));
  return deployment;
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
