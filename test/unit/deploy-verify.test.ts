import { describe, expect, it } from "vitest";
import { askToDeploy } from "../../src/deploy/ask.js";
import type { LaunchPorts } from "../../src/deploy/launch.js";
import { planPromotion } from "../../src/deploy/promote.js";
import { askPromotions } from "../../src/jobs/ask-promotions.js";
import { finishRollbacks } from "../../src/jobs/finish-rollbacks.js";
import { rollBack } from "../../src/deploy/rollback.js";
import { acceptNow, rollBackNow } from "../../src/deploy/verification-actions.js";
import { moveForNews, watchVerifying } from "../../src/deploy/verify-step.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { breachReason } from "../../src/domain/verify/index.js";
import type { MetricsSource, QueryResult } from "../../src/metrics-source/port.js";
import { GantryError } from "../../src/errors.js";
import { deployPorts, NOW, succeed, type RecordingNotifier } from "../support/deploy-ports.js";

const sha = (c: string) => c.repeat(40);
const by = { requester: "U0ALICE", channel: "C0DEPLOYS" };

const YAML = (onFailure: "rollback" | "notify", noData = "fail") => `
timezone: UTC
services:
  checkout-api:
    repo: acme/checkout-api
    workflow: deploy.yml
    environments:
      canary:
        deployers: [U0ALICE, U0BOB]
        promoteTo: production
        verify:
          bake: 300ms
          interval: 50ms
          failAfter: 2
          noData: ${noData}
          onFailure: ${onFailure}
          alert: ["@oncall"]
          checks:
            - name: error rate
              query: 'errors{env="{{environment}}"}'
              max: 0.02
            - name: latency
              query: 'latency{env="{{environment}}"}'
              maxIncrease: 50%
      production:
        promoteFrom: canary
        requireVerified: true
        minBake: 1h
`;

/** A metrics source answering per query from a table the test changes; `down` fails every read. */
class FakeSource implements MetricsSource {
  readonly name = "Prometheus";
  values: Record<string, number | undefined> = {};
  down = false;
  asked: string[] = [];
  async query(promql: string): Promise<QueryResult> {
    this.asked.push(promql);
    if (this.down)
      throw new GantryError("metrics_error", "Prometheus could not be reached at http://p: ECONNREFUSED", {
        failure: "unreachable",
        attempts: 3,
      });
    const value = this.values[promql];
    return value === undefined
      ? { kind: "none", warnings: [] }
      : { kind: "samples", samples: [{ labels: {}, value }], warnings: [] };
  }
  async queryRange() {
    this.asked.push("range");
    return { kind: "series" as const, series: [{ labels: {}, points: [{ at: NOW, value: 0.2 }] }], warnings: [] };
  }
}

type TestPorts = LaunchPorts & { notifier: RecordingNotifier; metricsSource: FakeSource; tick(ms: number): void };

function portsFor(yaml: string): TestPorts {
  let t = NOW.getTime();
  const base = deployPorts(yaml);
  const source = new FakeSource();
  source.values = { 'errors{env="canary"}': 0.01, 'latency{env="canary"}': 0.25 };
  return {
    ...base,
    clock: { now: () => new Date(t) },
    metricsSource: source,
    // Launching goes as far as the first GitHub call: these tests stop where a rollback would be dispatched.
    tracker: { follow: () => {}, launching: (_id, work) => work(), claim: async () => true },
    tick: (ms) => (t += ms),
  };
}

async function deployedTo(ports: TestPorts, commit: string): Promise<Deployment> {
  const asked = await askToDeploy(ports, {
    service: "checkout-api",
    environment: "canary",
    ref: "main",
    sha: commit,
    kind: "deploy",
    ...by,
  });
  if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
  return asked.deployment;
}

/** A deploy whose run just succeeded: moved to where the tracker would move it. */
async function verifying(ports: TestPorts, commit: string): Promise<Deployment> {
  const d = await deployedTo(ports, commit);
  const { target, patch } = await moveForNews(ports, d, { phase: "succeeded" });
  expect(target).toBe("verifying");
  return (await ports.store.transition(d.id, [d.state], target, patch, {
    actor: "gantry",
    action: "deploy.verifying",
    at: NOW.toISOString(),
  }))!;
}

/** Ticks every interval until the deploy leaves `verifying` (or `max` readings). */
async function bake(ports: TestPorts, id: number, max = 20): Promise<Deployment> {
  for (let i = 0; i < max; i++) {
    ports.tick(50);
    const d = (await ports.store.getDeployment(id))!;
    if (d.state !== "verifying") return d;
    await watchVerifying(ports, d);
  }
  return (await ports.store.getDeployment(id))!;
}

describe("entering verifying", () => {
  it("starts a fresh record with the maxIncrease baselines read once, and is not yet the last good deploy", async () => {
    const ports = portsFor(YAML("rollback"));
    const d = await verifying(ports, sha("1"));
    expect(d.verification).toMatchObject({
      startedAt: NOW.toISOString(),
      baselines: { latency: 0.2 },
      outcome: null,
      rollbackId: null,
    });
    expect(ports.metricsSource.asked).toEqual(["range"]);
    expect(await ports.store.lastSucceeded("checkout-api", "canary")).toBeUndefined();
  });

  it("leaves environments without verify: to succeed as before", async () => {
    const ports = portsFor(YAML("rollback"));
    const asked = await askToDeploy(ports, {
      service: "checkout-api",
      environment: "production",
      ref: "main",
      sha: sha("1"),
      kind: "promote",
      ...by,
    });
    if (!asked.ok) throw new Error("refused");
    const { target } = await moveForNews(ports, asked.deployment, { phase: "succeeded" });
    expect(target).toBe("succeeded");
  });
});

describe("watching", () => {
  it("verifies after the bake when every check holds, and records a trace per check", async () => {
    const ports = portsFor(YAML("rollback"));
    const d = await verifying(ports, sha("1"));
    const done = await bake(ports, d.id);
    expect(done.state).toBe("succeeded");
    expect(done.verifiedAt).not.toBeNull();
    expect(done.verification?.outcome?.kind).toBe("verified");
    expect(done.verification?.checks[0]?.points.length).toBe(6);
    expect(done.verification?.queries).toBe(1 + 6 * 2);
    expect(ports.notifier.said.map((s) => s.what)).toContain("verificationEnded");
  });

  it("fails on failAfter breaches in a row, rolls back once as gantry to the last good deploy, and alerts", async () => {
    const ports = portsFor(YAML("rollback"));
    const good = await succeed(ports, await deployedTo(ports, sha("1")));
    const d = await verifying(ports, sha("2"));
    ports.metricsSource.values['errors{env="canary"}'] = 0.041;
    const failed = await bake(ports, d.id);
    expect(failed).toMatchObject({
      state: "failed",
      reason: "error rate 4.1% > 2% for 2 checks in a row",
      verifiedAt: null,
    });
    const rollback = (await ports.store.history("checkout-api", "canary", 1))[0]!;
    expect(rollback).toMatchObject({
      kind: "rollback",
      requester: "gantry",
      sourceId: good.id,
      replacesId: d.id,
      sha: sha("1"),
    });
    expect(failed.verification?.rollbackId).toBe(rollback.id);
    const alert = ports.notifier.said.find((s) => s.what === "verificationAlert")?.alert;
    expect(alert).toMatchObject({ people: ["@oncall"], action: "rolling_back", rollbackId: rollback.id });
    // The chart comes after the rollback is under way, restoring service first.
    const said = ports.notifier.said.map((x) => x.what);
    expect(said.indexOf("verificationEnded")).toBeGreaterThan(said.indexOf("verificationAlert"));
    const audit = (await ports.store.listAudit()).find((a) => a.action === "verification.rollback");
    expect(audit?.detail).toMatchObject({
      automatic: true,
      failedId: d.id,
      rollbackId: rollback.id,
      toId: good.id,
      target: "last succeeded (none verified)",
    });
    // A second watcher with the old record finds nothing to move, and starts no second rollback.
    await watchVerifying(ports, { ...d, verification: failed.verification });
    expect((await ports.store.history("checkout-api", "canary", 10)).filter((x) => x.kind === "rollback")).toHaveLength(
      1,
    );
    // Nor does the job that finishes what a dead replica left undone.
    expect(await finishRollbacks(ports)).toBe(0);
  });

  it("rolls back automatically to the last verified deploy, past a newer one that was not verified", async () => {
    const ports = portsFor(YAML("rollback", "hold"));
    const values = { ...ports.metricsSource.values };
    const verified = await bake(ports, (await verifying(ports, sha("1"))).id);
    expect(verified).toMatchObject({ state: "succeeded", verification: { outcome: { kind: "verified" } } });
    ports.metricsSource.values = {};
    const inconclusive = await bake(ports, (await verifying(ports, sha("2"))).id, 30);
    expect(inconclusive).toMatchObject({ state: "succeeded", verifiedAt: null });
    expect(inconclusive.verification?.outcome?.kind).toBe("inconclusive");
    ports.metricsSource.values = { ...values, 'errors{env="canary"}': 0.041 };
    const d = await verifying(ports, sha("3"));
    expect((await bake(ports, d.id)).state).toBe("failed");
    const [rollback] = await ports.store.history("checkout-api", "canary", 1);
    expect(rollback).toMatchObject({
      kind: "rollback",
      requester: "gantry",
      sourceId: verified.id,
      replacesId: d.id,
      sha: sha("1"),
    });
    const audit = (await ports.store.listAudit()).find((a) => a.action === "verification.rollback");
    expect(audit?.detail).toMatchObject({ automatic: true, toId: verified.id, target: "last verified" });
  });

  it("honours rollback approvals and passes a lock, as a manual rollback does", async () => {
    const yaml = YAML("rollback").replace(
      "        promoteTo: production\n",
      "        promoteTo: production\n        rollback: { approvals: { required: 1, approvers: [U0BOB] } }\n",
    );
    const ports = portsFor(yaml);
    await succeed(ports, await deployedTo(ports, sha("1")));
    const d = await verifying(ports, sha("2"));
    const until = new Date(NOW.getTime() + 3_600_000).toISOString();
    await ports.store.acquireLock({
      service: "checkout-api",
      environment: "canary",
      holder: "U0BOB",
      reason: "x",
      createdAt: NOW.toISOString(),
      expiresAt: until,
    });
    ports.metricsSource.values['errors{env="canary"}'] = 0.041;
    expect((await bake(ports, d.id)).state).toBe("failed");
    const [rollback] = await ports.store.history("checkout-api", "canary", 1);
    expect(rollback).toMatchObject({
      kind: "rollback",
      requester: "gantry",
      replacesId: d.id,
    });
    // Recorded as waiting for Bob's approval (its launch then stops at this test's missing GitHub).
    expect((await ports.store.transitions(rollback!.id))[0]?.state).toBe("pending_approval");
  });

  it("finishes the rollback a replica left undone when it died right after failing the deploy, once", async () => {
    const ports = portsFor(YAML("rollback"));
    const good = await succeed(ports, await deployedTo(ports, sha("1")));
    const d = await verifying(ports, sha("2"));
    const breach = {
      breached: true as const,
      cause: "no_data" as const,
      check: "error rate",
      consecutive: 2,
      missing: "current" as const,
    };
    const outcome = { kind: "failed" as const, at: NOW.toISOString(), breach };
    // As endAsFailed leaves it, with nothing after: the process died there.
    await ports.store.transition(
      d.id,
      ["verifying"],
      "failed",
      { verification: { ...d.verification!, outcome }, reason: "no data", finishedAt: NOW.toISOString() },
      { actor: "gantry", action: "deploy.failed", at: NOW.toISOString() },
    );
    expect(await finishRollbacks(ports)).toBe(1);
    const [rollback] = await ports.store.history("checkout-api", "canary", 1);
    expect(rollback).toMatchObject({ kind: "rollback", requester: "gantry", sourceId: good.id, replacesId: d.id });
    expect((await ports.store.getDeployment(d.id))?.verification?.rollbackId).toBe(rollback!.id);
    expect(await finishRollbacks(ports)).toBe(0);
    expect((await ports.store.history("checkout-api", "canary", 10)).filter((x) => x.kind === "rollback")).toHaveLength(
      1,
    );
  });

  it("with notify, alerts and waits: no rollback; a typed /rollback then moves away from the failed deploy", async () => {
    const ports = portsFor(YAML("notify"));
    await succeed(ports, await deployedTo(ports, sha("0")));
    const good = await succeed(ports, await deployedTo(ports, sha("1")));
    const d = await verifying(ports, sha("2"));
    ports.metricsSource.values['errors{env="canary"}'] = 0.5;
    expect((await bake(ports, d.id)).state).toBe("failed");
    expect((await ports.store.history("checkout-api", "canary", 10)).some((x) => x.kind === "rollback")).toBe(false);
    expect(ports.notifier.said.find((s) => s.what === "verificationAlert")?.alert).toMatchObject({
      action: "waiting",
      rollbackId: null,
    });
    // Its code is what runs: the rollback restores the good deploy before it, not the one before that.
    const where = { service: "checkout-api", environment: "canary", ...by };
    expect(await rollBack(ports, where, { by: "default" })).toMatchObject({
      ok: true,
      basis: "succeeded",
      deployment: { kind: "rollback", sourceId: good.id, sha: sha("1"), replacesId: d.id },
    });
  });

  it("says what it could not see, and noData fail counts it as a breach", async () => {
    const ports = portsFor(YAML("notify"));
    const d = await verifying(ports, sha("2"));
    ports.metricsSource.down = true;
    const failed = await bake(ports, d.id);
    expect(failed.reason).toBe("no data for error rate (Prometheus unreachable) for 2 checks in a row");
    expect(failed.verification?.unseen).toContain("ECONNREFUSED");
    expect(failed.verification?.queries).toBe(1 + 2 * 2 * 3);
  });

  it("noData pass verifies without data; hold stops the clock and ends inconclusive, not verified", async () => {
    const pass = portsFor(YAML("notify", "pass"));
    pass.metricsSource.values = {};
    const p = await bake(pass, (await verifying(pass, sha("1"))).id);
    expect(p).toMatchObject({ state: "succeeded" });
    expect(p.verifiedAt).not.toBeNull();
    const hold = portsFor(YAML("notify", "hold"));
    hold.metricsSource.values = {};
    const h = await bake(hold, (await verifying(hold, sha("1"))).id, 30);
    expect(h).toMatchObject({ state: "succeeded", verifiedAt: null });
    expect(h.verification?.outcome?.kind).toBe("inconclusive");
  });
});

describe("Accept now and Roll back now", () => {
  it("refuse outsiders (audited) and deploys not verifying", async () => {
    const ports = portsFor(YAML("rollback"));
    const d = await verifying(ports, sha("1"));
    expect(await acceptNow(ports, d.id, "U0MALLORY")).toMatchObject({
      refused: "not_deployer",
      deployers: ["U0ALICE", "U0BOB"],
    });
    expect((await ports.store.listAudit()).some((a) => a.action === "verification.accept_refused")).toBe(true);
    expect(await acceptNow(ports, d.id, "U0BOB")).toEqual({ done: "accepted", id: d.id });
    const accepted = (await ports.store.getDeployment(d.id))!;
    expect(accepted.verification?.outcome).toMatchObject({ kind: "accepted", by: "U0BOB" });
    expect(accepted.verifiedAt).not.toBeNull();
    expect(await rollBackNow(ports, d.id, "U0BOB")).toMatchObject({ refused: "not_verifying", state: "succeeded" });
  });

  it("Roll back now fails the deploy by the person's call and rolls back as them", async () => {
    const ports = portsFor(YAML("notify"));
    await succeed(ports, await deployedTo(ports, sha("1")));
    const d = await verifying(ports, sha("2"));
    const result = await rollBackNow(ports, d.id, "U0ALICE");
    expect(result).toMatchObject({ done: "rolling_back", id: d.id });
    const failed = (await ports.store.getDeployment(d.id))!;
    expect(failed).toMatchObject({ state: "failed", reason: "rolled back by U0ALICE during verification" });
    expect(failed.verification?.outcome).toMatchObject({ kind: "rolled_back", by: "U0ALICE" });
    const rollback = (await ports.store.history("checkout-api", "canary", 1))[0]!;
    expect(rollback).toMatchObject({ kind: "rollback", requester: "U0ALICE", replacesId: d.id });
  });

  it("Roll back now with nothing good before: failed, without a rollback", async () => {
    const ports = portsFor(YAML("notify"));
    const d = await verifying(ports, sha("2"));
    expect(await rollBackNow(ports, d.id, "U0ALICE")).toMatchObject({
      done: "failed_without_rollback",
      refusal: { refused: "rollback", rollback: { why: "none_before" } },
    });
  });
});

describe("requireVerified and minBake", () => {
  it("refuse an unverified source, then one baked too briefly with when it is allowed", async () => {
    const ports = portsFor(YAML("notify"));
    await succeed(ports, await deployedTo(ports, sha("1")));
    const ask = { service: "checkout-api", to: "production", ...by };
    expect(await planPromotion(ports, ask)).toMatchObject({
      ok: false,
      refusal: { why: "not_verified", from: "canary" },
    });
    const d = await verifying(ports, sha("2"));
    await acceptNow(ports, d.id, "U0ALICE");
    const allowedAt = new Date(NOW.getTime() + 3_600_000).toISOString();
    expect(await planPromotion(ports, ask)).toMatchObject({
      ok: false,
      refusal: { why: "baking", minBake: "1h", allowedAt },
    });
    ports.tick(3_600_000);
    expect(await planPromotion(ports, ask)).toMatchObject({ ok: true, source: { id: d.id } });
  });
});

describe("promoteTo with the target's minBake", () => {
  it("asks once minBake is reached, by the minute job, once only, as the original requester", async () => {
    const ports = portsFor(YAML("notify"));
    const d = await verifying(ports, sha("1"));
    expect((await bake(ports, d.id)).verifiedAt).not.toBeNull();
    expect(await askPromotions(ports)).toBe(0);
    expect(await ports.store.history("checkout-api", "production", 1)).toEqual([]);
    ports.tick(3_600_000);
    expect(await askPromotions(ports)).toBe(1);
    const [promotion] = await ports.store.history("checkout-api", "production", 1);
    expect(promotion).toMatchObject({ kind: "promote", sourceId: d.id, requester: "U0ALICE", sha: sha("1") });
    expect((await ports.store.getDeployment(d.id))?.verification?.promotionId).toBe(promotion!.id);
    expect(ports.notifier.said.find((s) => s.notice?.notice === "promotion_asked")?.notice).toMatchObject({
      to: "production",
      promotionId: promotion!.id,
    });
    expect(await askPromotions(ports)).toBe(0);
    expect(await ports.store.history("checkout-api", "production", 5)).toHaveLength(1);
  });
});

describe("breachReason", () => {
  const threshold = { kind: "max" as const, max: 2 };
  it("words ratios as percents only when both sides are fractions", () => {
    const base = {
      breached: true as const,
      cause: "threshold" as const,
      check: "p99",
      bound: "upper" as const,
      labels: {},
      threshold,
    };
    expect(breachReason({ ...base, consecutive: 3, value: 2.5, limit: 2 })).toBe("p99 2.5 > 2 for 3 checks in a row");
    expect(breachReason({ ...base, consecutive: 1, value: 0.5, limit: 0.25, bound: "lower" })).toBe(
      "p99 50% < 25% at 1 check",
    );
  });
});
