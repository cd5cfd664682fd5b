import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.js";
import { AT, request } from "./store-contract.js";

describe("SQLite store on a real file", () => {
  let dir: string;
  let path: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gantry-store-"));
    path = join(dir, "nested", "gantry.db");
    store = openSqliteStore(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses WAL, foreign keys and versioned migrations that run once", async () => {
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("foreign_keys", { simple: true })).toBe(1);
    await store.close();
    store = openSqliteStore(path);
    const versions = store.db.prepare("SELECT version FROM schema_migrations").all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it("migrates a file made by an older Gantry, keeping its data", async () => {
    const oldPath = join(dir, "old.db");
    const old = new Database(oldPath);
    old.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    for (const m of MIGRATIONS.slice(0, 3)) {
      old.exec(m.sql);
      old.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(m.version, m.name, AT);
    }
    old
      .prepare(
        "INSERT INTO deployments (key, service, environment, ref, requester, mode, state, created_at, updated_at) VALUES ('gd_old', 'checkout-api', 'staging', 'v1', 'U0ALICE', 'workflow', 'succeeded', ?, ?)",
      )
      .run(AT, AT);
    old.close();
    const upgraded = openSqliteStore(oldPath);
    try {
      expect(upgraded.db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()).toEqual(
        MIGRATIONS.map((m) => ({ version: m.version })),
      );
      expect(await upgraded.findByKey("gd_old")).toMatchObject({ state: "succeeded", kind: "deploy", hotfix: false });
      expect(await upgraded.acquireLease("scheduler", "replica-a", AT, 1000)).toBe(true);
    } finally {
      await upgraded.close();
    }
  });

  it("keeps the audit log append-only: the database refuses updates and deletes", async () => {
    await store.createDeployment(request());
    expect(() => store.db.prepare("UPDATE audit_events SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => store.db.prepare("DELETE FROM audit_events").run()).toThrow(/append-only/);
    expect(await store.listAudit()).toMatchObject([{ actor: "U0ALICE", action: "deploy.requested" }]);
  });

  it("exports the audit log from the CLI, filtered by service, as JSON lines", async () => {
    await store.createDeployment(request());
    await store.createDeployment(request({ service: "billing-worker" }));
    const out: string[] = [];
    const { runCli } = await import("../../src/cli/gantry.js");
    const code = await runCli(["audit", "--service", "billing-worker", "--json", "--db", path], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: {},
    });
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l) as { service: string; action: string })).toMatchObject([
      { service: "billing-worker", action: "deploy.requested" },
    ]);
  });

  it("keeps data across a reopen of the file", async () => {
    await store.createDeployment(request());
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT COUNT(*) AS n FROM deployments").get()).toEqual({ n: 1 });
    raw.close();
    store = openSqliteStore(path);
    expect(await store.listLive()).toHaveLength(1);
  });
});
