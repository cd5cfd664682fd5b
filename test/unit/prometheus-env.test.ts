import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/env.js";
import { GantryError } from "../../src/errors.js";
import { prometheusOptions } from "../../src/metrics-source/prometheus-env.js";

const minimal = { SLACK_BOT_TOKEN: "xoxb-x", SLACK_SIGNING_SECRET: "shh", GITHUB_TOKEN: "ghp_x" };
const URL = "http://prometheus.monitoring:9090";

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    readEnv(source);
  } catch (err) {
    if (err instanceof GantryError && err.code === "env_invalid") return err.details.problems as string[];
    throw err;
  }
  throw new Error("expected the environment to be invalid");
}

describe("the Prometheus variables", () => {
  it("are optional, and turn into the adapter's URL and credentials", () => {
    expect(prometheusOptions(readEnv(minimal))).toBeUndefined();
    expect(prometheusOptions(readEnv({ ...minimal, PROMETHEUS_URL: URL }))).toEqual({ url: URL });
    expect(prometheusOptions(readEnv({ ...minimal, PROMETHEUS_URL: URL, PROMETHEUS_TOKEN: "glc_t" }))).toEqual({ url: URL, auth: { kind: "bearer", token: "glc_t" } });
    const basic = readEnv({ ...minimal, PROMETHEUS_URL: URL, PROMETHEUS_USERNAME: "12345", PROMETHEUS_PASSWORD: "pw" });
    expect(prometheusOptions(basic)).toEqual({ url: URL, auth: { kind: "basic", username: "12345", password: "pw" } });
  });

  it("name each problem and the fix, never a secret", () => {
    expect(problemsOf({ ...minimal, PROMETHEUS_TOKEN: "glc_secret" })).toEqual([
      "PROMETHEUS_URL: missing — PROMETHEUS_TOKEN is set, so Gantry needs the Prometheus URL too (or unset them)",
    ]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: URL, PROMETHEUS_TOKEN: "glc_secret", PROMETHEUS_USERNAME: "u", PROMETHEUS_PASSWORD: "pw-secret" })).toEqual([
      "PROMETHEUS_TOKEN: set together with PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD — use either a bearer token or basic auth, and unset the other",
    ]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: URL, PROMETHEUS_USERNAME: "u" })).toEqual(["PROMETHEUS_PASSWORD: missing — PROMETHEUS_USERNAME is set, so basic auth needs the password too"]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: URL, PROMETHEUS_PASSWORD: "pw-secret" })).toEqual(["PROMETHEUS_USERNAME: missing — PROMETHEUS_PASSWORD is set, so basic auth needs the user name too"]);
    const problems = problemsOf({ ...minimal, PROMETHEUS_URL: "https://admin:pw-secret@prometheus.example.com" });
    expect(problems).toEqual([expect.stringMatching(/^PROMETHEUS_URL: invalid — set it to the base URL .* without credentials/)]);
    expect(problemsOf({ ...minimal, PROMETHEUS_URL: "prometheus:9090" })).toEqual([expect.stringMatching(/^PROMETHEUS_URL: invalid — set it to/)]);
    expect(JSON.stringify(problems)).not.toContain("pw-secret");
  });
});
