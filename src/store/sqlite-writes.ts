/** The write paths of the SQLite store, each run inside the transaction SqliteStore opens. */
import type Database from "better-sqlite3";
import { LIVE_STATES, type DeployState } from "../domain/deploy-state.js";
import type { Deployment, DeploymentPatch, NewDeployment, Vote } from "../domain/deployment.js";
import {
  creationAudit,
  NEW_DEPLOYMENT_COLUMNS,
  newDeploymentValues,
  patchColumns,
  toDeployment,
  type DeploymentRow,
} from "./rows.js";
import { insertAudit } from "./sqlite-audit.js";
import { get as getLock } from "./sqlite-locks.js";
import type { AuditInput, CreateResult, GuardedCreateResult } from "./types.js";

export const LIVE_SQL = `state IN (${LIVE_STATES.map((s) => `'${s}'`).join(", ")})`;

export function getSync(db: Database.Database, id: number): Deployment | undefined {
  const row = db.prepare<[number], DeploymentRow>("SELECT * FROM deployments WHERE id = ?").get(id);
  return row && toDeployment(row);
}

export function findActiveSync(db: Database.Database, service: string, environment: string): Deployment | undefined {
  const row = db
    .prepare<[string, string], DeploymentRow>(
      `SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`,
    )
    .get(service, environment);
  return row && toDeployment(row);
}

export function create(db: Database.Database, input: NewDeployment): CreateResult {
  const active = findActiveSync(db, input.service, input.environment);
  if (active) return { ok: false, active };
  const state = input.state ?? "requested";
  const kind = input.kind ?? "deploy";
  const { lastInsertRowid } = db
    .prepare(`INSERT INTO deployments (${NEW_DEPLOYMENT_COLUMNS}, updated_at) VALUES (${"?, ".repeat(17)}?)`)
    .run(...newDeploymentValues(input, kind, state), input.at);
  const id = Number(lastInsertRowid);
  insertTransition(db, id, state, input.at);
  insertAudit(db, creationAudit(input, id, kind, state));
  return { ok: true, deployment: getSync(db, id)! };
}

/** create, unless someone other than `holder` has a lock on the target (expired or not): then that lock. */
export function createUnlessLocked(db: Database.Database, input: NewDeployment, holder: string): GuardedCreateResult {
  const lock = getLock(db, input.service, input.environment);
  return lock && lock.holder !== holder ? { ok: false, lock } : create(db, input);
}

export function transition(
  db: Database.Database,
  id: number,
  from: readonly DeployState[],
  to: DeployState,
  patch: DeploymentPatch,
  audit: Omit<AuditInput, "deploymentId" | "service" | "environment">,
): Deployment | undefined {
  const { sets, values } = patchColumns(patch);
  const placeholders = from.map(() => "?").join(", ");
  const result = db
    .prepare(`UPDATE deployments SET state = ?, updated_at = ?${sets} WHERE id = ? AND state IN (${placeholders})`)
    .run(to, audit.at, ...values, id, ...from);
  if (result.changes === 0) return undefined;
  const deployment = getSync(db, id)!;
  insertTransition(db, id, to, audit.at);
  insertAudit(db, {
    ...audit,
    deploymentId: id,
    service: deployment.service,
    environment: deployment.environment,
  });
  return deployment;
}

export function castVote(db: Database.Database, deploymentId: number, vote: Vote): { recorded: boolean } {
  const { changes } = db
    .prepare("INSERT OR IGNORE INTO votes (deployment_id, voter, vote, sha, at) VALUES (?, ?, ?, ?, ?)")
    .run(deploymentId, vote.voter, vote.vote, vote.sha, vote.at);
  if (changes === 0) return { recorded: false };
  const d = getSync(db, deploymentId)!;
  insertAudit(db, {
    actor: vote.voter,
    action: `vote.${vote.vote}`,
    deploymentId,
    service: d.service,
    environment: d.environment,
    detail: { sha: vote.sha },
    at: vote.at,
  });
  return { recorded: true };
}

function insertTransition(db: Database.Database, id: number, state: DeployState, at: string): void {
  db.prepare("INSERT INTO deployment_transitions (deployment_id, state, at) VALUES (?, ?, ?)").run(id, state, at);
}
