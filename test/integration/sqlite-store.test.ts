import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.js";
import type { NewDeployment } from "../../src/store/types.js";

const AT = "2026-11-23T10:00:00.000Z";
const later = (s: number) => new Date(Date.parse(AT) + s * 1000).toISOString();

function request(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    key: `gd_${Math.random().toString(16).slice(2, 14)}`,
    service: "checkout-api",
    environment: "staging",
    ref: "v1.4.2",
    requester: "U0ALICE",
    mode: "workflow",
    slackChannel: "C0PAYMENTS",
    at: AT,
    ...overrides,
  };
}

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
    expect(versions).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it("records a deploy with its first transition and audit event in one go", async () => {
    const created = await store.createDeployment(request());
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.deployment).toMatchObject({ state: "requested", service: "checkout-api", sha: null, requester: "U0ALICE" });
    expect(await store.transitions(created.deployment.id)).toEqual([{ state: "requested", at: AT }]);
    const audit = await store.listAudit({ deploymentId: created.deployment.id });
    expect(audit).toMatchObject([{ action: "deploy.requested", actor: "U0ALICE", detail: { ref: "v1.4.2" } }]);
  });

  it("refuses a second live deploy of the same service and environment, and names the first", async () => {
    const first = await store.createDeployment(request());
    const second = await store.createDeployment(request({ requester: "U0BOB" }));
    expect(second).toEqual({ ok: false, active: first.ok && first.deployment });
    const elsewhere = await store.createDeployment(request({ environment: "production" }));
    expect(elsewhere.ok).toBe(true);
  });

  it("moves state only from the expected states, writing the transition and audit together", async () => {
    const created = await store.createDeployment(request());
    if (!created.ok) throw new Error("not created");
    const id = created.deployment.id;
    const queued = await store.transition(id, ["requested"], "queued", { sha: "a".repeat(40), githubRunId: 7 }, {
      actor: "gantry",
      action: "deploy.queued",
      at: later(1),
    });
    expect(queued).toMatchObject({ state: "queued", sha: "a".repeat(40), githubRunId: 7, updatedAt: later(1) });
    const stale = await store.transition(id, ["requested"], "queued", {}, { actor: "gantry", action: "deploy.queued", at: later(2) });
    expect(stale).toBeUndefined();
    await store.transition(id, ["queued", "in_progress"], "succeeded", { finishedAt: later(3) }, {
      actor: "gantry",
      action: "deploy.succeeded",
      at: later(3),
    });
    expect((await store.transitions(id)).map((t) => t.state)).toEqual(["requested", "queued", "succeeded"]);
    expect((await store.listAudit({ deploymentId: id })).map((a) => a.action)).toEqual([
      "deploy.requested",
      "deploy.queued",
      "deploy.succeeded",
    ]);
    expect(await store.findActive("checkout-api", "staging")).toBeUndefined();
    expect((await store.createDeployment(request())).ok).toBe(true);
  });

  it("knows what is deployed where and the history, newest first", async () => {
    for (const [env, ref] of [["staging", "v1"], ["staging", "v2"], ["production", "v1"]] as const) {
      const c = await store.createDeployment(request({ environment: env, ref }));
      if (!c.ok) throw new Error("not created");
      await store.transition(c.deployment.id, ["requested"], "succeeded", {}, { actor: "gantry", action: "x", at: later(5) });
    }
    const failed = await store.createDeployment(request({ ref: "v3" }));
    if (!failed.ok) throw new Error("not created");
    await store.transition(failed.deployment.id, ["requested"], "failed", {}, { actor: "gantry", action: "x", at: later(6) });
    const current = await store.currentlyDeployed("checkout-api");
    expect(current.map((d) => [d.environment, d.ref])).toEqual([["production", "v1"], ["staging", "v2"]]);
    expect((await store.history("checkout-api", "staging")).map((d) => d.ref)).toEqual(["v3", "v2", "v1"]);
    expect(await store.listLive()).toEqual([]);
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
    const code = await runCli(["audit", "--service", "billing-worker", "--json", "--db", path], { out: (l) => out.push(l), err: (l) => out.push(l), env: {} });
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l) as { service: string; action: string })).toMatchObject([{ service: "billing-worker", action: "deploy.requested" }]);
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
