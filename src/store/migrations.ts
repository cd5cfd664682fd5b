/**
 * Versioned schema migrations. Append only: never edit a migration that has shipped.
 * Written in the SQL that SQLite and PostgreSQL share where they can; PostgreSQL's spelling of each version is in
 * pg-migrations.ts (add one there with every new migration: the contract suite runs them all on both engines).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "deployments and audit log",
    sql: `
      CREATE TABLE deployments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        service TEXT NOT NULL,
        environment TEXT NOT NULL,
        ref TEXT NOT NULL,
        sha TEXT,
        requester TEXT NOT NULL,
        mode TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        github_run_id INTEGER,
        github_deployment_id INTEGER,
        github_url TEXT,
        slack_channel TEXT,
        slack_ts TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      -- One live deploy per service and environment, enforced by the database itself.
      CREATE UNIQUE INDEX deployments_one_live
        ON deployments (service, environment)
        WHERE state IN ('requested', 'queued', 'in_progress');
      CREATE INDEX deployments_by_target ON deployments (service, environment, id);
      CREATE INDEX deployments_by_state ON deployments (state);

      CREATE TABLE deployment_transitions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment_id INTEGER NOT NULL REFERENCES deployments (id),
        state TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX deployment_transitions_by_deployment ON deployment_transitions (deployment_id, id);

      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        deployment_id INTEGER REFERENCES deployments (id),
        service TEXT,
        environment TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_events_by_time ON audit_events (at);
      CREATE INDEX audit_events_by_deployment ON audit_events (deployment_id);
    `,
  },
  {
    version: 2,
    name: "approvals, promotions, rollbacks, locks and an append-only audit log",
    sql: `
      ALTER TABLE deployments ADD COLUMN kind TEXT NOT NULL DEFAULT 'deploy';
      ALTER TABLE deployments ADD COLUMN source_id INTEGER REFERENCES deployments (id);
      ALTER TABLE deployments ADD COLUMN replaces_id INTEGER REFERENCES deployments (id);
      ALTER TABLE deployments ADD COLUMN force_reason TEXT;
      ALTER TABLE deployments ADD COLUMN hotfix INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE deployments ADD COLUMN artifact TEXT;
      ALTER TABLE deployments ADD COLUMN jira_key TEXT;
      ALTER TABLE deployments ADD COLUMN expires_at TEXT;
      ALTER TABLE deployments ADD COLUMN change_summary TEXT;

      DROP INDEX deployments_one_live;
      CREATE UNIQUE INDEX deployments_one_live
        ON deployments (service, environment)
        WHERE state IN ('pending_approval', 'requested', 'queued', 'in_progress');
      CREATE INDEX deployments_pending ON deployments (expires_at) WHERE state = 'pending_approval';

      -- One vote per person per commit: a double click or a retried request records nothing new.
      CREATE TABLE votes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment_id INTEGER NOT NULL REFERENCES deployments (id),
        voter TEXT NOT NULL,
        vote TEXT NOT NULL,
        sha TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (deployment_id, voter, sha)
      );

      CREATE TABLE locks (
        service TEXT NOT NULL,
        environment TEXT NOT NULL,
        holder TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        warned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (service, environment)
      );

      CREATE TABLE lock_waiters (
        service TEXT NOT NULL,
        environment TEXT NOT NULL,
        user_id TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (service, environment, user_id)
      );

      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
    `,
  },
  {
    version: 3,
    name: "DORA ledger: commits, incidents, digests",
    sql: `
      CREATE TABLE deployment_commits (
        deployment_id INTEGER NOT NULL REFERENCES deployments (id),
        sha TEXT NOT NULL,
        committed_at TEXT NOT NULL,
        author TEXT NOT NULL,
        message TEXT NOT NULL,
        jira_keys TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (deployment_id, sha)
      );
      -- The digest reads one window of one environment: finished_at is what it ranges over.
      CREATE INDEX deployments_ledger ON deployments (environment, service, finished_at) WHERE state IN ('succeeded', 'rolled_back');

      CREATE TABLE incidents (
        key TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        status TEXT NOT NULL,
        refs TEXT NOT NULL DEFAULT '{}',
        synced_at TEXT NOT NULL
      );
      CREATE INDEX incidents_by_service ON incidents (service, created_at);

      -- One digest per team and week: the row is claimed before posting, so a restart never posts twice.
      CREATE TABLE digests (
        team TEXT NOT NULL,
        week_start TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        channel TEXT,
        ts TEXT,
        posted_at TEXT,
        PRIMARY KEY (team, week_start)
      );
    `,
  },
  {
    version: 4,
    name: "leases for work shared between replicas",
    sql: `
      -- Who runs a scheduled job, or polls a deploy, until expires_at; see LeaseStore.
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "delivery keys seen by any replica",
    sql: `
      -- A retried slash command or a repeated click may reach another replica: the first insert of its key wins.
      CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX idempotency_keys_by_time ON idempotency_keys (seen_at);
    `,
  },
  {
    version: 6,
    name: "when a deploy was sent to the CI",
    sql: `
      -- Set just before the dispatch (or the deployment's creation) goes to GitHub: a requested deploy without it had
      -- nothing sent, so a restarted Gantry can end it with the true reason instead of waiting for news.
      ALTER TABLE deployments ADD COLUMN dispatched_at TEXT;
    `,
  },
  {
    version: 7,
    name: "runner-neutral run columns",
    sql: `
      -- Which runner runs the deploy (the service's mode when requested), and its run's id and page, whatever the
      -- runner: the GitHub names go. run_id is text so any runner's id fits; a GitHub run or deployment id keeps its
      -- digits. Old rows carry over: a deployment-mode deploy's deployment id, any other's workflow run id.
      ALTER TABLE deployments RENAME COLUMN mode TO runner;
      ALTER TABLE deployments ADD COLUMN run_id TEXT;
      UPDATE deployments SET run_id = CAST(
        CASE WHEN runner = 'deployment' THEN COALESCE(github_deployment_id, github_run_id)
             ELSE COALESCE(github_run_id, github_deployment_id) END AS TEXT);
      ALTER TABLE deployments RENAME COLUMN github_url TO run_url;
      ALTER TABLE deployments DROP COLUMN github_run_id;
      ALTER TABLE deployments DROP COLUMN github_deployment_id;
    `,
  },
  {
    version: 8,
    name: "the pull request of each production commit",
    sql: `
      -- Looked up once per commit for DORA's coding and review stages, and kept on the commit's own row so the ledger
      -- reads them without a join; pull_checked_at NULL: not looked up yet; pull_number NULL then: GitHub lists none.
      ALTER TABLE deployment_commits ADD COLUMN pull_number INTEGER;
      ALTER TABLE deployment_commits ADD COLUMN pull_first_commit_at TEXT;
      ALTER TABLE deployment_commits ADD COLUMN pull_opened_at TEXT;
      ALTER TABLE deployment_commits ADD COLUMN pull_merged_at TEXT;
      ALTER TABLE deployment_commits ADD COLUMN pull_checked_at TEXT;
      CREATE INDEX deployment_commits_by_sha ON deployment_commits (sha);
    `,
  },
  {
    version: 9,
    name: "verification on live metrics",
    sql: `
      -- The bake of a deploy on live metrics (JSON: the bake's clock and streaks, each check's readings, the outcome),
      -- so a restart or another replica carries on from it; verified_at: when it was verified or accepted.
      ALTER TABLE deployments ADD COLUMN verification TEXT;
      ALTER TABLE deployments ADD COLUMN verified_at TEXT;
      -- A deploy being verified is still live: nothing else starts there until it ends.
      DROP INDEX deployments_one_live;
      CREATE UNIQUE INDEX deployments_one_live
        ON deployments (service, environment)
        WHERE state IN ('pending_approval', 'requested', 'queued', 'in_progress', 'verifying');
    `,
  },
  {
    version: 10,
    name: "the ledger reads failed verifications",
    sql: `
      -- DORA counts a deploy that failed verification as a failed deployment: the ledger reads them by this index, as
      -- it reads the finished ones by deployments_ledger (the same portable SQL on both engines).
      CREATE INDEX deployments_failed_verifications ON deployments (environment, service, finished_at)
        WHERE state = 'failed' AND verification IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: "one github budget per token across replicas",
    sql: `
      -- What GitHub last said of a token's rate limit (x-ratelimit-*), and the last paced slot taken, shared by the
      -- replicas; keyed by a hash of the token, never the token. Times in epoch milliseconds.
      CREATE TABLE rate_budgets (
        token_hash TEXT PRIMARY KEY,
        limit_total INTEGER NOT NULL,
        remaining INTEGER NOT NULL,
        reset_at BIGINT NOT NULL,
        observed_at BIGINT NOT NULL,
        next_slot BIGINT NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 12,
    name: "deploy work handed over by web replicas",
    sql: `
      -- A deploy a web replica (GANTRY_ROLE=web) recorded, waiting for a worker to launch it (step 'launch') or to
      -- start it once approved ('approved'); a worker deletes the row as it takes it. reply_to: whom to tell if the
      -- message cannot be posted (JSON), kept only until then.
      CREATE TABLE handoffs (
        deployment_id INTEGER NOT NULL REFERENCES deployments (id),
        step TEXT NOT NULL,
        actor TEXT,
        reply_to TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (deployment_id, step)
      );
      CREATE INDEX handoffs_by_age ON handoffs (created_at);
    `,
  },
  {
    version: 13,
    name: "user group members shared by the replicas",
    sql: `
      -- What Slack last said a user group's members are (JSON array of user ids) and when (epoch ms): a replica whose
      -- cache is cold reads it here before asking Slack, within the same TTL as its own cache.
      CREATE TABLE usergroup_members (
        handle TEXT PRIMARY KEY,
        members TEXT NOT NULL,
        fetched_at BIGINT NOT NULL
      );
    `,
  },
];
