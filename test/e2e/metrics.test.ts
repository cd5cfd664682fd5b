import { Writable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { CHANNEL, GITHUB_TOKEN, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
stopAfterEach(() => h);

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe("metrics and readiness end to end", () => {
  it("counts a real deploy that succeeded, its duration, the Slack calls, and a lock taken by command", async () => {
    const url = h.gantry.url;
    const sha = h.gh.addCommit("acme/checkout-api", { message: "PAY-1 ship it", branch: "main" });
    h.gh.setTag("acme/checkout-api", "v1.4.2", sha);
    await h.client.command(USERS.alice, "/deploy", "checkout-api v1.4.2 to staging", { channel: CHANNEL });
    const [latest] = await h.gantry.store.history("checkout-api", undefined, 1);
    const done = await h.finished(latest!.id);
    expect(done.state).toBe("succeeded");

    let text = await scrape(url);
    expect(text).toContain(
      'gantry_deploys_total{service="checkout-api",environment="staging",kind="deploy",outcome="succeeded"} 1',
    );
    expect(text).toContain('gantry_commands_total{command="/deploy",outcome="accepted"} 1');
    expect(text).toMatch(/^gantry_external_requests_total\{vendor="github",status="200"\} [1-9]\d*$/m);
    expect(text).toContain(
      'gantry_deploy_duration_seconds_count{service="checkout-api",environment="staging",outcome="succeeded"} 1',
    );
    expect(text).toMatch(/^gantry_external_requests_total\{vendor="slack",status="ok"\} [1-9]\d*$/m);
    expect(text).toContain("gantry_active_locks 0");
    expect(text).toContain("gantry_pending_approvals 0");
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

    await h.client.command(USERS.alice, "/deploy", 'lock checkout-api production for 2h "load test"', {
      channel: CHANNEL,
    });
    expect(await h.gantry.store.getLock("checkout-api", "production")).toBeDefined();
    text = await scrape(url);
    expect(text).toContain("gantry_active_locks 1");
  });

  it("is ready while Gantry runs: the database answers and Slack's auth.test succeeded", async () => {
    const url = h.gantry.url;
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { running: true, database: true, slack: true } });
    expect(h.slack.calls.some((c) => c.method === "auth.test")).toBe(true);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe("logs", () => {
  it("redact tokens and authorization headers wherever pino is told they may be", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger("info", sink);
    const secrets = {
      token: "xoxb-top-level-secret",
      headers: { authorization: "Bearer header-secret" },
      GITHUB_TOKEN,
      env: {
        GITHUB_TOKEN: "ghp_nested_secret",
        SLACK_BOT_TOKEN: "xoxb-nested-secret",
        JIRA_API_TOKEN: "jira-nested-secret",
      },
      request: { headers: { authorization: "token request-secret" } },
    };
    log.info(secrets, "about to call GitHub");
    log
      .child({ vendor: "github" })
      .warn({ token: "child-secret", slack: { token: "xoxb-deeper-secret" } }, "child logger");
    const out = lines.join("");
    expect(lines).toHaveLength(2);
    for (const secret of [
      "xoxb-top-level-secret",
      "header-secret",
      GITHUB_TOKEN,
      "ghp_nested_secret",
      "xoxb-nested-secret",
      "jira-nested-secret",
      "request-secret",
      "child-secret",
      "xoxb-deeper-secret",
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({
      token: "[redacted]",
      headers: { authorization: "[redacted]" },
      GITHUB_TOKEN: "[redacted]",
      msg: "about to call GitHub",
    });
  });
});
