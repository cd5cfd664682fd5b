/**
 * Gantry killed with SIGKILL (no shutdown at all) while deploys are requested (dispatch in flight), queued, in progress
 * and awaiting approval, then started again on the same database: every deploy still ends, found again on GitHub by
 * its run id or key and never dispatched a second time, the approval can still be given, and Slack and the audit log
 * agree with the database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";
import { GantryConfig } from "../../src/config/schema.js";
import { isFinal } from "../../src/domain/deploy-state.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Deployment } from "../../src/domain/deployment.js";
import type { Store } from "../../src/store/types.js";
import { BOT_TOKEN, CHANNEL, emulatorEnv, GITHUB_TOKEN, SIGNING_SECRET, USERS } from "../support/harness.js";
import { assertCallsMatchOpenApi } from "../support/openapi.js";
import { GantryProcess, untilAny } from "../support/gantry-process.js";
import { assertInvariants } from "../support/invariants.js";

/** Four services so that each deploy can be held in a different state. */
const CONFIG_INPUT = {
  timezone: "Europe/Berlin",
  polling: { interval: "10ms", maxInterval: "50ms" },
  services: {
    "checkout-api": {
      repo: "acme/checkout-api",
      workflow: "deploy.yml",
      environments: {
        staging: {},
        production: { deployers: ["@platform", USERS.carol], approvals: { required: 1, approvers: [USERS.bob] } },
      },
    },
    "ledger-api": { repo: "acme/ledger-api", workflow: "deploy.yml", environments: { staging: {} } },
    "search-api": { repo: "acme/search-api", workflow: "deploy.yml", environments: { staging: {} } },
  },
  teams: { payments: { channel: CHANNEL, services: ["checkout-api", "ledger-api", "search-api"] } },
};

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("restart after SIGKILL", () => {
  it("finishes requested, queued and in-progress deploys without dispatching again, and keeps approvals approvable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-restart-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
    const slack = new SlackEmulator({ botToken: BOT_TOKEN });
    await Promise.all([gh.start(), slack.start()]);
    cleanup.push(() => Promise.all([gh.stop(), slack.stop()]).then(() => undefined));
    for (const repo of ["acme/checkout-api", "acme/ledger-api", "acme/search-api"])
      gh.addRepo({ fullName: repo, workflows: ["deploy.yml"] });
    slack.addChannel({ id: CHANNEL, name: "payments" });
    for (const [name, id] of Object.entries(USERS)) slack.addUser({ id, name });
    slack.addUsergroup({ id: "S0PLATFORM", handle: "platform", users: [USERS.alice, USERS.bob] });

    // checkout-api staging stays in progress and ledger-api stays queued until told; the rest finish at once.
    gh.setRunScript(({ repo, inputs }) => {
      if (repo === "acme/checkout-api" && inputs.environment === "staging") return { hold: true };
      if (repo === "acme/ledger-api") return { queuedMs: 600_000 };
      return { queuedMs: 5, runMs: 20 };
    });
    // search-api's dispatch reaches GitHub, which answers only after Gantry is dead: GitHub starts the run anyway.
    gh.faults.add({
      method: "POST",
      path: "/repos/acme/search-api/actions/workflows/deploy.yml/dispatches",
      delayMs: 1_500,
    });

    const config = GantryConfig.parse(CONFIG_INPUT);
    const env = {
      ...emulatorEnv(slack, gh),
      GANTRY_DB: join(dir, "gantry.db"),
      GANTRY_CHILD_CONFIG: JSON.stringify(CONFIG_INPUT),
    };

    const first = GantryProcess.spawn("gantry", env);
    cleanup.push(() => first.kill("SIGKILL"));
    const client = new SlackSigningClient({
      botUrl: `${await first.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slack,
    });
    const store: Store = openSqliteStore(env.GANTRY_DB);
    cleanup.push(() => store.close());
    const latest = async (service: string, environment: string): Promise<Deployment> => {
      const [d] = await store.history(service, environment, 1);
      if (!d) throw new Error(`no deploy of ${service} to ${environment}`);
      return d;
    };
    const inState = (g: GantryProcess, id: number, pred: (d: Deployment) => boolean, what: string) =>
      untilAny(
        [g],
        async () => {
          const d = await store.getDeployment(id);
          return d && pred(d) ? d : undefined;
        },
        `deploy #${id} ${what}`,
      );

    const send = async (user: string, text: string) => {
      const res = await client.command(user, "/deploy", text, { channel: CHANNEL });
      expect(res.status).toBe(200);
      expect(res.body).toBe("");
    };
    await send(USERS.alice, "checkout-api main to staging");
    await send(USERS.alice, "ledger-api main to staging");
    await send(USERS.alice, "search-api main to staging");
    await send(USERS.alice, "checkout-api main to production");
    const running = await inState(
      first,
      (await latest("checkout-api", "staging")).id,
      (d) => d.state === "in_progress",
      "in progress",
    );
    const queued = await inState(
      first,
      (await latest("ledger-api", "staging")).id,
      (d) => d.state === "queued" && d.runId !== null,
      "queued",
    );
    const waiting = await inState(
      first,
      (await latest("checkout-api", "production")).id,
      (d) => d.state === "pending_approval" && d.slackTs !== null && d.changeSummary !== null,
      "pending",
    );
    // The delayed dispatch has reached GitHub once its fault is taken.
    await untilAny(
      [first],
      async () => (gh.faults.pending().length === 0 ? true : undefined),
      "search-api's dispatch to reach GitHub",
    );
    const requested = await latest("search-api", "staging");

    await first.kill("SIGKILL");
    expect(first.proc.signalCode).toBe("SIGKILL");
    expect(requested).toMatchObject({ state: "requested", runId: null });
    expect((await store.getDeployment(running.id))?.state).toBe("in_progress");
    expect((await store.getDeployment(queued.id))?.state).toBe("queued");
    expect((await store.getDeployment(waiting.id))?.state).toBe("pending_approval");

    const second = GantryProcess.spawn("gantry", env);
    cleanup.push(() => second.kill("SIGKILL"));
    const client2 = new SlackSigningClient({
      botUrl: `${await second.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slack,
    });

    // The request GitHub got before the kill started a run; the new Gantry finds it by the deploy's key.
    const found = await inState(second, requested.id, (d) => isFinal(d.state), "final");
    expect(found.state).toBe("succeeded");
    expect(found.runId).toBe(String(gh.runs.find((r) => r.inputs.gantry_deploy_id === requested.key)?.id));

    gh.completeRun(Number(running.runId), "success");
    gh.completeRun(Number(queued.runId), "failure");
    expect((await inState(second, running.id, (d) => isFinal(d.state), "final")).state).toBe("succeeded");
    const ledger = await inState(second, queued.id, (d) => isFinal(d.state), "final");
    expect(ledger.state).toBe("failed");
    expect(ledger.reason).toContain("conclusion `failure`");

    const approve = await client2.blockAction(USERS.bob, {
      actionId: "approve_deploy",
      value: String(waiting.id),
      message: { channel: waiting.slackChannel!, ts: waiting.slackTs! },
    });
    expect(approve.status).toBe(200);
    expect((await inState(second, waiting.id, (d) => isFinal(d.state), "final")).state).toBe("succeeded");

    // Four deploys, four runs, one dispatch each: nothing was sent to GitHub twice across the kill.
    expect(gh.runs).toHaveLength(4);
    expect(gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"))).toHaveLength(4);
    await assertInvariants({ config, store, slack, githubCalls: gh.calls });
    const audit = await store.listAudit({ deploymentId: waiting.id });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["deploy.pending_approval", "deploy.requested", "deploy.succeeded"]),
    );
    expect(gh.unexpectedCalls()).toHaveLength(0);
    assertCallsMatchOpenApi(gh.calls);
    await second.kill("SIGTERM");
  }, 30_000);
});
