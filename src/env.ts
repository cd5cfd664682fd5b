/**
 * Process environment: secrets and deployment settings that do not belong in `gantry.yml`.
 * Problems name the variable and the fix, never the value: most of these are secrets.
 */
import { z } from "zod";
import { GantryError } from "./errors.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const httpUrl = z.url({ protocol: /^https?$/ });
const JIRA_KEYS = ["JIRA_HOST", "JIRA_EMAIL", "JIRA_API_TOKEN"] as const;

export const Env = z
  .object({
    SLACK_BOT_TOKEN: z.string().min(1),
    /** Required for HTTP mode; Socket Mode (SLACK_APP_TOKEN) does not sign requests. */
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z.string().startsWith("xapp-").optional(),
    SLACK_API_URL: httpUrl.optional(),
    GITHUB_TOKEN: z.string().min(1),
    GITHUB_API_URL: httpUrl.default("https://api.github.com"),
    /** The secret of the repository or organization webhook; unset, Gantry serves no webhooks and only polls. */
    GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
    JIRA_HOST: httpUrl.optional(),
    JIRA_EMAIL: z.string().min(1).optional(),
    JIRA_API_TOKEN: z.string().min(1).optional(),
    GANTRY_CONFIG: z.string().min(1).default("./gantry.yml"),
    GANTRY_DB: z.string().min(1).default("./data/gantry.db"),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  })
  .superRefine(
    (env, ctx) => {
      if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
        ctx.addIssue({ code: "custom", path: ["SLACK_SIGNING_SECRET"], message: "missing" });
      }
      const jiraSet = JIRA_KEYS.filter((key) => env[key] !== undefined);
      if (jiraSet.length === 0 || jiraSet.length === JIRA_KEYS.length) return;
      for (const key of JIRA_KEYS) {
        if (env[key] !== undefined) continue;
        const message = `missing — ${jiraSet.join(" and ")} ${jiraSet.length === 1 ? "is" : "are"} set, so Jira needs this too (or unset all JIRA_* variables to turn Jira off)`;
        ctx.addIssue({ code: "custom", path: [key], message });
      }
    },
    // Run even when a single variable is bad, so every problem is reported at once.
    { when: () => true },
  );
export type Env = z.infer<typeof Env>;
type EnvKey = keyof z.input<typeof Env>;

/** What each variable should hold, written as the second half of "set it to …". */
const FIX: Record<EnvKey, string> = {
  SLACK_BOT_TOKEN: "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
  SLACK_SIGNING_SECRET:
    "the signing secret from your Slack app's Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode instead)",
  SLACK_APP_TOKEN: "an app-level token starting with xapp- from your Slack app's Basic Information page, or unset it",
  SLACK_API_URL: "a URL such as https://slack.com/api/, or unset it",
  GITHUB_TOKEN: "a GitHub token that can run workflows and create deployments in your repositories",
  GITHUB_API_URL: "a URL such as https://api.github.com (or https://github.example.com/api/v3 for GitHub Enterprise)",
  GITHUB_WEBHOOK_SECRET: "the secret of your GitHub webhook (Settings → Webhooks), or unset it to rely on polling alone",
  JIRA_HOST: "your Jira site's URL, such as https://acme.atlassian.net",
  JIRA_EMAIL: "the email address of the Jira account Gantry uses",
  JIRA_API_TOKEN: "an API token for that Jira account, from id.atlassian.com",
  GANTRY_CONFIG: "the path of gantry.yml",
  GANTRY_DB: "the path of the SQLite database file, such as ./data/gantry.db",
  PORT: "a port number such as 3000",
  LOG_LEVEL: `one of ${LOG_LEVELS.join(", ")}`,
};

function isEnvKey(key: PropertyKey | undefined): key is EnvKey {
  return typeof key === "string" && Object.hasOwn(FIX, key);
}

function describe(issue: z.core.$ZodIssue, source: Readonly<Record<string, string | undefined>>): string {
  const key = issue.path[0];
  if (!isEnvKey(key)) return `${String(key ?? "environment")}: ${issue.message}`;
  if (issue.code === "custom" && issue.message !== "missing") return `${key}: ${issue.message}`;
  const missing = source[key] === undefined;
  return `${key}: ${missing ? "missing" : "invalid"} — set it to ${FIX[key]}`;
}

/**
 * Reads and checks the environment. Empty values count as unset, as `.env` files and
 * container templates often leave `JIRA_HOST=` behind.
 */
export function readEnv(source: Readonly<Record<string, string | undefined>> = process.env): Env {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(FIX)) {
    const value = source[key]?.trim();
    if (value) cleaned[key] = value;
  }
  const result = Env.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describe(issue, cleaned));
  throw new GantryError("env_invalid", `invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}`, {
    problems,
  });
}
