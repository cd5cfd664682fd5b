/**
 * Gantry in a process of its own, for the restart test to SIGKILL: `node --import tsx test/support/gantry-child.ts`.
 * Reads the emulators' URLs, the database path and the config (JSON) from the environment, tuned like the harness.
 * Prints `READY <url>` once listening and `CHANGED <id> <state>` for every deploy change, one line each, on stdout;
 * logs go to stderr.
 */
import { GantryConfig } from "../../src/config/schema.js";
import type { Env } from "../../src/env.js";
import { startGantry } from "../../src/gantry.js";
import { createLogger } from "../../src/log.js";

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`gantry-child: ${name} is not set`);
  return value;
};

const env = {
  SLACK_BOT_TOKEN: need("SLACK_BOT_TOKEN"),
  SLACK_SIGNING_SECRET: need("SLACK_SIGNING_SECRET"),
  SLACK_API_URL: need("SLACK_API_URL"),
  GITHUB_TOKEN: need("GITHUB_TOKEN"),
  GITHUB_API_URL: need("GITHUB_API_URL"),
  GANTRY_CONFIG: "unused.yml",
  GANTRY_DB: need("GANTRY_DB"),
  PORT: 0,
  LOG_LEVEL: "debug",
} as Env;

const gantry = await startGantry({
  env,
  config: GantryConfig.parse(JSON.parse(need("GANTRY_CHILD_CONFIG"))),
  log: createLogger("debug", process.stderr),
  github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 2_000 },
  schedule: false,
});
gantry.events.on("changed", (d) => process.stdout.write(`CHANGED ${d.id} ${d.state}\n`));
process.stdout.write(`READY ${gantry.url}\n`);
process.on("SIGTERM", () => void gantry.stop().then(() => process.exit(0)));
