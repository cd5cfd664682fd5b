/**
 * A synthetic production ledger, written fast: direct batched inserts in one transaction into a real SQLite file
 * whose schema openSqliteStore made. 50 teams with one service each, one deployment every 86.4 s across them (1,000 a
 * day), 5 commits each, an incident after 5% of them. The ledger grows backwards in time from `now`, so the newest
 * weeks (what a digest reads) are the same at every size once history covers them.
 */
import Database from "better-sqlite3";
import { GantryConfig } from "../src/config/schema.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";

export const TEAMS = 50;
const COMMITS = 5;
const EVERY_MS = 86_400;
const INCIDENT_EVERY = 20;

export const teamName = (t: number): string => `team-${String(t).padStart(2, "0")}`;
const serviceOf = (t: number): string => `svc-t${String(t).padStart(2, "0")}`;

/** The config the ledger belongs to: one team per service, each service with staging and production. */
export function ledgerConfig(): GantryConfig {
  const teams = Array.from({ length: TEAMS }, (_, t) => t);
  return GantryConfig.parse({
    timezone: "UTC",
    services: Object.fromEntries(
      teams.map((t) => [
        serviceOf(t),
        { repo: `bench/${serviceOf(t)}`, workflow: "deploy.yml", environments: { staging: {}, production: {} } },
      ]),
    ),
    teams: Object.fromEntries(
      teams.map((t) => [teamName(t), { channel: `C0TEAM${String(t).padStart(2, "0")}`, services: [serviceOf(t)] }]),
    ),
  });
}

export function createLedgerDb(path: string): void {
  const store = openSqliteStore(path);
  void store.close();
}

const hex = (n: number): string => n.toString(16).padStart(40, "0");

/** Adds deployments number `from` (inclusive) to `to` (exclusive), counted backwards from `now`. */
export function growLedger(path: string, now: number, from: number, to: number): void {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  // With what the digest's stages read: the dispatch, and each commit's pull request.
  const deployment = db.prepare(
    `INSERT INTO deployments (key, service, environment, ref, sha, requester, runner, kind, state, created_at, updated_at, started_at, finished_at, dispatched_at)
     VALUES (?, ?, 'production', 'main', ?, 'U0BENCH', 'workflow', 'deploy', 'succeeded', ?, ?, ?, ?, ?)`,
  );
  const commit = db.prepare(
    `INSERT INTO deployment_commits (deployment_id, sha, committed_at, author, message,
       pull_number, pull_first_commit_at, pull_opened_at, pull_merged_at, pull_checked_at)
     VALUES (?, ?, ?, 'dev', ?, ?, ?, ?, ?, ?)`,
  );
  const incident = db.prepare(
    "INSERT INTO incidents (key, service, created_at, resolved_at, status, refs, synced_at) VALUES (?, ?, ?, ?, 'Resolved', ?, ?)",
  );
  const iso = (ms: number) => new Date(ms).toISOString();
  db.transaction(() => {
    for (let i = from; i < to; i++) {
      const t = i % TEAMS;
      const finished = now - i * EVERY_MS;
      const sha = hex(i * (COMMITS + 1));
      const { lastInsertRowid } = deployment.run(
        `bench_${i}`,
        serviceOf(t),
        sha,
        iso(finished - 600_000),
        iso(finished),
        iso(finished - 540_000),
        iso(finished),
        iso(finished - 560_000),
      );
      const id = Number(lastInsertRowid);
      for (let c = 0; c < COMMITS; c++) {
        const committed = finished - (c + 1) * 3_600_000;
        // Four in five changes through a pull request: opened an hour after the first commit, merged an hour later.
        const through = c % 5 !== 4;
        commit.run(
          id,
          c === 0 ? sha : hex(i * (COMMITS + 1) + c),
          iso(committed),
          `PAY-${i} change ${c}`,
          through ? i : null,
          through ? iso(committed - 7_200_000) : null,
          through ? iso(committed - 3_600_000) : null,
          through ? iso(committed) : null,
          iso(now),
        );
      }
      if (i % INCIDENT_EVERY === 7) {
        const refs = JSON.stringify({ deployIds: [String(id)], shas: [], issueKeys: [] });
        incident.run(`OPS-${i}`, serviceOf(t), iso(finished + 900_000), iso(finished + 4_500_000), refs, iso(now));
      }
    }
  })();
  db.pragma("optimize");
  db.close();
}
