import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "gantry-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 15_000,
    });
    return { code: 0, stderr: "" };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("start-up checks", () => {
  it("stops before connecting anywhere when the config is wrong, naming every problem by path", async () => {
    const config = join(dir, "bad.yml");
    writeFileSync(
      config,
      [
        "services:",
        "  checkout-api:",
        "    repo: not-a-repo",
        "    workflw: deploy.yml",
        "    environments: {}",
        "teams:",
        "  payments:",
        "    channel: C0PAY",
        "    services: [chekout-api]",
      ].join("\n"),
    );
    const { code, stderr } = await start({
      SLACK_BOT_TOKEN: "xoxb-x",
      SLACK_SIGNING_SECRET: "s",
      GITHUB_TOKEN: "t",
      // Nothing listens here: had Gantry tried to connect, it would fail differently.
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      GITHUB_API_URL: "http://127.0.0.1:9",
      GANTRY_CONFIG: config,
      GANTRY_DB: join(dir, "never.db"),
    });
    expect(code).toBe(1);
    expect(stderr).toContain("services.checkout-api.repo");
    expect(stderr).toContain("services.checkout-api.workflw");
    expect(stderr).toContain("teams.payments.services[0]");
    expect(stderr).not.toContain("xoxb-x");
  });

  it("names each missing environment variable without printing secrets", async () => {
    const { code, stderr } = await start({ SLACK_SIGNING_SECRET: "very-secret-value" });
    expect(code).toBe(1);
    expect(stderr).toContain("SLACK_BOT_TOKEN");
    expect(stderr).toContain("GITHUB_TOKEN");
    expect(stderr).not.toContain("very-secret-value");
  });

  it("stops before connecting anywhere when an environment verifies deploys and PROMETHEUS_URL is unset", async () => {
    const config = join(dir, "verify.yml");
    writeFileSync(
      config,
      [
        "services:",
        "  checkout-api:",
        "    repo: acme/checkout-api",
        "    workflow: deploy.yml",
        "    environments:",
        "      canary:",
        "        verify:",
        "          bake: 10m",
        "          checks: [{ name: error rate, query: 'errors{env=\"{{environment}}\"}', max: 0.02 }]",
      ].join("\n"),
    );
    const { code, stderr } = await start({
      SLACK_BOT_TOKEN: "xoxb-x",
      SLACK_SIGNING_SECRET: "s",
      GITHUB_TOKEN: "t",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      GITHUB_API_URL: "http://127.0.0.1:9",
      GANTRY_CONFIG: config,
      GANTRY_DB: join(dir, "never-verify.db"),
    });
    expect(code).toBe(1);
    expect(stderr).toContain("services.checkout-api.environments.canary.verify");
    expect(stderr).toContain("set PROMETHEUS_URL");
  });
});
