import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { DeployState } from "../domain/deploy-state.js";
import {
  EXPIRED_APPROVALS_SQL,
  LAST_FINISHED_SQL,
  LAST_SUCCEEDED_SQL,
  LAST_VERIFIED_SQL,
  SUCCEEDED_WITH_SHA_SQL,
} from "./deployment-queries.js";
import { toDeployment, patchColumns, type DeploymentRow } from "./rows.js";
import { listAudit, insertAudit } from "./sqlite-audit.js";
import { cacheStatements, migrate } from "./sqlite-migrate.js";
import * as writes from "./sqlite-writes.js";
import { findActiveSync, getSync, LIVE_SQL } from "./sqlite-writes.js";
import * as locks from "./sqlite-locks.js";
import * as ledger from "./sqlite-ledger.js";
import * as leases from "./sqlite-leases.js";
import * as deliveries from "./sqlite-deliveries.js";
import { sqliteHandoffs } from "./handoff-sql.js";
import { sqliteUsergroups } from "./usergroup-sql.js";
import { sqliteRateBudgets } from "./sqlite-rate-budgets.js";
import { jiraKeys } from "../domain/change.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../domain/dora/types.js";
import type { Deployment, DeploymentPatch, Lock, NewDeployment, Vote, Transition } from "../domain/deployment.js";
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

export function openSqliteStore(path: string): SqliteStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  migrate(db);
  cacheStatements(db);
  return new SqliteStore(db);
}

export class SqliteStore implements Store {
  constructor(readonly db: Database.Database) {}

  rateBudgets() {
    return sqliteRateBudgets(this.db);
  }

  handoffs() {
    return sqliteHandoffs(this.db);
  }

  readonly usergroups = () => sqliteUsergroups(this.db);

  async createDeployment(input: NewDeployment): Promise<CreateResult> {
    return this.db.transaction(() => writes.create(this.db, input)).immediate();
  }

  async createUnlessLocked(input: NewDeployment, holder: string): Promise<GuardedCreateResult> {
    return this.db.transaction(() => writes.createUnlessLocked(this.db, input, holder)).immediate();
  }

  async getDeployment(id: number): Promise<Deployment | undefined> {
    return getSync(this.db, id);
  }

  async findByKey(key: string): Promise<Deployment | undefined> {
    const row = this.db.prepare<[string], DeploymentRow>("SELECT * FROM deployments WHERE key = ?").get(key);
    return row && toDeployment(row);
  }

  async findActive(service: string, environment: string): Promise<Deployment | undefined> {
    return findActiveSync(this.db, service, environment);
  }

  async listLive(): Promise<Deployment[]> {
    return this.db
      .prepare<[], DeploymentRow>(`SELECT * FROM deployments WHERE ${LIVE_SQL} ORDER BY id`)
      .all()
      .map(toDeployment);
  }

  async transition(
    id: number,
    from: readonly DeployState[],
    to: DeployState,
    patch: DeploymentPatch,
    audit: Omit<AuditInput, "deploymentId" | "service" | "environment">,
  ): Promise<Deployment | undefined> {
    return this.db.transaction(() => writes.transition(this.db, id, from, to, patch, audit)).immediate();
  }

  async patch(id: number, patch: DeploymentPatch, at: string, onlyIn?: readonly DeployState[]): Promise<Deployment> {
    const { sets, values } = patchColumns(patch);
    const states = onlyIn ? ` AND state IN (${onlyIn.map(() => "?").join(", ")})` : "";
    this.db
      .prepare(`UPDATE deployments SET updated_at = ?${sets} WHERE id = ?${states}`)
      .run(at, ...values, id, ...(onlyIn ?? []));
    return getSync(this.db, id)!;
  }

  async history(service: string, environment?: string, limit = 10): Promise<Deployment[]> {
    const rows = environment
      ? this.db
          .prepare<[string, string, number], DeploymentRow>(
            "SELECT * FROM deployments WHERE service = ? AND environment = ? ORDER BY id DESC LIMIT ?",
          )
          .all(service, environment, limit)
      : this.db
          .prepare<[string, number], DeploymentRow>(
            "SELECT * FROM deployments WHERE service = ? ORDER BY id DESC LIMIT ?",
          )
          .all(service, limit);
    return rows.map(toDeployment);
  }

  async currentlyDeployed(service?: string): Promise<Deployment[]> {
    const where = service ? "AND service = ?" : "";
    const args = service ? [service] : [];
    return this.db
      .prepare<unknown[], DeploymentRow>(
        `SELECT d.* FROM deployments d
         JOIN (SELECT service, environment, MAX(id) AS id FROM deployments
               WHERE state = 'succeeded' ${where} GROUP BY service, environment) latest ON latest.id = d.id
         ORDER BY d.service, d.environment`,
      )
      .all(...args)
      .map(toDeployment);
  }

  async transitions(id: number): Promise<Transition[]> {
    return this.db
      .prepare<[number], Transition>("SELECT state, at FROM deployment_transitions WHERE deployment_id = ? ORDER BY id")
      .all(id);
  }

  async lastSucceeded(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined> {
    return this.newest(LAST_SUCCEEDED_SQL, service, environment, beforeId);
  }

  async lastVerified(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined> {
    return this.newest(LAST_VERIFIED_SQL, service, environment, beforeId);
  }

  private newest(sql: string, service: string, environment: string, beforeId?: number): Deployment | undefined {
    const row = this.db
      .prepare<[string, string, number], DeploymentRow>(sql)
      .get(service, environment, beforeId ?? Number.MAX_SAFE_INTEGER);
    return row && toDeployment(row);
  }

  async lastFinished(service: string, environment: string, at: string, exceptId = 0): Promise<Deployment | undefined> {
    const row = this.db
      .prepare<[string, string, string, number], DeploymentRow>(LAST_FINISHED_SQL)
      .get(service, environment, at, exceptId);
    return row && toDeployment(row);
  }

  async succeededWithSha(service: string, environment: string, sha: string): Promise<Deployment | undefined> {
    const row = this.db
      .prepare<[string, string, string], DeploymentRow>(SUCCEEDED_WITH_SHA_SQL)
      .get(service, environment, sha);
    return row && toDeployment(row);
  }

  async expiredApprovals(now: string): Promise<Deployment[]> {
    return this.db.prepare<[string], DeploymentRow>(EXPIRED_APPROVALS_SQL).all(now).map(toDeployment);
  }

  async listPendingApprovals(): Promise<Deployment[]> {
    return this.db
      .prepare<[], DeploymentRow>("SELECT * FROM deployments WHERE state = 'pending_approval' ORDER BY id")
      .all()
      .map(toDeployment);
  }

  async castVote(deploymentId: number, vote: Vote): Promise<{ recorded: boolean }> {
    return this.db.transaction(() => writes.castVote(this.db, deploymentId, vote)).immediate();
  }

  async votes(deploymentId: number): Promise<Vote[]> {
    return this.db
      .prepare<[number], Vote>("SELECT voter, vote, sha, at FROM votes WHERE deployment_id = ? ORDER BY id")
      .all(deploymentId);
  }

  async getLock(service: string, environment: string): Promise<Lock | undefined> {
    return locks.get(this.db, service, environment);
  }

  async listLocks(): Promise<Lock[]> {
    return locks.list(this.db);
  }

  async acquireLock(lock: Omit<Lock, "warned">): Promise<{ ok: true; lock: Lock } | { ok: false; lock: Lock }> {
    return this.db.transaction(() => locks.acquire(this.db, lock)).immediate();
  }

  async releaseLock(service: string, environment: string): Promise<{ lock: Lock; waiters: string[] } | undefined> {
    return this.db.transaction(() => locks.release(this.db, service, environment)).immediate();
  }

  async markLockWarned(service: string, environment: string): Promise<void> {
    this.db.prepare("UPDATE locks SET warned = 1 WHERE service = ? AND environment = ?").run(service, environment);
  }

  async addLockWaiter(service: string, environment: string, user: string, at: string): Promise<void> {
    this.db
      .prepare("INSERT OR IGNORE INTO lock_waiters (service, environment, user_id, at) VALUES (?, ?, ?, ?)")
      .run(service, environment, user, at);
  }

  async recordCommits(deploymentId: number, commits: readonly LedgerCommit[]): Promise<number> {
    return this.db.transaction(() => ledger.recordCommits(this.db, deploymentId, commits, jiraKeys))();
  }

  async ledger(targets: readonly LedgerTarget[], since: string): Promise<LedgerDeployment[]> {
    return ledger.ledger(this.db, targets, since);
  }

  async commitsWithoutPulls(target: LedgerTarget, limit: number): Promise<string[]> {
    return ledger.commitsWithoutPulls(this.db, target, limit);
  }

  async recordPull(sha: string, pull: LedgerPull | null, at: string): Promise<void> {
    ledger.recordPull(this.db, sha, pull, at);
  }

  async upsertIncidents(incidents: readonly LedgerIncident[], at: string): Promise<number> {
    return this.db.transaction(() => ledger.upsertIncidents(this.db, incidents, at))();
  }

  async incidents(services: readonly string[], since: string): Promise<LedgerIncident[]> {
    return ledger.incidents(this.db, services, since);
  }

  async claimDigest(team: string, weekStart: string, at: string, staleBefore = ""): Promise<boolean> {
    return ledger.claimDigest(this.db, team, weekStart, at, staleBefore);
  }

  async completeDigest(record: Required<Omit<DigestRecord, "claimedAt">>): Promise<void> {
    ledger.completeDigest(this.db, record);
  }

  async releaseDigest(team: string, weekStart: string): Promise<void> {
    this.db.prepare("DELETE FROM digests WHERE team = ? AND week_start = ? AND posted_at IS NULL").run(team, weekStart);
  }

  async getDigest(team: string, weekStart: string): Promise<DigestRecord | undefined> {
    return ledger.getDigest(this.db, team, weekStart);
  }

  async importDeployment(d: ImportedDeployment): Promise<{ inserted: boolean; id: number }> {
    return this.db
      .transaction(() => {
        const imported = ledger.importDeployment(this.db, d);
        if (imported.inserted && d.commits) ledger.recordCommits(this.db, imported.id, d.commits, jiraKeys);
        return imported;
      })
      .immediate();
  }

  async audit(event: AuditInput): Promise<void> {
    insertAudit(this.db, event);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    return listAudit(this.db, filter);
  }

  async acquireLease(name: string, holder: string, now: string, ttlMs: number): Promise<boolean> {
    return leases.acquire(this.db, name, holder, now, ttlMs);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    leases.release(this.db, name, holder);
  }

  async firstDelivery(key: string, at: string): Promise<boolean> {
    return deliveries.firstDelivery(this.db, key, at);
  }

  async forgetDeliveries(before: string): Promise<number> {
    return deliveries.forgetDeliveries(this.db, before);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
