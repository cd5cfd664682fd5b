/** `gantry backfill --since 90d [--service <s>]`: import past production deployments and incidents. Idempotent. */
import { durationMs } from "../config/schema.js";
import { githubAuth, readEnv } from "../env.js";
import { createOctokit } from "../github/octokit.js";
import { OctokitDeployments } from "../github/octokit-deployments.js";
import { OctokitSource } from "../github/octokit-source.js";
import { createJira } from "../jira/jira-client.js";
import { backfill } from "../jobs/backfill.js";
import { createLogger } from "../log.js";
import type { CliCommand, CliIo } from "./types.js";
import { openWorkspace, parseOptions } from "./options.js";

const USAGE = [
  "usage: gantry backfill --since <duration, e.g. 90d> [--service <service>]   (needs GITHUB_TOKEN or the GITHUB_APP_* variables; JIRA_* for incidents)",
];

export async function backfillCli(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, { since: { type: "string" }, service: { type: "string" } }, io, USAGE);
  if (!values) return 2;
  const since = String(values.since ?? "");
  if (!/^\d+(m|h|d)$/.test(since)) return (USAGE.forEach((l) => io.err(l)), 2);
  const env = readEnv({ SLACK_BOT_TOKEN: "unused-by-backfill", SLACK_SIGNING_SECRET: "unused-by-backfill", ...io.env });
  const { config, store } = openWorkspace(values, io);
  const log = createLogger(env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL, process.stderr as never);
  try {
    const service = values.service as string | undefined;
    if (service && !config.services[service]) return (io.err(`gantry backfill: unknown service \`${service}\``), 1);
    const octokit = createOctokit({ baseUrl: env.GITHUB_API_URL, auth: githubAuth(env), log, writeSpacingMs: 0 });
    const github = { source: new OctokitSource(octokit), githubDeployments: new OctokitDeployments(octokit) };
    const jira =
      env.JIRA_HOST && env.JIRA_EMAIL && env.JIRA_API_TOKEN
        ? {
            port: createJira({ host: env.JIRA_HOST, email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN }),
            host: env.JIRA_HOST,
          }
        : undefined;
    const clock = { now: () => new Date() };
    const result = await backfill(
      { config, store, ...github, clock, log, ...(jira ? { jira } : {}) },
      {
        since: new Date(Date.now() - durationMs(since)).toISOString(),
        ...(service ? { service } : {}),
        progress: (line) => io.out(line),
      },
    );
    return result ? 0 : 1;
  } finally {
    await store.close();
  }
}

export const backfillCommand: CliCommand = {
  summary: "import past production deployments and incidents (idempotent)",
  usage: USAGE,
  run: backfillCli,
};
