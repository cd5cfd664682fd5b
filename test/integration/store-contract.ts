/**
 * The repository contract: every behaviour of the Store, run unchanged against each engine
 * (store-sqlite.test.ts, store-postgres.test.ts). Each test gets an empty store of its own.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeployState } from "../../src/domain/deploy-state.js";
import type { LedgerIncident } from "../../src/domain/dora/types.js";
import type { Deployment, NewDeployment } from "../../src/domain/deployment.js";
import type { VerificationRecord } from "../../src/domain/verify/record.js";
import type { Store } from "../../src/store/types.js";

export interface ContractStore {
  store: Store;
  /** Runs raw SQL against the engine, bypassing the Store: for the append-only checks. */
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

export const AT = "2026-11-23T10:00:00.000Z";
export const later = (s: number) => new Date(Date.parse(AT) + s * 1000).toISOString();
const SHA_A = "a".repeat(40);
const SHA_B = "b".repeat(40);

let keys = 0;
export function request(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    key: `gd_${process.pid}_${++keys}_${Math.random().toString(16).slice(2, 10)}`,
    service: "checkout-api",
    environment: "staging",
    ref: "v1.4.2",
    requester: "U0ALICE",
    runner: "workflow",
    slackChannel: "C0PAYMENTS",
    at: AT,
    ...overrides,
  };
}

const step = (at: string, action = "x") => ({ actor: "gantry", action, at });

export function storeContract(engine: string, open: () => Promise<ContractStore>): void {
  describe(`Store contract on ${engine}`, () => {
    let handle: ContractStore;
    let store: Store;

    beforeEach(async () => {
      handle = await open();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close();
    });

    async function create(overrides: Partial<NewDeployment> = {}): Promise<Deployment> {
      const created = await store.createDeployment(request(overrides));
      if (!created.ok) throw new Error(`not created: #${created.active.id} is live`);
      return created.deployment;
    }

    async function finish(
      overrides: Partial<NewDeployment>,
      state: DeployState,
      at: string,
      sha: string | null = SHA_A,
    ): Promise<Deployment> {
      const d = await create(overrides);
      const done = await store.transition(
        d.id,
        ["requested"],
        state,
        { ...(sha ? { sha } : {}), finishedAt: at },
        step(at),
      );
      return done!;
    }

    describe("deployments", () => {
      it("records a deploy with its first transition and audit event, every field as given", async () => {
        const d = await create({ sha: SHA_A, artifact: "sha256:abc", hotfix: true });
        expect(d).toEqual({
          id: d.id,
          key: d.key,
          service: "checkout-api",
          environment: "staging",
          ref: "v1.4.2",
          sha: SHA_A,
          requester: "U0ALICE",
          runner: "workflow",
          kind: "deploy",
          state: "requested",
          sourceId: null,
          replacesId: null,
          forceReason: null,
          hotfix: true,
          artifact: "sha256:abc",
          jiraKey: null,
          expiresAt: null,
          changeSummary: null,
          reason: null,
          runId: null,
          runUrl: null,
          slackChannel: "C0PAYMENTS",
          slackTs: null,
          createdAt: AT,
          updatedAt: AT,
          startedAt: null,
          finishedAt: null,
          dispatchedAt: null,
          verification: null,
          verifiedAt: null,
        });
        expect(await store.getDeployment(d.id)).toEqual(d);
        expect(await store.findByKey(d.key)).toEqual(d);
        expect(await store.getDeployment(d.id + 1)).toBeUndefined();
        expect(await store.findByKey("gd_nothing")).toBeUndefined();
        expect(await store.findActive("checkout-api", "staging")).toEqual(d);
        expect(await store.findActive("checkout-api", "production")).toBeUndefined();
        expect(await store.votes(d.id)).toEqual([]);
        expect(await store.transitions(d.id)).toEqual([{ state: "requested", at: AT }]);
        expect(await store.listAudit({ deploymentId: d.id })).toEqual([
          {
            id: expect.any(Number),
            at: AT,
            actor: "U0ALICE",
            action: "deploy.requested",
            deploymentId: d.id,
            service: "checkout-api",
            environment: "staging",
            detail: { ref: "v1.4.2", mode: "workflow", hotfix: true },
          },
        ]);
      });

      it("records promotions and rollbacks with their sources, and gated deploys as pending approval", async () => {
        const source = await finish({ environment: "staging" }, "succeeded", later(1));
        const promote = await create({
          environment: "production",
          kind: "promote",
          sourceId: source.id,
          state: "pending_approval",
          expiresAt: later(3600),
          forceReason: "incident",
        });
        expect(promote).toMatchObject({
          kind: "promote",
          state: "pending_approval",
          sourceId: source.id,
          expiresAt: later(3600),
          forceReason: "incident",
        });
        expect((await store.listAudit({ deploymentId: promote.id }))[0]).toMatchObject({
          action: "promote.pending_approval",
          detail: { ref: "v1.4.2", mode: "workflow", sourceId: source.id, breakGlass: "incident" },
        });
        const rollback = await create({
          environment: "qa",
          kind: "rollback",
          sourceId: source.id,
          replacesId: source.id,
        });
        expect(rollback).toMatchObject({ kind: "rollback", sourceId: source.id, replacesId: source.id });
        expect((await store.listAudit({ deploymentId: rollback.id }))[0]!.detail).toEqual({
          ref: "v1.4.2",
          mode: "workflow",
          sourceId: source.id,
          replacesId: source.id,
        });
      });

      it("refuses a second live deploy of the same service and environment, and names the first", async () => {
        const first = await create();
        const second = await store.createDeployment(request({ requester: "U0BOB" }));
        expect(second).toEqual({ ok: false, active: first });
        expect((await store.createDeployment(request({ environment: "production" }))).ok).toBe(true);
        expect((await store.createDeployment(request({ service: "billing-worker" }))).ok).toBe(true);
        expect(await store.listAudit({ service: "checkout-api", since: AT })).toHaveLength(2);
      });

      it("uses up no id, transition or audit event on a refusal: the next deploy's id follows the last", async () => {
        const first = await create();
        expect((await store.createDeployment(request({ requester: "U0BOB" }))).ok).toBe(false);
        const next = await create({ environment: "production" });
        expect(next.id).toBe(first.id + 1);
        expect(await store.transitions(first.id)).toEqual([{ state: "requested", at: AT }]);
        expect((await store.listAudit()).map((e) => e.deploymentId)).toEqual([first.id, next.id]);
      });

      it("counts a pending approval as live, and frees the target once a deploy is final", async () => {
        const pending = await create({ state: "pending_approval" });
        expect(await store.createDeployment(request())).toEqual({ ok: false, active: pending });
        await store.transition(pending.id, ["pending_approval"], "rejected", {}, step(later(1)));
        const next = await create();
        for (const state of ["queued", "in_progress"] as const) {
          await store.transition(next.id, ["requested", "queued"], state, {}, step(later(2)));
          expect(await store.createDeployment(request())).toMatchObject({ ok: false, active: { id: next.id, state } });
        }
        await store.transition(next.id, ["in_progress"], "failed", { reason: "boom" }, step(later(3)));
        expect(await store.findActive("checkout-api", "staging")).toBeUndefined();
        expect((await store.createDeployment(request())).ok).toBe(true);
      });

      it("lets exactly one of several concurrent requests for one target through", async () => {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.createDeployment(request({ requester: `U0R${i}` }))),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const winner = winners[0]!.ok ? winners[0]!.deployment : undefined;
        for (const r of results) if (!r.ok) expect(r.active).toEqual(winner);
        expect(await store.listLive()).toEqual([winner]);
        expect(await store.listAudit()).toHaveLength(1);
      });

      it("moves state only from the expected states, writing the patch, transition and audit together", async () => {
        const { id } = await create();
        const queued = await store.transition(
          id,
          ["requested"],
          "queued",
          { sha: SHA_A, runId: "12345678901", startedAt: later(1) },
          {
            actor: "gantry",
            action: "deploy.queued",
            detail: { run: 1 },
            at: later(1),
          },
        );
        expect(queued).toMatchObject({
          state: "queued",
          sha: SHA_A,
          runId: "12345678901",
          startedAt: later(1),
          updatedAt: later(1),
          createdAt: AT,
        });
        const stale = await store.transition(
          id,
          ["requested"],
          "queued",
          { reason: "no" },
          step(later(2), "deploy.queued"),
        );
        expect(stale).toBeUndefined();
        expect((await store.getDeployment(id))!.reason).toBeNull();
        await store.transition(
          id,
          ["queued", "in_progress"],
          "succeeded",
          { finishedAt: later(3) },
          step(later(3), "deploy.succeeded"),
        );
        expect(await store.transitions(id)).toEqual([
          { state: "requested", at: AT },
          { state: "queued", at: later(1) },
          { state: "succeeded", at: later(3) },
        ]);
        const audit = await store.listAudit({ deploymentId: id });
        expect(audit.map((a) => a.action)).toEqual(["deploy.requested", "deploy.queued", "deploy.succeeded"]);
        expect(audit[1]).toMatchObject({
          actor: "gantry",
          service: "checkout-api",
          environment: "staging",
          detail: { run: 1 },
        });
        expect(await store.transition(id + 1000, ["requested"], "queued", {}, step(later(4)))).toBeUndefined();
      });

      it("lets exactly one of two concurrent transitions from the same state win", async () => {
        const { id } = await create();
        const [a, b] = await Promise.all([
          store.transition(id, ["requested"], "queued", { runId: "1" }, step(later(1), "deploy.queued")),
          store.transition(id, ["requested"], "cancelled", { reason: "cancelled" }, step(later(1), "deploy.cancelled")),
        ]);
        expect([a, b].filter(Boolean)).toHaveLength(1);
        const winner = (a ?? b)!;
        expect(await store.getDeployment(id)).toEqual(winner);
        expect((await store.transitions(id)).map((t) => t.state)).toEqual(["requested", winner.state]);
        expect(await store.listAudit({ deploymentId: id })).toHaveLength(2);
      });

      it("patches fields without touching the state, the transitions or the audit log", async () => {
        const { id } = await create();
        const summary = {
          base: SHA_B,
          total: 2,
          commits: [{ sha: SHA_A, message: "Fix it PAY-1", author: "alice" }],
          authors: ["alice"],
          jiraKeys: ["PAY-1"],
        };
        const patched = await store.patch(
          id,
          {
            slackTs: "1700000000.000100",
            runUrl: "https://github.test/run/1",
            changeSummary: summary as never,
            jiraKey: "CHG-7",
            runId: "98765432101",
          },
          later(5),
        );
        expect(patched).toMatchObject({
          state: "requested",
          slackTs: "1700000000.000100",
          runUrl: "https://github.test/run/1",
          jiraKey: "CHG-7",
          runId: "98765432101",
          updatedAt: later(5),
        });
        expect(patched.changeSummary).toEqual(summary);
        expect(await store.patch(id, { slackTs: undefined }, later(6))).toMatchObject({
          slackTs: "1700000000.000100",
          updatedAt: later(6),
        });
        expect(await store.patch(id, { reason: null }, later(7))).toMatchObject({ reason: null });
        expect(await store.patch(id, { dispatchedAt: later(8) }, later(8))).toMatchObject({
          state: "requested",
          dispatchedAt: later(8),
        });
        expect(await store.transitions(id)).toHaveLength(1);
        expect(await store.listAudit()).toHaveLength(1);
      });

      it("patches only while the deploy is in the given states, and returns it as stored either way", async () => {
        const { id } = await create();
        expect(await store.patch(id, { reason: "kept" }, later(5), ["requested", "verifying"])).toMatchObject({
          reason: "kept",
          updatedAt: later(5),
        });
        const lost = await store.patch(id, { reason: "lost" }, later(6), ["verifying"]);
        expect(lost).toMatchObject({ id, state: "requested", reason: "kept", updatedAt: later(5) });
      });

      it("lists live deploys oldest first and knows the history, newest first", async () => {
        expect(await store.listLive()).toEqual([]);
        for (const [env, ref] of [
          ["staging", "v1"],
          ["staging", "v2"],
          ["production", "v1"],
        ] as const) {
          const d = await create({ environment: env, ref });
          await store.transition(d.id, ["requested"], "succeeded", {}, step(later(5)));
        }
        await finish({ ref: "v3" }, "failed", later(6));
        const live = [await create({ ref: "v4" }), await create({ environment: "production", ref: "v4" })];
        expect(await store.listLive()).toEqual(live);
        expect((await store.history("checkout-api", "staging")).map((d) => d.ref)).toEqual(["v4", "v3", "v2", "v1"]);
        expect((await store.history("checkout-api", "staging", 2)).map((d) => d.ref)).toEqual(["v4", "v3"]);
        expect((await store.history("checkout-api")).map((d) => `${d.environment}:${d.ref}`)).toEqual([
          "production:v4",
          "staging:v4",
          "staging:v3",
          "production:v1",
          "staging:v2",
          "staging:v1",
        ]);
        expect(await store.history("nothing-here")).toEqual([]);
      });

      it("knows what is deployed where: the latest succeeded deploy of each target, by service and environment", async () => {
        await finish({ environment: "staging", ref: "v1" }, "succeeded", later(1));
        await finish({ environment: "staging", ref: "v2" }, "succeeded", later(2));
        await finish({ environment: "staging", ref: "v3" }, "failed", later(3));
        await finish({ environment: "production", ref: "v1" }, "succeeded", later(4));
        await finish({ service: "billing-worker", environment: "production", ref: "b1" }, "succeeded", later(5));
        await finish({ service: "Billing-worker", environment: "production", ref: "B1" }, "succeeded", later(5));
        expect((await store.currentlyDeployed("checkout-api")).map((d) => [d.environment, d.ref])).toEqual([
          ["production", "v1"],
          ["staging", "v2"],
        ]);
        expect((await store.currentlyDeployed()).map((d) => `${d.service}/${d.environment}:${d.ref}`)).toEqual([
          "Billing-worker/production:B1",
          "billing-worker/production:b1",
          "checkout-api/production:v1",
          "checkout-api/staging:v2",
        ]);
      });

      it("finds the last succeeded deploy (optionally before one) and whether a commit ever succeeded", async () => {
        const v1 = await finish({ ref: "v1" }, "succeeded", later(1), SHA_A);
        const v2 = await finish({ ref: "v2" }, "succeeded", later(2), SHA_B);
        const v3 = await finish({ ref: "v3" }, "failed", later(3), "c".repeat(40));
        expect(await store.lastSucceeded("checkout-api", "staging")).toEqual(v2);
        expect(await store.lastSucceeded("checkout-api", "staging", v2.id)).toEqual(v1);
        expect(await store.lastSucceeded("checkout-api", "staging", v1.id)).toBeUndefined();
        expect(await store.lastSucceeded("checkout-api", "production")).toBeUndefined();
        expect(await store.succeededWithSha("checkout-api", "staging", SHA_A)).toEqual(v1);
        expect(await store.succeededWithSha("checkout-api", "staging", v3.sha!)).toBeUndefined();
        await store.transition(v2.id, ["succeeded"], "rolled_back", {}, step(later(4)));
        expect(await store.lastSucceeded("checkout-api", "staging")).toEqual(v1);
        expect(await store.succeededWithSha("checkout-api", "staging", SHA_B)).toBeUndefined();
      });

      it("finds the last verified deploy (optionally before one): succeeded, verified and not rolled back", async () => {
        const verified = (d: Deployment) => store.patch(d.id, { verifiedAt: d.finishedAt }, d.finishedAt!);
        const v1 = await verified(await finish({ ref: "v1" }, "succeeded", later(1), SHA_A));
        const v2 = await verified(await finish({ ref: "v2" }, "succeeded", later(2), SHA_B));
        const v3 = await finish({ ref: "v3" }, "succeeded", later(3), "c".repeat(40));
        await finish({ ref: "v4" }, "failed", later(4), "d".repeat(40));
        expect(await store.lastSucceeded("checkout-api", "staging")).toEqual(v3);
        expect(await store.lastVerified("checkout-api", "staging")).toEqual(v2);
        expect(await store.lastVerified("checkout-api", "staging", v2.id)).toEqual(v1);
        expect(await store.lastVerified("checkout-api", "staging", v1.id)).toBeUndefined();
        expect(await store.lastVerified("checkout-api", "production")).toBeUndefined();
        await store.transition(v2.id, ["succeeded"], "rolled_back", {}, step(later(5)));
        expect(await store.lastVerified("checkout-api", "staging")).toEqual(v1);
      });

      it("finds the previous deploy in the order deploys succeeded, not the order they were asked for", async () => {
        // Deployments made outside Gantry may overlap: a was made first but succeeded after b, so b is what a's
        // commits are counted from.
        const p = await finish({ ref: "p" }, "succeeded", later(1), SHA_A);
        const outside = (n: number, createdAt: string, finishedAt: string) =>
          store.importDeployment({
            key: `gh:acme/checkout-api:${n}`,
            service: "checkout-api",
            environment: "staging",
            ref: "main",
            sha: String(n).repeat(40).slice(0, 40),
            creator: "octocat",
            githubDeploymentId: n,
            url: null,
            createdAt,
            finishedAt,
            importedAt: later(60),
          });
        const a = await outside(7, later(2), later(4));
        const b = await outside(8, later(3), later(3));
        expect(b.id).toBeGreaterThan(a.id);
        expect(await store.lastFinished("checkout-api", "staging", later(4), a.id)).toMatchObject({ id: b.id });
        expect(await store.lastFinished("checkout-api", "staging", later(3), b.id)).toEqual(p);
        expect(await store.lastFinished("checkout-api", "staging", later(5))).toMatchObject({ id: a.id });
        expect(await store.lastFinished("checkout-api", "staging", later(0))).toBeUndefined();
        expect(await store.lastSucceeded("checkout-api", "staging", a.id)).toEqual(p); // by id: not what counts
      });

      it("lists pending approvals and the ones whose time ran out", async () => {
        const soon = await create({ state: "pending_approval", expiresAt: later(60) });
        const late = await create({ environment: "production", state: "pending_approval", expiresAt: later(3600) });
        const never = await create({ environment: "qa", state: "pending_approval" });
        await create({ environment: "dev" });
        expect(await store.listPendingApprovals()).toEqual([soon, late, never]);
        expect(await store.expiredApprovals(later(59))).toEqual([]);
        expect(await store.expiredApprovals(later(60))).toEqual([soon]);
        expect(await store.expiredApprovals(later(7200))).toEqual([soon, late]);
        await store.transition(soon.id, ["pending_approval"], "expired", {}, step(later(61)));
        expect(await store.expiredApprovals(later(7200))).toEqual([late]);
      });
    });

    describe("votes", () => {
      it("records a vote once per voter and commit, with one audit event", async () => {
        const d = await create({ state: "pending_approval", sha: SHA_A });
        expect(await store.castVote(d.id, { voter: "U0BOB", vote: "approve", sha: SHA_A, at: later(1) })).toEqual({
          recorded: true,
        });
        expect(await store.castVote(d.id, { voter: "U0BOB", vote: "approve", sha: SHA_A, at: later(2) })).toEqual({
          recorded: false,
        });
        expect(await store.castVote(d.id, { voter: "U0BOB", vote: "reject", sha: SHA_A, at: later(2) })).toEqual({
          recorded: false,
        });
        expect(await store.castVote(d.id, { voter: "U0BOB", vote: "approve", sha: SHA_B, at: later(3) })).toEqual({
          recorded: true,
        });
        expect(await store.castVote(d.id, { voter: "U0CAROL", vote: "reject", sha: SHA_A, at: later(4) })).toEqual({
          recorded: true,
        });
        expect(await store.votes(d.id)).toEqual([
          { voter: "U0BOB", vote: "approve", sha: SHA_A, at: later(1) },
          { voter: "U0BOB", vote: "approve", sha: SHA_B, at: later(3) },
          { voter: "U0CAROL", vote: "reject", sha: SHA_A, at: later(4) },
        ]);
        const audit = await store.listAudit({ deploymentId: d.id });
        expect(audit.map((a) => [a.actor, a.action, a.detail])).toEqual([
          ["U0ALICE", "deploy.pending_approval", { ref: "v1.4.2", mode: "workflow" }],
          ["U0BOB", "vote.approve", { sha: SHA_A }],
          ["U0BOB", "vote.approve", { sha: SHA_B }],
          ["U0CAROL", "vote.reject", { sha: SHA_A }],
        ]);
        expect(audit[1]).toMatchObject({ service: "checkout-api", environment: "staging", at: later(1) });
      });

      it("counts simultaneous clicks of the same vote once", async () => {
        const d = await create({ state: "pending_approval", sha: SHA_A });
        const results = await Promise.all(
          Array.from({ length: 5 }, () =>
            store.castVote(d.id, { voter: "U0BOB", vote: "approve", sha: SHA_A, at: later(1) }),
          ),
        );
        expect(results.filter((r) => r.recorded)).toHaveLength(1);
        expect(await store.votes(d.id)).toHaveLength(1);
        expect((await store.listAudit({ deploymentId: d.id })).filter((a) => a.action === "vote.approve")).toHaveLength(
          1,
        );
      });
    });

    describe("locks", () => {
      const lock = {
        service: "checkout-api",
        environment: "production",
        holder: "U0ALICE",
        reason: "release freeze",
        createdAt: AT,
        expiresAt: later(3600),
      };

      it("takes, renews for its holder, refuses others and is warned once", async () => {
        expect(await store.getLock("checkout-api", "production")).toBeUndefined();
        expect(await store.acquireLock(lock)).toEqual({ ok: true, lock: { ...lock, warned: false } });
        await store.markLockWarned("checkout-api", "production");
        expect(await store.getLock("checkout-api", "production")).toEqual({ ...lock, warned: true });
        const refused = await store.acquireLock({
          ...lock,
          holder: "U0BOB",
          reason: "mine",
          createdAt: later(5),
          expiresAt: later(99),
        });
        expect(refused).toEqual({ ok: false, lock: { ...lock, warned: true } });
        const renewed = await store.acquireLock({
          ...lock,
          reason: "longer freeze",
          createdAt: later(10),
          expiresAt: later(7200),
        });
        expect(renewed).toEqual({
          ok: true,
          lock: { ...lock, reason: "longer freeze", expiresAt: later(7200), warned: false },
        });
      });

      it("records a deploy unless someone else holds a lock on the target, expired or not, and names the lock", async () => {
        await store.acquireLock(lock);
        await store.acquireLock({ ...lock, environment: "staging", holder: "U0BOB", expiresAt: AT });
        const mine = await store.createUnlessLocked(request({ environment: "production" }), "U0ALICE");
        expect(mine).toMatchObject({ ok: true, deployment: { environment: "production" } });
        if (!mine.ok) return;
        // The lock comes before the live deploy; what is refused uses up no id, transition or audit event.
        const theirs = await store.createUnlessLocked(request({ environment: "production" }), "U0BOB");
        expect(theirs).toEqual({ ok: false, lock: { ...lock, warned: false } });
        const expired = await store.createUnlessLocked(request(), "U0ALICE");
        expect(expired).toEqual({
          ok: false,
          lock: { ...lock, environment: "staging", holder: "U0BOB", expiresAt: AT, warned: false },
        });
        expect(await store.createUnlessLocked(request({ environment: "production" }), "U0ALICE")).toEqual({
          ok: false,
          active: mine.deployment,
        });
        const free = await store.createUnlessLocked(request({ environment: "dev" }), "U0BOB");
        expect(free).toMatchObject({ ok: true, deployment: { id: mine.deployment.id + 1, environment: "dev" } });
        expect((await store.listAudit()).map((e) => e.deploymentId)).toEqual([
          mine.deployment.id,
          mine.deployment.id + 1,
        ]);
        expect(await store.listLive()).toHaveLength(2);
      });

      it("lists locks by service and environment", async () => {
        await store.acquireLock({ ...lock, environment: "staging" });
        await store.acquireLock({ ...lock, service: "billing-worker" });
        await store.acquireLock(lock);
        expect((await store.listLocks()).map((l) => `${l.service}/${l.environment}`)).toEqual([
          "billing-worker/production",
          "checkout-api/production",
          "checkout-api/staging",
        ]);
      });

      it("releases a lock with the users waiting for it, once each, and forgets them", async () => {
        await store.acquireLock(lock);
        await store.addLockWaiter("checkout-api", "production", "U0CAROL", later(2));
        await store.addLockWaiter("checkout-api", "production", "U0BOB", later(1));
        await store.addLockWaiter("checkout-api", "production", "U0BOB", later(3));
        await store.addLockWaiter("checkout-api", "staging", "U0DAVE", later(3));
        expect(await store.releaseLock("checkout-api", "production")).toEqual({
          lock: { ...lock, warned: false },
          waiters: ["U0BOB", "U0CAROL"],
        });
        expect(await store.getLock("checkout-api", "production")).toBeUndefined();
        expect(await store.releaseLock("checkout-api", "production")).toBeUndefined();
        await store.acquireLock({ ...lock, holder: "U0BOB" });
        expect(await store.releaseLock("checkout-api", "production")).toMatchObject({
          lock: { holder: "U0BOB" },
          waiters: [],
        });
      });

      it("gives a free lock to exactly one of two people taking it at once", async () => {
        const [a, b] = await Promise.all([store.acquireLock(lock), store.acquireLock({ ...lock, holder: "U0BOB" })]);
        expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
        const holder = a.ok ? "U0ALICE" : "U0BOB";
        expect(a.lock.holder).toBe(holder);
        expect(b.lock.holder).toBe(holder);
        expect((await store.getLock("checkout-api", "production"))!.holder).toBe(holder);
      });
    });

    describe("ledger", () => {
      const commit = (sha: string, message: string, h: number) => ({
        sha,
        committedAt: later(-h * 3600),
        author: "alice",
        message,
      });

      it("keeps each commit's pull request, looked up once, and lists the commits still to look up", async () => {
        const target = { service: "checkout-api", environment: "production" };
        const d = await finish({ environment: "production" }, "succeeded", later(10));
        await store.recordCommits(d.id, [commit("p1", "PAY-1 via a pull request", 3), commit("p2", "pushed", 2)]);
        expect((await store.commitsWithoutPulls(target, 10)).sort()).toEqual(["p1", "p2"]);
        const pull = { number: 7, firstCommitAt: later(-9000), openedAt: later(-8000), mergedAt: later(-100) };
        await store.recordPull("p1", pull, later(20));
        await store.recordPull("p2", null, later(20));
        await store.recordPull("p1", { ...pull, number: 8 }, later(30)); // the first answer stays
        expect(await store.commitsWithoutPulls(target, 10)).toEqual([]);
        const [entry] = await store.ledger([target], AT);
        expect(Object.fromEntries(entry!.commits.map((c) => [c.sha, c.pull]))).toEqual({ p1: pull, p2: null });
      });

      it("stores a deployment's commits once", async () => {
        const d = await finish({ environment: "production" }, "succeeded", later(10));
        expect(await store.recordCommits(d.id, [commit("c1", "PAY-1 fix", 2), commit("c2", "tidy", 1)])).toBe(2);
        expect(await store.recordCommits(d.id, [commit("c2", "tidy", 1), commit("c3", "more", 1)])).toBe(1);
        expect(await store.recordCommits(d.id, [])).toBe(0);
        expect(
          await store.recordCommits(d.id, [
            commit("c4", "twice in one batch", 1),
            commit("c4", "twice in one batch", 1),
          ]),
        ).toBe(1);
        const [entry] = await store.ledger([{ service: "checkout-api", environment: "production" }], AT);
        expect(entry!.commits.map((c) => c.sha).sort()).toEqual(["c1", "c2", "c3", "c4"]);
      });

      it("reads the succeeded and rolled-back deployments of a window, oldest first, with their commits", async () => {
        const target = { service: "checkout-api", environment: "production" };
        const early = await finish({ ...target, ref: "early" }, "succeeded", "2026-11-01T09:00:00.000Z");
        const first = await finish({ ...target, ref: "first" }, "succeeded", later(20));
        const failed = await finish({ ...target, ref: "failed" }, "failed", later(30));
        const hotfix = await finish({ ...target, ref: "hotfix", hotfix: true }, "succeeded", later(40), SHA_B);
        await store.transition(first.id, ["succeeded"], "rolled_back", {}, step(later(50)));
        await store.patch(hotfix.id, { jiraKey: "CHG-9" }, later(41));
        const other = await finish(
          { service: "billing-worker", environment: "production", ref: "b" },
          "succeeded",
          later(25),
        );
        await store.recordCommits(first.id, [commit("f1", "PAY-2 first", 3)]);
        await store.recordCommits(failed.id, [commit("x1", "never", 3)]);
        await store.recordCommits(early.id, [commit("e1", "early", 3)]);
        const imported = await store.importDeployment({
          key: "gh:acme/checkout-api:555",
          service: "checkout-api",
          environment: "production",
          ref: "main",
          sha: "d".repeat(40),
          creator: "octocat",
          githubDeploymentId: 555,
          url: null,
          createdAt: later(32),
          finishedAt: later(35),
          importedAt: later(60),
        });
        expect(await store.ledger([target], AT)).toEqual([
          {
            id: String(first.id),
            service: "checkout-api",
            environment: "production",
            sha: SHA_A,
            ref: "first",
            kind: "deploy",
            finishedAt: later(20),
            rolledBack: true,
            hotfix: false,
            changeTicket: null,
            commits: [{ sha: "f1", committedAt: later(-3 * 3600), author: "alice", message: "PAY-2 first" }],
            requestedAt: first.createdAt,
            approvedAt: null, // never sent to the CI here (no dispatched_at): when it was approved is unknown
            dispatchedAt: null,
          },
          {
            id: "gh:acme/checkout-api:555",
            service: "checkout-api",
            environment: "production",
            sha: "d".repeat(40),
            ref: "main",
            kind: "external",
            finishedAt: later(35),
            rolledBack: false,
            hotfix: false,
            changeTicket: null,
            commits: [],
            requestedAt: later(32),
            approvedAt: null,
            dispatchedAt: null,
          },
          {
            id: String(hotfix.id),
            service: "checkout-api",
            environment: "production",
            sha: SHA_B,
            ref: "hotfix",
            kind: "deploy",
            finishedAt: later(40),
            rolledBack: false,
            hotfix: true,
            changeTicket: "CHG-9",
            commits: [],
            requestedAt: hotfix.createdAt,
            approvedAt: null,
            dispatchedAt: null,
          },
        ]);
        expect(imported.inserted).toBe(true);
        const both = await store.ledger([target, { service: "billing-worker", environment: "production" }], later(21));
        expect(both.map((d) => d.id)).toEqual([String(other.id), "gh:acme/checkout-api:555", String(hotfix.id)]);
        expect(await store.ledger([target], later(41))).toEqual([]);
        expect(await store.ledger([], AT)).toEqual([]);
        expect((await store.ledger([target], "2000-01-01T00:00:00Z")).map((d) => d.ref)).toEqual([
          "early",
          "first",
          "main",
          "hotfix",
        ]);
      });

      it("brings in deploys that failed verification, with its times, and rollbacks with what they replaced", async () => {
        const target = { service: "checkout-api", environment: "canary" };
        const record = (outcome: VerificationRecord["outcome"]): VerificationRecord => ({
          startedAt: later(10),
          bake: {
            startedAt: Date.parse(later(10)),
            lastAt: Date.parse(later(20)),
            observedMs: 10_000,
            heldMs: 0,
            readings: 2,
            streaks: {},
          },
          baselines: {},
          checks: [{ name: "error rate", points: [{ at: later(15), value: 0.08 }], last: null }],
          unseen: null,
          queries: 4,
          outcome,
          rollbackId: null,
        });
        const breach = {
          breached: true as const,
          cause: "threshold" as const,
          consecutive: 2,
          check: "error rate",
          value: 0.08,
          limit: 0.02,
          bound: "upper" as const,
          labels: {},
          threshold: { kind: "max" as const, max: 0.02 },
        };
        const end = async (
          ref: string,
          at: string,
          outcome: VerificationRecord["outcome"],
          state: DeployState = "failed",
        ) => {
          const d = await create({ ...target, ref });
          return (await store.transition(
            d.id,
            ["requested"],
            state,
            { sha: SHA_B, finishedAt: at, verification: record(outcome) },
            step(at),
          ))!;
        };
        const bad = await end("bad-release", later(20), { kind: "failed", at: later(20), breach });
        const rollback = await create({
          ...target,
          ref: "v1.4.1",
          kind: "rollback",
          replacesId: bad.id,
          requester: "gantry",
        });
        await store.transition(
          rollback.id,
          ["requested"],
          "succeeded",
          { sha: SHA_A, finishedAt: later(30) },
          step(later(30)),
        );
        const clicked = await end("bad-two", later(40), { kind: "rolled_back", at: later(40), by: "U0BOB" });
        const manual = await create({ ...target, ref: "v1.4.1", kind: "rollback", replacesId: clicked.id });
        await store.transition(
          manual.id,
          ["requested"],
          "succeeded",
          { sha: SHA_A, finishedAt: later(45) },
          step(later(45)),
        );
        // Neither a failure of the deploy's own checks nor the CI's: not DORA's.
        await end("unsure", later(50), { kind: "inconclusive", at: later(50), held: ["error rate"], breaching: [] });
        await finish({ ...target, ref: "ci-failed" }, "failed", later(55));
        const verified = await end("fine", later(60), { kind: "verified", at: later(60) }, "succeeded");
        const ledger = await store.ledger([target], AT);
        expect(ledger.map((d) => d.ref)).toEqual(["bad-release", "v1.4.1", "bad-two", "v1.4.1", "fine"]);
        expect(ledger[0]).toMatchObject({
          id: String(bad.id),
          failedVerification: true,
          verification: { startedAt: later(10), outcome: "failed", at: later(20) },
          rolledBack: false,
          finishedAt: later(20),
        });
        expect(ledger[1]).toMatchObject({ kind: "rollback", replacesId: String(bad.id), automatic: true });
        expect(ledger[2]).toMatchObject({
          failedVerification: true,
          verification: { outcome: "rolled_back", at: later(40) },
        });
        expect(ledger[3]).toMatchObject({ kind: "rollback", replacesId: String(clicked.id) });
        expect(ledger[3]!.automatic).toBeUndefined();
        // A deploy that passed its verification is a plain one: nothing of the record is read.
        expect(ledger[4]).toMatchObject({ id: String(verified.id), rolledBack: false });
        expect(ledger[4]!.failedVerification).toBeUndefined();
        expect(ledger[4]!.verification).toBeUndefined();
      });

      it("upserts incidents and reads them by service since a time", async () => {
        const refs = { deployIds: ["12"], shas: ["abcdef1"], issueKeys: ["PAY-1"] };
        const open: LedgerIncident = {
          key: "OPS-1",
          service: "checkout-api",
          createdAt: later(10),
          resolvedAt: null,
          status: "Open",
          refs,
        };
        const other: LedgerIncident = {
          key: "OPS-2",
          service: "billing-worker",
          createdAt: later(5),
          resolvedAt: later(50),
          status: "Done",
          refs: { deployIds: [], shas: [], issueKeys: [] },
        };
        expect(await store.upsertIncidents([open, other], later(60))).toBe(2);
        expect(await store.upsertIncidents([{ ...open, resolvedAt: later(70), status: "Done" }], later(80))).toBe(1);
        expect(await store.upsertIncidents([], later(80))).toBe(0);
        expect(await store.incidents(["checkout-api"], AT)).toEqual([
          { ...open, resolvedAt: later(70), status: "Done" },
        ]);
        expect((await store.incidents(["checkout-api", "billing-worker"], AT)).map((i) => i.key)).toEqual([
          "OPS-2",
          "OPS-1",
        ]);
        expect(await store.incidents(["checkout-api", "billing-worker"], later(6))).toHaveLength(1);
        expect(await store.incidents([], AT)).toEqual([]);
      });

      it("lets one caller claim a team's weekly digest, completes it, and gives an unposted claim back", async () => {
        const week = "2026-11-23";
        const claims = await Promise.all(Array.from({ length: 4 }, () => store.claimDigest("payments", week, AT)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.claimDigest("payments", week, later(1))).toBe(false);
        expect(await store.getDigest("payments", week)).toEqual({
          team: "payments",
          weekStart: week,
          claimedAt: AT,
          channel: null,
          ts: null,
          postedAt: null,
        });
        await store.releaseDigest("payments", week);
        expect(await store.getDigest("payments", week)).toBeUndefined();
        expect(await store.claimDigest("payments", week, later(2))).toBe(true);
        await store.completeDigest({
          team: "payments",
          weekStart: week,
          channel: "C0PAY",
          ts: "1700000000.1",
          postedAt: later(3),
        });
        await store.releaseDigest("payments", week);
        expect(await store.getDigest("payments", week)).toEqual({
          team: "payments",
          weekStart: week,
          claimedAt: later(2),
          channel: "C0PAY",
          ts: "1700000000.1",
          postedAt: later(3),
        });
        expect(await store.claimDigest("payments", "2026-11-30", later(4))).toBe(true);
        expect(await store.claimDigest("search", week, later(4))).toBe(true);
        expect(await store.getDigest("payments", "2026-11-16")).toBeUndefined();
      });

      it("takes over a digest claim only when it is stale and was never posted, one caller at a time", async () => {
        const week = "2026-11-23";
        expect(await store.claimDigest("payments", week, AT)).toBe(true);
        // Fresh: claimed at AT, stale only for claims made before AT.
        expect(await store.claimDigest("payments", week, later(60), AT)).toBe(false);
        const takeovers = await Promise.all(
          Array.from({ length: 4 }, () => store.claimDigest("payments", week, later(600), later(1))),
        );
        expect(takeovers.filter(Boolean)).toHaveLength(1);
        expect((await store.getDigest("payments", week))?.claimedAt).toBe(later(600));
        await store.completeDigest({
          team: "payments",
          weekStart: week,
          channel: "C0PAY",
          ts: "1700000000.2",
          postedAt: later(601),
        });
        // Posted: never taken over, however old.
        expect(await store.claimDigest("payments", week, later(9_000), later(9_000))).toBe(false);
        expect((await store.getDigest("payments", week))?.postedAt).toBe(later(601));
      });

      it("imports a GitHub deployment once, as succeeded, with its transition and audit event", async () => {
        const input = {
          key: "gh:acme/checkout-api:777",
          service: "checkout-api",
          environment: "production",
          ref: "v9",
          sha: SHA_B,
          creator: "octocat",
          githubDeploymentId: 7_777_777_777,
          url: "https://github.test/acme/checkout-api/deployments",
          createdAt: later(1),
          finishedAt: later(2),
          importedAt: later(3),
        };
        const first = await store.importDeployment(input);
        const again = await Promise.all([
          store.importDeployment(input),
          store.importDeployment({ ...input, importedAt: later(9) }),
        ]);
        expect(first.inserted).toBe(true);
        expect(again).toEqual([
          { inserted: false, id: first.id },
          { inserted: false, id: first.id },
        ]);
        expect(await store.findByKey(input.key)).toMatchObject({
          id: first.id,
          state: "succeeded",
          runner: "deployment",
          kind: "deploy",
          requester: "octocat",
          runId: "7777777777",
          runUrl: input.url,
          createdAt: later(1),
          startedAt: later(1),
          finishedAt: later(2),
        });
        expect(await store.transitions(first.id)).toEqual([{ state: "succeeded", at: later(2) }]);
        expect(await store.listAudit({ deploymentId: first.id })).toEqual([
          {
            id: expect.any(Number),
            at: later(3),
            actor: "gantry",
            action: "deploy.imported",
            deploymentId: first.id,
            service: "checkout-api",
            environment: "production",
            detail: { githubDeploymentId: 7_777_777_777, creator: "octocat" },
          },
        ]);
        expect(await store.lastSucceeded("checkout-api", "production")).toMatchObject({ id: first.id });
      });

      it("imports a deployment together with its commits, once", async () => {
        const input = {
          key: "gh:acme/checkout-api:778",
          service: "checkout-api",
          environment: "production",
          ref: "v10",
          sha: SHA_A,
          creator: "octocat",
          githubDeploymentId: 7_777_777_778,
          url: null,
          createdAt: later(1),
          finishedAt: later(2),
          importedAt: later(3),
          commits: [{ sha: SHA_A, committedAt: AT, author: "alice", message: "PAY-4 fix" }],
        };
        const first = await store.importDeployment(input);
        expect(
          await store.importDeployment({
            ...input,
            commits: [...input.commits, { sha: SHA_B, committedAt: AT, author: "bob", message: "again" }],
          }),
        ).toEqual({ inserted: false, id: first.id });
        const [entry] = await store.ledger([{ service: "checkout-api", environment: "production" }], AT);
        expect(entry?.commits.map((c) => c.sha)).toEqual([SHA_A]);
      });
    });

    describe("leases", () => {
      it("is taken, renewed by its holder, refused to others until it expires, then taken over", async () => {
        expect(await store.acquireLease("scheduler", "replica-a", AT, 30_000)).toBe(true);
        expect(await store.acquireLease("scheduler", "replica-a", later(10), 30_000)).toBe(true);
        expect(await store.acquireLease("scheduler", "replica-b", later(20), 30_000)).toBe(false);
        expect(await store.acquireLease("scheduler", "replica-b", later(39), 30_000)).toBe(false);
        expect(await store.acquireLease("poll:1", "replica-b", later(20), 30_000)).toBe(true);
        expect(await store.acquireLease("scheduler", "replica-b", later(40), 30_000)).toBe(true);
        expect(await store.acquireLease("scheduler", "replica-a", later(41), 30_000)).toBe(false);
      });

      it("is given back only by its holder", async () => {
        await store.acquireLease("scheduler", "replica-a", AT, 60_000);
        await store.releaseLease("scheduler", "replica-b");
        expect(await store.acquireLease("scheduler", "replica-b", later(1), 60_000)).toBe(false);
        await store.releaseLease("scheduler", "replica-a");
        expect(await store.acquireLease("scheduler", "replica-b", later(2), 60_000)).toBe(true);
        await store.releaseLease("nothing", "replica-b");
      });

      it("goes to exactly one of several replicas taking it at once, fresh or expired", async () => {
        const race = (at: string) =>
          Promise.all(["a", "b", "c", "d"].map((r) => store.acquireLease("digest", `replica-${r}`, at, 30_000)));
        expect((await race(AT)).filter(Boolean)).toHaveLength(1);
        expect((await race(later(10))).filter(Boolean)).toHaveLength(1);
        expect((await race(later(30))).filter(Boolean)).toHaveLength(1);
      });
    });

    describe("handoffs", () => {
      it("keeps a handed-over step once, hands each out to one taker only, oldest first, with its reply address", async () => {
        const a = await store.createDeployment(request());
        const b = await store.createDeployment(request({ service: "ledger-api", key: "gd_b" }));
        if (!a.ok || !b.ok) throw new Error("setup");
        const queue = store.handoffs();
        const replyTo = { user: "U1", channel: "C1", responseUrl: "https://hooks.slack.com/commands/T1/1/x" };
        await queue.handOver({ deploymentId: b.deployment.id, step: "launch", actor: null, replyTo, at: later(2) });
        await queue.handOver({
          deploymentId: a.deployment.id,
          step: "launch",
          actor: null,
          replyTo: null,
          at: later(1),
        });
        // The same step again (a retried request) is not a second handoff.
        await queue.handOver({
          deploymentId: a.deployment.id,
          step: "launch",
          actor: null,
          replyTo: null,
          at: later(3),
        });
        await queue.handOver({
          deploymentId: a.deployment.id,
          step: "approved",
          actor: "U2",
          replyTo: null,
          at: later(4),
        });
        expect(await queue.waiting(a.deployment.id)).toBe(true);
        expect(await queue.oldest()).toBe(later(1));
        // Several workers at once: every handoff goes to exactly one of them.
        const taken = (await Promise.all([queue.take(2), queue.take(2), queue.take(2)])).flat();
        expect(taken.sort((x, y) => x.at.localeCompare(y.at))).toEqual([
          { deploymentId: a.deployment.id, step: "launch", actor: null, replyTo: null, at: later(1) },
          { deploymentId: b.deployment.id, step: "launch", actor: null, replyTo, at: later(2) },
          { deploymentId: a.deployment.id, step: "approved", actor: "U2", replyTo: null, at: later(4) },
        ]);
        expect(await queue.take(10)).toEqual([]);
        expect(await queue.waiting(a.deployment.id)).toBe(false);
        expect(await queue.oldest()).toBeUndefined();
      });

      it("takes the oldest first and no more than asked", async () => {
        const queue = store.handoffs();
        const ids: number[] = [];
        for (let i = 0; i < 3; i++) {
          const d = await store.createDeployment(request({ service: `svc-${i}`, key: `gd_${i}` }));
          if (!d.ok) throw new Error("setup");
          ids.push(d.deployment.id);
          await queue.handOver({
            deploymentId: d.deployment.id,
            step: "launch",
            actor: null,
            replyTo: null,
            at: later(9 - i),
          });
        }
        expect((await queue.take(2)).map((h) => h.deploymentId)).toEqual([ids[2], ids[1]]);
        expect((await queue.take(2)).map((h) => h.deploymentId)).toEqual([ids[0]]);
      });
    });

    describe("shared user group members", () => {
      it("keeps the newest answer per handle", async () => {
        const share = store.usergroups();
        expect(await share.loadMembers("platform")).toBeUndefined();
        await share.saveMembers("platform", { members: ["U1", "U2"], fetchedAt: 2_000 });
        await share.saveMembers("platform", { members: ["U9"], fetchedAt: 1_000 });
        await share.saveMembers("sre", { members: [], fetchedAt: 1_500 });
        expect(await share.loadMembers("platform")).toEqual({ members: ["U1", "U2"], fetchedAt: 2_000 });
        expect(await share.loadMembers("sre")).toEqual({ members: [], fetchedAt: 1_500 });
        await share.saveMembers("platform", { members: ["U3"], fetchedAt: 3_000 });
        expect(await share.loadMembers("platform")).toEqual({ members: ["U3"], fetchedAt: 3_000 });
      });
    });

    describe("github rate budgets", () => {
      it("keeps the newest observation per token hash, and hands out paced slots once across concurrent callers", async () => {
        const budgets = store.rateBudgets();
        const T = 1_800_000_000_000;
        expect(await budgets.loadRateBudget("sha256:a")).toBeUndefined();
        await budgets.saveRateBudget("sha256:a", { limit: 5000, remaining: 4000, resetAt: T, observedAt: T - 10 });
        // An answer that arrived earlier in the same window is not kept over a later one.
        await budgets.saveRateBudget("sha256:a", { limit: 5000, remaining: 4100, resetAt: T, observedAt: T - 20 });
        expect(await budgets.loadRateBudget("sha256:a")).toEqual({
          limit: 5000,
          remaining: 4000,
          resetAt: T,
          observedAt: T - 10,
        });
        // A later window replaces it.
        await budgets.saveRateBudget("sha256:a", {
          limit: 5000,
          remaining: 4999,
          resetAt: T + 3_600_000,
          observedAt: T,
        });
        expect((await budgets.loadRateBudget("sha256:a"))?.remaining).toBe(4999);
        expect(await budgets.loadRateBudget("sha256:b")).toBeUndefined();
        const slots = await Promise.all(Array.from({ length: 4 }, () => budgets.takeRateSlot("sha256:a", T, 100)));
        expect(slots.sort()).toEqual([T, T + 100, T + 200, T + 300]);
        // A slot is never before now, however long ago the last one was.
        expect(await budgets.takeRateSlot("sha256:a", T + 10_000, 100)).toBe(T + 10_000);
        // A slot taken before any observation is not read as one.
        expect(await budgets.takeRateSlot("sha256:c", T, 100)).toBe(T);
        expect(await budgets.loadRateBudget("sha256:c")).toBeUndefined();
      });
    });

    describe("delivery keys", () => {
      it("lets the first offer of a key through, once across concurrent callers, until it is forgotten", async () => {
        const offers = await Promise.all(Array.from({ length: 4 }, () => store.firstDelivery("trigger:123.456", AT)));
        expect(offers.filter(Boolean)).toHaveLength(1);
        expect(await store.firstDelivery("trigger:123.456", later(5))).toBe(false);
        expect(await store.firstDelivery("action:1700000000.1", later(10))).toBe(true);
        expect(await store.forgetDeliveries(AT)).toBe(0);
        expect(await store.forgetDeliveries(later(10))).toBe(1);
        expect(await store.firstDelivery("trigger:123.456", later(20))).toBe(true);
        expect(await store.firstDelivery("action:1700000000.1", later(20))).toBe(false);
      });
    });

    describe("audit log", () => {
      it("is append-only: the database itself refuses updates and deletes", async () => {
        await create();
        await expect(handle.exec("UPDATE audit_events SET actor = 'someone else'")).rejects.toThrow(/append-only/);
        await expect(handle.exec("DELETE FROM audit_events")).rejects.toThrow(/append-only/);
        await expect(handle.exec("DELETE FROM audit_events WHERE action = 'deploy.requested'")).rejects.toThrow(
          /append-only/,
        );
        expect(await store.listAudit()).toMatchObject([{ actor: "U0ALICE", action: "deploy.requested" }]);
      });

      it("records events as given and filters them by time, service and deploy, in order", async () => {
        const d = await create();
        await store.audit({
          actor: "U0BOB",
          action: "lock.acquired",
          service: "billing-worker",
          environment: "production",
          detail: { reason: "x", n: 2, nested: { ok: true } },
          at: later(10),
        });
        await store.audit({ actor: "U0CAROL", action: "command.help", at: later(20) });
        await store.transition(
          d.id,
          ["requested"],
          "cancelled",
          {},
          { actor: "U0ALICE", action: "deploy.cancelled", at: later(30) },
        );
        const all = await store.listAudit();
        expect(all.map((a) => a.action)).toEqual([
          "deploy.requested",
          "lock.acquired",
          "command.help",
          "deploy.cancelled",
        ]);
        expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort((x, y) => x - y));
        expect(all[1]).toEqual({
          id: all[1]!.id,
          actor: "U0BOB",
          action: "lock.acquired",
          deploymentId: null,
          service: "billing-worker",
          environment: "production",
          detail: { reason: "x", n: 2, nested: { ok: true } },
          at: later(10),
        });
        expect(all[2]).toMatchObject({ deploymentId: null, service: null, environment: null, detail: {} });
        expect((await store.listAudit({ since: later(20) })).map((a) => a.action)).toEqual([
          "command.help",
          "deploy.cancelled",
        ]);
        expect((await store.listAudit({ service: "checkout-api" })).map((a) => a.action)).toEqual([
          "deploy.requested",
          "deploy.cancelled",
        ]);
        expect((await store.listAudit({ deploymentId: d.id, since: later(1) })).map((a) => a.action)).toEqual([
          "deploy.cancelled",
        ]);
        expect(await store.listAudit({ service: "checkout-api", since: later(31) })).toEqual([]);
      });
    });
  });
}
