import type pg from "pg";
import { jiraKeys } from "../domain/change.js";
import { LIVE_STATES, type DeployState } from "../domain/deploy-state.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident } from "../domain/dora/types.js";
import { createPool, sql, tx, type Queryable } from "./pg-db.js";
import * as deliveries from "./pg-deliveries.js";
import * as ledger from "./pg-ledger.js";
import * as locks from "./pg-locks.js";
import { migratePg } from "./pg-migrations.js";
import { patchColumns, toDeployment, type DeploymentRow } from "./rows.js";
import type {
  AuditEvent,
  AuditFilter,
  AuditInput,
  CreateResult,
  Deployment,
  DeploymentPatch,
  DigestRecord,
  ImportedDeployment,
  LedgerTarget,
  Lock,
  NewDeployment,
  Store,
  Transition,
  Vote,
} from "./types.js";

const LIVE = [...LIVE_STATES];
const LIVE_SQL = `state IN (${LIVE.map((s) => `'${s}'`).join(", ")})`;

export interface PgStoreOptions {
  /** Connections in the pool (GANTRY_DATABASE_POOL). */
  max?: number;
}

/**
 * Opens a PostgreSQL store. Returns at once; the pending migrations run before the first query (see `ready`), under
 * an advisory lock, so replicas starting together migrate once.
 */
export function openPgStore(url: string, opts: PgStoreOptions = {}): PgStore {
  return new PgStore(createPool(url, opts.max ?? 10));
}

/**
 * The Store on PostgreSQL, behaving exactly as SqliteStore. Every state change is a conditional statement in one
 * transaction with its transition and audit event, so any number of replicas can share one database.
 */
export class PgStore implements Store {
  private migrated: Promise<void> | undefined;

  constructor(readonly pool: pg.Pool) {}

  /** Settles when the schema is up to date; every method waits for it. Rejects when the database is unreachable. */
  ready(): Promise<void> {
    this.migrated ??= migratePg(this.pool).then(
      () => undefined,
      (err: unknown) => {
        this.migrated = undefined;
        throw err;
      },
    );
    return this.migrated;
  }

  async createDeployment(input: NewDeployment): Promise<CreateResult> {
    const state = input.state ?? "requested";
    const kind = input.kind ?? "deploy";
    for (;;) {
      const created = await this.tx(async (db): Promise<Deployment | { active: Deployment } | undefined> => {
        // Looked up first, as SQLite does, so a refusal uses up no id; the index below settles a race.
        const { rows: live } = await db.query<DeploymentRow>(sql(`SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`), [input.service, input.environment]);
        if (live[0]) return { active: toDeployment(live[0]) };
        // The partial unique index decides between racing replicas: the loser inserts nothing.
        const { rows } = await db.query<DeploymentRow>(
          sql(`INSERT INTO deployments (key, service, environment, ref, sha, requester, mode, kind, state, slack_channel,
                 source_id, replaces_id, force_reason, hotfix, artifact, expires_at, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (service, environment) WHERE ${LIVE_SQL} DO NOTHING
               RETURNING *`),
          [input.key, input.service, input.environment, input.ref, input.sha ?? null, input.requester, input.mode, kind, state, input.slackChannel,
            input.sourceId ?? null, input.replacesId ?? null, input.forceReason ?? null, input.hotfix ? 1 : 0, input.artifact ?? null,
            input.expiresAt ?? null, input.at, input.at],
        );
        if (!rows[0]) return undefined;
        const deployment = toDeployment(rows[0]);
        await insertTransition(db, deployment.id, state, input.at);
        await insertAudit(db, {
          actor: input.requester,
          action: `${kind}.${state}`,
          deploymentId: deployment.id,
          service: input.service,
          environment: input.environment,
          detail: {
            ref: input.ref,
            mode: input.mode,
            ...(input.sourceId ? { sourceId: input.sourceId } : {}),
            ...(input.replacesId ? { replacesId: input.replacesId } : {}),
            ...(input.forceReason ? { breakGlass: input.forceReason } : {}),
            ...(input.hotfix ? { hotfix: true } : {}),
          },
          at: input.at,
        });
        return deployment;
      });
      if (created && "active" in created) return { ok: false, active: created.active };
      if (created) return { ok: true, deployment: created };
      const active = await this.findActive(input.service, input.environment);
      // The live deploy we collided with finished in between: try again.
      if (active) return { ok: false, active };
    }
  }

  async getDeployment(id: number): Promise<Deployment | undefined> {
    return this.one("SELECT * FROM deployments WHERE id = ?", [id]);
  }

  async findByKey(key: string): Promise<Deployment | undefined> {
    return this.one("SELECT * FROM deployments WHERE key = ?", [key]);
  }

  async findActive(service: string, environment: string): Promise<Deployment | undefined> {
    return this.one(`SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`, [service, environment]);
  }

  async listLive(): Promise<Deployment[]> {
    return this.many(`SELECT * FROM deployments WHERE ${LIVE_SQL} ORDER BY id`, []);
  }

  async transition(
    id: number,
    from: readonly DeployState[],
    to: DeployState,
    patch: DeploymentPatch,
    audit: Omit<AuditInput, "deploymentId" | "service" | "environment">,
  ): Promise<Deployment | undefined> {
    return this.tx(async (db) => {
      const { sets, values } = patchColumns(patch);
      // A concurrent transition of the same row waits for ours, then finds the state changed and updates nothing.
      const { rows } = await db.query<DeploymentRow>(
        sql(`UPDATE deployments SET state = ?, updated_at = ?${sets} WHERE id = ? AND state = ANY(?) RETURNING *`),
        [to, audit.at, ...values, id, [...from]],
      );
      if (!rows[0]) return undefined;
      const deployment = toDeployment(rows[0]);
      await insertTransition(db, id, to, audit.at);
      await insertAudit(db, { ...audit, deploymentId: id, service: deployment.service, environment: deployment.environment });
      return deployment;
    });
  }

  async patch(id: number, patch: DeploymentPatch, at: string): Promise<Deployment> {
    const { sets, values } = patchColumns(patch);
    const rows = await this.many(`UPDATE deployments SET updated_at = ?${sets} WHERE id = ? RETURNING *`, [at, ...values, id]);
    return rows[0]!;
  }

  async history(service: string, environment?: string, limit = 10): Promise<Deployment[]> {
    return environment
      ? this.many("SELECT * FROM deployments WHERE service = ? AND environment = ? ORDER BY id DESC LIMIT ?", [service, environment, limit])
      : this.many("SELECT * FROM deployments WHERE service = ? ORDER BY id DESC LIMIT ?", [service, limit]);
  }

  async currentlyDeployed(service?: string): Promise<Deployment[]> {
    const where = service ? "AND service = ?" : "";
    return this.many(
      `SELECT d.* FROM deployments d
       JOIN (SELECT service, environment, MAX(id) AS id FROM deployments
             WHERE state = 'succeeded' ${where} GROUP BY service, environment) latest ON latest.id = d.id
       ORDER BY d.service, d.environment`,
      service ? [service] : [],
    );
  }

  async transitions(id: number): Promise<Transition[]> {
    return (await this.query<Transition>("SELECT state, at FROM deployment_transitions WHERE deployment_id = ? ORDER BY id", [id])).rows;
  }

  async lastSucceeded(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined> {
    return this.one(
      "SELECT * FROM deployments WHERE service = ? AND environment = ? AND state = 'succeeded' AND id < ? ORDER BY id DESC LIMIT 1",
      [service, environment, beforeId ?? Number.MAX_SAFE_INTEGER],
    );
  }

  async succeededWithSha(service: string, environment: string, sha: string): Promise<Deployment | undefined> {
    return this.one(
      "SELECT * FROM deployments WHERE service = ? AND environment = ? AND sha = ? AND state = 'succeeded' ORDER BY id DESC LIMIT 1",
      [service, environment, sha],
    );
  }

  async expiredApprovals(now: string): Promise<Deployment[]> {
    return this.many("SELECT * FROM deployments WHERE state = 'pending_approval' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id", [now]);
  }

  async listPendingApprovals(): Promise<Deployment[]> {
    return this.many("SELECT * FROM deployments WHERE state = 'pending_approval' ORDER BY id", []);
  }

  async castVote(deploymentId: number, vote: Vote): Promise<{ recorded: boolean }> {
    return this.tx(async (db) => {
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
    });
  }

  async votes(deploymentId: number): Promise<Vote[]> {
    return (await this.query<Vote>("SELECT voter, vote, sha, at FROM votes WHERE deployment_id = ? ORDER BY id", [deploymentId])).rows;
  }

  async getLock(service: string, environment: string): Promise<Lock | undefined> {
    return locks.get(await this.db(), service, environment);
  }

  async listLocks(): Promise<Lock[]> {
    return locks.list(await this.db());
  }

  async acquireLock(lock: Omit<Lock, "warned">): Promise<{ ok: true; lock: Lock } | { ok: false; lock: Lock }> {
    return locks.acquire(await this.db(), lock);
  }

  async releaseLock(service: string, environment: string): Promise<{ lock: Lock; waiters: string[] } | undefined> {
    return this.tx((db) => locks.release(db, service, environment));
  }

  async markLockWarned(service: string, environment: string): Promise<void> {
    await locks.markWarned(await this.db(), service, environment);
  }

  async addLockWaiter(service: string, environment: string, user: string, at: string): Promise<void> {
    await locks.addWaiter(await this.db(), service, environment, user, at);
  }

  async recordCommits(deploymentId: number, commits: readonly LedgerCommit[]): Promise<number> {
    return this.tx((db) => ledger.recordCommits(db, deploymentId, commits, jiraKeys));
  }

  async ledger(targets: readonly LedgerTarget[], since: string): Promise<LedgerDeployment[]> {
    return ledger.ledger(await this.db(), targets, since);
  }

  async upsertIncidents(incidents: readonly LedgerIncident[], at: string): Promise<number> {
    return this.tx((db) => ledger.upsertIncidents(db, incidents, at));
  }

  async incidents(services: readonly string[], since: string): Promise<LedgerIncident[]> {
    return ledger.incidents(await this.db(), services, since);
  }

  async claimDigest(team: string, weekStart: string, at: string): Promise<boolean> {
    return ledger.claimDigest(await this.db(), team, weekStart, at);
  }

  async completeDigest(record: Required<Omit<DigestRecord, "claimedAt">>): Promise<void> {
    await ledger.completeDigest(await this.db(), record);
  }

  async releaseDigest(team: string, weekStart: string): Promise<void> {
    await ledger.releaseDigest(await this.db(), team, weekStart);
  }

  async getDigest(team: string, weekStart: string): Promise<DigestRecord | undefined> {
    return ledger.getDigest(await this.db(), team, weekStart);
  }

  async importDeployment(d: ImportedDeployment): Promise<{ inserted: boolean; id: number }> {
    return this.tx((db) => ledger.importDeployment(db, d));
  }

  async audit(event: AuditInput): Promise<void> {
    await insertAudit(await this.db(), event);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const conditions: [string, unknown][] = [];
    if (filter.since) conditions.push(["at >= ?", filter.since]);
    if (filter.service) conditions.push(["service = ?", filter.service]);
    if (filter.deploymentId !== undefined) conditions.push(["deployment_id = ?", filter.deploymentId]);
    const where = conditions.length ? `WHERE ${conditions.map(([text]) => text).join(" AND ")}` : "";
    type Row = Omit<AuditEvent, "detail" | "deploymentId"> & { deployment_id: number | null; detail: string };
    const { rows } = await this.query<Row>(`SELECT * FROM audit_events ${where} ORDER BY id`, conditions.map(([, value]) => value));
    return rows.map(({ deployment_id, detail, ...rest }) => ({ ...rest, deploymentId: deployment_id, detail: JSON.parse(detail) }));
  }

  async acquireLease(name: string, holder: string, now: string, ttlMs: number): Promise<boolean> {
    return locks.acquireLease(await this.db(), name, holder, now, ttlMs);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await locks.releaseLease(await this.db(), name, holder);
  }

  async firstDelivery(key: string, at: string): Promise<boolean> {
    return deliveries.firstDelivery(await this.db(), key, at);
  }

  async forgetDeliveries(before: string): Promise<number> {
    return deliveries.forgetDeliveries(await this.db(), before);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private async db(): Promise<Queryable> {
    await this.ready();
    return this.pool;
  }

  private async tx<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    return tx(this.pool, work);
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    return (await this.db()).query<R>(sql(text), values);
  }

  private async many(text: string, values: unknown[]): Promise<Deployment[]> {
    return (await this.query<DeploymentRow>(text, values)).rows.map(toDeployment);
  }

  private async one(text: string, values: unknown[]): Promise<Deployment | undefined> {
    return (await this.many(text, values))[0];
  }
}

async function insertTransition(db: Queryable, id: number, state: DeployState, at: string): Promise<void> {
  await db.query(sql("INSERT INTO deployment_transitions (deployment_id, state, at) VALUES (?, ?, ?)"), [id, state, at]);
}

async function insertAudit(db: Queryable, e: AuditInput): Promise<void> {
  await db.query(sql("INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"), [
    e.at,
    e.actor,
    e.action,
    e.deploymentId ?? null,
    e.service ?? null,
    e.environment ?? null,
    JSON.stringify(e.detail ?? {}),
  ]);
}
