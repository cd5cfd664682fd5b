import type { Button, KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import type { DeployView } from "../../src/deploy/view.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { GANTRY_ACTOR, type VerificationRecord } from "../../src/domain/verify/record.js";
import { deployMessage, finishedReply } from "../../src/slack/messages/deploy-message.js";
import { GAP, sparkline, SPARK_POINTS } from "../../src/slack/messages/sparkline.js";
import { unlockReply } from "../../src/slack/messages/locks.js";
import { breachWords, measuredWords, number } from "../../src/slack/messages/verification-words.js";
import { deployment, ended, ERROR_RATE, LATENCY, NOW, PLAN, points, RATIO, record } from "./verification-fixtures.js";

const view = (over: Partial<DeployView> = {}): DeployView => ({
  repo: "acme/checkout-api",
  now: NOW,
  verify: PLAN,
  ...over,
});
const render = (d: Deployment, v: DeployView = view()) => deployMessage(d, v, []);
const blocksText = (d: Deployment, v?: DeployView) => JSON.stringify(render(d, v).blocks);
const sections = (d: Deployment) =>
  (render(d).blocks ?? []).flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
const buttons = (d: Deployment): Button[] =>
  (render(d).blocks ?? []).flatMap((b: KnownBlock) => (b.type === "actions" ? (b.elements as Button[]) : []));

describe("sparkline", () => {
  it("scales the readings between their lowest and highest, and shows a reading without data as a gap", () => {
    expect(sparkline(points([1, 2, null, 8]))).toBe(`▁▂${GAP}█`);
    expect(sparkline(points([0, 0.5, 1]))).toBe("▁▅█");
  });

  it("draws level readings mid-height, no data at all as gaps, and keeps only the latest readings", () => {
    expect(sparkline(points([3, 3, 3]))).toBe("▄▄▄");
    expect(sparkline(points([null, null]))).toBe(`${GAP}${GAP}`);
    expect(sparkline([])).toBe("");
    const long = sparkline(points(Array.from({ length: 100 }, (_, i) => i)));
    expect([...long]).toHaveLength(SPARK_POINTS);
    expect(long.endsWith("█")).toBe(true);
    expect(sparkline(points([Number.POSITIVE_INFINITY, 1]))).toBe(`${GAP}▄`);
  });
});

describe("a check's value against its threshold, in words", () => {
  it("shows ratios as percents when the value and the limit are both within 0 and 1", () => {
    expect(measuredWords(ERROR_RATE)).toBe("0.4% (max 2%)");
    expect(measuredWords({ ...ERROR_RATE, value: 3, limit: 2 })).toBe("3 (max 2)");
    expect(
      measuredWords({ ...ERROR_RATE, value: 95, limit: 100, bound: "lower", threshold: { kind: "min", min: 100 } }),
    ).toBe("95 (min 100)");
  });

  it("words relative and compared checks by what they compare with", () => {
    expect(measuredWords(LATENCY)).toBe("138 vs 120 before (max +20%)");
    expect(measuredWords(RATIO)).toBe("1.2× production (max 1.5×)");
  });

  it("says why a check breached: the value past its limit, and for how many readings in a row", () => {
    const breach = {
      breached: true as const,
      cause: "threshold" as const,
      consecutive: 2,
      ...ERROR_RATE,
      value: 0.041,
    };
    expect(breachWords(breach)).toBe("error rate 4.1% > 2% for 2 checks in a row");
    expect(breachWords({ breached: true, cause: "threshold", consecutive: 2, ...RATIO, value: 0.54 })).toBe(
      "p99 vs production 1.8× production > 1.5× for 2 checks in a row",
    );
    expect(
      breachWords({ breached: true, cause: "no_data", check: "error rate", consecutive: 3, missing: "current" }),
    ).toBe("error rate: no data for 3 checks in a row");
    expect(measuredWords({ ...ERROR_RATE, value: 0.0205 })).toBe("2.05% (max 2%)");
    expect(measuredWords({ ...ERROR_RATE, value: 0.020001 })).toBe("2.0001% (max 2%)");
    expect(measuredWords({ ...ERROR_RATE, value: 0.02 })).toBe("2% (max 2%)");
    expect(breachWords({ breached: true, cause: "threshold", consecutive: 2, ...ERROR_RATE, value: 0.0204 })).toBe(
      "error rate 2.04% > 2% for 2 checks in a row",
    );
    expect(number(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(number(1234.5)).toBe("1235");
  });
});

describe("the deploy message while verifying", () => {
  it("shows the time left of the bake and a section per check with its value, threshold and sparkline", () => {
    const text = sections(deployment());
    expect(text).toContain(":stethoscope: *Verifying on live metrics* · 6m 30s left of 10m");
    expect(text).toContain("*error rate*: :large_green_circle: 0.4% (max 2%) `▁▃·█`");
    expect(text).toContain("*p99 latency*: :large_green_circle: 138 vs 120 before (max +20%) `▁▅█`");
    expect(text.some((t) => t.startsWith("*p99 vs production*: :large_green_circle: 1.2× production (max 1.5×)"))).toBe(
      true,
    );
  });

  it("shows a breach streak against failAfter, and where the worst series is", () => {
    const v = record();
    v.bake.streaks["error rate"] = 1;
    v.checks[0]!.last = { status: "breach", ...ERROR_RATE, value: 0.031, labels: { pod: "api-1" } };
    const text = sections(deployment({ verification: v }));
    expect(text.find((t) => t.startsWith("*error rate*"))).toContain(
      ':red_circle: 3.1% (max 2%) at `{pod="api-1"}` · breaching 1 of 2',
    );
  });

  it("says what Gantry could not see, and that the clock stopped while data is held", () => {
    const v = record({ unseen: "Prometheus answered 503 <html> & more" });
    v.checks[1]!.last = { status: "no_data", check: "p99 latency", missing: "current", error: "timeout" };
    const text = blocksText(deployment({ verification: v }), view({ verify: { ...PLAN, noData: "hold" } }));
    expect(text).toContain("clock stopped: no data (hold)");
    expect(text).toContain("Gantry could not see: Prometheus answered 503 &lt;html&gt; &amp; more");
    expect(text).toContain("*p99 latency*: :white_circle: no data (timeout) (held)");
  });

  it("words a compared check without the other environment's data", () => {
    const v = record();
    v.checks[2]!.last = { status: "no_data", check: "p99 vs production", missing: "reference" };
    expect(blocksText(deployment({ verification: v }))).toContain("no data from production to compare with");
  });

  it("escapes check names and label values that carry Slack's markup", () => {
    const v = record();
    v.checks[0] = {
      name: "<!channel> & <@U0EVIL>*",
      points: points([1]),
      last: { status: "breach", ...ERROR_RATE, check: "<!channel>", labels: { pod: "<https://evil|x>&*" } },
    };
    const text = blocksText(deployment({ verification: v }));
    expect(text).toContain("*&lt;!channel&gt; &amp; &lt;@U0EVIL&gt;**");
    expect(text).toContain("&lt;https://evil|x&gt;&amp;*");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U0EVIL>");
    expect(text).not.toContain("<https://evil");
  });

  it("offers Roll back now (danger, behind a confirm dialog) and Accept now, each naming the deploy by its id", () => {
    const [rollback, accept, ...rest] = buttons(deployment());
    expect(rest).toEqual([]);
    expect(rollback).toMatchObject({ action_id: "verify_rollback", value: "12", style: "danger" });
    expect(rollback?.confirm?.confirm?.text).toBe("Roll back now");
    expect(rollback?.confirm?.text.text).toContain("rolls checkout-api in canary back");
    expect(accept).toMatchObject({ action_id: "verify_accept", value: "12", text: { text: "Accept now" } });
    expect(accept?.style).toBeUndefined();
  });

  it("shows no time left without a plan, rather than a wrong one", () => {
    const text = blocksText(deployment(), view({ verify: undefined }));
    expect(text).toContain("*Verifying on live metrics*");
    expect(text).not.toContain("left of");
    const v = record();
    v.bake.streaks["error rate"] = 1;
    v.checks[0]!.last = { status: "breach", ...ERROR_RATE, value: 0.031 };
    expect(blocksText(deployment({ verification: v }), view({ verify: undefined }))).toContain("breaching 1 in a row");
  });
});

describe("the deploy message once verification ended", () => {
  it("verified: after how long, with no verify buttons left", () => {
    const d = ended(
      { kind: "verified", at: "2026-12-01T10:10:00.000Z" },
      {
        bake: { ...record().bake, observedMs: 600_000 },
      },
    );
    expect(blocksText(d)).toContain(":white_check_mark: *Verified* after 10m on live metrics.");
    expect(buttons(d).map((b) => b.action_id)).not.toContain("verify_rollback");
    expect(blocksText(d)).not.toContain("left of");
  });

  it("failed: the reason in plain words and the automatic rollback by its id", () => {
    const breach = {
      breached: true as const,
      cause: "threshold" as const,
      consecutive: 2,
      ...ERROR_RATE,
      value: 0.041,
    };
    const d = ended({ kind: "failed", at: "2026-12-01T10:04:00.000Z", breach }, { rollbackId: 13 });
    const text = blocksText({ ...d, reason: "error rate 4.1% > 2% for 2 checks in a row" });
    expect(text).toContain(
      ":x: *Verification failed:* error rate 4.1% &gt; 2% for 2 checks in a row. Gantry (automatic) is rolling back: #13.",
    );
    expect(text).not.toContain("*Why:*");
    const waiting = blocksText(ended({ kind: "failed", at: "2026-12-01T10:04:00.000Z", breach }));
    expect(waiting).toContain('*Verification failed:* error rate 4.1% &gt; 2% for 2 checks in a row."');
  });

  it("failed: the deploy's reason as the engine worded it, and no second Why line", () => {
    const breach = {
      breached: true as const,
      cause: "no_data" as const,
      check: "error rate",
      consecutive: 2,
      missing: "current" as const,
    };
    const d = ended({ kind: "failed", at: "2026-12-01T10:04:00.000Z", breach });
    const text = blocksText({ ...d, reason: "no data for error rate (Prometheus unreachable) for 2 checks in a row" });
    expect(text).toContain(
      "*Verification failed:* no data for error rate (Prometheus unreachable) for 2 checks in a row.",
    );
    const rolled = ended({ kind: "rolled_back", at: "2026-12-01T10:03:30.000Z", by: "U0BOB" });
    expect(blocksText({ ...rolled, reason: "rolled back by U0BOB during verification" })).not.toContain("*Why:*");
  });

  it("verified or accepted with promoteTo: names the promotion Gantry asked for", () => {
    // promotionId is the core's addition to the record (optional: older records have none).
    const v = { outcome: null, promotionId: 15 } as Partial<VerificationRecord>;
    expect(blocksText(ended({ kind: "verified", at: "2026-12-01T10:10:00.000Z" }, v))).toContain(
      "Promotion asked for: #15.",
    );
    expect(blocksText(ended({ kind: "accepted", at: "2026-12-01T10:10:00.000Z", by: "U0BOB" }, v))).toContain(
      "Promotion asked for: #15.",
    );
    expect(blocksText(ended({ kind: "verified", at: "2026-12-01T10:10:00.000Z" }))).not.toContain("Promotion asked");
  });

  it("inconclusive: which checks held and which kept breaching", () => {
    const d = ended({
      kind: "inconclusive",
      at: "2026-12-01T10:20:00.000Z",
      held: ["p99 latency"],
      breaching: ["error rate"],
    });
    expect(blocksText(d)).toContain(
      ":grey_question: *Verification inconclusive* after 20m: no data (held) for p99 latency; still breaching: error rate. Not marked verified.",
    );
  });

  it("accepted and rolled back by a person: who, and for a rollback which deploy", () => {
    expect(blocksText(ended({ kind: "accepted", at: "2026-12-01T10:03:30.000Z", by: "U0BOB" }))).toContain(
      ":ok_hand: *Accepted* by <@U0BOB> after 3m 30s of the bake.",
    );
    expect(
      blocksText(ended({ kind: "rolled_back", at: "2026-12-01T10:03:30.000Z", by: "U0BOB" }, { rollbackId: 14 })),
    ).toContain(":rewind: *Ended* by <@U0BOB> with Roll back now, after 3m 30s of the bake. Rolling back: #14.");
  });
});

describe("the reply that says how a verifying deploy ended", () => {
  const reply = (d: Deployment) => finishedReply(d, NOW, []).text.mrkdwn;

  it("says whether it was verified, accepted or inconclusive, and who pressed Roll back now", () => {
    expect(reply(ended({ kind: "verified", at: NOW.toISOString() }))).toContain(
      "is live in *canary* after 3m 30s (verified on live metrics)",
    );
    expect(reply(ended({ kind: "accepted", at: NOW.toISOString(), by: "U0BOB" }))).toContain(
      "(accepted by <@U0BOB> before the bake ended)",
    );
    expect(reply(ended({ kind: "inconclusive", at: NOW.toISOString(), held: [], breaching: [] }))).toContain(
      "(verification inconclusive: not verified)",
    );
    const rolled = {
      ...ended({ kind: "rolled_back", at: NOW.toISOString(), by: "U0BOB" }),
      reason: "rolled back by U0BOB",
    };
    expect(reply(rolled)).toContain(
      "failed in *canary* after 3m 30s: <@U0BOB> pressed Roll back now during verification",
    );
    expect(reply(rolled)).not.toContain("rolled back by U0BOB");
  });
});

describe("Gantry as the requester", () => {
  it("is named Gantry (automatic) on its rollback's message and reply, never as a user mention or code", () => {
    const d = deployment({ kind: "rollback", requester: GANTRY_ACTOR, state: "in_progress", verification: null });
    const message = JSON.stringify(render(d, view({ verify: undefined })));
    expect(message).toContain("*Requested by*\\nGantry (automatic)");
    expect(message).not.toContain("<@gantry>");
    expect(message).not.toContain("`gantry`");
    const reply = finishedReply({ ...d, state: "succeeded", finishedAt: NOW.toISOString() }, NOW, []).text.mrkdwn;
    expect(reply.startsWith("Gantry (automatic) :white_check_mark:")).toBe(true);
  });

  it("asks for rollback approvals without telling Gantry it cannot approve its own rollback", () => {
    const policy = {
      required: 1,
      approvers: ["@sre"],
      allowSelfApproval: false,
      excludeAuthors: false,
      expiresAfter: "1h",
      breakGlass: false,
    };
    const tally = { approvedBy: [], remaining: 1, complete: false, rejectedBy: undefined };
    const waiting = { kind: "rollback" as const, state: "pending_approval" as const, verification: null };
    const own = blocksText(deployment({ ...waiting, requester: GANTRY_ACTOR }), view({ approval: { policy, tally } }));
    expect(own).toContain("Still needed: 1 more from `@sre`.");
    expect(own).not.toContain("cannot approve their own");
    const theirs = blocksText(deployment({ ...waiting }), view({ approval: { policy, tally } }));
    expect(theirs).toContain("<@U0ALICE> cannot approve their own deploy.");
  });

  it("names Gantry as the holder of the lock its rollback took", () => {
    const lock = {
      service: "checkout-api",
      environment: "canary",
      holder: GANTRY_ACTOR,
      reason: "rolled back automatically",
      createdAt: NOW.toISOString(),
      expiresAt: "2026-12-01T11:00:00.000Z",
      warned: false,
    };
    expect(unlockReply({ refused: "not_deployer", lock }).mrkdwn).toContain(
      "Only Gantry (automatic) or those who may deploy",
    );
    expect(blocksText(deployment({ verification: null }), view({ lock }))).toContain(
      "is locked by Gantry (automatic): rolled back automatically",
    );
  });

  it("still mentions a person who asked", () => {
    expect(JSON.stringify(render(deployment()))).toContain("*Requested by*\\n<@U0ALICE>");
  });
});
