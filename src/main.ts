import { checkJiraConfigured } from "./config/jira-check.js";
import { checkMetricsConfigured } from "./config/metrics-check.js";
import { loadConfig } from "./config/load.js";
import { readEnv } from "./env.js";
import { describeError } from "./errors.js";
import { startGantry } from "./gantry.js";
import { createLogger } from "./log.js";
import { jiraFromEnv } from "./jira/from-env.js";
import { createMetrics } from "./metrics/index.js";
import { ProcessGuard } from "./process-guard.js";

/** Reads env and config (stopping before anything connects if either is wrong), then starts Gantry. */
async function main(): Promise<void> {
  let env, config;
  try {
    env = readEnv();
    config = loadConfig(env.GANTRY_CONFIG);
    checkJiraConfigured(config, env);
    checkMetricsConfigured(config, env);
  } catch (err) {
    console.error(describeError(err));
    process.exit(1);
  }
  const log = createLogger(env.LOG_LEVEL);
  const guard = new ProcessGuard(log);
  const metrics = createMetrics({ log });
  try {
    const jira = await jiraFromEnv(env, metrics);
    guard.serve(await startGantry({ env, config, log, metrics, ...(jira ? { jira } : {}) }));
  } catch (err) {
    // A refusal to start (the database in use, say) says what to do; it goes to stderr as well as the log.
    log.fatal({ err }, "gantry could not start");
    console.error(describeError(err));
    process.exit(1);
  }
}

void main();
