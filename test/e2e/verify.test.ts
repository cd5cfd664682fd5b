/**
 * Deploys that watch themselves, end to end: signed Slack commands, the GitHub emulator running the deploys, and the
 * Prometheus emulator answering the checks' queries. Assertions are on the store, the audit log and the emulators.
 */
import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

const ERRORS = (env: string) => `errors{service="checkout-api",env="${env}"}`;
const LATENCY = (env: string) => `latency{service="checkout-api",env="${env}"}`;
const ERROR_CHECK = { name: "error rate", query: 'errors{service="{{service}}",env="{{environment}}"}', max: 0.02 };

function config(canary: Record<string, unknown> = {}, verify: Record<string, unknown> = {}, production = {}) {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          canary: {
            verify: { bake: "300ms", interval: "50ms", failAfter: 2, checks: [ERROR_CHECK], ...verify },
            ...canary,
          },
          production: { promoteFrom: "canary", ...production },
        },
      },
    },
  });
}

/** Types /deploy for a new commit on main and returns the deploy it recorded. */
async function deploy(message = "change"): Promise<Deployment> {
  h.gh.addCommit("acme/checkout-api", { message, branch: "main" });
  await h.client.command(USERS.alice, "/deploy", "checkout-api main to canary", { channel: CHANNEL });
  const [latest] = await h.gantry.store.history("checkout-api", "canary", 1);
  return latest!;
}

const audit = async (action: string) => (await h.gantry.store.listAudit()).filter((a) => a.action === action);

describe("verification on live metrics", () => {
  it("verifies after the bake, and with promoteTo asks for production's approvals as the requester", async () => {
    const cfg = config(
      { promoteTo: "production" },
      {},
      { requireVerified: true, approvals: { required: 1, approvers: [USERS.bob] } },
    );
    h = await startHarness({ config: cfg, prometheus: true });
    h.prom!.addSeries(ERRORS("canary"), { value: 0.01 });
    const d = await deploy();
    const seen = await h.until(d.id, (x) => x.state === "verifying");
    // Not succeeded yet (the unit tests check that lastSucceeded does not see it; here the bake may end any moment).
    expect(seen).toMatchObject({
      finishedAt: null,
      verifiedAt: null,
      verification: { outcome: null, rollbackId: null },
    });
    const done = await h.finished(d.id);
    expect(done).toMatchObject({ state: "succeeded", reason: null });
    expect(done.verifiedAt).not.toBeNull();
    expect(done.verification?.outcome?.kind).toBe("verified");
    expect(done.verification?.checks[0]?.points.length).toBeGreaterThanOrEqual(6);
    expect(h.prom!.askedQueries().every((q) => q.params.query === ERRORS("canary"))).toBe(true);
    expect(done.verification?.queries).toBe(h.prom!.askedQueries().length);

    const promoted = await h.until(d.id, (x) => (x.verification?.promotionId ?? null) !== null);
    const promotion = (await h.gantry.store.getDeployment(promoted.verification!.promotionId!))!;
    expect(promotion).toMatchObject({
      kind: "promote",
      environment: "production",
      sha: done.sha,
      sourceId: d.id,
      requester: USERS.alice,
    });
    expect((await h.until(promotion.id, (x) => x.slackTs !== null)).state).toBe("pending_approval");
  });

  it("on a breach fails in plain words, rolls back at once as Gantry, locks the environment and updates the ticket", async () => {
    const jira = { project: "CHG", transitions: { succeeded: "Done", failed: "Failed", rolledBack: "Rolled back" } };
    h = await startHarness({ config: config({ jira }, { onFailure: "rollback" }), prometheus: true, jira: true });
    let errors = 0.01;
    h.prom!.addSeries(ERRORS("canary"), { value: () => errors });
    const good = await h.finished((await deploy("good")).id);
    expect(good.state).toBe("succeeded");
    errors = 0.05;
    const bad = await h.finished((await deploy("bad")).id);
    expect(bad).toMatchObject({
      state: "failed",
      reason: "error rate 5% > 2% for 2 checks in a row",
      verifiedAt: null,
    });
    expect(bad.verification?.outcome?.kind).toBe("failed");

    const rollbackId = (await h.until(bad.id, (x) => x.verification?.rollbackId != null)).verification!.rollbackId!;
    const rollback = await h.finished(rollbackId);
    expect(rollback).toMatchObject({
      state: "succeeded",
      kind: "rollback",
      requester: "gantry",
      sha: good.sha,
      sourceId: good.id,
      replacesId: bad.id,
    });
    expect(rollback.verification).toBeNull();
    expect((await audit("verification.rollback"))[0]?.detail).toMatchObject({ automatic: true, failedId: bad.id });
    expect(await h.gantry.store.getLock("checkout-api", "canary")).toMatchObject({ holder: "gantry" });
    const ticket = h.jira!.issue(bad.jiraKey!)!;
    expect(ticket.status).toBe("Failed");
    expect(ticket.comments.map((c) => c.text).join("\n")).toContain(
      `rolling back automatically: rollback #${rollbackId}`,
    );
    expect(await h.gantry.store.lastSucceeded("checkout-api", "canary")).toMatchObject({ id: rollbackId });
  });

  it("with onFailure notify fails and waits for a person: no rollback, no lock, until /rollback away from it", async () => {
    h = await startHarness({ config: config({}, { onFailure: "notify" }), prometheus: true });
    h.prom!.addSeries(ERRORS("canary"), { value: 0.01 });
    const good = await h.finished((await deploy("good")).id);
    h.prom!.addSeries(ERRORS("canary"), { value: 0.3 });
    const bad = await h.finished((await deploy("bad")).id);
    expect(bad.state).toBe("failed");
    expect(bad.verification?.rollbackId).toBeNull();
    expect((await h.gantry.store.history("checkout-api", "canary", 5)).some((x) => x.kind === "rollback")).toBe(false);
    expect(await h.gantry.store.getLock("checkout-api", "canary")).toBeUndefined();

    // The failed deploy's code is what runs: a typed /rollback restores the verified one before it.
    await h.client.command(USERS.bob, "/rollback", "checkout-api canary", { channel: CHANNEL });
    const [rollback] = await h.gantry.store.history("checkout-api", "canary", 1);
    expect(await h.finished(rollback!.id)).toMatchObject({
      state: "succeeded",
      kind: "rollback",
      requester: USERS.bob,
      sha: good.sha,
      sourceId: good.id,
      replacesId: bad.id,
    });
    expect(await h.gantry.store.getLock("checkout-api", "canary")).toMatchObject({ holder: USERS.bob });
  });

  it.each([
    ["fail", "failed", false],
    ["hold", "succeeded", false],
    ["pass", "succeeded", true],
  ] as const)("with no data and noData %s, ends %s (verified: %s)", async (noData, state, verified) => {
    h = await startHarness({ config: config({}, { noData, onFailure: "notify" }), prometheus: true });
    h.prom!.addQuery(ERRORS("canary"), { series: [] });
    const d = await h.finished((await deploy()).id);
    expect(d.state).toBe(state);
    expect(d.verifiedAt !== null).toBe(verified);
    expect(d.verification?.unseen).toBe("no data for error rate");
    if (noData === "fail") expect(d.reason).toBe("no data for error rate (no series matched) for 2 checks in a row");
    if (noData === "hold") expect(d.verification?.outcome?.kind).toBe("inconclusive");
  });

  it("says what it could not see while Prometheus is down, and verifies once it is back", async () => {
    // A longer bake: the clock stands still while blind, and the deadline (twice the bake) must not pass meanwhile.
    h = await startHarness({ config: config({}, { noData: "hold", bake: "1s" }), prometheus: true });
    h.prom!.addSeries(ERRORS("canary"), { value: 0.01 });
    h.prom!.down = true;
    const d = await deploy();
    const blind = await h.until(d.id, (x) => (x.verification?.unseen ?? "").includes("503"));
    expect(blind.state).toBe("verifying");
    expect(blind.verification?.bake.heldMs).toBeGreaterThan(0);
    h.prom!.down = false;
    const done = await h.finished(d.id);
    expect(done.state).toBe("succeeded");
    expect(done.verifiedAt).not.toBeNull();
    expect(done.verification?.unseen).toBeNull();
  });

  const P99 = {
    name: "p99 vs production",
    query: 'p99{env="{{environment}}"}',
    compareTo: "production",
    maxRatio: 1.5,
  };

  it("judges a relative check against the mean before the deploy started", async () => {
    const checks = [
      { name: "latency", query: 'latency{service="{{service}}",env="{{environment}}"}', maxIncrease: "50%" },
      P99,
    ];
    h = await startHarness({ config: config({}, { checks, onFailure: "notify" }), prometheus: true });
    h.gh.setRunScript(() => ({ hold: true }));
    // 0.2 up to the moment the run started (the baseline's window ends there), 0.5 after: known once it is running.
    let switchAt = Infinity;
    h.prom!.addSeries(LATENCY("canary"), { value: (at) => (at.getTime() > switchAt ? 0.5 : 0.2) });
    h.prom!.addSeries('p99{env="canary"}', { value: 0.12 });
    h.prom!.addSeries('p99{env="production"}', { value: 0.1 });
    const d = await deploy();
    const running = await h.until(d.id, (x) => x.state === "in_progress" && x.startedAt !== null);
    switchAt = Date.parse(running.startedAt!);
    h.gh.completeRun(Number(running.runId), "success");
    const done = await h.finished(d.id);
    expect(done).toMatchObject({ state: "failed", reason: "latency 500 ms > 300 ms for 2 checks in a row" });
    expect(done.verification?.baselines).toEqual({ latency: 0.2 });
    const [latency, p99] = done.verification!.checks.map((c) => c.last);
    expect(latency).toMatchObject({ status: "breach", value: 0.5, baseline: 0.2 });
    expect(p99).toMatchObject({ status: "ok", value: 0.12, reference: 0.1 });
    expect(h.prom!.askedQueries().filter((q) => q.endpoint === "query_range")).toHaveLength(1);
  });

  it("judges a compareTo check against the same query with the other environment's labels", async () => {
    h = await startHarness({ config: config({}, { checks: [P99], onFailure: "notify" }), prometheus: true });
    h.prom!.addSeries('p99{env="canary"}', { value: 0.3 });
    h.prom!.addSeries('p99{env="production"}', { value: 0.1 });
    const done = await h.finished((await deploy()).id);
    expect(done).toMatchObject({ state: "failed", reason: "p99 vs production 0.3 > 0.15 for 2 checks in a row" });
    expect(done.verification?.checks[0]?.last).toMatchObject({ status: "breach", value: 0.3, reference: 0.1 });
    const asked = new Set(h.prom!.askedQueries().map((q) => q.params.query));
    expect(asked).toEqual(new Set(['p99{env="canary"}', 'p99{env="production"}']));
  });

  it("refuses early promotions with requireVerified and minBake, saying when they will be allowed", async () => {
    h = await startHarness({
      config: config({}, { noData: "hold" }, { requireVerified: true, minBake: "1h" }),
      prometheus: true,
    });
    h.prom!.addQuery(ERRORS("canary"), { series: [] });
    const unverified = await h.finished((await deploy()).id);
    expect(unverified).toMatchObject({ state: "succeeded", verifiedAt: null });
    const promote = () => h.client.command(USERS.bob, "/promote", "checkout-api to production", { channel: CHANNEL });
    expect((await promote()).answer?.text).toContain("was not verified");
    expect((await audit("promote.refused")).at(-1)?.detail).toMatchObject({ why: "not_verified" });

    h.prom!.addSeries(ERRORS("canary"), { value: 0.01 });
    const verified = await h.finished((await deploy()).id);
    expect(verified.verifiedAt).not.toBeNull();
    expect((await promote()).answer?.text).toContain("has not baked");
    const allowedAt = Date.parse(verified.verification!.startedAt) + 3_600_000;
    expect((await audit("promote.refused")).at(-1)?.detail).toMatchObject({
      why: "baking",
      minBake: "1h",
      allowedAt: new Date(allowedAt).toISOString(),
    });

    h.advance(3_600_000);
    await promote();
    const [promoted] = await h.gantry.store.history("checkout-api", "production", 1);
    expect(await h.finished(promoted!.id)).toMatchObject({
      state: "succeeded",
      kind: "promote",
      sourceId: verified.id,
    });
  });
});
