/**
 * The demo's story as a newcomer types it (issue 16's "done when"), through signed Slack requests to the demo's Gantry
 * and the emulators, at GANTRY_DEMO_SPEED 10 as the browser tests run: `/deploy checkout-api bad-release to canary`
 * deploys fine, the canary's error rate climbs, and without anyone typing anything Gantry fails the deploy, rolls the
 * canary back to the release before it, locks the canary, alerts dave (the demo config's `alert`) and posts the chart;
 * DORA then counts a bad change caught before production.
 */
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { loadDoraInput } from "../../src/digest/dora-input.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { computeDora } from "../../src/domain/dora/report.js";
import { GANTRY_ACTOR } from "../../src/domain/verify/record.js";
import { createLogger } from "../../src/log.js";
import { startDemo, type Demo } from "../../sandbox/demo/start.js";

let demo: Demo;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gantry-demo-story-"));
  demo = await startDemo({ dataDir: dir, port: 0, speed: 10, log: createLogger("silent") });
}, 60_000);
afterAll(async () => {
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The newest canary deploy matching `pred`, once Gantry's store has one. */
async function canary(pred: (d: Deployment) => boolean): Promise<Deployment> {
  for (;;) {
    const changed = once(demo.gantry.events, "changed");
    const found = (await demo.gantry.store.history("checkout-api", "canary", 10)).find(pred);
    if (found) return found;
    await changed;
  }
}

describe("the demo's bad release", { timeout: 60_000 }, () => {
  it("is verified on live metrics, fails on its error rate, and is rolled back, locked, alerted and charted by Gantry", async () => {
    const before = await demo.gantry.store.history("checkout-api", "canary", 1);
    const res = await demo.client.command("U0ALICE", "/deploy", "checkout-api bad-release to canary", {
      channel: "C0PAYMENTS",
    });
    expect(res.status).toBe(200);
    const bad = await canary((d) => d.ref === "bad-release" && d.state === "failed");
    expect(bad.verification?.outcome).toMatchObject({ kind: "failed", breach: { check: "error rate" } });

    // Gantry's own rollback, to the release the canary ran before.
    const rollback = await canary((d) => d.replacesId === bad.id && d.state === "succeeded");
    expect(rollback).toMatchObject({ kind: "rollback", requester: GANTRY_ACTOR, ref: before[0]!.ref });
    expect(bad.verification?.rollbackId ?? rollback.id).toBe(rollback.id);
    expect(await demo.gantry.store.getLock("checkout-api", "canary")).toBeDefined();
    // The bad deploy's own message, redrawn once the rollback is recorded, names it.
    await demo.slack.waitForCall(
      (c) =>
        c.method === "chat.update" && c.args.ts === bad.slackTs && JSON.stringify(c.args).includes(`#${rollback.id}`),
    );

    // The alert names dave, and the thread of the bad deploy's message carries the chart of its checks.
    const posted = demo.slack.messages("C0PAYMENTS");
    expect(posted.some((m) => m.text?.includes("<@U0DAVE>"))).toBe(true);
    const thread = posted.filter((m) => m.thread_ts === bad.slackTs && m.ts !== bad.slackTs);
    expect(thread.some((m) => (m.files ?? []).length > 0)).toBe(true);
    // DORA reads it from the ledger: a bad change caught in the canary, rolled back by Gantry, detected in seconds.
    const now = Date.now();
    const window = { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() };
    const input = await loadDoraInput(
      { config: loadConfig(demo.configPath), store: demo.gantry.store },
      "payments",
      window,
    );
    const { verification } = computeDora(input);
    expect(verification).toMatchObject({ failedVerifications: 1, automaticRollbacks: 1, caughtBeforeProduction: 1 });
    expect(verification.detection.detected).toBe(1);
    expect(verification.detection.medianSeconds).toBeGreaterThan(0);
    // Every reading asked for a query the demo registered.
    expect(demo.prometheus.unexpectedCalls()).toEqual([]);
    expect(demo.prometheus.askedQueries().length).toBeGreaterThanOrEqual(2);
  });
});
