import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { githubAuth, readEnv } from "../../src/env.js";
import { GantryError } from "../../src/errors.js";
import { prometheusOptions } from "../../src/metrics-source/prometheus-env.js";

const SECRET = "xoxb-super-secret-value";
const minimal = { SLACK_BOT_TOKEN: SECRET, SLACK_SIGNING_SECRET: "shh-signing", GITHUB_TOKEN: "ghp_secret" };

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    readEnv(source);
  } catch (err) {
    if (err instanceof GantryError && err.code === "env_invalid") return err.details.problems as string[];
    throw err;
  }
  throw new Error("expected the environment to be invalid");
}

describe("readEnv", () => {
  it("fills in defaults", () => {
    expect(readEnv({ ...minimal, UNRELATED: "x" })).toStrictEqual({
      ...minimal,
      GITHUB_API_URL: "https://api.github.com",
      GANTRY_CONFIG: "./gantry.yml",
      GANTRY_DB: "./data/gantry.db",
      PORT: 3000,
      LOG_LEVEL: "info",
      GANTRY_ACK_FIRST: "on",
      GANTRY_ROLE: "all",
      GANTRY_WORKER_THREAD: "off",
    });
  });

  it("reads GANTRY_ROLE, and takes web or worker only with PostgreSQL", () => {
    const pg = { ...minimal, GANTRY_DATABASE_URL: "postgres://gantry@db/gantry" };
    expect(readEnv({ ...pg, GANTRY_ROLE: "web" }).GANTRY_ROLE).toBe("web");
    expect(readEnv({ ...pg, GANTRY_ROLE: "worker" }).GANTRY_ROLE).toBe("worker");
    expect(readEnv({ ...minimal, GANTRY_ROLE: "all" }).GANTRY_ROLE).toBe("all");
    expect(problemsOf({ ...minimal, GANTRY_ROLE: "worker" })).toEqual([
      "GANTRY_ROLE: worker needs GANTRY_DATABASE_URL (PostgreSQL, which the web and worker replicas share) — set it, or unset GANTRY_ROLE to run everything in one process",
    ]);
    expect(problemsOf({ ...pg, GANTRY_ROLE: "both" })).toEqual([
      "GANTRY_ROLE: invalid — set it to all (the default), web or worker",
    ]);
  });

  it("reads GANTRY_ACK_FIRST as on or off, and nothing else", () => {
    expect(readEnv({ ...minimal, GANTRY_ACK_FIRST: "off" }).GANTRY_ACK_FIRST).toBe("off");
    expect(problemsOf({ ...minimal, GANTRY_ACK_FIRST: "yes" })).toEqual([
      "GANTRY_ACK_FIRST: invalid — set it to on (the default) or off",
    ]);
  });

  it("reads every variable", () => {
    const env = readEnv({
      SLACK_BOT_TOKEN: SECRET,
      SLACK_APP_TOKEN: "xapp-1-abc",
      SLACK_API_URL: "http://localhost:9001/api/",
      GITHUB_TOKEN: "ghp_x",
      GITHUB_API_URL: "https://github.example.com/api/v3",
      GITHUB_WEBHOOK_SECRET: "whsec",
      JIRA_HOST: "https://acme.atlassian.net",
      JIRA_EMAIL: "bot@acme.com",
      JIRA_API_TOKEN: "jira",
      GANTRY_CONFIG: "/etc/gantry.yml",
      GANTRY_DB: ":memory:",
      PORT: "0",
      LOG_LEVEL: "debug",
    });
    expect(env).toMatchObject({
      SLACK_APP_TOKEN: "xapp-1-abc",
      PORT: 0,
      LOG_LEVEL: "debug",
      GANTRY_DB: ":memory:",
      GITHUB_WEBHOOK_SECRET: "whsec",
    });
    expect(env.SLACK_SIGNING_SECRET).toBeUndefined();
  });

  it("treats empty and blank values as unset", () => {
    expect(readEnv({ ...minimal, JIRA_HOST: "", PORT: " ", SLACK_APP_TOKEN: "" })).toMatchObject({ PORT: 3000 });
    expect(readEnv({ ...minimal, JIRA_HOST: "" }).JIRA_HOST).toBeUndefined();
  });

  it("lists every problem by variable name, with how to fix it", () => {
    expect(problemsOf({ PORT: "eighty", LOG_LEVEL: "loud", SLACK_APP_TOKEN: "xoxb-wrong-kind" })).toEqual([
      "SLACK_BOT_TOKEN: missing — set it to the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
      "SLACK_APP_TOKEN: invalid — set it to an app-level token starting with xapp- from your Slack app's Basic Information page, or unset it",
      "GITHUB_TOKEN: missing — set it to a GitHub token that can run workflows and create deployments in your repositories (or set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY to run as a GitHub App)",
      "PORT: invalid — set it to a port number such as 3000",
      "LOG_LEVEL: invalid — set it to one of fatal, error, warn, info, debug, trace, silent",
    ]);
  });

  it("needs the signing secret unless Socket Mode's app token is set", () => {
    const { SLACK_SIGNING_SECRET: _, ...withoutSecret } = minimal;
    expect(problemsOf(withoutSecret)).toEqual([
      "SLACK_SIGNING_SECRET: missing — set it to the signing secret from your Slack app's Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode instead)",
    ]);
    expect(() => readEnv({ ...withoutSecret, SLACK_APP_TOKEN: "xapp-1" })).not.toThrow();
  });

  it("reports the signing secret alongside other problems", () => {
    expect(problemsOf({ GITHUB_TOKEN: "x" })).toEqual([
      "SLACK_BOT_TOKEN: missing — set it to the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
      "SLACK_SIGNING_SECRET: missing — set it to the signing secret from your Slack app's Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode instead)",
    ]);
  });

  it("reads the webhook secret as optional, and a blank one as unset", () => {
    expect(readEnv(minimal).GITHUB_WEBHOOK_SECRET).toBeUndefined();
    expect(readEnv({ ...minimal, GITHUB_WEBHOOK_SECRET: " " }).GITHUB_WEBHOOK_SECRET).toBeUndefined();
    expect(readEnv({ ...minimal, GITHUB_WEBHOOK_SECRET: "whsec-1" }).GITHUB_WEBHOOK_SECRET).toBe("whsec-1");
  });

  it("checks URLs", () => {
    expect(
      problemsOf({
        ...minimal,
        GITHUB_API_URL: "api.github.com",
        SLACK_API_URL: "ftp://x",
        JIRA_HOST: "acme",
        JIRA_EMAIL: "a@b.c",
        JIRA_API_TOKEN: "t",
      }),
    ).toEqual([
      "SLACK_API_URL: invalid — set it to a URL such as https://slack.com/api/, or unset it",
      "GITHUB_API_URL: invalid — set it to a URL such as https://api.github.com (or https://github.example.com/api/v3 for GitHub Enterprise)",
      "JIRA_HOST: invalid — set it to your Jira site's URL, such as https://acme.atlassian.net",
    ]);
  });

  it("wants all of Jira's settings or none", () => {
    expect(problemsOf({ ...minimal, JIRA_HOST: "https://acme.atlassian.net" })).toEqual([
      "JIRA_EMAIL: missing — JIRA_HOST is set, so Jira needs this too (or unset all JIRA_* variables to turn Jira off)",
      "JIRA_API_TOKEN: missing — JIRA_HOST is set, so Jira needs this too (or unset all JIRA_* variables to turn Jira off)",
    ]);
  });

  it("never puts secret values in the error", () => {
    const source = { SLACK_BOT_TOKEN: SECRET, SLACK_APP_TOKEN: "not-xapp-secret", GITHUB_TOKEN: "", PORT: "x" };
    let message = "";
    try {
      readEnv(source);
    } catch (err) {
      expect(err).toBeInstanceOf(GantryError);
      message = `${(err as GantryError).message}\n${JSON.stringify((err as GantryError).details)}`;
    }
    expect(message).toContain("SLACK_APP_TOKEN: invalid");
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain("not-xapp-secret");
  });
});

describe("readEnv as a GitHub App", () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const PEM = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const slack = { SLACK_BOT_TOKEN: SECRET, SLACK_SIGNING_SECRET: "shh-signing" };

  it("takes an App id and an inline key, also with \\n escapes, instead of GITHUB_TOKEN", () => {
    const env = readEnv({ ...slack, GITHUB_APP_ID: "12345", GITHUB_APP_PRIVATE_KEY: PEM });
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(githubAuth(env)).toStrictEqual({ kind: "app", appId: "12345", privateKey: PEM.trim() });
    const oneLine = readEnv({
      ...slack,
      GITHUB_APP_ID: "12345",
      GITHUB_APP_PRIVATE_KEY: PEM.trim().replace(/\n/g, "\\n"),
    });
    expect(githubAuth(oneLine)).toMatchObject({ privateKey: PEM.trim() });
  });

  it("reads the key from GITHUB_APP_PRIVATE_KEY_FILE at start-up", () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-env-"));
    try {
      const file = join(dir, "app.pem");
      writeFileSync(file, PEM);
      const env = readEnv({ ...slack, GITHUB_APP_ID: "7", GITHUB_APP_PRIVATE_KEY_FILE: file });
      expect(githubAuth(env)).toStrictEqual({ kind: "app", appId: "7", privateKey: PEM.trim() });
      expect(
        problemsOf({ ...slack, GITHUB_APP_ID: "7", GITHUB_APP_PRIVATE_KEY_FILE: join(dir, "missing.pem") }),
      ).toEqual([
        `GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${join(dir, "missing.pem")} (ENOENT) — set it to the path of the .pem private key file generated on your GitHub App's settings page`,
      ]);
      writeFileSync(file, "not a key");
      expect(problemsOf({ ...slack, GITHUB_APP_ID: "7", GITHUB_APP_PRIVATE_KEY_FILE: file })[0]).toContain(
        "holds no PEM private key",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps PAT behaviour: GITHUB_TOKEN alone is enough", () => {
    expect(githubAuth(readEnv(minimal))).toStrictEqual({ kind: "token", token: "ghp_secret" });
  });

  it("names what is missing or conflicting, and how to fix it, without printing the key", () => {
    expect(problemsOf({ ...slack, GITHUB_APP_ID: "1" })).toEqual([
      "GITHUB_APP_PRIVATE_KEY: missing — set it to the PEM private key generated on your GitHub App's settings page (or set GITHUB_APP_PRIVATE_KEY_FILE to the path of the .pem file)",
    ]);
    expect(problemsOf({ ...slack, GITHUB_APP_PRIVATE_KEY: PEM })).toEqual([
      "GITHUB_APP_ID: missing — set it to the App ID from your GitHub App's settings page (a number), or unset it and set GITHUB_TOKEN",
    ]);
    const both = problemsOf({ ...minimal, GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: PEM });
    expect(both).toEqual([
      "GITHUB_APP_ID: set together with GITHUB_TOKEN — use either a token (GITHUB_TOKEN) or a GitHub App (GITHUB_APP_*), and unset the other",
      "GITHUB_APP_PRIVATE_KEY: set together with GITHUB_TOKEN — use either a token (GITHUB_TOKEN) or a GitHub App (GITHUB_APP_*), and unset the other",
    ]);
    const bad = "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END RSA PRIVATE KEY-----";
    const problems = problemsOf({ ...slack, GITHUB_APP_ID: "abc", GITHUB_APP_PRIVATE_KEY: bad });
    expect(problems).toEqual([
      "GITHUB_APP_ID: invalid — set it to the App ID from your GitHub App's settings page (a number), or unset it and set GITHUB_TOKEN",
      "GITHUB_APP_PRIVATE_KEY: invalid — set it to the PEM private key generated on your GitHub App's settings page (or set GITHUB_APP_PRIVATE_KEY_FILE to the path of the .pem file)",
    ]);
    expect(problems.join("\n")).not.toContain("c2VjcmV0");
  });

  it("reads GANTRY_DATABASE_URL and its pool size for PostgreSQL", () => {
    const env = readEnv({
      ...minimal,
      GANTRY_DATABASE_URL: "postgresql://gantry:pw@db.internal:5432/gantry",
      GANTRY_DATABASE_POOL: "25",
    });
    expect(env).toMatchObject({
      GANTRY_DATABASE_URL: "postgresql://gantry:pw@db.internal:5432/gantry",
      GANTRY_DATABASE_POOL: 25,
      GANTRY_DB: "./data/gantry.db",
    });
    expect(readEnv({ ...minimal, GANTRY_DATABASE_URL: "", GANTRY_DATABASE_POOL: " " })).not.toHaveProperty(
      "GANTRY_DATABASE_URL",
    );
  });

  it("refuses a database URL that is not PostgreSQL, and a bad pool size, without printing the password", () => {
    const problems = problemsOf({
      ...minimal,
      GANTRY_DATABASE_URL: "mysql://gantry:hunter2@db/gantry",
      GANTRY_DATABASE_POOL: "0",
    });
    expect(problems).toEqual([
      "GANTRY_DATABASE_URL: invalid — set it to a PostgreSQL URL such as postgres://gantry:secret@db.internal:5432/gantry, or unset it to use the SQLite file at GANTRY_DB",
      "GANTRY_DATABASE_POOL: invalid — set it to the number of connections each replica opens to PostgreSQL (1–1000), such as 10",
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("reads GANTRY_REPLICA_ID, and names a bad one before anything starts", () => {
    expect(readEnv({ ...minimal, GANTRY_REPLICA_ID: "gantry-7d9f-abcde" })).toMatchObject({
      GANTRY_REPLICA_ID: "gantry-7d9f-abcde",
    });
    expect(problemsOf({ ...minimal, GANTRY_REPLICA_ID: "two words" })).toEqual([
      "GANTRY_REPLICA_ID: invalid — set it to up to 100 letters, digits, dots, colons, dashes or underscores (such as the pod name), or unset it to use the host name",
    ]);
  });
});

describe("the Prometheus variables", () => {
  const PROM_URL = "http://prometheus.monitoring:9090";
  it("are optional, and turn into the adapter's URL and credentials", () => {
    expect(prometheusOptions(readEnv(minimal))).toBeUndefined();
    expect(prometheusOptions(readEnv({ ...minimal, PROMETHEUS_URL: PROM_URL }))).toEqual({ url: PROM_URL });
    expect(prometheusOptions(readEnv({ ...minimal, PROMETHEUS_URL: PROM_URL, PROMETHEUS_TOKEN: "glc_t" }))).toEqual({
      url: PROM_URL,
      auth: { kind: "bearer", token: "glc_t" },
    });
    const basic = readEnv({
      ...minimal,
      PROMETHEUS_URL: PROM_URL,
      PROMETHEUS_USERNAME: "12345",
      PROMETHEUS_PASSWORD: "pw",
    });
    expect(prometheusOptions(basic)).toEqual({
      url: PROM_URL,
      auth: { kind: "basic", username: "12345", password: "pw" },
    });
  });

  it("name each problem and the fix, never a secret", () => {
    expect(problemsOf({ ...minimal, PROMETHEUS_TOKEN: "glc_secret" })).toEqual([
      "PROMETHEUS_URL: missing — PROMETHEUS_TOKEN is set, so Gantry needs the Prometheus URL too (or unset them)",
    ]);
    expect(
      problemsOf({
        ...minimal,
        PROMETHEUS_URL: PROM_URL,
        PROMETHEUS_TOKEN: "glc_secret",
        PROMETHEUS_USERNAME: "u",
        PROMETHEUS_PASSWORD: "pw-secret",
      }),
    ).toEqual([
      "PROMETHEUS_TOKEN: set together with PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD — use either a bearer token or basic auth, and unset the other",
    ]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: PROM_URL, PROMETHEUS_USERNAME: "u" })).toEqual([
      "PROMETHEUS_PASSWORD: missing — PROMETHEUS_USERNAME is set, so basic auth needs the password too",
    ]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: PROM_URL, PROMETHEUS_PASSWORD: "pw-secret" })).toEqual([
      "PROMETHEUS_USERNAME: missing — PROMETHEUS_PASSWORD is set, so basic auth needs the user name too",
    ]);
    const problems = problemsOf({ ...minimal, PROMETHEUS_URL: "https://admin:pw-secret@prometheus.example.com" });
    expect(problems).toEqual([
      expect.stringMatching(/^PROMETHEUS_URL: invalid — set it to the base URL .* without credentials/),
    ]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: "prometheus:9090" })).toEqual([
      expect.stringMatching(/^PROMETHEUS_URL: invalid — set it to/),
    ]);
    expect(JSON.stringify(problems)).not.toContain("pw-secret");
  });
});
