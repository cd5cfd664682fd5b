import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import { isFinal } from "../../src/domain/deploy-state.js";
import type { Env } from "../../src/env.js";
import type { PacerTuning } from "../../src/github/rate-wiring.js";
import { startGantry, type Gantry } from "../../src/gantry.js";
import { createLogger } from "../../src/log.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { SlackSigningClient, type BotResponse, type SendOptions } from "../../sandbox/slack/signing-client.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { createJira } from "../../src/jira/jira-client.js";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import { PrometheusEmulator } from "../../sandbox/prometheus/index.js";
import { assertJiraCallsMatchContract } from "./jira-contract.js";
import { assertCallsMatchOpenApi } from "./openapi.js";

export const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";
export const BOT_TOKEN = "xoxb-test-bot-token";
export const APP_TOKEN = "xapp-test-app-token";
export const GITHUB_TOKEN = "ghp_testtoken0123456789";

export const USERS = {
  alice: "U0ALICE",
  bob: "U0BOB",
  carol: "U0CAROL",
  dave: "U0DAVE",
  mallory: "U0MALLORY",
} as const;
export const CHANNEL = "C0PAYMENTS";

/** What a Gantry process needs to reach the emulators with the test credentials (bot token, signing secret, PAT). */
export function emulatorEnv(slack: { url: string }, gh: { url: string }) {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN,
    GITHUB_API_URL: gh.url,
  };
}

/** A small config: staging open to all, production for @platform (alice, bob) and carol by id. */
export function testConfig(overrides: Record<string, unknown> = {}): GantryConfig {
  return GantryConfig.parse({
    timezone: "Europe/Berlin",
    polling: { interval: "10ms", maxInterval: "50ms" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          staging: {},
          production: { deployers: ["@platform", USERS.carol] },
        },
      },
      "billing-worker": {
        repo: "acme/billing-worker",
        mode: "deployment",
        environments: { staging: {} },
      },
    },
    teams: { payments: { channel: CHANNEL, services: ["checkout-api", "billing-worker"] } },
    ...overrides,
  });
}

/** checkout-api, gated: staging is open; production needs 2 of @release (alice, bob, dave) or carol, and alice may deploy there but not approve herself. */
export const GATED_CHECKOUT = {
  repo: "acme/checkout-api",
  workflow: "deploy.yml",
  environments: {
    staging: {},
    production: {
      deployers: ["@platform", USERS.carol],
      approvals: { required: 2, approvers: ["@release", USERS.carol], expiresAfter: "1h" },
    },
  },
};

/** One gated service (GATED_CHECKOUT). */
export function gatedConfig(overrides: Record<string, unknown> = {}): GantryConfig {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    services: { "checkout-api": GATED_CHECKOUT },
    ...overrides,
  });
}

/** What every Gantry under test sees: the two repositories, #payments, the users, @platform and @release. */
export function seedWorld(gh: GitHubEmulator, slack: SlackEmulator): void {
  for (const repo of ["acme/checkout-api", "acme/billing-worker"])
    gh.addRepo({ fullName: repo, workflows: ["deploy.yml"] });
  slack.addChannel({ id: CHANNEL, name: "payments" });
  for (const [name, id] of Object.entries(USERS)) slack.addUser({ id, name });
  slack.addUsergroup({ id: "S0PLATFORM", handle: "platform", users: [USERS.alice, USERS.bob] });
  slack.addUsergroup({ id: "S0RELEASE", handle: "release", users: [USERS.alice, USERS.bob, USERS.dave] });
}

/** What the person who typed a command was told: the acknowledgement's body, or the answer that followed it. */
export interface Answer {
  response_type: string;
  text: string;
  blocks?: unknown[];
}

export type CommandResponse = BotResponse & { answer?: Answer };

export type HarnessClient = Omit<SlackSigningClient, "command"> & {
  command(
    user: string,
    command: string,
    text: string,
    opts?: SendOptions & { channel?: string },
  ): Promise<CommandResponse>;
};

export interface Harness {
  gh: GitHubEmulator;
  slack: SlackEmulator;
  jira: JiraEmulator | undefined;
  /** Present with `prometheus: true`: PROMETHEUS_URL points at it. */
  prom: PrometheusEmulator | undefined;
  gantry: Gantry;
  /** Its `command` resolves once the command is decided, with `answer` set when the person was told something. */
  client: HarnessClient;
  config: GantryConfig;
  logs: string[];
  /** Moves Gantry's clock (not the emulators') forward, for expiry and freeze tests. */
  advance(ms: number): void;
  /** Resolves with the deploy once it reaches a final state. */
  finished(id: number): Promise<Deployment>;
  /** Resolves with the deploy once `pred` holds for it. */
  until(id: number, pred: (d: Deployment) => boolean): Promise<Deployment>;
  /** Stops Gantry (not the emulators) and starts it again on the same database, like a redeploy. */
  restart(schedule?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  config?: GantryConfig;
  socketMode?: boolean;
  /** Start the Jira emulator too, and give Gantry a real jira.js client for it. */
  jira?: boolean;
  /** Start the Prometheus emulator too, with PROMETHEUS_URL set to it and short retry waits. */
  prometheus?: boolean;
  /** Run the scheduled jobs and the start-up digest catch-up, as in production (default off). */
  schedule?: boolean;
  /** Sets GITHUB_WEBHOOK_SECRET, which mounts Gantry's own `/github/webhooks`. */
  webhookSecret?: string;
  /** Tuning of the GitHub budget (the window and reserve), for the rate-limit tests. */
  githubBudget?: PacerTuning;
  /** The GitHub emulator's rate limit from the start, before Gantry's first request. */
  githubRateLimit?: { limit: number; windowMs: number };
  /** Runs Gantry as this GitHub App (GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY instead of GITHUB_TOKEN). */
  githubApp?: { appId: number; privateKey: string; publicKey: string; tokenTtlMs?: number };
}

/** Emulators, then Gantry on a real port against them, then a client that signs requests like Slack. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-e2e-"));
  const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
  const slack = new SlackEmulator({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  const jira = opts.jira ? new JiraEmulator({ email: "gantry@acme.test", apiToken: "jira-test-token" }) : undefined;
  const prom = opts.prometheus ? new PrometheusEmulator() : undefined;
  await Promise.all([gh.start(), slack.start(), jira?.start(), prom?.start()]);
  jira?.addProject({ key: "CHG", name: "Change Management", issueTypes: ["Change"] });
  jira?.addProject({ key: "PAY", name: "Payments", issueTypes: ["Story"] });
  seedWorld(gh, slack);
  if (opts.githubRateLimit) gh.setRateLimit(opts.githubRateLimit);
  if (opts.githubApp)
    gh.setApp({
      appId: opts.githubApp.appId,
      publicKey: opts.githubApp.publicKey,
      tokenTtlMs: opts.githubApp.tokenTtlMs,
    });

  const config = opts.config ?? testConfig();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const env: Env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ...(opts.socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : {}),
    ...(opts.webhookSecret ? { GITHUB_WEBHOOK_SECRET: opts.webhookSecret } : {}),
    SLACK_API_URL: `${slack.url}/api/`,
    ...(opts.githubApp
      ? { GITHUB_APP_ID: String(opts.githubApp.appId), GITHUB_APP_PRIVATE_KEY: opts.githubApp.privateKey }
      : { GITHUB_TOKEN }),
    GITHUB_API_URL: gh.url,
    ...(prom ? { PROMETHEUS_URL: prom.url } : {}),
    GANTRY_CONFIG: join(dir, "gantry.yml"),
    GANTRY_DB: join(dir, "gantry.db"),
    PORT: 0,
    LOG_LEVEL: "debug",
  } as Env;
  let skew = 0;
  const boot = (schedule: boolean) =>
    startGantry({
      clock: { now: () => new Date(Date.now() + skew) },
      env,
      config,
      log: createLogger("debug", sink),
      github: {
        writeSpacingMs: 0,
        retryBaseMs: 5,
        timeoutMs: 2_000,
        ...(opts.githubBudget ? { budget: opts.githubBudget } : {}),
      },
      prometheus: { timeoutMs: 2_000, retries: 1, retryBaseMs: 5, retryMaxWaitMs: 20 },
      // The GitHub emulator plays github.com: its runs' and commits' pages are there.
      githubWeb: "https://github.com",
      schedule,
      ...(jira
        ? {
            jira: {
              port: createJira({
                host: jira.url,
                email: "gantry@acme.test",
                apiToken: "jira-test-token",
                timeoutMs: 2_000,
                retryBaseMs: 5,
                retryMaxWaitMs: 20,
              }),
              host: jira.url,
            },
          }
        : {}),
    });
  let gantry = await boot(opts.schedule ?? false);
  const client: HarnessClient = new SlackSigningClient({
    botUrl: `${gantry.url}/slack/events`,
    signingSecret: SIGNING_SECRET,
    slack,
  });
  // A command that needs Slack or GitHub to decide is decided after its acknowledgement; tests, like the person who
  // typed it, go on once it is (its deploy recorded, or its refusal sent). Tests of the acknowledgement itself use
  // a SlackSigningClient of their own.
  client.command = async (
    user: string,
    command: string,
    text: string,
    opts: SendOptions & { channel?: string } = {},
  ): Promise<CommandResponse> => {
    const payload = client.slashCommandPayload(
      user,
      command,
      text,
      opts.channel !== undefined ? { channel: opts.channel } : {},
    );
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(payload)) if (value !== undefined) form.append(key, String(value));
    const res = await client.send(form.toString(), opts);
    await gantry.decided();
    const id = payload.response_url.split("/").at(-1);
    const later = [...slack.ephemerals(user), ...slack.messages()].find((m) => m.responseUrl === id);
    const answer =
      (res.json as Answer | undefined) ??
      (later && {
        response_type: later.visibleTo ? "ephemeral" : "in_channel",
        text: later.text,
        ...(later.blocks ? { blocks: later.blocks } : {}),
      });
    return { ...res, ...(answer ? { answer } : {}) };
  };

  const until = async (id: number, pred: (d: Deployment) => boolean): Promise<Deployment> => {
    for (;;) {
      const changed = once(gantry.events, "changed");
      const d = await gantry.store.getDeployment(id);
      if (d && pred(d)) return d;
      await changed;
    }
  };

  const harness: Harness = {
    gh,
    slack,
    jira,
    prom,
    gantry,
    client,
    config,
    logs,
    advance: (ms) => (skew += ms),
    until,
    async finished(id) {
      await until(id, (d) => isFinal(d.state));
      // The store takes the final state before Slack's message shows it; what is returned is what both agree on.
      await gantry.drawn();
      return (await gantry.store.getDeployment(id))!;
    },
    async restart(schedule = true) {
      await gantry.stop();
      gantry = await boot(schedule);
      harness.gantry = gantry;
    },
    async stop() {
      await gantry.stop();
      await Promise.all([gh.stop(), slack.stop(), jira?.stop(), prom?.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The checks every end-to-end test ends with: no unknown routes were hit, and GitHub's contract held. */
export function assertEmulatorsClean(h: Pick<Harness, "gh" | "slack" | "jira"> & { prom?: PrometheusEmulator }): void {
  const unexpected = [
    ...h.gh.unexpectedCalls(),
    ...h.slack.calls.filter((c) => c.unexpected),
    ...(h.jira?.unexpectedCalls() ?? []),
    ...(h.prom?.unexpectedCalls() ?? []),
  ];
  if (unexpected.length)
    throw new Error(
      `unexpected emulator calls: ${JSON.stringify(unexpected.map((c) => c.method + " " + ("path" in c ? c.path : "")))}`,
    );
  assertCallsMatchOpenApi(h.gh.calls);
  if (h.jira) assertJiraCallsMatchContract(h.jira.calls);
}

/** After each test: the emulators saw only real routes and honest calls, then everything stops. */
export function stopAfterEach(current: () => Harness | undefined): void {
  afterEach(async () => {
    const h = current();
    if (!h) return;
    try {
      assertEmulatorsClean(h);
    } finally {
      await h.stop();
    }
  });
}
