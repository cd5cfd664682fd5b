/**
 * GANTRY_ROLE on PostgreSQL: a web replica answers Slack and only records what was asked; a worker replica launches,
 * tracks and draws it. The web replica follows nothing and polls nothing, the worker serves no Slack endpoint, and a
 * deploy asked for while no worker runs waits in the database and is launched once one starts.
 */
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import { isFinal } from "../../src/domain/deploy-state.js";
import type { Deployment } from "../../src/domain/deployment.js";
import type { Env } from "../../src/env.js";
import { startGantry, type Gantry } from "../../src/gantry.js";
import { createLogger } from "../../src/log.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";
import { BOT_TOKEN, CHANNEL, emulatorEnv, GITHUB_TOKEN, seedWorld, SIGNING_SECRET, USERS } from "../support/harness.js";
import { assertInvariants } from "../support/invariants.js";
import { assertCallsMatchOpenApi } from "../support/openapi.js";
import { freshDatabase } from "../support/pg.js";

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const config = GantryConfig.parse({
  polling: { interval: "20ms", maxInterval: "100ms" },
  services: {
    "checkout-api": {
      repo: "acme/checkout-api",
      workflow: "deploy.yml",
      environments: {
        staging: {},
        production: { approvals: { required: 2, approvers: [USERS.bob, USERS.carol, USERS.dave] } },
      },
    },
  },
  teams: { payments: { channel: CHANNEL, services: ["checkout-api"] } },
});

/** The emulators, seeded as for every Gantry under test, and Gantrys on one store: PostgreSQL, or else a SQLite file. */
async function world(engine: "postgres" | "sqlite") {
  const dir = mkdtempSync(join(tmpdir(), "gantry-roles-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = engine === "postgres" ? await freshDatabase("gantry_roles") : undefined;
  if (db) cleanup.push(() => db.drop());
  const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
  const slack = new SlackEmulator({ botToken: BOT_TOKEN });
  await Promise.all([gh.start(), slack.start()]);
  cleanup.push(() => Promise.all([gh.stop(), slack.stop()]));
  seedWorld(gh, slack);
  gh.setRunScript(() => ({ queuedMs: 5, runMs: 30 }));
  const env = (role: Env["GANTRY_ROLE"], extra: Partial<Env>) =>
    ({
      ...emulatorEnv(slack, gh),
      GANTRY_CONFIG: join(dir, "gantry.yml"),
      GANTRY_DB: join(dir, "gantry.db"),
      ...(db ? { GANTRY_DATABASE_URL: db.url } : {}),
      GANTRY_ROLE: role,
      GANTRY_WORKER_THREAD: "off",
      PORT: 0,
      LOG_LEVEL: (process.env.ROLES_LOG as "debug") ?? "silent",
      ...extra,
    }) as Env;
  const start = async (role: Env["GANTRY_ROLE"], extra: Partial<Env> = {}): Promise<Gantry> => {
    const g = await startGantry({
      env: env(role, extra),
      config,
      log: createLogger((process.env.ROLES_LOG as "debug") ?? "silent", process.stderr).child({ role }),
      github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 2_000 },
      schedule: false,
      replicaId: role,
      replicas: { pollTtlMs: 3_000, scanMs: 50 },
      handoffs: { everyMs: 20 },
    });
    cleanup.push(() => g.stop());
    return g;
  };
  return { gh, slack, start };
}

/** Two approvers click Approve on the pending deploy's message, each answered. */
async function approveTwice(client: SlackSigningClient, pending: Deployment): Promise<void> {
  const message = { channel: pending.slackChannel!, ts: pending.slackTs! };
  for (const user of [USERS.bob, USERS.carol])
    expect(
      (await client.blockAction(user, { actionId: "approve_deploy", value: String(pending.id), message })).status,
    ).toBe(200);
}

/** Resolves with the latest deploy of checkout-api in `environment` once `pred` holds, re-reading on every change. */
async function reaches(g: Gantry, environment: string, pred: (d: Deployment) => boolean): Promise<Deployment> {
  for (;;) {
    const changed = once(g.events, "changed");
    const [d] = await g.store.history("checkout-api", environment, 1);
    if (d && pred(d)) return d;
    await changed;
  }
}

describe("GANTRY_ROLE=web and GANTRY_ROLE=worker on one PostgreSQL database", () => {
  it("the web replica answers and records; the worker launches, tracks and draws; approvals cross over too", async () => {
    const { gh, slack, start } = await world("postgres");
    const web = await start("web");
    const worker = await start("worker");
    expect([web.role, worker.role]).toEqual(["web", "worker"]);
    expect(web.handoffs).toBeUndefined();
    const polled = { web: [] as number[], worker: [] as number[] };
    web.tracker.events.on("polling", (id) => polled.web.push(id));
    worker.tracker.events.on("polling", (id) => polled.worker.push(id));

    // The worker has no Slack endpoint: a properly signed command there is not served.
    const atWorker = new SlackSigningClient({
      botUrl: `${worker.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slack,
    });
    expect((await atWorker.command(USERS.alice, "/deploy", "checkout-api main to staging")).status).toBe(404);
    expect(await worker.store.listLive()).toEqual([]);

    const client = new SlackSigningClient({ botUrl: `${web.url}/slack/events`, signingSecret: SIGNING_SECRET, slack });
    const finished = once(worker.events, "finished");
    expect(
      await client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL }),
    ).toMatchObject({ status: 200, body: "" });
    const [staging] = (await finished) as [Deployment];
    expect(staging).toMatchObject({ service: "checkout-api", environment: "staging", state: "succeeded" });
    await worker.drawn();
    const message = slack.findMessage(staging.slackChannel!, staging.slackTs!);
    expect(message?.text).toContain("checkout-api");
    expect(JSON.stringify(message?.blocks)).toContain("Succeeded");

    // A gated deploy: recorded on web, its message posted by the worker, approved on web, started by the worker.
    expect(
      await client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL }),
    ).toMatchObject({ status: 200, body: "" });
    const pending = await reaches(worker, "production", (d) => d.state === "pending_approval" && d.slackTs !== null);
    await approveTwice(client, pending);
    const production = await reaches(worker, "production", (d) => isFinal(d.state));
    expect(production.state).toBe("succeeded");
    await worker.drawn();

    // The web replica followed and polled nothing; the worker polled both deploys.
    expect(polled.web).toEqual([]);
    expect(web.tracker.following()).toEqual([]);
    expect(polled.worker.sort()).toEqual([staging.id, production.id].sort());
    expect(gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"))).toHaveLength(2);
    const handed = await web.store.listAudit({ deploymentId: production.id });
    expect(handed.map((e) => e.action)).toEqual(expect.arrayContaining(["vote.approve", "deploy.succeeded"]));
    expect(await web.store.handoffs().take(10)).toEqual([]);
    await assertInvariants({ config, store: web.store, slack, githubCalls: gh.calls });
    expect(gh.unexpectedCalls()).toHaveLength(0);
    expect(slack.calls.filter((call) => call.unexpected)).toHaveLength(0);
    assertCallsMatchOpenApi(gh.calls);
  });

  it("keeps what the web replica accepted while no worker runs, and the next worker launches it", async () => {
    const { gh, slack, start } = await world("postgres");
    const web = await start("web");
    const client = new SlackSigningClient({ botUrl: `${web.url}/slack/events`, signingSecret: SIGNING_SECRET, slack });
    expect(
      await client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL }),
    ).toMatchObject({ status: 200, body: "" });
    await web.settled();
    const [waiting] = await web.store.history("checkout-api", "staging", 1);
    expect(waiting).toMatchObject({ state: "requested", dispatchedAt: null, slackTs: null });
    expect(await web.store.handoffs().waiting(waiting!.id)).toBe(true);
    expect(gh.calls.filter((c) => c.method === "POST")).toEqual([]);
    // The operator sees work waiting for a worker.
    const age = async () =>
      Number(/^gantry_handoff_oldest_seconds (\S+)$/m.exec(await (await fetch(`${web.url}/metrics`)).text())?.[1]);
    expect((await web.store.handoffs().oldest())! >= waiting!.createdAt).toBe(true);
    expect(await age()).toBeGreaterThanOrEqual(0);

    const worker = await start("worker");
    const done = await reaches(worker, "staging", (d) => isFinal(d.state));
    expect(done).toMatchObject({ id: waiting!.id, state: "succeeded" });
    expect(await worker.store.handoffs().waiting(waiting!.id)).toBe(false);
    expect(await worker.store.handoffs().oldest()).toBeUndefined();
    expect(await age()).toBe(0);
    expect(gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"))).toHaveLength(1);
    expect(gh.unexpectedCalls()).toHaveLength(0);
  });
});

describe("GANTRY_WORKER_THREAD=on on the embedded default", () => {
  it("answers Slack on the main thread while a worker thread launches, tracks and draws, approvals included", async () => {
    const { gh, slack, start } = await world("sqlite");
    const g = await start("all", { GANTRY_WORKER_THREAD: "on" });
    expect(g.handoffs).toBeUndefined();
    const client = new SlackSigningClient({ botUrl: `${g.url}/slack/events`, signingSecret: SIGNING_SECRET, slack });
    const finished = once(g.events, "finished");
    expect(
      await client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL }),
    ).toMatchObject({ status: 200, body: "" });
    // The thread's deploy events reach the main thread's listeners.
    const [staging] = (await finished) as [Deployment];
    expect(staging).toMatchObject({ environment: "staging", state: "succeeded" });
    await g.drawn();
    expect(JSON.stringify(slack.findMessage(staging.slackChannel!, staging.slackTs!)?.blocks)).toContain("Succeeded");

    expect(
      await client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL }),
    ).toMatchObject({ status: 200, body: "" });
    const pending = await reaches(g, "production", (d) => d.state === "pending_approval" && d.slackTs !== null);
    await approveTwice(client, pending);
    expect((await reaches(g, "production", (d) => isFinal(d.state))).state).toBe("succeeded");
    await g.drawn();
    // The main thread followed nothing: the thread did.
    expect(g.tracker.following()).toEqual([]);
    expect(gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"))).toHaveLength(2);
    expect(await g.store.handoffs().take(10)).toEqual([]);
    // One /metrics: the thread's counts (the deploys it ended, its GitHub calls) with the main thread's.
    const text = await (await fetch(`${g.url}/metrics`)).text();
    expect(text).toMatch(/gantry_deploys_total\{[^}]*environment="staging"[^}]*outcome="succeeded"[^}]*\} 1/);
    expect(text).toMatch(/gantry_deploys_total\{[^}]*environment="production"[^}]*outcome="succeeded"[^}]*\} 1/);
    expect(text).toMatch(/gantry_external_requests_total\{vendor="github"[^}]*\} [1-9]/);
    expect(text).toMatch(/gantry_commands_total\{command="\/deploy"[^}]*\} 2/);
    expect(await g.stop()).toEqual({ abandoned: [] });
    expect(gh.unexpectedCalls()).toHaveLength(0);
    expect(slack.calls.filter((call) => call.unexpected)).toHaveLength(0);
  });
});
