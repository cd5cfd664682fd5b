import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../domain/dora/types.js";
import { sql, type Queryable } from "./pg-db.js";
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

/** One statement for all of a deploy's commits; duplicates (a retried digest, another replica) are skipped by the key. */
export async function recordCommits(
  db: Queryable,
  deploymentId: number,
  commits: readonly LedgerCommit[],
  jiraKeys: (m: string) => string[],
): Promise<number> {
  if (commits.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO deployment_commits (deployment_id, sha, committed_at, author, message, jira_keys)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT DO NOTHING`,
    [
      deploymentId,
      commits.map((c) => c.sha),
      commits.map((c) => c.committedAt),
      commits.map((c) => c.author),
      commits.map((c) => c.message),
      commits.map((c) => JSON.stringify(jiraKeys(c.message))),
    ],
  );
  return rowCount ?? 0;
}

/** The same queries as SQLite's ledger: one range scan per service and environment, then one for their commits. */
export async function ledger(
  db: Queryable,
  targets: readonly LedgerTarget[],
  since: string,
): Promise<LedgerDeployment[]> {
  const out: LedgerDeployment[] = [];
  for (const t of targets) {
    // Each statement reads the finished deploys, then the failed verifications: the same three arguments twice.
    const args = [t.environment, t.service, since, t.environment, t.service, since];
    const commits = commitsByDeployment((await db.query<CommitRow>(sql(LEDGER_COMMITS_SQL), args)).rows);
    for (const r of (await db.query<LedgerRow>(sql(LEDGER_DEPLOYMENTS_SQL), args)).rows) {
      const d = toLedgerDeployment(r, commits);
      if (d) out.push(d);
    }
  }
  return out.sort(byFinish);
}

export async function commitsWithoutPulls(db: Queryable, t: LedgerTarget, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ sha: string }>(sql(COMMITS_WITHOUT_PULLS_SQL), [t.environment, t.service, limit]);
  return [...new Set(rows.map((r) => r.sha))];
}

export async function recordPull(db: Queryable, sha: string, p: LedgerPull | null, at: string): Promise<void> {
  await db.query(sql(RECORD_PULL_SQL), [
    p?.number ?? null,
    p?.firstCommitAt ?? null,
    p?.openedAt ?? null,
    p?.mergedAt ?? null,
    at,
    sha,
  ]);
}

export async function upsertIncidents(
  db: Queryable,
  incidents: readonly LedgerIncident[],
  at: string,
): Promise<number> {
  let changed = 0;
  for (const i of incidents) {
    const { rowCount } = await db.query(sql(UPSERT_INCIDENT_SQL), [
      i.key,
      i.service,
      i.createdAt,
      i.resolvedAt,
      i.status,
      JSON.stringify(i.refs),
      at,
    ]);
    changed += rowCount ?? 0;
  }
  return changed;
}

export async function incidents(db: Queryable, services: readonly string[], since: string): Promise<LedgerIncident[]> {
  if (services.length === 0) return [];
  type Row = {
    key: string;
    service: string;
    created_at: string;
    resolved_at: string | null;
    status: string;
    refs: string;
  };
  const { rows } = await db.query<Row>(
    sql("SELECT * FROM incidents WHERE service = ANY(?) AND created_at >= ? ORDER BY created_at"),
    [services, since],
  );
  return rows.map((r) => ({
    key: r.key,
    service: r.service,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    status: r.status,
    refs: JSON.parse(r.refs),
  }));
}

/**
 * The primary key decides: of any number of replicas claiming at once, exactly one inserts the row, or takes over a
 * stale unposted claim (the row lock makes the conditional update one winner's too). "" as `staleBefore` takes over nothing.
 */
export async function claimDigest(
  db: Queryable,
  team: string,
  weekStart: string,
  at: string,
  staleBefore: string,
): Promise<boolean> {
  const { rowCount } = await db.query(sql(CLAIM_DIGEST_SQL), [team, weekStart, at, staleBefore]);
  return rowCount === 1;
}

export async function completeDigest(db: Queryable, r: Required<Omit<DigestRecord, "claimedAt">>): Promise<void> {
  await db.query(sql("UPDATE digests SET channel = ?, ts = ?, posted_at = ? WHERE team = ? AND week_start = ?"), [
    r.channel,
    r.ts,
    r.postedAt,
    r.team,
    r.weekStart,
  ]);
}

export async function releaseDigest(db: Queryable, team: string, weekStart: string): Promise<void> {
  await db.query(sql("DELETE FROM digests WHERE team = ? AND week_start = ? AND posted_at IS NULL"), [team, weekStart]);
}

export async function getDigest(db: Queryable, team: string, weekStart: string): Promise<DigestRecord | undefined> {
  type Row = {
    team: string;
    week_start: string;
    claimed_at: string;
    channel: string | null;
    ts: string | null;
    posted_at: string | null;
  };
  const { rows } = await db.query<Row>(sql("SELECT * FROM digests WHERE team = ? AND week_start = ?"), [
    team,
    weekStart,
  ]);
  const r = rows[0];
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

/** Runs inside the caller's transaction. The unique key makes a second import (here or on another replica) a no-op. */
export async function importDeployment(
  db: Queryable,
  d: ImportedDeployment,
): Promise<{ inserted: boolean; id: number }> {
  const { rows } = await db.query<{ id: number }>(
    sql(`INSERT INTO deployments (key, service, environment, ref, sha, requester, runner, kind, state, run_id, run_url,
           created_at, updated_at, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, 'deployment', 'deploy', 'succeeded', ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING RETURNING id`),
    [
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
    ],
  );
  if (!rows[0]) {
    const existing = await db.query<{ id: number }>(sql("SELECT id FROM deployments WHERE key = ?"), [d.key]);
    return { inserted: false, id: existing.rows[0]!.id };
  }
  const id = rows[0].id;
  await db.query(sql("INSERT INTO deployment_transitions (deployment_id, state, at) VALUES (?, 'succeeded', ?)"), [
    id,
    d.finishedAt,
  ]);
  await db.query(
    sql(
      "INSERT INTO audit_events (at, actor, action, deployment_id, service, environment, detail) VALUES (?, 'gantry', 'deploy.imported', ?, ?, ?, ?)",
    ),
    [
      d.importedAt,
      id,
      d.service,
      d.environment,
      JSON.stringify({ githubDeploymentId: d.githubDeploymentId, creator: d.creator }),
    ],
  );
  return { inserted: true, id };
}
