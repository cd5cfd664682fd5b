import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/gantry.js";
import { ConfigError } from "../../src/config/load.js";
import { GantryConfig } from "../../src/config/schema.js";
import { CHANNEL, startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

const OPS = "C0OPS";
const AUDIT = "C0AUDIT";
const SECRET = "whsec-notices-0123456789";
const dm = (user: string) => `D${user.slice(1)}`;

/** The brief's rules, plus one naming #ops again (sent there once) and one for outside deploys. */
const NOTIFY = [
  { environments: ["production"], states: ["failed", "rolled_back", "timed_out"], to: [OPS, "@release"] },
  { environments: ["staging"], states: [], to: [] },
  { states: ["failed"], to: ["requester"] },
  { environments: ["production"], states: ["failed"], to: [OPS] },
  { events: ["outside"], to: [AUDIT] },
];

function config(notify: unknown[] = NOTIFY) {
  return testConfig({
    polling: { interval: "10ms", maxInterval: "50ms" },
    teams: { payments: { channel: CHANNEL, services: ["checkout-api", "billing-worker"], notify } },
  });
}

async function start(notify?: unknown[]): Promise<Harness> {
  h = await startHarness({ config: config(notify), webhookSecret: SECRET });
  h.slack.addChannel({ id: OPS, name: "ops" });
  h.slack.addChannel({ id: AUDIT, name: "audit" });
  return h;
}

async function deploy(user: string, text: string): Promise<number> {
  await h.client.command(user, "/deploy", text, { channel: CHANNEL });
  const [latest] = await h.gantry.store.history("checkout-api", undefined, 1);
  return (await h.finished(latest!.id)).id;
}

/** Notices are sent after the final state is stored: the shutdown drain waits for them. */
async function noticesSent(): Promise<void> {
  await h.gantry.stop();
}

const texts = (channel: string) => h.slack.messages(channel).map((m) => m.text);

describe("notices follow the team's notify rules", () => {
  it("a failed production deploy: #ops once (two rules name it), each @release member and the requester once", async () => {
    await start();
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    await deploy(USERS.carol, "checkout-api@main to production");
    await noticesSent();
    expect(texts(OPS)).toHaveLength(1);
    expect(texts(OPS)[0]).toContain("failed in *production*");
    // @release is alice, bob and dave; carol asked: one message each.
    for (const u of [USERS.alice, USERS.bob, USERS.dave, USERS.carol]) expect(texts(dm(u)), u).toHaveLength(1);
    expect(texts(dm(USERS.mallory))).toEqual([]);
  });

  it("the requester is told once even when a group rule names them too", async () => {
    await start();
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    await deploy(USERS.alice, "checkout-api@main to production");
    await noticesSent();
    expect(texts(dm(USERS.alice))).toHaveLength(1);
    // The channel where it was asked has its own message and thread reply; no notice is added there.
    expect(h.slack.messages(CHANNEL).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(1);
  });

  it("a quiet rule silences staging, even where another rule (failed → requester) matches", async () => {
    await start();
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    await deploy(USERS.bob, "checkout-api@main to staging");
    await noticesSent();
    expect([texts(OPS), texts(dm(USERS.bob)), texts(AUDIT)]).toEqual([[], [], []]);
  });

  it("a state no rule names sends nothing beyond the deploy's own message", async () => {
    await start();
    await deploy(USERS.alice, "checkout-api@main to production");
    await noticesSent();
    expect([texts(OPS), texts(dm(USERS.alice)), texts(dm(USERS.bob))]).toEqual([[], [], []]);
  });

  it("without rules, nothing changes: no notices for Gantry's own deploys", async () => {
    await start([]);
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    await deploy(USERS.alice, "checkout-api@main to production");
    await noticesSent();
    expect([texts(OPS), texts(dm(USERS.alice))]).toEqual([[], []]);
  });

  it("a deploy made outside Gantry goes where its rule says instead of the team channel; without one, to the team", async () => {
    for (const [notify, where] of [
      [NOTIFY, AUDIT],
      [[], CHANNEL],
    ] as const) {
      await start([...notify]);
      h.gh.setWebhook({ url: `${h.gantry.url}/github/webhooks`, secret: SECRET });
      const sha = h.gh.addCommit("acme/checkout-api", { message: "PAY-7 outside", branch: "main" });
      const outside = h.gh.addDeployment("acme/checkout-api", { ref: sha, environment: "production" });
      h.gh.addDeploymentStatus("acme/checkout-api", outside.id, "success", { creator: "deployer[bot]" });
      const notice = await h.slack.waitForMessage((m) => m.text.includes("outside Gantry"));
      expect(notice.channel).toBe(where);
      await noticesSent();
      expect(h.slack.messages(where === AUDIT ? CHANNEL : AUDIT).filter((m) => m.text.includes("outside"))).toEqual([]);
      if (where === AUDIT) await h.stop();
    }
  });

  it("routes the weekly digest by its rule, or silences it", async () => {
    await start([{ events: ["digest"], to: [OPS, USERS.carol] }]);
    const { postWeeklyDigest } = await import("../../src/jobs/weekly-digest.js");
    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("posted");
    expect(texts(OPS).filter((t) => t.startsWith("DORA digest"))).toHaveLength(1);
    expect(texts(dm(USERS.carol)).filter((t) => t.startsWith("DORA digest"))).toHaveLength(1);
    expect(texts(CHANNEL).filter((t) => t.startsWith("DORA digest"))).toEqual([]);
    await h.stop();

    await start([{ events: ["digest"], to: [] }]);
    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("posted");
    expect(h.slack.calls.filter((c) => c.method === "chat.postMessage")).toEqual([]);
    expect((await h.gantry.store.listAudit()).map((a) => a.action)).toContain("digest.quiet");
  });
});

describe("notify rules in the config", () => {
  it("names the path and the fix for a bad target, an unknown state, environment or service", () => {
    const problems = (notify: unknown[]) => {
      const r = GantryConfig.safeParse({
        services: {
          "checkout-api": { repo: "acme/checkout-api", workflow: "deploy.yml", environments: { staging: {} } },
        },
        teams: { payments: { channel: CHANNEL, services: ["checkout-api"], notify } },
      });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(problems([{ to: ["#ops"] }])).toEqual([
      expect.stringMatching(/^teams\.payments\.notify\.0\.to\.0: expected a channel id \(C0OPS\)/),
    ]);
    expect(problems([{ states: ["exploded"], to: [] }])[0]).toMatch(
      /^teams\.payments\.notify\.0\.states\.0: expected a deploy state/,
    );
    expect(problems([{ environments: ["production"], to: [] }])).toEqual([
      "teams.payments.notify.0.environments.0: no service of this team has an environment `production` (staging)",
    ]);
    expect(problems([{ services: ["billing-worker"], to: [] }])[0]).toMatch(
      /^teams\.payments\.notify\.0\.services\.0: `billing-worker` is not one of this team's services/,
    );
    expect(ConfigError).toBeDefined();
  });

  it("gantry config check --explain says which rules fire and where the notice goes", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "gantry-notify-")), "gantry.yml");
    writeFileSync(
      file,
      [
        "services:",
        "  checkout-api: { repo: acme/checkout-api, workflow: deploy.yml, environments: { staging: {}, production: {} } }",
        "teams:",
        "  payments:",
        `    channel: ${CHANNEL}`,
        "    services: [checkout-api]",
        "    notify:",
        `      - { environments: [production], states: [failed, rolled_back, timed_out], to: [${OPS}, "@oncall"] }`,
        "      - { environments: [staging], states: [], to: [] }",
        "      - { states: [failed], to: [requester] }",
      ].join("\n"),
    );
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), env: {} };
      return { code: await runCli(["config", "check", file, ...args], io), out };
    };
    const prod = await run("--explain", "production", "failed");
    expect(prod.code).toBe(0);
    expect(prod.out.slice(1)).toEqual([
      "a deploy notice for any service in production, state failed:",
      "  payments (checkout-api):",
      `    rule 1 (environments: production; states: failed, rolled_back, timed_out) → ${OPS}, @oncall`,
      "    rule 3 (states: failed) → requester",
      `    sent once each to: channels ${OPS}; direct messages to whoever asked, members of @oncall`,
    ]);
    expect((await run("--explain", "staging", "failed")).out.at(-1)).toBe("    a quiet rule matches: nothing is sent");
    expect((await run("--explain", "production", "succeeded")).out.at(-1)).toBe(
      "    no rule matches: nothing beyond the deploy's own message and thread reply",
    );
    expect((await run("--explain", "production", "succeeded", "--event", "outside")).out.at(-1)).toBe(
      `    no rule matches: the team channel ${CHANNEL}`,
    );
    expect((await run("--explain", "production")).code).toBe(2);
    expect((await run("--event", "outside")).code).toBe(2);
  });
});
