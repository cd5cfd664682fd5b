import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/gantry.js";
import { GantryConfig } from "../../src/config/schema.js";
import { weekStart, weekWindow } from "../../src/domain/dora/time.js";
import { DIGEST_CLAIM_STALE_MS, postWeeklyDigest } from "../../src/jobs/weekly-digest.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { seedDeploy } from "../support/ledger-fixtures.js";

let h: Harness;
stopAfterEach(() => h);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function config(schedule = "0 0 * * 1"): GantryConfig {
  return GantryConfig.parse({
    timezone: "UTC",
    polling: { interval: "10ms", maxInterval: "50ms" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: { staging: {}, production: {} },
      },
    },
    teams: { payments: { channel: CHANNEL, services: ["checkout-api"], digest: { schedule } } },
  });
}

/**
 * Last week (W = Monday 00:00 UTC), by hand:
 *   D1 Tue 10:00, commit Tue 08:00 → lead 2h
 *   D2 Tue 16:00, commit Tue 12:00 → lead 4h; rolled back → failed; restored by D3 (Wed 09:00): 17h
 *   D3 Wed 09:00, the rollback (no commits)
 *   D4 Thu 11:00, commit Thu 10:00 → lead 1h; incident Thu 12:00–13:30 → failed; restored after 2.5h
 * deployments 4, days 3 (Tue, Wed, Thu); lead median of 1h, 2h, 4h = 2h (7200 s) over 3 commits → elite;
 * CFR 2/4 = 0.5 → low; recovery median of 2.5h and 17h = 9.75h (35100 s) over 2 → high (< 1 day);
 * frequency: 11 empty weeks and one with 3 days → median 0 a week; 3 months with 0, 0 and 3 days → median 0 → low,
 * unless Tue–Thu straddle a month end (0, 1, 2 or 0, 2, 1 → 1 a month → medium); rework: 1 rollback / 4 = 0.25.
 */
async function seedLastWeek(): Promise<Date> {
  const W = new Date(weekStart(new Date(), "UTC").getTime() - 7 * DAY);
  const t = (days: number, hours: number, minutes = 0) =>
    new Date(W.getTime() + days * DAY + hours * HOUR + minutes * 60_000);
  const store = h.gantry.store;
  await seedDeploy(store, { at: t(1, 10), commits: [t(1, 8)] });
  await seedDeploy(store, { at: t(1, 16), commits: [t(1, 12)], rolledBack: true });
  await seedDeploy(store, { at: t(2, 9), kind: "rollback" });
  await seedDeploy(store, { at: t(3, 11), commits: [t(3, 10)] });
  await store.upsertIncidents(
    [
      {
        key: "OPS-1",
        service: "checkout-api",
        createdAt: t(3, 12).toISOString(),
        resolvedAt: t(3, 13, 30).toISOString(),
        status: "Done",
        refs: { deployIds: [], shas: [], issueKeys: [] },
      },
    ],
    new Date().toISOString(),
  );
  return W;
}

const HAND = {
  scope: { team: "payments", services: ["checkout-api"] },
  deployments: 4,
  deploymentDays: 3,
  deploymentFrequency: { medianDeployDaysPerWeek: 0, medianDeployDaysPerMonth: 0, level: "low" },
  leadTime: { medianSeconds: 7200, commits: 3, level: "elite" },
  changeFailureRate: { value: 0.5, failed: 2, level: "low" },
  recoveryTime: { medianSeconds: 35100, restored: 2, level: "high" },
  reworkRate: { value: 0.25, rework: 1, rollbacks: 1, hotfixes: 0, forwardFixes: 0 },
  // Nothing here verifies on live metrics (test/unit/dora-verification.test.ts covers what verification catches).
  verification: {
    failedVerifications: 0,
    automaticRollbacks: 0,
    detection: { medianSeconds: null, detected: 0 },
    caughtBeforeProduction: 0,
  },
  // Each seeded deploy is asked for a minute before it succeeds: waiting runs from the commit to the request (D1
  // 1h59m = 7140 s, D2 3h59m = 14340 s, D4 59m = 3540 s → median 7140; p90 at rank 1.8 → 7140 + 0.8 × 7200 = 12900),
  // deploy 60 s; never sent to a CI, so when approval ended is unknown; no pull requests looked up yet, no verification.
  stages: {
    coding: { medianSeconds: null, p90Seconds: null, changes: 0, medianShare: null },
    review: { medianSeconds: null, p90Seconds: null, changes: 0, medianShare: null },
    waiting: { medianSeconds: 7140, p90Seconds: 12900, changes: 3, medianShare: 7140 / 7200 },
    approval: { medianSeconds: null, p90Seconds: null, changes: 0, medianShare: null },
    deploy: { medianSeconds: 60, p90Seconds: 60, changes: 3, medianShare: 60 / 7200 },
    verification: { medianSeconds: null, p90Seconds: null, changes: 0, medianShare: null },
    bottleneck: "waiting",
    withoutPullRequest: 0,
  },
  // One commit per deploy (the rollback left out): median 1, nothing larger; D2 and D4 of the three failed.
  batchSize: {
    medianCommits: 1,
    p90Commits: 1,
    large: { deployments: 0, failed: 0, changeFailureRate: null },
    small: { deployments: 3, failed: 2, changeFailureRate: 2 / 3 },
  },
};

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env: {} };
  const code = await runCli(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("DORA from the ledger", () => {
  it("prints the hand-computed JSON from the CLI, and the same in /dora", async () => {
    h = await startHarness({ config: config() });
    const W = await seedLastWeek();
    const at = new Date(W.getTime() + 7 * DAY - 1).toISOString();
    const db = (h.gantry.store as unknown as { db: { name: string } }).db.name;
    const configFile = await writeConfig(h);
    const res = await cli([
      "dora",
      "--team",
      "payments",
      "--weeks",
      "1",
      "--at",
      at,
      "--json",
      "--db",
      db,
      "--config",
      configFile,
    ]);
    expect(res.err).toBe("");
    expect(res.code).toBe(0);
    const straddles = new Date(W.getTime() + DAY).getUTCMonth() !== new Date(W.getTime() + 3 * DAY).getUTCMonth();
    const frequency = straddles
      ? { medianDeployDaysPerWeek: 0, medianDeployDaysPerMonth: 1, level: "medium" }
      : HAND.deploymentFrequency;
    expect(JSON.parse(res.out)).toEqual({
      ...HAND,
      deploymentFrequency: frequency,
      window: { from: W.toISOString(), to: at },
    });

    const csv = await cli([
      "dora",
      "--team",
      "payments",
      "--weeks",
      "1",
      "--at",
      at,
      "--csv",
      "--db",
      db,
      "--config",
      configFile,
    ]);
    expect(csv.out).toContain("change_failure_rate,0.5");
    expect(csv.out).toContain(`median_deploy_days_per_month,${frequency.medianDeployDaysPerMonth}`);
    expect(csv.out.split("\n")).toEqual(
      expect.arrayContaining([
        "waiting_median_seconds,7140",
        "waiting_p90_seconds,12900",
        "coding_median_seconds,",
        "bottleneck_stage,waiting",
        "batch_median_commits,1",
        "rollbacks,1",
        "forward_fixes,0",
      ]),
    );

    const slash = await h.client.command(USERS.bob, "/dora", "checkout-api 2w", { channel: CHANNEL });
    const body = JSON.parse(slash.body) as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toContain("DORA for checkout-api, last 2 weeks");
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain("4 deployments on 3 days");
    expect(shown).toContain("50.0% (2 failed)");
    expect(shown).toContain("Where the time goes");
    expect(shown).toContain("waiting 1h 59m (p90 3h 35m)");
    const shared = await h.client.command(USERS.bob, "/dora", "--share", { channel: CHANNEL });
    expect((JSON.parse(shared.body) as { response_type: string }).response_type).toBe("in_channel");
  });

  it("posts the weekly digest once, with levels and a trend chart, and not again after a restart", async () => {
    h = await startHarness({ config: config() });
    await seedLastWeek();
    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("posted");
    const digest = h.slack.messages(CHANNEL).find((m) => m.text.startsWith("DORA digest for payments"))!;
    const blocks = JSON.stringify(digest.blocks);
    expect(blocks).toContain("4 deployments on 3 days");
    expect(blocks).toContain("elite");
    expect(blocks).toContain("12-week trend");
    expect(blocks).toContain("Failed deployments");
    expect(blocks).toContain("OPS-1");
    // Where the time goes, the batch size and the rework, in words (the figures are the CLI test's).
    expect(blocks).toContain("Most of your lead time is waiting to be deployed: median 1h 59m.");
    expect(blocks).toContain("median 1 commits per deploy (p90 1)");
    expect(blocks).toContain("25.0% (1 rollback)");
    const chart = h.slack.files().find((f) => f.name.endsWith(".png"))!;
    expect(chart.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(chart.ts).toBeDefined();

    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("already posted");
    // A restart runs the start-up catch-up; stopping waits for it to finish.
    await h.restart(true);
    await h.restart(false);
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.startsWith("DORA digest"))).toHaveLength(1);
  });

  it("posts a digest whose poster died after claiming it, once the claim is stale, and only then", async () => {
    h = await startHarness({ config: config() });
    await seedLastWeek();
    const now = h.gantry.ports.clock.now();
    const week = weekWindow(now, "UTC", 1).from;
    // A replica claimed this week's digest a minute ago and died before posting it.
    expect(await h.gantry.store.claimDigest("payments", week, new Date(now.getTime() - 60_000).toISOString())).toBe(
      true,
    );
    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("already posted");
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.startsWith("DORA digest"))).toHaveLength(0);

    h.advance(DIGEST_CLAIM_STALE_MS);
    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("posted");
    expect(await postWeeklyDigest(h.gantry.ports, "payments")).toBe("already posted");
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.startsWith("DORA digest"))).toHaveLength(1);
    expect((await h.gantry.store.getDigest("payments", week))?.ts).toBe(
      h.slack.messages(CHANNEL).find((m) => m.text.startsWith("DORA digest"))?.ts,
    );
  });

  it("catches up at start-up on a digest missed while Gantry was down, and says so plainly for a quiet week", async () => {
    h = await startHarness({ config: config("0 0 * * 1") });
    await h.restart(true);
    const digest = await h.slack.waitForMessage((m) => m.text.startsWith("DORA digest for payments"));
    expect(JSON.stringify(digest.blocks)).toContain("A quiet week");
    await h.restart(true);
    await h.restart(false);
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.startsWith("DORA digest"))).toHaveLength(1);
    expect((await h.gantry.store.listAudit()).filter((a) => a.action === "digest.posted")).toHaveLength(1);
  });
});

async function writeConfig(h: Harness): Promise<string> {
  const { writeFileSync } = await import("node:fs");
  const { stringify } = await import("yaml");
  const file = `${(h.gantry.store as unknown as { db: { name: string } }).db.name}.yml`;
  writeFileSync(
    file,
    stringify({
      timezone: "UTC",
      services: {
        "checkout-api": {
          repo: "acme/checkout-api",
          workflow: "deploy.yml",
          environments: { staging: {}, production: {} },
        },
      },
      teams: { payments: { channel: CHANNEL, services: ["checkout-api"] } },
    }),
  );
  return file;
}
