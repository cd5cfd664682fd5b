/**
 * Gantry as an attacker meets it: a process of its own (test/support/gantry-child.ts) on a real SQLite file, with
 * GitHub webhooks on, reached only over HTTP. A request that ends the process shows as `alive()` turning false.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { signWebhook } from "../../sandbox/github/webhooks.js";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";
import type { SlackEmulatorOptions } from "../../sandbox/slack/types.js";
import { GantryProcess } from "./gantry-process.js";
import {
  assertEmulatorsClean,
  BOT_TOKEN,
  CHANNEL,
  emulatorEnv,
  GATED_CHECKOUT,
  GITHUB_TOKEN,
  seedWorld,
  SIGNING_SECRET,
} from "./harness.js";

export const WEBHOOK_SECRET = "whsec-security-0123456789";

/** GATED_CHECKOUT beside the deployment-mode billing-worker, both owned by #payments. */
export const TARGET_CONFIG = {
  polling: { interval: "10ms", maxInterval: "50ms" },
  services: {
    "checkout-api": GATED_CHECKOUT,
    "billing-worker": { repo: "acme/billing-worker", mode: "deployment", environments: { staging: {} } },
  },
  teams: { payments: { channel: CHANNEL, services: ["checkout-api", "billing-worker"] } },
};

export interface TargetOptions {
  /** The config as gantry.yml would hold it; TARGET_CONFIG when unset. */
  config?: object;
  /** More environment for the process (GANTRY_CHILD_* tuning, GANTRY_METRICS_TOKEN …). */
  env?: Record<string, string>;
  slack?: SlackEmulatorOptions;
}

export interface Target {
  gh: GitHubEmulator;
  slack: SlackEmulator;
  proc: GantryProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  client: SlackSigningClient;
  /** A client whose payloads claim another workspace or organization. */
  clientFrom(claim: { teamId?: string; enterpriseId?: string | null }): SlackSigningClient;
  /** The SQLite file Gantry serves from. */
  db: string;
  /** The environment the process was started with, to start another one like it. */
  env: Record<string, string>;
  /** POSTs `body` to /github/webhooks as GitHub would, signed with the webhook secret. */
  webhook(event: string, body: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  /** The process still runs and `/healthz` answers 200. */
  alive(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startTarget(opts: TargetOptions = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-security-"));
  const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
  const slack = new SlackEmulator({ botToken: BOT_TOKEN, ...opts.slack });
  await Promise.all([gh.start(), slack.start()]);
  seedWorld(gh, slack);
  const db = join(dir, "gantry.db");
  const env = {
    ...emulatorEnv(slack, gh),
    GANTRY_DB: db,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GANTRY_CHILD_CONFIG: JSON.stringify(opts.config ?? TARGET_CONFIG),
    ...opts.env,
  };
  const proc = GantryProcess.spawn("gantry", env);
  let url: string;
  try {
    url = await proc.url;
  } catch (err) {
    await Promise.all([gh.stop(), slack.stop()]);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const client = new SlackSigningClient({ botUrl: `${url}/slack/events`, signingSecret: SIGNING_SECRET, slack });
  return {
    gh,
    slack,
    proc,
    url,
    client,
    clientFrom: (claim) =>
      new SlackSigningClient({ botUrl: `${url}/slack/events`, signingSecret: SIGNING_SECRET, slack, ...claim }),
    db,
    env,
    async webhook(event, body, headers = {}) {
      const res = await fetch(`${url}/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": crypto.randomUUID(),
          "x-hub-signature-256": signWebhook(WEBHOOK_SECRET, body),
          ...headers,
        },
        body,
      });
      return { status: res.status, body: await res.text() };
    },
    async alive() {
      if (!proc.alive) return false;
      return (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200;
    },
    async stop() {
      try {
        // The last resort is for what nobody foresaw: a test that needed it found a root cause left unfixed.
        const caught = proc.lines.filter((l) => l.line.startsWith("CAUGHT "));
        if (caught.length) throw new Error(`the last resort caught errors:\n${proc.stderr.slice(-3000)}`);
        assertEmulatorsClean({ gh, slack, jira: undefined });
      } finally {
        await proc.kill("SIGKILL");
        await Promise.all([gh.stop(), slack.stop()]);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
