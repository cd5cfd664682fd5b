/**
 * Process environment: secrets and deployment settings that do not belong in `gantry.yml`.
 * Problems name the variable and the fix, never the value: most of these are secrets.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { GantryError } from "./errors.js";
import type { GitHubAuth } from "./github/auth.js";
import { ReplicaId } from "./replica.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const httpUrl = z.url({ protocol: /^https?$/ });
const JIRA_KEYS = ["JIRA_HOST", "JIRA_EMAIL", "JIRA_API_TOKEN"] as const;

const EnvObject = z.object({
  SLACK_BOT_TOKEN: z.string().min(1),
  /** Required for HTTP mode; Socket Mode (SLACK_APP_TOKEN) does not sign requests. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().startsWith("xapp-").optional(),
  SLACK_API_URL: httpUrl.optional(),
  /** A token (PAT); or run as a GitHub App with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY(_FILE). */
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_APP_ID: z.string().regex(/^\d+$/).optional(),
  /** The App's private key (PEM); `\n` escapes are turned into line breaks. With _FILE, readEnv reads the file into it. */
  GITHUB_APP_PRIVATE_KEY: z.string().min(1).optional(),
  GITHUB_APP_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  GITHUB_API_URL: httpUrl.default("https://api.github.com"),
  /** The secret of the repository or organization webhook; unset, Gantry serves no webhooks and only polls. */
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  JIRA_HOST: httpUrl.optional(),
  JIRA_EMAIL: z.string().min(1).optional(),
  JIRA_API_TOKEN: z.string().min(1).optional(),
  /** The Prometheus HTTP API that deploy verification reads; unset, no deploy can be verified on metrics. */
  PROMETHEUS_URL: httpUrl.refine((url) => !/^https?:\/\/[^/]*@/.test(url), { message: "invalid" }).optional(),
  /** A bearer token for it, or basic auth with PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD; never both. */
  PROMETHEUS_TOKEN: z.string().min(1).optional(),
  PROMETHEUS_USERNAME: z.string().min(1).optional(),
  PROMETHEUS_PASSWORD: z.string().min(1).optional(),
  GANTRY_CONFIG: z.string().min(1).default("./gantry.yml"),
  GANTRY_DB: z.string().min(1).default("./data/gantry.db"),
  /** PostgreSQL instead of the SQLite file, for several replicas. Holds credentials: only its host and database are logged. */
  GANTRY_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  /** Connections per replica to GANTRY_DATABASE_URL; 10 when unset. */
  GANTRY_DATABASE_POOL: z.coerce.number().int().min(1).max(1000).optional(),
  /** This replica's name on the leases it takes; the host name when unset. */
  GANTRY_REPLICA_ID: ReplicaId.optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** When set, GET /metrics needs `Authorization: Bearer <this>`. */
  GANTRY_METRICS_TOKEN: z.string().min(16).optional(),
  /** When set, /metrics is served on this port only, and not on PORT (which Slack and GitHub reach). */
  GANTRY_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Deploy work waits while Slack requests are being answered (at most a second); `off` starts it at once. */
  GANTRY_ACK_FIRST: z.enum(["on", "off"]).default("on"),
  /** What this process does: `all` (the default), or, on PostgreSQL, `web` (answers Slack) or `worker` (does the work). */
  GANTRY_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  /** `on`: with GANTRY_ROLE=all, deploy work runs in a worker thread of this process; Slack is answered on the main one. */
  GANTRY_WORKER_THREAD: z.enum(["on", "off"]).default("off"),
});

/** Every variable Gantry reads, for the checks that keep `.env.example`, docs/configuration.md and the manifests in step. */
export const ENV_VARIABLES = Object.keys(EnvObject.shape) as ReadonlyArray<keyof typeof EnvObject.shape>;

export const Env = EnvObject.superRefine(
  (env, ctx) => {
    if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["SLACK_SIGNING_SECRET"], message: "missing" });
    }
    checkGitHubAuth(env, ctx);
    if (env.GANTRY_METRICS_PORT !== undefined && env.GANTRY_METRICS_PORT === env.PORT) {
      ctx.addIssue({
        code: "custom",
        path: ["GANTRY_METRICS_PORT"],
        message: "the same as PORT — set it to another port (such as 9090), or unset it to serve /metrics on PORT",
      });
    }
    checkPrometheus(env, ctx);
    if (env.GANTRY_ROLE !== "all" && env.GANTRY_DATABASE_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["GANTRY_ROLE"],
        message: `${env.GANTRY_ROLE} needs GANTRY_DATABASE_URL (PostgreSQL, which the web and worker replicas share) — set it, or unset GANTRY_ROLE to run everything in one process`,
      });
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

type EnvOutput = z.output<typeof EnvObject>;

/** Exactly one way to authenticate to GitHub: a token, or an App (its id and exactly one source of its key). */
function checkGitHubAuth(env: EnvOutput, ctx: z.RefinementCtx): void {
  const appSet = (["GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY_FILE"] as const).filter(
    (k) => env[k] !== undefined,
  );
  if (env.GITHUB_TOKEN !== undefined) {
    for (const key of appSet) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          "set together with GITHUB_TOKEN — use either a token (GITHUB_TOKEN) or a GitHub App (GITHUB_APP_*), and unset the other",
      });
    }
    return;
  }
  if (appSet.length === 0) return void ctx.addIssue({ code: "custom", path: ["GITHUB_TOKEN"], message: "missing" });
  if (env.GITHUB_APP_ID === undefined) ctx.addIssue({ code: "custom", path: ["GITHUB_APP_ID"], message: "missing" });
  if (env.GITHUB_APP_PRIVATE_KEY !== undefined && env.GITHUB_APP_PRIVATE_KEY_FILE !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["GITHUB_APP_PRIVATE_KEY_FILE"],
      message: "set together with GITHUB_APP_PRIVATE_KEY — set only one of them",
    });
  } else if (env.GITHUB_APP_PRIVATE_KEY === undefined && env.GITHUB_APP_PRIVATE_KEY_FILE === undefined) {
    ctx.addIssue({ code: "custom", path: ["GITHUB_APP_PRIVATE_KEY"], message: "missing" });
  } else if (env.GITHUB_APP_PRIVATE_KEY !== undefined && !isPrivateKey(pem(env.GITHUB_APP_PRIVATE_KEY))) {
    ctx.addIssue({ code: "custom", path: ["GITHUB_APP_PRIVATE_KEY"], message: "invalid" });
  }
}

/** Prometheus credentials need its URL, and are a token or a user with a password, not both. */
function checkPrometheus(env: EnvOutput, ctx: z.RefinementCtx): void {
  const auth = (["PROMETHEUS_TOKEN", "PROMETHEUS_USERNAME", "PROMETHEUS_PASSWORD"] as const).filter(
    (k) => env[k] !== undefined,
  );
  const issue = (key: EnvKey, message: string): void => ctx.addIssue({ code: "custom", path: [key], message });
  if (auth.length > 0 && env.PROMETHEUS_URL === undefined) {
    issue(
      "PROMETHEUS_URL",
      `missing — ${auth.join(" and ")} ${auth.length === 1 ? "is" : "are"} set, so Gantry needs the Prometheus URL too (or unset them)`,
    );
  }
  if (
    env.PROMETHEUS_TOKEN !== undefined &&
    (env.PROMETHEUS_USERNAME !== undefined || env.PROMETHEUS_PASSWORD !== undefined)
  ) {
    issue(
      "PROMETHEUS_TOKEN",
      "set together with PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD — use either a bearer token or basic auth, and unset the other",
    );
    return;
  }
  if (env.PROMETHEUS_USERNAME !== undefined && env.PROMETHEUS_PASSWORD === undefined)
    issue("PROMETHEUS_PASSWORD", "missing — PROMETHEUS_USERNAME is set, so basic auth needs the password too");
  if (env.PROMETHEUS_PASSWORD !== undefined && env.PROMETHEUS_USERNAME === undefined)
    issue("PROMETHEUS_USERNAME", "missing — PROMETHEUS_PASSWORD is set, so basic auth needs the user name too");
}

/** Keys pasted into one-line variables often carry `\n` for their line breaks. */
function pem(key: string): string {
  return key.includes("\\n") && !key.includes("\n") ? key.replace(/\\n/g, "\n") : key;
}

function isPrivateKey(key: string): boolean {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) return false;
  try {
    createPrivateKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Reads GITHUB_APP_PRIVATE_KEY_FILE; a problem names the path and the error code, never the contents. */
function readKeyFile(path: string): { key: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    return {
      problem: `GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${path} (${code}) — set it to ${FIX.GITHUB_APP_PRIVATE_KEY_FILE}`,
    };
  }
  if (!isPrivateKey(pem(text)))
    return {
      problem: `GITHUB_APP_PRIVATE_KEY_FILE: ${path} holds no PEM private key — set it to ${FIX.GITHUB_APP_PRIVATE_KEY_FILE}`,
    };
  return { key: pem(text) };
}

/** How to authenticate to GitHub, from an environment readEnv accepted. */
export function githubAuth(env: Env): GitHubAuth {
  if (env.GITHUB_TOKEN) return { kind: "token", token: env.GITHUB_TOKEN };
  if (env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY)
    return { kind: "app", appId: env.GITHUB_APP_ID, privateKey: pem(env.GITHUB_APP_PRIVATE_KEY) };
  throw new GantryError(
    "env_invalid",
    "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE)",
  );
}

/** What each variable should hold, written as the second half of "set it to …". */
const FIX: Record<EnvKey, string> = {
  SLACK_BOT_TOKEN: "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
  SLACK_SIGNING_SECRET:
    "the signing secret from your Slack app's Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode instead)",
  SLACK_APP_TOKEN: "an app-level token starting with xapp- from your Slack app's Basic Information page, or unset it",
  SLACK_API_URL: "a URL such as https://slack.com/api/, or unset it",
  GITHUB_TOKEN:
    "a GitHub token that can run workflows and create deployments in your repositories (or set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY to run as a GitHub App)",
  GITHUB_APP_ID: "the App ID from your GitHub App's settings page (a number), or unset it and set GITHUB_TOKEN",
  GITHUB_APP_PRIVATE_KEY:
    "the PEM private key generated on your GitHub App's settings page (or set GITHUB_APP_PRIVATE_KEY_FILE to the path of the .pem file)",
  GITHUB_APP_PRIVATE_KEY_FILE: "the path of the .pem private key file generated on your GitHub App's settings page",
  GITHUB_API_URL: "a URL such as https://api.github.com (or https://github.example.com/api/v3 for GitHub Enterprise)",
  GITHUB_WEBHOOK_SECRET:
    "the secret of your GitHub webhook (Settings → Webhooks), or unset it to rely on polling alone",
  JIRA_HOST: "your Jira site's URL, such as https://acme.atlassian.net",
  JIRA_EMAIL: "the email address of the Jira account Gantry uses",
  JIRA_API_TOKEN: "an API token for that Jira account, from id.atlassian.com",
  PROMETHEUS_URL:
    "the base URL of the Prometheus HTTP API (or Thanos, Mimir, VictoriaMetrics, Grafana Cloud), without /api/v1 and without credentials, such as http://prometheus.monitoring:9090",
  PROMETHEUS_TOKEN: "a bearer token the Prometheus API accepts, or unset it",
  PROMETHEUS_USERNAME: "the user for basic auth to the Prometheus API, with PROMETHEUS_PASSWORD, or unset both",
  PROMETHEUS_PASSWORD: "the password of PROMETHEUS_USERNAME, or unset both",
  GANTRY_CONFIG: "the path of gantry.yml",
  GANTRY_DB: "the path of the SQLite database file, such as ./data/gantry.db",
  GANTRY_DATABASE_URL:
    "a PostgreSQL URL such as postgres://gantry:secret@db.internal:5432/gantry, or unset it to use the SQLite file at GANTRY_DB",
  GANTRY_DATABASE_POOL: "the number of connections each replica opens to PostgreSQL (1–1000), such as 10",
  GANTRY_REPLICA_ID:
    "up to 100 letters, digits, dots, colons, dashes or underscores (such as the pod name), or unset it to use the host name",
  PORT: "a port number such as 3000",
  GANTRY_METRICS_TOKEN:
    "a random string of at least 16 characters that Prometheus sends as a bearer token (such as the output of openssl rand -hex 32), or unset it",
  GANTRY_METRICS_PORT: "a port number other than PORT, such as 9090, or unset it to serve /metrics on PORT",
  LOG_LEVEL: `one of ${LOG_LEVELS.join(", ")}`,
  GANTRY_ACK_FIRST: "on (the default) or off",
  GANTRY_ROLE: "all (the default), web or worker",
  GANTRY_WORKER_THREAD: "off (the default) or on",
};

function isEnvKey(key: PropertyKey | undefined): key is EnvKey {
  return typeof key === "string" && Object.hasOwn(FIX, key);
}

function describe(issue: z.core.$ZodIssue, source: Readonly<Record<string, string | undefined>>): string {
  const key = issue.path[0];
  if (!isEnvKey(key)) return `${String(key ?? "environment")}: ${issue.message}`;
  if (issue.code === "custom" && issue.message !== "missing" && issue.message !== "invalid")
    return `${key}: ${issue.message}`;
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
  // In the order of FIX, so problems found by the cross-variable checks sit next to their neighbours.
  const order = (issue: z.core.$ZodIssue): number => {
    const index = Object.keys(FIX).indexOf(String(issue.path[0]));
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  const issues = result.success ? [] : [...result.error.issues].sort((a, b) => order(a) - order(b));
  const problems = issues.map((issue) => describe(issue, cleaned));
  const keyFile = cleaned.GITHUB_APP_PRIVATE_KEY_FILE;
  let key: string | undefined;
  if (keyFile && !cleaned.GITHUB_APP_PRIVATE_KEY && !cleaned.GITHUB_TOKEN) {
    const read = readKeyFile(keyFile);
    if ("problem" in read) problems.push(read.problem);
    else key = read.key;
  }
  if (result.success && problems.length === 0)
    return key ? { ...result.data, GITHUB_APP_PRIVATE_KEY: key } : result.data;
  throw new GantryError("env_invalid", `invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}`, {
    problems,
  });
}
