/**
 * Attack (or bad luck): Gantry is killed between a deploy's request and its dispatch, or Slack answers 500 to the
 * first post. Neither may leave the environment blocked ("already deploying") until the service's timeout, nor hide
 * the deploy: a deploy with nothing sent to the CI is resolved after a restart with the true reason, a failing post
 * does not stop the deploy, its message follows when Slack takes it, and the requester is told by response_url.
 * Slack's retries on the deploy path are bounded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import { isFinal } from "../../src/domain/deploy-state.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Deployment } from "../../src/domain/deployment.js";
import type { Store } from "../../src/store/types.js";
import { firstToPrint, GantryProcess, untilAny } from "../support/gantry-process.js";
import {
  BOT_TOKEN,
  CHANNEL,
  emulatorEnv,
  GITHUB_TOKEN,
  SIGNING_SECRET,
  startHarness,
  stopAfterEach,
  USERS,
  type Harness,
} from "../support/harness.js";
import { assertInvariants } from "../support/invariants.js";
import { newest } from "./support.js";

const cleanup: (() => Promise<void> | void)[] = [];
let h: Harness | undefined;
stopAfterEach(() => h);
afterEach(async () => {
  h = undefined;
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const CONFIG_INPUT = {
  polling: { interval: "10ms", maxInterval: "50ms" },
  services: { "checkout-api": { repo: "acme/checkout-api", workflow: "deploy.yml", environments: { staging: {} } } },
  teams: { payments: { channel: CHANNEL, services: ["checkout-api"] } },
};

const dispatches = (gh: GitHubEmulator) =>
  gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"));
const postsTried = (slack: SlackEmulator) => slack.calls.filter((c) => c.method === "chat.postMessage").length;

describe("deploys that cannot get stuck", () => {
  it("killed after the request but before the dispatch: after a restart it fails with the true reason, and the environment is free", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-stuck-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
    const slack = new SlackEmulator({ botToken: BOT_TOKEN });
    await Promise.all([gh.start(), slack.start()]);
    cleanup.push(() => Promise.all([gh.stop(), slack.stop()]).then(() => undefined));
    gh.addRepo({ fullName: "acme/checkout-api", workflows: ["deploy.yml"] });
    slack.addChannel({ id: CHANNEL, name: "payments" });
    for (const [name, id] of Object.entries(USERS)) slack.addUser({ id, name });
    // Pinning the commit hangs (then the connection drops): Gantry is killed while it waits, before the dispatch and
    // before its first post (which waits for the dispatch, issue 18).
    gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}/commits/{ref}", delayMs: 3_000, drop: true, times: 1 });
    const env = {
      ...emulatorEnv(slack, gh),
      GANTRY_DB: join(dir, "gantry.db"),
      GANTRY_CHILD_CONFIG: JSON.stringify(CONFIG_INPUT),
    };
    const store: Store = openSqliteStore(env.GANTRY_DB);
    cleanup.push(() => store.close());
    const latest = async (): Promise<Deployment | undefined> => (await store.history("checkout-api", "staging", 1))[0];

    const first = GantryProcess.spawn("first", env, { wakeOnLogs: true });
    cleanup.push(() => first.kill("SIGKILL"));
    const client = new SlackSigningClient({
      botUrl: `${await first.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slack,
    });
    expect(
      (await client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL })).body,
    ).toBe("");
    const requested = await untilAny(
      [first],
      async () => ((await latest()) && gh.faults.pending().length === 0 ? latest() : undefined),
      "the commit's lookup to reach GitHub",
    );
    await first.kill("SIGKILL");
    expect(await store.getDeployment(requested!.id)).toMatchObject({
      state: "requested",
      runId: null,
      slackTs: null,
    });

    const second = GantryProcess.spawn("second", env);
    cleanup.push(() => second.kill("SIGKILL"));
    const client2 = new SlackSigningClient({
      botUrl: `${await second.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slack,
    });
    const ended = await untilAny(
      [second],
      async () => {
        const d = await store.getDeployment(requested!.id);
        return d && isFinal(d.state) ? d : undefined;
      },
      "the left-behind deploy to end",
    );
    expect(ended.state).toBe("failed");
    expect(ended.reason).toContain("Gantry stopped before it could start the run");
    expect(ended.reason).not.toContain("no news from GitHub");
    expect(dispatches(gh)).toEqual([]);

    // Nothing blocks the environment: the next deploy goes through.
    expect(
      (await client2.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL })).body,
    ).toBe("");
    const next = await untilAny(
      [second],
      async () => {
        const d = await latest();
        return d && d.id !== requested!.id && isFinal(d.state) ? d : undefined;
      },
      "the next deploy to end",
    );
    expect(next.state).toBe("succeeded");
    // Printed once Slack shows the end too.
    await firstToPrint([second], (l) => l === `CHANGED ${ended.id} failed`, "the failure to be shown");
    await firstToPrint([second], (l) => l === `CHANGED ${next.id} succeeded`, "the success to be shown");
    await assertInvariants({ config: GantryConfig.parse(CONFIG_INPUT), store, slack, githubCalls: gh.calls });
    await second.kill("SIGTERM");
  }, 30_000);

  it("a first post Slack refuses once does not stop the deploy: the message follows, and the requester is told", async () => {
    h = await startHarness();
    h.slack.faults.add({ method: "chat.postMessage", error: "internal_error", times: 1 });
    expect(
      (await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL })).body,
    ).toBe("");
    const id = await newest(h);
    const done = await h.finished(id);
    expect(done.state).toBe("succeeded");
    expect(done.slackTs).not.toBeNull();
    const told = await h.slack.waitForEphemeral((m) => m.visibleTo === USERS.alice && m.via === "response_url");
    expect(told.text).toContain(`#${id}`);
    expect(h.slack.messages(CHANNEL).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)).toHaveLength(1);
    expect((await h.gantry.store.listAudit({ deploymentId: id })).map((a) => a.action)).toContain(
      "deploy.message_failed",
    );
    await assertInvariants(h);
  });

  it("Slack answering 500 to every post: the deploy still ends, the environment is free, and Slack was tried a bounded number of times", async () => {
    h = await startHarness();
    h.slack.faults.add({ method: "chat.postMessage", status: 500, times: Infinity });
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const id = await newest(h);
    expect((await h.finished(id)).state).toBe("succeeded");
    const told = await h.slack.waitForEphemeral((m) => m.visibleTo === USERS.alice && m.via === "response_url");
    expect(told.text).toContain(`#${id}`);
    const perDeploy = postsTried(h.slack);
    expect(perDeploy).toBeLessThanOrEqual(12);

    await h.client.command(USERS.bob, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const next = await newest(h);
    expect(next).not.toBe(id);
    expect((await h.finished(next)).state).toBe("succeeded");
    await assertInvariants(h, { slackMayLag: [id, next] });
    expect((await h.gantry.store.listAudit({ deploymentId: id })).map((a) => a.action)).toEqual(
      expect.arrayContaining(["deploy.message_failed", "deploy.succeeded"]),
    );
  });
});
