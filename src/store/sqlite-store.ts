import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { LIVE_STATES, type DeployState } from "../domain/deploy-state.js";
import { MIGRATIONS } from "./migrations.js";
import { creationAudit, toDeployment, patchColumns, type DeploymentRow } from "./rows.js";
import * as locks from "./sqlite-locks.js";
import * as ledger from "./sqlite-ledger.js";
import * as leases from "./sqlite-leases.js";
import * as deliveries from "./sqlite-deliveries.js";
import { jiraKeys } from "../domain/change.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../domain/dora/types.js";
import type { Deployment, DeploymentPatch, Lock, NewDeployment, Vote, Transition } from "../domain/deployment.js";
import type {
  AuditEvent,
  AuditFilter,
  AuditInput,
  CreateResult,
  DigestRecord,
  ImportedDeployment,
  LedgerTarget,
  Store,
} from "./types.js";

const LIVE_SQL = `state IN (${LIVE_STATES.map((s) => `'${s}'`).join(", ")})`;

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

/** Each SQL text is compiled once: preparing it on every call was a fifth of a busy Gantry's store time (npm run bench). */
function cacheStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (statement) return statement;
    // SQL carries placeholders, never values, so the texts are few; the bound only guards against a future mistake.
    if (statements.size >= 1000) statements.clear();
    statements.set(sql, (statement = prepare(sql)));
    return statement;
  }) as typeof db.prepare;
}

export function migrate(db: Database.Database): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    db
      .prepare<[], { version: number }>("SELECT version FROM schema_migrations")
      .all()
      .map((r) => r.version),
  );
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    ran.push(m.version);
  }
  return ran;
}

export class SqliteStore implements Store {
  constructor(readonly db: Database.Database) {}

  async createDeployment(input: NewDeployment): Promise<CreateResult> {
    return this.db
      .transaction((): CreateResult => {
        const active = this.findActiveSync(input.service, input.environment);
        if (active) return { ok: false, active };
        const state = input.state ?? "requested";
        const kind = input.kind ?? "deploy";
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO deployments (key, service, environment, ref, sha, requester, mode, kind, state, slack_channel,
             source_id, replaces_id, force_reason, hotfix, artifact, expires_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.key,
            input.service,
            input.environment,
            input.ref,
            input.sha ?? null,
            input.requester,
            input.mode,
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
          );
        const id = Number(lastInsertRowid);
        this.insertTransition(id, state, input.at);
        this.insertAudit(creationAudit(input, id, kind, state));
        return { ok: true, deployment: this.getSync(id)! };
      })
      .immediate();
  }

  async getDeployment(id: number): Promise<Deployment | undefined> {
    return this.getSync(id);
  }

  async findByKey(key: string): Promise<Deployment | undefined> {
    const row = this.db.prepare<[string], DeploymentRow>("SELECT * FROM deployments WHERE key = ?").get(key);
    return row && toDeployment(row);
  }

  async findActive(service: string, environment: string): Promise<Deployment | undefined> {
    return this.findActiveSync(service, environment);
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
    return this.db
      .transaction(() => {
        const { sets, values } = patchColumns(patch);
        const placeholders = from.map(() => "?").join(", ");
        const result = this.db
          .prepare(
            `UPDATE deployments SET state = ?, updated_at = ?${sets} WHERE id = ? AND state IN (${placeholders})`,
          )
          .run(to, audit.at, ...values, id, ...from);
        if (result.changes === 0) return undefined;
        const deployment = this.getSync(id)!;
        this.insertTransition(id, to, audit.at);
        this.insertAudit({
          ...audit,
          deploymentId: id,
          service: deployment.service,
          environment: deployment.environment,
        });
        return deployment;
      })
      .immediate();
  }

  async patch(id: number, patch: DeploymentPatch, at: string): Promise<Deployment> {
    const { sets, values } = patchColumns(patch);
    this.db.prepare(`UPDATE deployments SET updated_at = ?${sets} WHERE id = ?`).run(at, ...values, id);
    return this.getSync(id)!;
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
    const row = this.db
      .prepare<[string, string, number], DeploymentRow>(
        "SELECT * FROM deployments WHERE service = ? AND environment = ? AND state = 'succeeded' AND id < ? ORDER BY id DESC LIMIT 1",
      )
      .get(service, environment, beforeId ?? Number.MAX_SAFE_INTEGER);
    return row && toDeployment(row);
  }

  async lastFinished(service: string, environment: string, at: string, exceptId = 0): Promise<Deployment | undefined> {
    const row = this.db
      .prepare<[string, string, string, number], DeploymentRow>(
        "SELECT * FROM deployments WHERE service = ? AND environment = ? AND state = 'succeeded' AND finished_at <= ? AND id <> ? ORDER BY finished_at DESC, id DESC LIMIT 1",
      )
      .get(service, environment, at, exceptId);
    return row && toDeployment(row);
  }

  async succeededWithSha(service: string, environment: string, sha: string): Promise<Deployment | undefined> {
    const row = this.db
      .prepare<[string, string, string], DeploymentRow>(
        "SELECT * FROM deployments WHERE service = ? AND environment = ? AND sha = ? AND state = 'succeeded' ORDER BY id DESC LIMIT 1",
      )
      .get(service, environment, sha);
    return row && toDeployment(row);
  }

  async expiredApprovals(now: string): Promise<Deployment[]> {
    return this.db
      .prepare<[string], DeploymentRow>(
        "SELECT * FROM deployments WHERE state = 'pending_approval' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id",
      )
      .all(now)
      .map(toDeployment);
  }

  async listPendingApprovals(): Promise<Deployment[]> {
    return this.db
      .prepare<[], DeploymentRow>("SELECT * FROM deployments WHERE state = 'pending_approval' ORDER BY id")
      .all()
      .map(toDeployment);
  }

  async castVote(deploymentId: number, vote: Vote): Promise<{ recorded: boolean }> {
    return this.db
      .transaction(() => {
        const { changes } = this.db
          .prepare("INSERT OR IGNORE INTO votes (deployment_id, voter, vote, sha, at) VALUES (?, ?, ?, ?, ?)")
          .run(deploymentId, vote.voter, vote.vote, vote.sha, vote.at);
        if (changes === 0) return { recorded: false };
        const d = this.getSync(deploymentId)!;
        this.insertAudit({
          actor: vote.voter,
          action: `vote.${vote.vote}`,
          deploymentId,
          service: d.service,
          environment: d.environment,
          detail: { sha: vote.sha },
          at: vote.at,
        });
        return { recorded: true };
      })
      .immediate();
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
    this.insertAudit(event);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const conditions: [string, unknown][] = [];
    if (filter.since) conditions.push(["at >= ?", filter.since]);
    if (filter.service) conditions.push(["service = ?", filter.service]);
    if (filter.deploymentId !== undefined) conditions.push(["deployment_id = ?", filter.deploymentId]);
    const where = conditions.length ? `WHERE ${conditions.map(([sql]) => sql).join(" AND ")}` : "";
    const args = conditions.map(([, value]) => value);
    type Row = Omit<AuditEvent, "detail" | "deploymentId"> & { deployment_id: number | null; detail: string };
    return this.db
      .prepare<unknown[], Row>(`SELECT * FROM audit_events ${where} ORDER BY id`)
      .all(...args)
      .map(({ deployment_id, detail, ...rest }) => ({
        ...rest,
        deploymentId: deployment_id,
        detail: JSON.parse(detail),
      }));
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

  private getSync(id: number): Deployment | undefined {
    const row = this.db.prepare<[number], DeploymentRow>("SELECT * FROM deployments WHERE id = ?").get(id);
    return row && toDeployment(row);
  }

  private findActiveSync(service: string, environment: string): Deployment | undefined {
    const row = this.db
      .prepare<[string, string], DeploymentRow>(
        `SELECT * FROM deployments WHERE service = ? AND environment = ? AND ${LIVE_SQL}`,
      )
      .get(service, environment);
    return row && toDeployment(row);
  }

  private insertTransition(id: number, state: DeployState, at: string): void {
    this.db
      .prepare("INSERT INTO deployment_transitions (deployment_id, state, at) VALUES (?, ?, ?)")
      .run(id, state, at);
  }

  private insertAudit(e: AuditInput): void {
    this.db
      .prepare(
        "INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        e.at,
        e.actor,
        e.action,
        e.deploymentId ?? null,
        e.service ?? null,
        e.environment ?? null,
        JSON.stringify(e.detail ?? {}),
      );
  }
}
