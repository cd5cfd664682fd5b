import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import type { VerificationAlert } from "../../src/deploy/notifier.js";
import { renderTrendSvg } from "../../src/digest/chart.js";
import { GANTRY_ACTOR } from "../../src/domain/verify/record.js";
import { boardView } from "../../src/slack/home/board-view.js";
import { noticeText } from "../../src/slack/messages/notices.js";
import { promotionRefusalText } from "../../src/slack/messages/promotion.js";
import { SlackNotifier } from "../../src/slack/notifier.js";
import type { SlackMessage, SlackPort } from "../../src/slack/port.js";
import { renderVerificationChart, verificationChartInput } from "../../src/slack/verification-chart.js";
import { statusView } from "../../src/slack/messages/status-view.js";
import { deployPorts } from "../support/deploy-ports.js";
import { deployment, ended, ERROR_RATE, NOW, record, START } from "./verification-fixtures.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A Slack that records what it was asked to post and upload. */
function recordingSlack(groups: Record<string, string[]> = {}) {
  const posts: { channel: string; text: string; thread?: string }[] = [];
  const uploads: { channel: string; filename: string; bytes: Buffer; thread?: string }[] = [];
  const slack = {
    async postMessage(channel: string, message: SlackMessage, thread?: string) {
      posts.push({ channel, text: message.text.mrkdwn, ...(thread ? { thread } : {}) });
      return { channel, ts: `${posts.length}.0` };
    },
    async uploadFile(channel: string, file: { filename: string; bytes: Buffer }, thread?: string) {
      uploads.push({ channel, filename: file.filename, bytes: file.bytes, ...(thread ? { thread } : {}) });
    },
    async usergroupMembers(handle: string) {
      if (!groups[handle]) throw new Error("no such group");
      return groups[handle];
    },
  } as unknown as SlackPort;
  return { slack, posts, uploads };
}

const CONFIG = parseConfig(
  `
services:
  checkout-api:
    repo: acme/checkout-api
    workflow: deploy.yml
    environments:
      canary: {}
      production: {}
teams:
  payments:
    channel: C0PAYMENTS
    services: [checkout-api]
    notify:
      - { events: [verification], to: [C0ONCALL, C0DEPLOYS] }
  quiet:
    channel: C0QUIET
    services: [checkout-api]
    notify:
      - { events: [deploy], to: [C0QUIET] }
`,
  "test",
);

const failed = () => {
  const breach = { breached: true as const, cause: "threshold" as const, consecutive: 2, ...ERROR_RATE, value: 0.041 };
  return ended({ kind: "failed", at: "2026-12-01T10:04:00.000Z", breach }, { rollbackId: 13 });
};

describe("the chart at the end of a verification", () => {
  it("is a PNG of one panel per check, with each check's limit as a line", () => {
    const d = ended({ kind: "verified", at: "2026-12-01T10:10:00.000Z" });
    const png = renderVerificationChart(d)!;
    expect(png.length).toBeGreaterThan(2000);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const input = verificationChartInput(d)!;
    expect(input.series.map((s) => s.label)).toEqual(["error rate", "p99 latency", "p99 vs production"]);
    expect(input.series[0]).toMatchObject({
      unit: "%",
      values: [0.1, 0.2, null, 0.4],
      limit: { value: 2, label: "max 2%" },
    });
    expect(input.series[1]?.limit).toEqual({ value: 144, label: "max +20% (144)" });
    expect(input.weeks).toEqual(["+30s", "+1m", "+1m 30s", "+2m"]);
    expect(input.subtitle).toBe("4 readings over 3m 30s of bake · verified");
    const svg = renderTrendSvg(input);
    expect(svg.match(/stroke-dasharray="6 4"/g)).toHaveLength(3);
    expect(svg).toContain(">max 2%</text>");
  });

  it("is not drawn for a deploy that verified nothing", () => {
    expect(renderVerificationChart(deployment({ verification: null }))).toBeUndefined();
  });
});

describe("SlackNotifier.verificationEnded", () => {
  it("says how it ended in the deploy's thread, then uploads the chart there", async () => {
    const { slack, posts, uploads } = recordingSlack();
    await new SlackNotifier(slack, { clock: { now: () => NOW } }).verificationEnded(failed());
    expect(posts).toEqual([
      {
        channel: "C0DEPLOYS",
        thread: "12.0001",
        text: "<@U0ALICE> #12 *checkout-api* in *canary*: :x: *Verification failed:* error rate 4.1% &gt; 2% for 2 checks in a row. Gantry (automatic) is rolling back: #13.",
      },
    ]);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ channel: "C0DEPLOYS", thread: "12.0001", filename: "verification-12.png" });
    expect(uploads[0]!.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });
});

describe("SlackNotifier.verificationAlert", () => {
  const alert = (over: Partial<VerificationAlert> = {}): VerificationAlert => ({
    people: ["U0ONCALL", "@oncall"],
    reason: "error rate 4.1% > 2% for 2 checks in a row",
    action: "rolling_back",
    rollbackId: 13,
    ...over,
  });

  it("mentions the people and the group's members in the thread, says what Gantry does, and tells the teams' rules", async () => {
    const { slack, posts } = recordingSlack({ oncall: ["U0DAN", "U0EVE"] });
    const notifier = new SlackNotifier(slack, {
      clock: { now: () => NOW },
      teams: { config: CONFIG, log: pino({ level: "silent" }) },
    });
    await notifier.verificationAlert(failed(), alert());
    expect(posts[0]).toEqual({
      channel: "C0DEPLOYS",
      thread: "12.0001",
      text: ":rotating_light: <@U0ONCALL> `@oncall` (<@U0DAN> <@U0EVE>) #12 *checkout-api* in *canary* failed verification: error rate 4.1% &gt; 2% for 2 checks in a row. Gantry is rolling back to the last good deploy on its own: #13.",
    });
    // payments' rule names C0ONCALL (and the deploy's own channel, already told); quiet has no verification rule,
    // so its default, its channel, gets it.
    expect(posts.slice(1).map((p) => p.channel)).toEqual(["C0ONCALL", "C0QUIET"]);
    expect(posts[1]?.text).toBe(posts[0]?.text);
  });

  it("says why Gantry could not roll back, and what to type", async () => {
    const { slack, posts } = recordingSlack();
    const refusal = {
      refused: "locked" as const,
      service: "checkout-api",
      environment: "canary",
      lock: {
        service: "checkout-api",
        environment: "canary",
        holder: GANTRY_ACTOR,
        reason: "<b>",
        createdAt: NOW.toISOString(),
        expiresAt: "2026-12-01T11:00:00.000Z",
        warned: false,
      },
    };
    await new SlackNotifier(slack, { clock: { now: () => NOW } }).verificationAlert(
      failed(),
      alert({ people: [], action: "rollback_refused", rollbackId: null, refusal }),
    );
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toContain(
      "Gantry could not roll back on its own: :lock: *checkout-api* in *canary* is locked by Gantry (automatic)",
    );
    expect(posts[0]?.text).toContain("&lt;b&gt;");
    expect(posts[0]?.text).toContain("Once that is sorted out, type `/rollback checkout-api canary`.");
    expect(posts[0]?.text.startsWith(":rotating_light: #12")).toBe(true);
  });

  it("waiting for a person: Roll back now while the deploy still verifies, and /rollback always", async () => {
    const { slack, posts } = recordingSlack();
    const notifier = new SlackNotifier(slack, { clock: { now: () => NOW } });
    await notifier.verificationAlert(deployment(), alert({ action: "waiting", rollbackId: null, people: ["@nobody"] }));
    await notifier.verificationAlert(failed(), alert({ action: "waiting", rollbackId: null, people: [] }));
    expect(posts[0]?.text).toContain(":rotating_light: `@nobody` #12");
    expect(posts[0]?.text).toContain("press *Roll back now* on its message, or type `/rollback checkout-api canary`.");
    expect(posts[1]?.text).toContain("waits for a person: to roll back, type `/rollback checkout-api canary`.");
  });
});

describe("promotion words", () => {
  it("a minBake refusal says when the promotion will be allowed, in each reader's zone, and what to type then", () => {
    const text = promotionRefusalText({
      why: "baking",
      from: "canary",
      sourceId: 12,
      minBake: "15m",
      allowedAt: "2026-12-01T10:15:00.000Z",
    }).mrkdwn;
    expect(text).toContain(
      "#12 has not baked in *canary* for 15m yet (`minBake`): it may come here from <!date^1796120100^",
    );
    expect(text).toContain("|2026-12-01 10:15 UTC>");
    expect(text).toContain("Then type the same `/promote` again");
  });

  it("a requireVerified refusal says what would make it verified", () => {
    const text = promotionRefusalText({ why: "not_verified", from: "canary", sourceId: 12 }).mrkdwn;
    expect(text).toContain("#12 was not verified on live metrics in *canary*");
    expect(text).toContain("`requireVerified`");
    expect(text).toContain("*Accept now*");
  });

  it("promotion_asked names the promotion; promotion_not_asked gives the refusal's own words", () => {
    expect(noticeText({ notice: "promotion_asked", id: 12, to: "production", promotionId: 14 }).mrkdwn).toContain(
      "#12 is verified, so Gantry asked to promote it to *production* on the requester's behalf (`promoteTo`): #14.",
    );
    const text = noticeText(
      {
        notice: "promotion_not_asked",
        id: 12,
        to: "production",
        refusal: { refused: "promotion", promotion: { why: "not_verified", from: "canary", sourceId: 12 } },
      },
      NOW,
    ).mrkdwn;
    expect(text).toContain(
      "Gantry could not ask to promote it to *production* (`promoteTo`): :no_entry: #12 was not verified",
    );
  });
});

describe("App Home", () => {
  it("shows a verifying deploy with its time left and each check's state", () => {
    const v = record();
    v.bake.streaks["error rate"] = 1;
    v.checks[0]!.last = { status: "breach", ...ERROR_RATE, value: 0.03 };
    const view = boardView({
      services: [
        {
          name: "checkout-api",
          cells: [
            {
              environment: "canary",
              running: {
                id: 12,
                state: "verifying",
                ref: "release-1",
                by: GANTRY_ACTOR,
                verifying: {
                  leftMs: 390_000,
                  held: false,
                  failAfter: 2,
                  checks: [
                    { name: "error <rate>", status: "breach", streak: 1 },
                    { name: "p99 latency", status: "ok", streak: 0 },
                  ],
                },
              },
            },
          ],
        },
      ],
      waiting: [],
      recent: [],
      dora: [],
    });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(
      ":stethoscope: Verifying: `release-1` by Gantry (automatic) (#12)\\n:stethoscope: 6m 30s left · :red_circle: error &lt;rate&gt; breaching 1 of 2 · :large_green_circle: p99 latency",
    );
  });
});

describe("/deploy status", () => {
  it("shows a verifying deploy's time left by the stored bake clock", async () => {
    const ports = deployPorts(`
timezone: UTC
services:
  checkout-api:
    repo: acme/checkout-api
    workflow: deploy.yml
    environments:
      canary:
        verify:
          bake: 10m
          checks: [{ name: error rate, query: 'sum(rate(x{env="{{environment}}"}[1m]))', max: 0.02 }]
`);
    const created = await ports.store.createDeployment({
      key: "k1",
      service: "checkout-api",
      environment: "canary",
      ref: "release-1",
      requester: GANTRY_ACTOR,
      runner: "workflow",
      slackChannel: "C0DEPLOYS",
      at: START,
    });
    if (!created.ok) throw new Error("not created");
    const audit = { actor: "gantry", action: "deploy.verifying", detail: {}, at: START };
    await ports.store.transition(created.deployment.id, ["requested"], "verifying", { verification: record() }, audit);
    const text = (await statusView(ports, "checkout-api")).text.mrkdwn;
    expect(text).toContain(
      `:stethoscope: Verifying: \`release-1\` by Gantry (automatic) (#${created.deployment.id}) · 6m 30s left`,
    );
  });
});
