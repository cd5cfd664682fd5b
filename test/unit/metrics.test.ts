import type { App } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GantryError } from "../../src/errors.js";
import { createOctokit } from "../../src/github/octokit.js";
import { createJira } from "../../src/jira/jira-client.js";
import { createLogger } from "../../src/log.js";
import { createMetrics, type GantryMetrics } from "../../src/metrics/registry.js";
import { instrumentSlack, slackLookupCounter } from "../../src/metrics/vendors.js";
import { WebSlack } from "../../src/slack/web-slack.js";
import type { WebClient } from "@slack/web-api";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import { registerCommands } from "../../src/slack/bolt-app.js";
import type { CommandPorts, CommandReply, SlashCommand } from "../../src/slack/commands/types.js";
import { mrkdwn } from "../../src/slack/mrkdwn.js";
import type { SlackMessage, SlackPort } from "../../src/slack/port.js";
import type { Deployment, Lock } from "../../src/domain/deployment.js";
import { deploymentFixture } from "../support/deployment-fixture.js";

const silent = createLogger("silent");

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return deploymentFixture({
    sha: "3f2c1ab",
    state: "succeeded",
    updatedAt: "2026-01-05T10:03:12.000Z",
    startedAt: "2026-01-05T10:00:05.000Z",
    finishedAt: "2026-01-05T10:03:12.000Z",
    ...overrides,
  });
}

function lock(expiresAt: string): Lock {
  return {
    service: "checkout-api",
    environment: "production",
    holder: "U0ALICE",
    reason: "load test",
    createdAt: "2026-01-05T09:00:00.000Z",
    expiresAt,
    warned: false,
  };
}

/** The value of one labelled series, 0 when it was never touched. */
async function sample(
  metric: { get(): Promise<{ values: { labels: object; value: number; metricName?: string }[] }> },
  labels: Record<string, string>,
  metricName?: string,
): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find(
    (v) =>
      (metricName === undefined || v.metricName === metricName) &&
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return hit?.value ?? 0;
}

describe("createMetrics", () => {
  it("exposes every named metric, the process metrics, and its own registry per call", async () => {
    const a = createMetrics();
    const b = createMetrics();
    expect(a.registry).not.toBe(b.registry);
    const text = await a.text();
    for (const name of [
      "gantry_commands_total",
      "gantry_deploys_total",
      "gantry_deploy_duration_seconds",
      "gantry_ack_latency_seconds",
      "gantry_external_requests_total",
      "gantry_external_errors_total",
      "gantry_pending_approvals",
      "gantry_active_locks",
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await createMetrics({ defaultMetrics: false }).text()).not.toContain("process_cpu_user_seconds_total");
  });

  it("counts a deploy's end by service, environment, kind and outcome, with its duration", async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.deployEnded(deployment());
    m.deployEnded(deployment({ id: 2, kind: "promote", environment: "production", state: "failed" }));
    const text = await m.text();
    expect(text).toContain(
      'gantry_deploys_total{service="checkout-api",environment="staging",kind="deploy",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'gantry_deploys_total{service="checkout-api",environment="production",kind="promote",outcome="failed"} 1',
    );
    expect(text).toContain(
      'gantry_deploy_duration_seconds_sum{service="checkout-api",environment="staging",outcome="succeeded"} 192',
    );
    expect(text).toContain(
      'gantry_deploy_duration_seconds_count{service="checkout-api",environment="staging",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'gantry_deploy_duration_seconds_bucket{le="300",service="checkout-api",environment="staging",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'gantry_deploy_duration_seconds_bucket{le="120",service="checkout-api",environment="staging",outcome="succeeded"} 0',
    );
  });

  it("does not count a live state, nor a succeeded deploy again when it is rolled back", async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.deployEnded(deployment({ state: "in_progress", finishedAt: null }));
    m.deployEnded(deployment({ state: "rolled_back" }));
    expect((await m.deploys.get()).values).toEqual([]);
    expect((await m.deployDuration.get()).values).toEqual([]);
  });

  it("counts commands and their ack latency, and external calls with errors apart", async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.commandHandled("/deploy", "accepted");
    m.commandHandled("/deploy", "answered");
    m.commandHandled("/deploy", "answered");
    m.ackSent("/deploy", 0.042);
    m.externalCall("github", "200", false);
    m.externalCall("github", "503", true);
    const text = await m.text();
    expect(text).toContain('gantry_commands_total{command="/deploy",outcome="accepted"} 1');
    expect(text).toContain('gantry_commands_total{command="/deploy",outcome="answered"} 2');
    expect(text).toContain('gantry_ack_latency_seconds_bucket{le="0.05",command="/deploy"} 1');
    expect(text).toContain('gantry_ack_latency_seconds_bucket{le="0.025",command="/deploy"} 0');
    expect(text).toContain('gantry_external_requests_total{vendor="github",status="200"} 1');
    expect(text).toContain('gantry_external_requests_total{vendor="github",status="503"} 1');
    expect(text).toContain('gantry_external_errors_total{vendor="github",status="503"} 1');
    expect(text).not.toContain('gantry_external_errors_total{vendor="github",status="200"}');
  });

  it("reads pending approvals and live locks from the store at scrape time", async () => {
    const now = Date.parse("2026-01-05T12:00:00.000Z");
    let locks = [lock("2026-01-05T13:00:00.000Z"), lock("2026-01-05T11:59:00.000Z")];
    let pending = [deployment({ state: "pending_approval" })];
    const m = createMetrics({ defaultMetrics: false });
    expect(await m.text()).toContain("gantry_active_locks 0");
    m.observeStore({ listPendingApprovals: async () => pending, listLocks: async () => locks }, () => now);
    let text = await m.text();
    expect(text).toContain("gantry_pending_approvals 1");
    expect(text).toContain("gantry_active_locks 1"); // the second lock ended a minute ago
    locks = [];
    pending = [];
    text = await m.text();
    expect(text).toContain("gantry_pending_approvals 0");
    expect(text).toContain("gantry_active_locks 0");
  });

  it("still answers a scrape when the store cannot be read, keeping the gauges' last values", async () => {
    let broken = false;
    const m = createMetrics({
      defaultMetrics: false,
      store: {
        listPendingApprovals: async () =>
          broken ? Promise.reject(new Error("database is closed")) : [deployment({ state: "pending_approval" })],
        listLocks: async () => {
          if (broken) throw new Error("database is closed");
          return [];
        },
      },
    });
    expect(await m.text()).toContain("gantry_pending_approvals 1");
    broken = true;
    expect(await m.text()).toContain("gantry_pending_approvals 1");
  });
});

describe("commands in bolt-app", () => {
  /** Registers one command on a stand-in for Bolt's App and returns a way to invoke it as Slack would. */
  function wire(metrics: GantryMetrics, handle: SlashCommand["handle"]) {
    let listener:
      ((args: { command: Record<string, string>; ack: (r?: unknown) => Promise<void> }) => Promise<void>) | undefined;
    const app = { command: (_name: string, fn: typeof listener) => (listener = fn) } as unknown as App;
    const responded: string[] = [];
    const ports = {
      log: silent,
      metrics,
      store: { audit: async () => {} },
      clock: { now: () => new Date() },
      slack: { respond: async (_url: string, msg: SlackMessage) => void responded.push(msg.text.mrkdwn) },
    } as unknown as CommandPorts;
    const cmd: SlashCommand = { name: "/deploy", summary: "", usage: [], handle };
    registerCommands(app, [cmd], ports);
    const acks: unknown[] = [];
    let trigger = 0;
    // Each run is a new command (its own trigger_id): a repeated one would be recognised and skipped.
    const run = () =>
      listener!({
        command: {
          user_id: "U0ALICE",
          channel_id: "C0PAYMENTS",
          text: "x",
          response_url: "http://127.0.0.1:1/r",
          trigger_id: `t${trigger++}`,
        },
        ack: async (r) => void acks.push(r),
      });
    return { run, acks, responded };
  }

  it("classifies accepted, answered and error, and times every ack", async () => {
    const m = createMetrics({ defaultMetrics: false });
    const replies: Array<() => Promise<CommandReply>> = [
      async () => ({ ack: { text: mrkdwn`started` }, after: async () => {} }),
      async () => ({ ack: { text: mrkdwn`:no_entry: not you` } }),
      async () => {
        throw new Error("boom");
      },
      async () => ({
        after: async () => {
          throw new Error("later boom");
        },
      }),
    ];
    let i = 0;
    const { run, acks, responded } = wire(m, () => replies[i++]!());
    for (let n = 0; n < replies.length; n++) await run();
    expect(acks).toHaveLength(4);
    expect(responded).toEqual([":warning: internal error: later boom"]);
    expect(await sample(m.commands, { command: "/deploy", outcome: "accepted" })).toBe(1);
    expect(await sample(m.commands, { command: "/deploy", outcome: "answered" })).toBe(1);
    expect(await sample(m.commands, { command: "/deploy", outcome: "error" })).toBe(2);
    expect(await sample(m.ackLatency, { command: "/deploy" }, "gantry_ack_latency_seconds_count")).toBe(4);
  });

  it("works as before without metrics", async () => {
    const { run, acks } = wire(undefined as unknown as GantryMetrics, async () => ({ ack: { text: mrkdwn`hi` } }));
    await run();
    expect(acks).toEqual([{ response_type: "ephemeral", text: "hi" }]);
  });
});

describe("external calls", () => {
  let gh: GitHubEmulator;
  let jira: JiraEmulator;
  beforeAll(async () => {
    gh = new GitHubEmulator({ token: "ghp_metrics" });
    jira = new JiraEmulator({ email: "gantry@acme.test", apiToken: "jira-token" });
    await Promise.all([gh.start(), jira.start()]);
    gh.addRepo({ fullName: "acme/checkout-api", workflows: ["deploy.yml"] });
    jira.addProject({ key: "CHG", name: "Change Management", issueTypes: ["Change"] });
  });
  afterAll(async () => {
    await Promise.all([gh.stop(), jira.stop()]);
  });

  it("counts every GitHub attempt with its status, retries included; a 304 is no error", async () => {
    const m = createMetrics({ defaultMetrics: false });
    const octokit = createOctokit({
      baseUrl: gh.url,
      token: "ghp_metrics",
      log: silent,
      retryBaseMs: 1,
      writeSpacingMs: 0,
      timeoutMs: 2000,
      metrics: m,
    });
    const repo = { owner: "acme", repo: "checkout-api" };

    gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}", status: 503 });
    expect((await octokit.rest.repos.get(repo)).status).toBe(200); // retried after the 503
    gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}", drop: true });
    expect((await octokit.rest.repos.get(repo)).status).toBe(200); // retried after the dropped connection
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "nope" })).rejects.toMatchObject({ status: 404 });
    gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}", status: 304, body: "" });
    await expect(octokit.rest.repos.get(repo)).rejects.toMatchObject({ status: 304 });
    expect(gh.faults.pending()).toEqual([]);

    const requests = (status: string) => sample(m.externalRequests, { vendor: "github", status });
    const errors = (status: string) => sample(m.externalErrors, { vendor: "github", status });
    expect(await requests("200")).toBe(2);
    expect(await requests("503")).toBe(1);
    expect(await requests("network")).toBe(1);
    expect(await requests("404")).toBe(1);
    expect(await requests("304")).toBe(1);
    expect([
      await errors("503"),
      await errors("network"),
      await errors("404"),
      await errors("304"),
      await errors("200"),
    ]).toEqual([1, 1, 1, 0, 0]);
  });

  it("counts every Jira attempt: a retried 429 as an error, then the success", async () => {
    const m = createMetrics({ defaultMetrics: false });
    const port = createJira({
      host: jira.url,
      email: "gantry@acme.test",
      apiToken: "jira-token",
      timeoutMs: 2000,
      retryBaseMs: 1,
      retryMaxWaitMs: 5,
      metrics: m,
    });
    const { key } = await port.createIssue({
      project: "CHG",
      issueType: "Change",
      summary: "Deploy checkout-api 3f2c1ab to production",
      description: "",
    });
    jira.faults.add({ path: "/rest/api/3/issue/{issueIdOrKey}/comment", status: 429 });
    await port.comment(key, "started");
    expect(await sample(m.externalRequests, { vendor: "jira", status: "2xx" })).toBe(2);
    expect(await sample(m.externalRequests, { vendor: "jira", status: "429" })).toBe(1);
    expect(await sample(m.externalErrors, { vendor: "jira", status: "429" })).toBe(1);

    const unreachable = createJira({
      host: "http://127.0.0.1:1",
      email: "gantry@acme.test",
      apiToken: "jira-token",
      timeoutMs: 500,
      metrics: m,
    });
    await expect(unreachable.comment("CHG-1", "hello")).rejects.toThrow(/could not be reached/);
    expect(await sample(m.externalErrors, { vendor: "jira", status: "network" })).toBe(1);
  });

  it("counts Slack calls through the port, failures by Slack's error code", async () => {
    const m = createMetrics({ defaultMetrics: false });
    const fail = (error?: string) => async () => {
      throw new GantryError("slack_error", `Slack refused chat.postMessage: ${error}`, {
        method: "chat.postMessage",
        error,
      });
    };
    const port = instrumentSlack(
      {
        postMessage: fail("channel_not_found"),
        updateMessage: async () => {},
        respond: fail(undefined),
        permalink: async () => "https://acme.slack.com/archives/C1/p1",
      } as unknown as SlackPort,
      m,
    );
    await port.updateMessage({ channel: "C1", ts: "1.0" }, { text: mrkdwn`x` });
    expect(await port.permalink({ channel: "C1", ts: "1.0" })).toBe("https://acme.slack.com/archives/C1/p1");
    await expect(port.postMessage("C404", { text: mrkdwn`x` })).rejects.toThrow(/channel_not_found/);
    await expect(port.respond("http://127.0.0.1:1/r", { text: mrkdwn`x` })).rejects.toThrow();
    expect(await sample(m.externalRequests, { vendor: "slack", status: "ok" })).toBe(2);
    expect(await sample(m.externalErrors, { vendor: "slack", status: "channel_not_found" })).toBe(1);
    expect(await sample(m.externalErrors, { vendor: "slack", status: "error" })).toBe(1);
  });
  it("counts the user group lookups that reach Slack, not the answers from the cache (issue 18)", async () => {
    const m = createMetrics({ defaultMetrics: false });
    const web = {
      usergroups: {
        list: async () => ({ usergroups: [{ id: "S0RELEASE", handle: "release" }] }),
        users: { list: async () => ({ users: ["U0BOB"] }) },
      },
    } as unknown as WebClient;
    const port = instrumentSlack(new WebSlack(web, { countLookup: slackLookupCounter(m) }), m);
    for (let i = 0; i < 3; i++) expect(await port.usergroupMembers("@release")).toEqual(["U0BOB"]);
    // usergroups.list and usergroups.users.list once; the two answers from the cache are not requests.
    expect(await sample(m.externalRequests, { vendor: "slack", status: "ok" })).toBe(2);
  });
});
