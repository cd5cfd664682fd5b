/**
 * Migration 7 renames the GitHub-only run columns (mode, github_run_id, github_deployment_id, github_url) to
 * runner-neutral ones (runner, run_id, run_url). A database left at version 6 with deploys of both runners in it is
 * upgraded in place, on either engine, and its rows read back under the new names.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { migratePg, PG_MIGRATIONS } from "../../src/store/pg-migrations.js";
import { openPgStore } from "../../src/store/pg-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { freshDatabase, type FreshDatabase } from "../support/pg.js";
import { AT } from "./store-contract.js";

const BEFORE = 6;
const COLUMNS =
  "key, service, environment, ref, sha, requester, mode, kind, state, github_run_id, github_deployment_id, github_url, created_at, updated_at";
/** A workflow deploy with its run, a deployment-mode deploy with its deployment, and one that never reached GitHub. */
const OLD_ROWS = [
  [
    "gd_run",
    "checkout-api",
    "staging",
    "main",
    "a".repeat(40),
    "U0ALICE",
    "workflow",
    "deploy",
    "succeeded",
    12_345_678_901,
    null,
    "https://github.test/acme/checkout-api/actions/runs/12345678901",
  ],
  [
    "gd_dep",
    "billing-worker",
    "staging",
    "main",
    "b".repeat(40),
    "U0BOB",
    "deployment",
    "deploy",
    "succeeded",
    null,
    98_765_432_101,
    "https://ci.test/logs/98765432101",
  ],
  ["gd_none", "checkout-api", "production", "v1", null, "U0ALICE", "workflow", "deploy", "failed", null, null, null],
] as const;

async function expectUpgraded(store: Store): Promise<void> {
  expect(await store.findByKey("gd_run")).toMatchObject({
    runner: "workflow",
    runId: "12345678901",
    runUrl: "https://github.test/acme/checkout-api/actions/runs/12345678901",
    state: "succeeded",
  });
  expect(await store.findByKey("gd_dep")).toMatchObject({
    runner: "deployment",
    runId: "98765432101",
    runUrl: "https://ci.test/logs/98765432101",
  });
  expect(await store.findByKey("gd_none")).toMatchObject({ runner: "workflow", runId: null, runUrl: null });
  const d = (await store.findByKey("gd_none"))!;
  // The new columns take writes too.
  expect(await store.patch(d.id, { runId: "7", runUrl: "https://ci.test/7" }, AT)).toMatchObject({
    runId: "7",
    runUrl: "https://ci.test/7",
  });
}

describe("the runner-neutral run columns (migration 7)", () => {
  it("upgrade an SQLite file at version 6 in place, carrying its rows over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-upgrade-"));
    const path = join(dir, "gantry.db");
    try {
      const old = new Database(path);
      old.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
      );
      for (const m of MIGRATIONS.filter((m) => m.version <= BEFORE)) {
        old.exec(m.sql);
        old.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(m.version, m.name, AT);
      }
      const insert = old.prepare(
        `INSERT INTO deployments (${COLUMNS}) VALUES (${COLUMNS.split(",")
          .map(() => "?")
          .join(", ")})`,
      );
      for (const row of OLD_ROWS) insert.run(...row, AT, AT);
      old.close();

      const store = openSqliteStore(path);
      try {
        await expectUpgraded(store);
        const columns = store.db
          .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('deployments')")
          .all();
        expect(columns.map((c) => c.name)).not.toContain("github_run_id");
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on PostgreSQL", () => {
    let db: FreshDatabase;
    beforeAll(async () => {
      db = await freshDatabase("gantry_upgrade");
    });
    afterAll(async () => {
      await db?.drop();
    });

    it("upgrade a database at version 6 in place, carrying its rows over", async () => {
      const store = openPgStore(db.url, { max: 2 });
      try {
        expect(
          await migratePg(
            store.pool,
            PG_MIGRATIONS.filter((m) => m.version <= BEFORE),
          ),
        ).toHaveLength(BEFORE);
        const placeholders = COLUMNS.split(",")
          .map((_, i) => `$${i + 1}`)
          .join(", ");
        for (const row of OLD_ROWS)
          await store.pool.query(`INSERT INTO deployments (${COLUMNS}) VALUES (${placeholders})`, [...row, AT, AT]);
        await store.ready();
        await expectUpgraded(store);
        const { rows } = await store.pool.query<{ column_name: string }>(
          "SELECT column_name FROM information_schema.columns WHERE table_name = 'deployments' AND table_schema = current_schema()",
        );
        expect(rows.map((r) => r.column_name)).not.toContain("github_deployment_id");
      } finally {
        await store.close();
      }
    });
  });
});
