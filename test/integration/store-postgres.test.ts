import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePg, PG_MIGRATIONS } from "../../src/store/pg-migrations.js";
import { openPgStore } from "../../src/store/pg-store.js";
import { freshDatabase, type FreshDatabase } from "../support/pg.js";
import { AT, later, request, storeContract } from "./store-contract.js";

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
      const { rows } = await stores[0]!.pool.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
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

describe("PostgreSQL shared by replicas", () => {
  it("lets exactly one of several replicas (each with its own pool) create, move, vote, claim and lease", async () => {
    const fresh = await freshDatabase("gantry_replicas_store");
    const replicas = [1, 2, 3].map(() => openPgStore(fresh.url, { max: 3 }));
    try {
      await Promise.all(replicas.map((r) => r.ready()));
      const created = await Promise.all(
        replicas.map((r, i) =>
          r.createDeployment(request({ requester: `U0R${i}`, state: "pending_approval", sha: "a".repeat(40) })),
        ),
      );
      expect(created.filter((c) => c.ok)).toHaveLength(1);
      const id = created.map((c) => (c.ok ? c.deployment.id : c.active.id))[0]!;
      expect(new Set(created.map((c) => (c.ok ? c.deployment.id : c.active.id)))).toEqual(new Set([id]));

      const votes = await Promise.all(
        replicas.map((r) => r.castVote(id, { voter: "U0BOB", vote: "approve", sha: "a".repeat(40), at: later(1) })),
      );
      expect(votes.filter((v) => v.recorded)).toHaveLength(1);

      const moved = await Promise.all(
        replicas.map((r) =>
          r.transition(
            id,
            ["pending_approval"],
            "requested",
            {},
            { actor: "U0BOB", action: "deploy.approved", at: later(2) },
          ),
        ),
      );
      expect(moved.filter(Boolean)).toHaveLength(1);
      const dispatched = await Promise.all(
        replicas.map((r, i) =>
          r.transition(
            id,
            ["requested"],
            "queued",
            { runId: String(i + 1) },
            { actor: "gantry", action: "deploy.queued", at: later(3) },
          ),
        ),
      );
      expect(dispatched.filter(Boolean)).toHaveLength(1);
      expect((await replicas[0]!.transitions(id)).map((t) => t.state)).toEqual([
        "pending_approval",
        "requested",
        "queued",
      ]);

      expect(
        (await Promise.all(replicas.map((r) => r.claimDigest("payments", "2026-11-23", AT)))).filter(Boolean),
      ).toHaveLength(1);
      expect(
        (await Promise.all(replicas.map((r, i) => r.acquireLease("scheduler", `replica-${i}`, AT, 30_000)))).filter(
          Boolean,
        ),
      ).toHaveLength(1);
      expect(
        (await Promise.all(replicas.map((r) => r.firstDelivery("command:trigger-1", AT)))).filter(Boolean),
      ).toHaveLength(1);
      expect((await replicas[2]!.listAudit({ deploymentId: id })).map((a) => a.action)).toEqual([
        "deploy.pending_approval",
        "vote.approve",
        "deploy.approved",
        "deploy.queued",
      ]);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await fresh.drop();
    }
  });
});
