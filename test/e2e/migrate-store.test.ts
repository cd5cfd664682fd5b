import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/gantry.js";
import { seedHistory } from "../../sandbox/demo/history.js";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import { COPIED_TABLES } from "../../src/store/copy-store.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openPgStore, type PgStore } from "../../src/store/pg-store.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/types.js";
import { ADMIN_HOST, freshDatabase, type FreshDatabase } from "../support/pg.js";

const NOW = new Date("2026-11-25T12:00:00.000Z");
const at = (min: number) => new Date(NOW.getTime() + min * 60_000).toISOString();
const TARGETS = ["checkout-api", "billing-worker"].flatMap((service) =>
  ["staging", "production"].map((environment) => ({ service, environment })),
);

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  return { code: await runCli(args, io), out, err };
}

/** The demo's twelve weeks of production history, plus live work of every kind the ledger does not cover. */
async function seedDemo(store: Store): Promise<void> {
  expect(await seedHistory(store, new JiraEmulator(), NOW, "Europe/Berlin")).toBeGreaterThan(40);
  const staging = await store.createDeployment({
    key: "gd_stage",
    service: "checkout-api",
    environment: "staging",
    ref: "main",
    requester: "U0ALICE",
    runner: "workflow",
    slackChannel: "C0PAY",
    at: at(0),
  });
  if (!staging.ok) throw new Error("busy");
  await store.transition(
    staging.deployment.id,
    ["requested"],
    "queued",
    { sha: "e".repeat(40), runId: "12345678901" },
    { actor: "gantry", action: "deploy.queued", at: at(1) },
  );
  await store.patch(
    staging.deployment.id,
    {
      slackTs: "1700000000.000200",
      changeSummary: { base: null, total: 1, commits: [], authors: ["alice"], jiraKeys: ["PAY-1"] },
    },
    at(2),
  );
  const gated = await store.createDeployment({
    key: "gd_gate",
    service: "billing-worker",
    environment: "production",
    ref: "v2.0.0",
    sha: "f".repeat(40),
    requester: "U0BOB",
    runner: "deployment",
    slackChannel: "C0PAY",
    state: "pending_approval",
    expiresAt: at(60),
    forceReason: "hotfix for OPS-9",
    hotfix: true,
    at: at(3),
  });
  if (!gated.ok) throw new Error("busy");
  await store.castVote(gated.deployment.id, { voter: "U0CAROL", vote: "approve", sha: "f".repeat(40), at: at(4) });
  await store.castVote(gated.deployment.id, { voter: "U0DAVE", vote: "reject", sha: "f".repeat(40), at: at(5) });
  await store.acquireLock({
    service: "checkout-api",
    environment: "production",
    holder: "U0ALICE",
    reason: "black friday",
    createdAt: at(6),
    expiresAt: at(600),
  });
  await store.markLockWarned("checkout-api", "production");
  await store.addLockWaiter("checkout-api", "production", "U0BOB", at(7));
  await store.audit({
    actor: "U0EVE",
    action: "command.refused",
    service: "checkout-api",
    detail: { command: "/deploy", why: "not allowed" },
    at: at(8),
  });
  await store.upsertIncidents(
    [
      {
        key: "OPS-9",
        service: "billing-worker",
        createdAt: at(-600),
        resolvedAt: null,
        status: "Open",
        refs: { deployIds: [], shas: ["abcdef1"], issueKeys: [] },
      },
    ],
    at(9),
  );
  await store.claimDigest("payments", "2026-11-23", at(10));
  await store.completeDigest({
    team: "payments",
    weekStart: "2026-11-23",
    channel: "C0PAY",
    ts: "1700000000.3",
    postedAt: at(11),
  });
  await store.claimDigest("payments", "2026-11-30", at(12));
  await store.importDeployment({
    key: "gh:acme/checkout-api:9",
    service: "checkout-api",
    environment: "staging",
    ref: "main",
    sha: "9".repeat(40),
    creator: "octocat",
    githubDeploymentId: 9,
    url: null,
    createdAt: at(-90),
    finishedAt: at(-80),
    importedAt: at(13),
  });
  await store.acquireLease("scheduler", "replica-a", at(14), 60_000);
}

/** Everything the Store answers, gathered the same way from either engine. */
async function answers(store: Store) {
  const deploys = (
    await Promise.all(["checkout-api", "billing-worker"].map((s) => store.history(s, undefined, 10_000)))
  ).flat();
  return {
    deploys,
    transitions: await Promise.all(deploys.map((d) => store.transitions(d.id))),
    votes: await Promise.all(deploys.map((d) => store.votes(d.id))),
    live: await store.listLive(),
    pending: await store.listPendingApprovals(),
    current: await store.currentlyDeployed(),
    last: await Promise.all(TARGETS.map((t) => store.lastSucceeded(t.service, t.environment))),
    ledger: await store.ledger(TARGETS, "2000-01-01T00:00:00.000Z"),
    incidents: await store.incidents(["checkout-api", "billing-worker"], "2000-01-01T00:00:00.000Z"),
    digests: await Promise.all(["2026-11-23", "2026-11-30"].map((w) => store.getDigest("payments", w))),
    locks: await store.listLocks(),
    audit: await store.listAudit(),
  };
}

describe("gantry migrate-store", () => {
  let dir: string;
  let path: string;
  let target: FreshDatabase;
  const open: Store[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "gantry-migrate-"));
    path = join(dir, "gantry.db");
    target = await freshDatabase("gantry_migrate");
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function sqlite(): SqliteStore {
    const s = openSqliteStore(path);
    open.push(s);
    return s;
  }
  function postgres(): PgStore {
    const s = openPgStore(target.url, { max: 2 });
    open.push(s);
    return s;
  }

  it("copies the demo's installation losslessly, audit log and ids included, and prints matching counts", async () => {
    const source = sqlite();
    await seedDemo(source);
    const before = await answers(source);

    const run = await cli(["migrate-store", "--from", `sqlite:${path}`, "--to", target.url]);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(`copied ${path} to PostgreSQL ${ADMIN_HOST}/${target.name}`);
    expect(run.out.at(-1)).toBe("row counts match");
    for (const { table } of COPIED_TABLES) {
      const n = (source.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect(n, table).toBeGreaterThan(0);
      expect(run.out).toContainEqual(expect.stringMatching(new RegExp(`^${table}\\s+${n}\\s+${n}$`)));
    }

    const copy = postgres();
    expect(await answers(copy)).toEqual(before);
    expect(before.audit.length).toBeGreaterThan(100);

    // The copy carries on where the file stopped: new ids follow the copied ones, the one-live rule holds.
    const maxId = Math.max(...before.deploys.map((d) => d.id));
    expect(
      await copy.createDeployment({
        key: "gd_next",
        service: "checkout-api",
        environment: "staging",
        ref: "main",
        requester: "U0ALICE",
        runner: "workflow",
        slackChannel: null,
        at: at(20),
      }),
    ).toMatchObject({ ok: false, active: { key: "gd_stage" } });
    const next = await copy.createDeployment({
      key: "gd_next",
      service: "checkout-api",
      environment: "qa",
      ref: "main",
      requester: "U0ALICE",
      runner: "workflow",
      slackChannel: null,
      at: at(20),
    });
    expect(next).toMatchObject({ ok: true, deployment: { id: maxId + 1 } });
    const audit = await copy.listAudit({ since: at(20) });
    expect(audit).toMatchObject([{ id: before.audit.at(-1)!.id + 1, action: "deploy.requested" }]);
    await expect(copy.pool.query("DELETE FROM audit_events")).rejects.toThrow(/append-only/);
    expect(await copy.claimDigest("payments", "2026-11-30", at(21))).toBe(false);
  });

  it("copies a file an older Gantry left (GitHub-named run columns), upgrading it on the way", async () => {
    const old = new Database(path);
    old.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 6)) {
      old.exec(m.sql);
      old.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(m.version, m.name, at(0));
    }
    old
      .prepare(
        `INSERT INTO deployments (key, service, environment, ref, requester, mode, state, github_run_id, github_url, created_at, updated_at)
         VALUES ('gd_old', 'checkout-api', 'staging', 'main', 'U0ALICE', 'workflow', 'succeeded', 12345678901, 'https://github.com/acme/checkout-api/actions/runs/12345678901', ?, ?)`,
      )
      .run(at(0), at(1));
    old.close();

    const run = await cli(["migrate-store", "--from", `sqlite:${path}`, "--to", target.url]);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(await postgres().findByKey("gd_old")).toMatchObject({
      runner: "workflow",
      runId: "12345678901",
      runUrl: "https://github.com/acme/checkout-api/actions/runs/12345678901",
    });
  });

  it("refuses a target that already holds data, and changes nothing there", async () => {
    await seedDemo(sqlite());
    expect((await cli(["migrate-store", "--from", `sqlite:${path}`], { GANTRY_DATABASE_URL: target.url })).code).toBe(
      0,
    );
    const copy = postgres();
    const before = await copy.listAudit();
    const again = await cli(["migrate-store", "--from", `sqlite:${path}`, "--to", target.url]);
    expect(again.code).toBe(1);
    expect(again.err).toEqual([
      expect.stringMatching(
        /^gantry migrate-store: the target database is not empty \(deployments has \d+ rows\): migrate into a fresh database$/,
      ),
    ]);
    expect(await copy.listAudit()).toEqual(before);
  });

  it("explains what to type when the source or target is wrong, without creating a file or printing a password", async () => {
    const missing = join(dir, "nope.db");
    const noFile = await cli(["migrate-store", "--from", `sqlite:${missing}`, "--to", target.url]);
    expect(noFile.code).toBe(2);
    expect(noFile.err[0]).toBe(`--from: no SQLite file at ${missing}`);
    expect(noFile.err[1]).toMatch(/^usage: gantry migrate-store --from sqlite:/);
    expect(existsSync(missing)).toBe(false);
    expect((await cli(["migrate-store", "--from", path, "--to", target.url])).err[0]).toBe(
      "--from must be sqlite:<path of the SQLite file>",
    );
    expect((await cli(["migrate-store", "--from", `sqlite:${path}`, "--to", "mysql://x"])).err[0]).toBe(
      "--to (or GANTRY_DATABASE_URL) must be a postgres:// or postgresql:// URL",
    );
    expect((await cli(["migrate-store", "--from", `sqlite:${path}`, "--bogus"])).code).toBe(2);

    await seedDemo(sqlite());
    const unreachable = new URL(target.url);
    unreachable.port = "1";
    unreachable.password = "hunter2";
    const down = await cli(["migrate-store", "--from", `sqlite:${path}`, "--to", unreachable.toString()]);
    expect(down.code).toBe(1);
    expect(down.err[0]).toMatch(new RegExp(`^gantry migrate-store: 127.0.0.1:1/${target.name}: .*ECONNREFUSED`));
    expect([...down.out, ...down.err].join("\n")).not.toContain("hunter2");
  });
});
