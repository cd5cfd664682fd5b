import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../config/load.js";
import { describeError } from "../../errors.js";
import type { Env } from "../../env.js";
import { startGantry } from "../../gantry.js";
import { createLogger } from "../../log.js";
import { createJira } from "../../jira/jira-client.js";
import { GitHubEmulator } from "../github/emulator.js";
import { JiraEmulator } from "../jira/emulator.js";
import { SlackEmulator } from "../slack/emulator.js";
import { SlackSigningClient } from "../slack/signing-client.js";
import { runPrompt } from "./prompt.js";
import { seedGitHub, seedJira, seedSlack } from "./world.js";
import { seedHistory } from "./history.js";
import { openSqliteStore } from "../../store/sqlite-store.js";

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = "demo-signing-secret";

/**
 * `npm run demo`: the Slack and GitHub emulators on loopback, Gantry against them with the demo config and a
 * SQLite file under .demo/, and a prompt to type slash commands as a demo user.
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.GANTRY_DEMO_DIR ?? ".demo");
  mkdirSync(dataDir, { recursive: true });
  const speed = Number(process.env.GANTRY_DEMO_SPEED ?? "1");
  const gh = new GitHubEmulator({ token: "demo-github-token" });
  const slack = new SlackEmulator({ botToken: "xoxb-demo" });
  const jira = new JiraEmulator({ email: "gantry@acme.test", apiToken: "demo-jira-token" });
  await Promise.all([gh.start(), slack.start(), jira.start()]);
  seedSlack(slack);
  seedJira(jira);
  seedGitHub(gh, { queuedMs: 1500 / speed, runMs: 3500 / speed });

  const configPath = join(here, "gantry.demo.yml");
  const env = {
    SLACK_BOT_TOKEN: "xoxb-demo",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: "demo-github-token",
    GITHUB_API_URL: gh.url,
    GANTRY_CONFIG: configPath,
    GANTRY_DB: join(dataDir, "gantry.db"),
    PORT: Number(process.env.PORT ?? 3000),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  } as Env;
  const log = createLogger(env.LOG_LEVEL, process.stderr as never);
  // Files the bot uploads (the digest's chart) land here, so you can open them.
  slack.on("message", ({ message }) => {
    for (const f of message.files ?? []) {
      const file = slack.files().find((x) => x.id === f.id);
      if (!file) continue;
      mkdirSync(join(dataDir, "files"), { recursive: true });
      writeFileSync(join(dataDir, "files", file.name), file.bytes);
      console.log(`          (saved ${join(dataDir, "files", file.name)})`);
    }
  });
  // History first, so the digest catch-up at start-up has twelve weeks to report on.
  const seeded = openSqliteStore(env.GANTRY_DB);
  const made = await seedHistory(seeded, jira, new Date(), "Europe/Berlin");
  await seeded.close();
  const jiraPort = createJira({ host: jira.url, email: "gantry@acme.test", apiToken: "demo-jira-token" });
  const gantry = await startGantry({
    env,
    config: loadConfig(configPath),
    log,
    github: { writeSpacingMs: 0 },
    jira: { port: jiraPort, host: jira.url },
  });
  await gantry.startup;
  const client = new SlackSigningClient({ botUrl: `${gantry.url}/slack/events`, signingSecret: SECRET, slack });

  const stop = async () => {
    await gantry.stop();
    await Promise.all([gh.stop(), slack.stop(), jira.stop()]);
  };
  console.log(
    [
      `Gantry demo: Gantry on ${gantry.url}; emulators: Slack ${slack.url}, GitHub ${gh.url}, Jira ${jira.url}`,
      `State in ${env.GANTRY_DB}${made ? ` (seeded with ${made} production deployments over 12 weeks)` : ""}. Config: ${configPath}`,
      "Try: /deploy checkout-api main to staging   ·   /deploy checkout-api fail-now to staging   ·   help",
      "",
    ].join("\n"),
  );
  await runPrompt({ slack, client, gantry, jira, interactive: process.stdin.isTTY === true });
  await stop();
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${describeError(err)}`);
  process.exit(1);
});
