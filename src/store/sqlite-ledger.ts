import type Database from "better-sqlite3";
import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../domain/dora/types.js";
import {
  byFinish,
  CLAIM_DIGEST_SQL,
  COMMITS_WITHOUT_PULLS_SQL,
  commitsByDeployment,
  LEDGER_COMMITS_SQL,
  LEDGER_DEPLOYMENTS_SQL,
  RECORD_PULL_SQL,
  toLedgerDeployment,
  UPSERT_INCIDENT_SQL,
  type CommitRow,
  type LedgerRow,
} from "./ledger-rows.js";
import type { DigestRecord, ImportedDeployment, LedgerTarget } from "./types.js";

export function recordCommits(
  db: Database.Database,
  deploymentId: number,
  commits: readonly LedgerCommit[],
  jiraKeys: (m: string) => string[],
): number {
  const insert = db.prepare(
    "INSERT OR IGNORE INTO deployment_commits (deployment_id, sha, committed_at, author, message, jira_keys) VALUES (?, ?, ?, ?, ?, ?)",
  );
  let added = 0;
  for (const c of commits)
    added += insert.run(
      deploymentId,
      c.sha,
      c.committedAt,
      c.author,
      c.message,
      JSON.stringify(jiraKeys(c.message)),
    ).changes;
  return added;
}

/** One indexed range scan per service and environment, then one for their commits. */
export function ledger(db: Database.Database, targets: readonly LedgerTarget[], since: string): LedgerDeployment[] {
  const out: LedgerDeployment[] = [];
  type Args = [string, string, string, string, string, string];
  const rowsOf = db.prepare<Args, LedgerRow>(LEDGER_DEPLOYMENTS_SQL);
  const commitsOf = db.prepare<Args, CommitRow>(LEDGER_COMMITS_SQL);
  for (const t of targets) {
    // Each statement reads the finished deploys, then the failed verifications: the same three arguments twice.
    const args: Args = [t.environment, t.service, since, t.environment, t.service, since];
    const commits = commitsByDeployment(commitsOf.all(...args));
    for (const r of rowsOf.all(...args)) {
      const d = toLedgerDeployment(r, commits);
      if (d) out.push(d);
    }
  }
  return out.sort(byFinish);
}

export function commitsWithoutPulls(db: Database.Database, t: LedgerTarget, limit: number): string[] {
  const rows = db.prepare<[string, string, number], { sha: string }>(COMMITS_WITHOUT_PULLS_SQL);
  return [...new Set(rows.all(t.environment, t.service, limit).map((r) => r.sha))];
}

export function recordPull(db: Database.Database, sha: string, p: LedgerPull | null, at: string): void {
  db.prepare(RECORD_PULL_SQL).run(
    p?.number ?? null,
    p?.firstCommitAt ?? null,
    p?.openedAt ?? null,
    p?.mergedAt ?? null,
    at,
    sha,
  );
}

export function upsertIncidents(db: Database.Database, incidents: readonly LedgerIncident[], at: string): number {
  const upsert = db.prepare(UPSERT_INCIDENT_SQL);
  let changed = 0;
  for (const i of incidents)
    changed += upsert.run(i.key, i.service, i.createdAt, i.resolvedAt, i.status, JSON.stringify(i.refs), at).changes;
  return changed;
}

export function incidents(db: Database.Database, services: readonly string[], since: string): LedgerIncident[] {
  if (services.length === 0) return [];
  const marks = services.map(() => "?").join(", ");
  type Row = {
    key: string;
    service: string;
    created_at: string;
    resolved_at: string | null;
    status: string;
    refs: string;
  };
  return db
    .prepare<unknown[], Row>(
      `SELECT * FROM incidents WHERE service IN (${marks}) AND created_at >= ? ORDER BY created_at`,
    )
    .all(...services, since)
    .map((r) => ({
      key: r.key,
      service: r.service,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      status: r.status,
      refs: JSON.parse(r.refs),
    }));
}

/** One statement: a new claim, or the takeover of a stale unposted one; "" as `staleBefore` takes over nothing. */
export function claimDigest(
  db: Database.Database,
  team: string,
  weekStart: string,
  at: string,
  staleBefore: string,
): boolean {
  return db.prepare(CLAIM_DIGEST_SQL).run(team, weekStart, at, staleBefore).changes === 1;
}

export function completeDigest(db: Database.Database, r: Required<Omit<DigestRecord, "claimedAt">>): void {
  db.prepare("UPDATE digests SET channel = ?, ts = ?, posted_at = ? WHERE team = ? AND week_start = ?").run(
    r.channel,
    r.ts,
    r.postedAt,
    r.team,
    r.weekStart,
  );
}

export function getDigest(db: Database.Database, team: string, weekStart: string): DigestRecord | undefined {
  type Row = {
    team: string;
    week_start: string;
    claimed_at: string;
    channel: string | null;
    ts: string | null;
    posted_at: string | null;
  };
  const r = db
    .prepare<[string, string], Row>("SELECT * FROM digests WHERE team = ? AND week_start = ?")
    .get(team, weekStart);
  return (
    r && {
      team: r.team,
      weekStart: r.week_start,
      claimedAt: r.claimed_at,
      channel: r.channel,
      ts: r.ts,
      postedAt: r.posted_at,
    }
  );
}

/** Records a deployment found on GitHub (backfill, or made outside Gantry). Its key makes a second import a no-op. */
export function importDeployment(db: Database.Database, d: ImportedDeployment): { inserted: boolean; id: number } {
  const existing = db.prepare<[string], { id: number }>("SELECT id FROM deployments WHERE key = ?").get(d.key);
  if (existing) return { inserted: false, id: existing.id };
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO deployments (key, service, environment, ref, sha, requester, runner, kind, state, run_id, run_url,
         created_at, updated_at, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, 'deployment', 'deploy', 'succeeded', ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      d.key,
      d.service,
      d.environment,
      d.ref,
      d.sha,
      d.creator,
      String(d.githubDeploymentId),
      d.url,
      d.createdAt,
      d.finishedAt,
      d.createdAt,
      d.finishedAt,
    );
  const id = Number(lastInsertRowid);
  db.prepare("INSERT INTO deployment_transitions (deployment_id, state, at) VALUES (?, 'succeeded', ?)").run(
    id,
    d.finishedAt,
  );
  db.prepare(
    "INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail) VALUES (?, 'gantry', 'deploy.imported', ?, ?, ?, ?)",
  ).run(
    d.importedAt,
    id,
    d.service,
    d.environment,
    JSON.stringify({ githubDeploymentId: d.githubDeploymentId, creator: d.creator }),
  );
  return { inserted: true, id };
}
