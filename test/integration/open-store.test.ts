import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/gantry.js";
import { createLogger } from "../../src/log.js";
import { leaseWrite, readiness } from "../../src/metrics/index.js";
import { openStore } from "../../src/store/open-store.js";
import { PgStore } from "../../src/store/pg-store.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { ADMIN_HOST, freshDatabase, type FreshDatabase } from "../support/pg.js";
import { request } from "./store-contract.js";

let db: FreshDatabase;
let dir: string;
let url: string;
beforeAll(async () => {
  db = await freshDatabase("gantry_open");
  dir = mkdtempSync(join(tmpdir(), "gantry-open-"));
  // The same database with a password in the URL (trust auth ignores it), to check it never reaches a log line.
  const withPassword = new URL(db.url);
  withPassword.password = "hunter2";
  url = withPassword.toString();
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("openStore", () => {
  it("uses PostgreSQL when GANTRY_DATABASE_URL is set, and logs only its host and database", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const store = openStore(
      { GANTRY_DATABASE_URL: url, GANTRY_DATABASE_POOL: 3, GANTRY_DB: join(dir, "unused.db") },
      createLogger("info", sink),
    );
    try {
      expect(store).toBeInstanceOf(PgStore);
      expect((store as PgStore).pool.options.max).toBe(3);
      expect((await store.createDeployment(request())).ok).toBe(true);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        msg: "store opened",
        store: { engine: "postgres", host: ADMIN_HOST, database: db.name },
      });
      expect(lines.join("")).not.toContain("hunter2");
    } finally {
      await store.close();
    }
  });

  it("uses the SQLite file at GANTRY_DB otherwise", async () => {
    const store = openStore({ GANTRY_DB: join(dir, "gantry.db") });
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect(await store.listLive()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("fails on the first query when the database cannot be reached, and again on the next try", async () => {
    const unreachable = new URL(db.url);
    unreachable.port = "1";
    const store = openStore({ GANTRY_DATABASE_URL: unreachable.toString(), GANTRY_DB: "unused" });
    try {
      await expect(store.listLive()).rejects.toThrow(/ECONNREFUSED/);
      await expect(store.listLocks()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });
});

describe("/readyz on PostgreSQL", () => {
  it("is ready while the database answers, and says the database is the problem when it does not", async () => {
    const up = openStore({ GANTRY_DATABASE_URL: db.url, GANTRY_DB: "unused" });
    const unreachable = new URL(db.url);
    unreachable.port = "1";
    const down = openStore({ GANTRY_DATABASE_URL: unreachable.toString(), GANTRY_DB: "unused" });
    try {
      const deps = { slackAuthTest: async () => true, shuttingDown: () => false };
      const now = () => new Date();
      expect(await readiness({ ...deps, databaseWrite: leaseWrite(up, "r1", now) })()).toEqual({
        ok: true,
        checks: { running: true, database: true, slack: true },
      });
      expect(await readiness({ ...deps, databaseWrite: leaseWrite(down, "r1", now) })()).toEqual({
        ok: false,
        checks: { running: true, database: false, slack: true },
      });
    } finally {
      await Promise.all([up.close(), down.close()]);
    }
  });
});

describe("CLI commands on PostgreSQL", () => {
  it("read GANTRY_DATABASE_URL, or a postgres:// URL given as --db", async () => {
    const out: string[] = [];
    const io = (env: Record<string, string>) => ({
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(l),
      env,
    });
    expect(await runCli(["audit", "--json"], io({ GANTRY_DATABASE_URL: url, GANTRY_DB: join(dir, "other.db") }))).toBe(
      0,
    );
    expect(out.map((l) => (JSON.parse(l) as { action: string }).action)).toEqual(["deploy.requested"]);
    out.length = 0;
    expect(await runCli(["audit", "--json", "--db", url], io({}))).toBe(0);
    expect(out).toHaveLength(1);
    out.length = 0;
    expect(await runCli(["audit", "--json", "--db", join(dir, "gantry.db")], io({ GANTRY_DATABASE_URL: url }))).toBe(0);
    expect(out).toEqual([]);
  });
});
