/**
 * A verification outlives the process watching it: Gantry SIGKILLed while a deploy is verifying carries on from the
 * stored record when started again, and with two replicas on PostgreSQL the one that survives takes the watch over
 * through the poll lease. Either way the bake clock is the stored one (started once, never reset), and the deploy
 * ends once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { PrometheusEmulator } from "../../sandbox/prometheus/index.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";
import { isFinal } from "../../src/domain/deploy-state.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { openPgStore } from "../../src/store/pg-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/types.js";
import { firstToPrint, GantryProcess, untilAny } from "../support/gantry-process.js";
import { BOT_TOKEN, CHANNEL, emulatorEnv, GITHUB_TOKEN, SIGNING_SECRET, USERS } from "../support/harness.js";
import { freshDatabase } from "../support/pg.js";

const ERRORS = 'errors{service="checkout-api",env="canary"}';

function configInput(bake: string) {
  return {
    polling: { interval: "20ms", maxInterval: "100ms" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          canary: {
            verify: {
              bake,
              interval: "200ms",
              checks: [{ name: "error rate", query: 'errors{service="{{service}}",env="{{environment}}"}', max: 0.02 }],
            },
          },
        },
      },
    },
  };
}

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The emulators, seeded: one repository, #payments, the users, and a healthy error rate. */
async function world() {
  const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
  const slack = new SlackEmulator({ botToken: BOT_TOKEN });
  const prom = new PrometheusEmulator();
  await Promise.all([gh.start(), slack.start(), prom.start()]);
  cleanup.push(() => Promise.all([gh.stop(), slack.stop(), prom.stop()]));
  gh.addRepo({ fullName: "acme/checkout-api", workflows: ["deploy.yml"] });
  slack.addChannel({ id: CHANNEL, name: "payments" });
  for (const [name, id] of Object.entries(USERS)) slack.addUser({ id, name });
  prom.addSeries(ERRORS, { value: 0.01 });
  return { gh, slack, prom };
}

function spawn(name: string, env: Record<string, string>): GantryProcess {
  const g = GantryProcess.spawn(name, env);
  cleanup.push(() => g.kill("SIGKILL"));
  return g;
}

async function deployToCanary(g: GantryProcess, slack: SlackEmulator, store: Store): Promise<number> {
  const client = new SlackSigningClient({
    botUrl: `${await g.url}/slack/events`,
    signingSecret: SIGNING_SECRET,
    slack,
  });
  const res = await client.command(USERS.alice, "/deploy", "checkout-api main to canary", { channel: CHANNEL });
  expect(res.status).toBe(200);
  return untilAny([g], async () => (await store.history("checkout-api", "canary", 1))[0]?.id, "the deploy recorded");
}

const inState = (procs: GantryProcess[], store: Store, id: number, pred: (d: Deployment) => boolean, what: string) =>
  untilAny(
    procs,
    async () => {
      const d = await store.getDeployment(id);
      return d && pred(d) ? d : undefined;
    },
    `deploy #${id} ${what}`,
    20_000,
  );

/** What must hold once the watch changed hands: the same bake carried on to the end, and one verdict. */
async function expectCarriedOn(store: Store, before: Deployment, done: Deployment, gh: GitHubEmulator) {
  expect(done).toMatchObject({ state: "succeeded" });
  expect(done.verifiedAt).not.toBeNull();
  expect(done.verification?.startedAt).toBe(before.verification!.startedAt);
  expect(done.verification!.bake.readings).toBeGreaterThan(before.verification!.bake.readings);
  // The points read before the handover are still the trace's first ones.
  expect(done.verification!.checks[0]!.points[0]).toEqual(before.verification!.checks[0]!.points[0]);
  const actions = (await store.listAudit({ deploymentId: done.id })).map((a) => a.action);
  expect(actions.filter((a) => a === "deploy.verifying")).toHaveLength(1);
  expect(actions.filter((a) => a === "deploy.succeeded")).toHaveLength(1);
  expect(gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"))).toHaveLength(1);
}

describe("verification across restarts and replicas", () => {
  it("carries on from the stored record after a SIGKILL while verifying", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-verify-restart-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const { gh, slack, prom } = await world();
    const env = {
      ...emulatorEnv(slack, gh),
      PROMETHEUS_URL: prom.url,
      GANTRY_DB: join(dir, "gantry.db"),
      GANTRY_CHILD_CONFIG: JSON.stringify(configInput("6s")),
    };
    const store = openSqliteStore(env.GANTRY_DB);
    cleanup.push(() => store.close());
    const first = spawn("first", env);
    const id = await deployToCanary(first, slack, store);
    const before = await inState(
      [first],
      store,
      id,
      (d) => d.state === "verifying" && (d.verification?.bake.readings ?? 0) >= 2,
      "verifying",
    );
    await first.kill("SIGKILL");
    expect((await store.getDeployment(id))?.state).toBe("verifying");

    const second = spawn("second", env);
    const done = await inState([second], store, id, (d) => isFinal(d.state), "final");
    await expectCarriedOn(store, before, done, gh);
    expect(prom.unexpectedCalls()).toHaveLength(0);
    await second.kill("SIGTERM");
  }, 60_000);

  it("is taken over by the surviving replica when the one watching it dies", async () => {
    const db = await freshDatabase("gantry_verify");
    cleanup.push(() => db.drop());
    const { gh, slack, prom } = await world();
    const env = {
      ...emulatorEnv(slack, gh),
      PROMETHEUS_URL: prom.url,
      GANTRY_DATABASE_URL: db.url,
      GANTRY_CHILD_CONFIG: JSON.stringify(configInput("4s")),
      GANTRY_CHILD_POLL_TTL_MS: "1500",
      GANTRY_CHILD_SCAN_MS: "200",
    };
    const a = spawn("a", { ...env, GANTRY_REPLICA_ID: "a" });
    await a.url;
    const b = spawn("b", { ...env, GANTRY_REPLICA_ID: "b" });
    await b.url;
    const store = openPgStore(db.url);
    cleanup.push(() => store.close());
    const id = await deployToCanary(a, slack, store);
    const before = await inState(
      [a, b],
      store,
      id,
      (d) => d.state === "verifying" && (d.verification?.bake.readings ?? 0) >= 2,
      "verifying",
    );
    const watcher = await firstToPrint([a, b], (l) => l === `POLLING ${id}`, "a replica watching the deploy");
    const survivor = watcher.proc === a ? b : a;
    await watcher.proc.kill("SIGKILL");

    const done = await inState([survivor], store, id, (d) => isFinal(d.state), "final");
    expect(survivor.printed((l) => l === `POLLING ${id}`)).toBeDefined();
    await expectCarriedOn(store, before, done, gh);
    expect(prom.unexpectedCalls()).toHaveLength(0);
    await survivor.kill("SIGTERM");
  }, 60_000);
});
