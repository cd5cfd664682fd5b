import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/load.js";
import type { Env } from "../../src/env.js";
import { startGantry, type Gantry } from "../../src/gantry.js";
import { createLogger, type Logger } from "../../src/log.js";
import { createJira } from "../../src/jira/jira-client.js";
import { openStore, storeLabel } from "../../src/store/open-store.js";
import { GitHubEmulator } from "../github/emulator.js";
import { JiraEmulator } from "../jira/emulator.js";
import { PrometheusEmulator } from "../prometheus/emulator.js";
import { Playground } from "../playground/server.js";
import { SlackEmulator } from "../slack/emulator.js";
import { SlackSigningClient } from "../slack/signing-client.js";
import { seedHistory } from "./history.js";
import { scriptDemoMetrics } from "./metrics.js";
import { quickenVerification } from "./speed.js";
import { seedGitHub, seedJira, seedSlack } from "./world.js";

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = "demo-signing-secret";

export interface DemoOptions {
  /** Where the SQLite file (and saved files) live. */
  dataDir: string;
  /** Gantry's HTTP port (0: any free port); the playground is served there too, at /playground. */
  port: number;
  /** Speeds up the emulated GitHub runs, and the verification clocks with them: 2 means twice as fast. */
  speed?: number;
  logLevel?: string;
  log?: Logger;
  /** PostgreSQL instead of the SQLite file (`npm run demo -- --postgres [url]`). */
  databaseUrl?: string;
}

export interface Demo {
  gh: GitHubEmulator;
  slack: SlackEmulator;
  jira: JiraEmulator;
  /** The live metrics Gantry verifies deploys on (PROMETHEUS_URL), scripted from what GitHub deployed. */
  prometheus: PrometheusEmulator;
  gantry: Gantry;
  client: SlackSigningClient;
  playground: Playground;
  /** http://127.0.0.1:PORT/playground */
  playgroundUrl: string;
  configPath: string;
  dbPath: string;
  /** Production deployments seeded into a fresh database (0 when it already had history). */
  seeded: number;
  stop(): Promise<void>;
}

/**
 * The demo world: Slack, GitHub, Jira and Prometheus emulators seeded with the demo's people, repositories and tickets, twelve
 * weeks of history, and Gantry against them with the demo config, serving the playground beside Slack's endpoint.
 * `npm run demo` and the browser tests both start it here.
 */
export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const speed = opts.speed ?? 1;
  const gh = new GitHubEmulator({ token: "demo-github-token" });
  const slack = new SlackEmulator({ botToken: "xoxb-demo" });
  const jira = new JiraEmulator({ email: "gantry@acme.test", apiToken: "demo-jira-token" });
  const prometheus = new PrometheusEmulator();
  await Promise.all([gh.start(), slack.start(), jira.start(), prometheus.start()]);
  seedSlack(slack);
  seedJira(jira);
  const live = seedGitHub(gh, { queuedMs: 1500 / speed, runMs: 3500 / speed });

  const configPath = join(here, "gantry.demo.yml");
  const config = quickenVerification(loadConfig(configPath), speed);
  scriptDemoMetrics(prometheus, gh, config, { delayMs: 4000 / speed, rampMs: 6000 / speed });
  const env = {
    SLACK_BOT_TOKEN: "xoxb-demo",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: "demo-github-token",
    GITHUB_API_URL: gh.url,
    PROMETHEUS_URL: prometheus.url,
    GANTRY_CONFIG: configPath,
    GANTRY_DB: join(dataDir, "gantry.db"),
    ...(opts.databaseUrl ? { GANTRY_DATABASE_URL: opts.databaseUrl } : {}),
    PORT: opts.port,
    LOG_LEVEL: opts.logLevel ?? "warn",
  } as Env;
  const log = opts.log ?? createLogger(env.LOG_LEVEL, process.stderr as never);
  // History first, so the digest catch-up at start-up has twelve weeks to report on.
  const seededStore = openStore(env);
  const seeded = await seedHistory(seededStore, jira, new Date(), "Europe/Berlin", live);
  await seededStore.close();
  const jiraPort = createJira({ host: jira.url, email: "gantry@acme.test", apiToken: "demo-jira-token" });
  // Gantry's server takes the routes before the playground exists: it needs the signing client, which needs Gantry's URL.
  const mounted: { playground?: Playground } = {};
  const emulatorsStop = () => Promise.all([gh.stop(), slack.stop(), jira.stop(), prometheus.stop()]);
  const gantry = await startGantry({
    env,
    config,
    log,
    github: { writeSpacingMs: 0 },
    // The GitHub emulator plays github.com: the links in messages go where its runs and commits would be.
    githubWeb: "https://github.com",
    jira: { port: jiraPort, host: jira.url },
    // The playground signs whatever it is asked to as any demo user: nothing but this machine may reach it.
    host: "127.0.0.1",
    routes: (req, res) => mounted.playground?.handle(req, res) ?? false,
  }).catch(async (err: unknown) => {
    // Gantry did not start (its port is taken, say): nothing the demo started may outlive it.
    await emulatorsStop();
    throw err;
  });
  const client = new SlackSigningClient({ botUrl: `${gantry.url}/slack/events`, signingSecret: SECRET, slack });
  const playground = new Playground({ slack, gh, jira, client, gantry, log });
  mounted.playground = playground;
  await gantry.startup;

  return {
    gh,
    slack,
    jira,
    prometheus,
    gantry,
    client,
    playground,
    playgroundUrl: `${gantry.url}/playground`,
    configPath,
    dbPath: storeLabel(env),
    seeded,
    async stop() {
      playground.close();
      await gantry.stop();
      await emulatorsStop();
    },
  };
}
