import type pg from "pg";
import { jiraKeys } from "../domain/change.js";
import type { DeployState } from "../domain/deploy-state.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../domain/dora/types.js";
import { createPool, sql, tx, type Queryable } from "./pg-db.js";
import * as deliveries from "./pg-deliveries.js";
import * as ledger from "./pg-ledger.js";
import * as locks from "./pg-locks.js";
import { pgRateBudgets } from "./pg-rate-budgets.js";
import { pgHandoffs } from "./handoff-sql.js";
import { pgUsergroups } from "./usergroup-sql.js";
import * as queries from "./deployment-queries.js";
import { migratePg } from "./pg-migrations.js";
import { patchColumns, toDeployment, type DeploymentRow } from "./rows.js";
import { castVoteIn, create, insertAudit, LIVE_SQL, listAuditIn, transitionIn } from "./pg-writes.js";
import type { Deployment, DeploymentPatch, Lock, NewDeployment, Transition, Vote } from "../domain/deployment.js";
import type {
  AuditEvent,
  AuditFilter,
  AuditInput,
  CreateResult,
  DigestRecord,
  GuardedCreateResult,
  ImportedDeployment,
  LedgerTarget,
  Store,
} from "./types.js";

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
    // No holder looks at no lock, so the answer is never a lock.
    return (await create(await this.db(), input, null)) as CreateResult;
  }

  async createUnlessLocked(input: NewDeployment, holder: string): Promise<GuardedCreateResult> {
    return create(await this.db(), input, holder);
  }

  async getDeployment(id: number): Promise<Deployment | undefined> {
    return this.one("SELECT * FROM deployments WHERE id = ?", [id]);
  }

  async findByKey(key: string): Promise<Deployment | undefined> {
    return this.one("SELECT * FROM deployments WHERE key = ?", [key]);
  }

  async findActive(service: string, environment: string): Promise<Deployment | undefined> {
    return this.one(`SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`, [
      service,
      environment,
    ]);
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
    return this.tx((db) => transitionIn(db, id, from, to, patch, audit));
  }

  async patch(id: number, patch: DeploymentPatch, at: string, onlyIn?: readonly DeployState[]): Promise<Deployment> {
    const { sets, values } = patchColumns(patch);
    const states = onlyIn ? ` AND state IN (${onlyIn.map(() => "?").join(", ")})` : "";
    const sql = `UPDATE deployments SET updated_at = ?${sets} WHERE id = ?${states} RETURNING *`;
    const rows = await this.many(sql, [at, ...values, id, ...(onlyIn ?? [])]);
    return rows[0] ?? (await this.getDeployment(id))!;
  }

  async history(service: string, environment?: string, limit = 10): Promise<Deployment[]> {
    return environment
      ? this.many("SELECT * FROM deployments WHERE service = ? AND environment = ? ORDER BY id DESC LIMIT ?", [
          service,
          environment,
          limit,
        ])
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
    return (await this.query<Transition>(queries.TRANSITIONS_SQL, [id])).rows;
  }

  async lastSucceeded(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined> {
    return this.one(queries.LAST_SUCCEEDED_SQL, [service, environment, beforeId ?? Number.MAX_SAFE_INTEGER]);
  }

  async lastVerified(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined> {
    return this.one(queries.LAST_VERIFIED_SQL, [service, environment, beforeId ?? Number.MAX_SAFE_INTEGER]);
  }

  async lastFinished(service: string, environment: string, at: string, exceptId = 0): Promise<Deployment | undefined> {
    return this.one(queries.LAST_FINISHED_SQL, [service, environment, at, exceptId]);
  }

  async succeededWithSha(service: string, environment: string, sha: string): Promise<Deployment | undefined> {
    return this.one(queries.SUCCEEDED_WITH_SHA_SQL, [service, environment, sha]);
  }

  async expiredApprovals(now: string): Promise<Deployment[]> {
    return this.many(queries.EXPIRED_APPROVALS_SQL, [now]);
  }

  async listPendingApprovals(): Promise<Deployment[]> {
    return this.many("SELECT * FROM deployments WHERE state = 'pending_approval' ORDER BY id", []);
  }

  async castVote(deploymentId: number, vote: Vote): Promise<{ recorded: boolean }> {
    return this.tx((db) => castVoteIn(db, deploymentId, vote));
  }

  async votes(deploymentId: number): Promise<Vote[]> {
    return (await this.query<Vote>(queries.VOTES_SQL, [deploymentId])).rows;
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

  async commitsWithoutPulls(target: LedgerTarget, limit: number): Promise<string[]> {
    return ledger.commitsWithoutPulls(await this.db(), target, limit);
  }

  async recordPull(sha: string, pull: LedgerPull | null, at: string): Promise<void> {
    await ledger.recordPull(await this.db(), sha, pull, at);
  }

  async upsertIncidents(incidents: readonly LedgerIncident[], at: string): Promise<number> {
    return this.tx((db) => ledger.upsertIncidents(db, incidents, at));
  }

  async incidents(services: readonly string[], since: string): Promise<LedgerIncident[]> {
    return ledger.incidents(await this.db(), services, since);
  }

  async claimDigest(team: string, weekStart: string, at: string, staleBefore = ""): Promise<boolean> {
    return ledger.claimDigest(await this.db(), team, weekStart, at, staleBefore);
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
    return this.tx(async (db) => {
      const imported = await ledger.importDeployment(db, d);
      if (imported.inserted && d.commits) await ledger.recordCommits(db, imported.id, d.commits, jiraKeys);
      return imported;
    });
  }

  async audit(event: AuditInput): Promise<void> {
    await insertAudit(await this.db(), event);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    return listAuditIn(await this.db(), filter);
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

  rateBudgets() {
    return pgRateBudgets(() => this.db());
  }

  handoffs() {
    return pgHandoffs(() => this.db());
  }

  readonly usergroups = () => pgUsergroups(() => this.db());

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
