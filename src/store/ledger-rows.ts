import type { LedgerCommit, LedgerDeployment, LedgerVerification } from "../domain/dora/types.js";
import type { VerificationRecord } from "../domain/verify/record.js";

/**
 * What both engines' ledgers share: the queries (written with `?` placeholders, which PostgreSQL's `sql()` numbers)
 * and the mapping from rows to the ledger, so SQLite and PostgreSQL answer alike by construction.
 */
const DONE = "state IN ('succeeded', 'rolled_back')";
/** Failed deploys that got as far as verifying (their CI run succeeded): DORA keeps those whose verification failed. */
const FAILED_VERIFYING = "state = 'failed' AND verification IS NOT NULL";

const LEDGER_COLUMNS = `id, key, service, environment, sha, ref, kind, state, finished_at, hotfix, jira_key,
    created_at, dispatched_at, requester, replaces_id`;

/**
 * What reached a service's environment since a time (args: environment, service, since, twice): the finished deploys,
 * by the partial index deployments_ledger, and the failed verifications, by deployments_failed_verifications (one
 * range scan each; an OR of the two conditions would match neither index and scan the table). The verification record
 * is read only for the latter: it holds the bake's readings and is the largest column; `toLedgerDeployment` keeps the
 * verifications that failed or were rolled back.
 */
export const LEDGER_DEPLOYMENTS_SQL = `SELECT ${LEDGER_COLUMNS}, NULL AS verification
  FROM deployments WHERE environment = ? AND service = ? AND ${DONE} AND finished_at >= ?
  UNION ALL
  SELECT ${LEDGER_COLUMNS}, verification
  FROM deployments WHERE environment = ? AND service = ? AND ${FAILED_VERIFYING} AND finished_at >= ?
  ORDER BY finished_at, id`;

/** Their commits (same args), by the same two indexes. */
export const LEDGER_COMMITS_SQL = `SELECT c.deployment_id, c.sha, c.committed_at, c.author, c.message,
    c.pull_number, c.pull_first_commit_at, c.pull_opened_at, c.pull_merged_at, c.pull_checked_at
  FROM deployment_commits c
  JOIN deployments d ON d.id = c.deployment_id
  WHERE d.environment = ? AND d.service = ? AND d.${DONE} AND d.finished_at >= ?
  UNION ALL
  SELECT c.deployment_id, c.sha, c.committed_at, c.author, c.message,
    c.pull_number, c.pull_first_commit_at, c.pull_opened_at, c.pull_merged_at, c.pull_checked_at
  FROM deployment_commits c
  JOIN deployments d ON d.id = c.deployment_id
  WHERE d.environment = ? AND d.service = ? AND d.state = 'failed' AND d.verification IS NOT NULL AND d.finished_at >= ?`;

/** Commits of the target's finished deploys whose pull request was never looked up, newest deploy first (args: environment, service, limit). */
export const COMMITS_WITHOUT_PULLS_SQL = `SELECT DISTINCT c.sha, d.finished_at FROM deployment_commits c
  JOIN deployments d ON d.id = c.deployment_id
  WHERE d.environment = ? AND d.service = ? AND d.${DONE} AND c.pull_checked_at IS NULL
  ORDER BY d.finished_at DESC, c.sha LIMIT ?`;

/** On every row of the commit not looked up yet; the first answer stays (args: number, first commit, opened, merged, at, sha). */
export const RECORD_PULL_SQL = `UPDATE deployment_commits SET pull_number = ?, pull_first_commit_at = ?, pull_opened_at = ?,
    pull_merged_at = ?, pull_checked_at = ? WHERE sha = ? AND pull_checked_at IS NULL`;

export const UPSERT_INCIDENT_SQL = `INSERT INTO incidents (key, service, created_at, resolved_at, status, refs, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET service = excluded.service, created_at = excluded.created_at,
    resolved_at = excluded.resolved_at, status = excluded.status, refs = excluded.refs, synced_at = excluded.synced_at`;

/** A new claim, or the takeover of a stale unposted one (args: team, week, at, staleBefore). */
export const CLAIM_DIGEST_SQL = `INSERT INTO digests (team, week_start, claimed_at) VALUES (?, ?, ?)
  ON CONFLICT (team, week_start) DO UPDATE SET claimed_at = excluded.claimed_at
  WHERE digests.posted_at IS NULL AND digests.claimed_at < ?`;

export interface LedgerRow {
  id: number;
  key: string;
  service: string;
  environment: string;
  sha: string;
  ref: string;
  kind: string;
  state: string;
  finished_at: string;
  hotfix: number;
  jira_key: string | null;
  created_at: string;
  dispatched_at: string | null;
  requester: string;
  replaces_id: number | string | null;
  /** JSON of the VerificationRecord; null for deploys that succeeded. */
  verification: string | null;
}

export interface CommitRow {
  deployment_id: number;
  sha: string;
  committed_at: string;
  author: string;
  message: string;
  pull_number: number | null;
  pull_first_commit_at: string | null;
  pull_opened_at: string | null;
  pull_merged_at: string | null;
  pull_checked_at: string | null;
}

/** Not looked up yet: no `pull`; looked up and none: null. */
function pullOf(c: CommitRow): Pick<LedgerCommit, "pull"> {
  if (c.pull_checked_at === null) return {};
  if (c.pull_number === null || c.pull_opened_at === null) return { pull: null };
  return {
    pull: {
      number: Number(c.pull_number),
      firstCommitAt: c.pull_first_commit_at,
      openedAt: c.pull_opened_at,
      mergedAt: c.pull_merged_at,
    },
  };
}

export function commitsByDeployment(rows: readonly CommitRow[]): Map<number, LedgerCommit[]> {
  const commits = new Map<number, LedgerCommit[]>();
  for (const c of rows) {
    const list = commits.get(c.deployment_id) ?? [];
    list.push({ sha: c.sha, committedAt: c.committed_at, author: c.author, message: c.message, ...pullOf(c) });
    commits.set(c.deployment_id, list);
  }
  return commits;
}

/** The actor of Gantry's own deploys (automatic rollbacks), as src/domain/verify/record.ts names it. */
const GANTRY = "gantry";

/** A failed or person-rolled-back verification's times, or undefined for any other record (or none). */
function failedVerification(json: string | null): LedgerVerification | undefined {
  if (!json) return undefined;
  let record: Partial<VerificationRecord>;
  try {
    record = JSON.parse(json) as Partial<VerificationRecord>;
  } catch {
    return undefined;
  }
  const outcome = record.outcome;
  if (!outcome || (outcome.kind !== "failed" && outcome.kind !== "rolled_back") || !record.startedAt) return undefined;
  return { startedAt: record.startedAt, outcome: outcome.kind, at: outcome.at };
}

/** The row as the ledger reads it, or undefined for a failed deploy whose verification did not fail (none of DORA's). */
export function toLedgerDeployment(
  r: LedgerRow,
  commits: ReadonlyMap<number, LedgerCommit[]>,
): LedgerDeployment | undefined {
  const verification = failedVerification(r.verification);
  if (r.state === "failed" && !verification) return undefined;
  // Only what is there: a ledger may hold a million deployments, most of them plain.
  return {
    ...baseOf(r, commits),
    ...(verification ? { failedVerification: true, verification } : {}),
    ...(r.replaces_id === null ? {} : { replacesId: String(r.replaces_id) }),
    ...(r.requester === GANTRY ? { automatic: true } : {}),
  };
}

/** Imported deployments (`gh:` keys) are the ledger's "external" ones, named by their key. */
function baseOf(r: LedgerRow, commits: ReadonlyMap<number, LedgerCommit[]>): LedgerDeployment {
  const imported = r.key.startsWith("gh:");
  return {
    id: imported ? r.key : String(r.id),
    service: r.service,
    environment: r.environment,
    sha: r.sha,
    ref: r.ref,
    kind: imported ? "external" : (r.kind as LedgerDeployment["kind"]),
    finishedAt: r.finished_at,
    rolledBack: r.state === "rolled_back",
    hotfix: Boolean(r.hotfix),
    changeTicket: r.jira_key,
    commits: commits.get(r.id) ?? [],
    requestedAt: r.created_at,
    // Sent to the CI only once approved (or at once when no approval was needed): approval ends at the dispatch.
    approvedAt: r.dispatched_at,
    dispatchedAt: r.dispatched_at,
  };
}

export const byFinish = (a: LedgerDeployment, b: LedgerDeployment): number => a.finishedAt.localeCompare(b.finishedAt);
