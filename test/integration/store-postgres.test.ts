import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePg, PG_MIGRATIONS } from "../../src/store/pg-migrations.js";
import { openPgStore } from "../../src/store/pg-store.js";
import { freshDatabase, type FreshDatabase } from "../support/pg.js";
import { AT, storeContract } from "./store-contract.js";

// One database for this file, and a schema of its own for each test: every test starts from an empty, migrated store.
let db: FreshDatabase;
let schemas = 0;
beforeAll(async () => {
  db = await freshDatabase("gantry_contract");
});
afterAll(async () => {
  await db?.drop();
});

storeContract("PostgreSQL", async () => {
  const schema = `t${++schemas}`;
  const admin = openPgStore(db.url, { max: 1 });
  await admin.pool.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = new URL(db.url);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const store = openPgStore(url.toString(), { max: 4 });
  await store.ready();
  return {
    store,
    exec: (sql) => store.pool.query(sql),
    close: () => store.close(),
  };
});

describe("PostgreSQL migrations", () => {
  it("run once when several replicas open a fresh database at the same moment", async () => {
    const fresh = await freshDatabase("gantry_migrate");
    const stores = [1, 2, 3].map(() => openPgStore(fresh.url, { max: 2 }));
    try {
      await Promise.all(stores.map((s) => s.ready()));
      const { rows } = await stores[0]!.pool.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version })));
      expect(await migratePg(stores[1]!.pool)).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.drop();
    }
  });

  it("bring an older database up to date, keeping its data", async () => {
    const fresh = await freshDatabase("gantry_migrate");
    const store = openPgStore(fresh.url, { max: 2 });
    try {
      expect(await migratePg(store.pool, PG_MIGRATIONS.slice(0, 2))).toEqual([1, 2]);
      await store.pool.query(
        "INSERT INTO deployments (key, service, environment, ref, requester, mode, state, created_at, updated_at) VALUES ('gd_old', 'checkout-api', 'staging', 'v1', 'U0ALICE', 'workflow', 'succeeded', $1, $1)",
        [AT],
      );
      await store.ready();
      expect(await store.findByKey("gd_old")).toMatchObject({ state: "succeeded", hotfix: false, createdAt: AT });
      expect(await store.acquireLease("scheduler", "replica-a", AT, 1000)).toBe(true);
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it("refuse TRUNCATE of the audit log too", async () => {
    const store = openPgStore(db.url, { max: 1 });
    try {
      await store.ready();
      await expect(store.pool.query("TRUNCATE audit_events CASCADE")).rejects.toThrow(/append-only/);
    } finally {
      await store.close();
    }
  });
});
