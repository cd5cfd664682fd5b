/**
 * Roll back now and Accept now, end to end: signed block actions through Bolt's HTTP endpoint, on a deploy that is
 * really verifying (the GitHub emulator ran it, the Prometheus emulator answers its check). Assertions are on the
 * store, the audit log, the deploy's Slack message and the clicker's ephemeral answer.
 */
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { blocksOf, checkoutConfig, click, command, dispatches } from "../security/support.js";

let h: Harness;
stopAfterEach(() => h);

describe("Roll back now and Accept now, clicked with values Gantry never drew", () => {
  it("answer the clicker that there is no such deploy, and change nothing", async () => {
    h = await startHarness({ config: checkoutConfig({ staging: {} }) });
    const d = (await command(h, USERS.alice, "/deploy", "checkout-api main to staging")).deploy!;
    const done = await h.finished(d.id);
    expect(done.state).toBe("succeeded");
    const told = () => h.slack.ephemerals(USERS.bob).filter((m) => m.text === "That deploy no longer exists.");
    const callsBefore = h.gh.calls.length;
    for (const [actionId, value] of [
      ["verify_rollback", `${d.id}:production`],
      ["verify_accept", ` ${d.id}`],
      ["verify_rollback", "999"],
      ["verify_accept", "__proto__"],
    ] as const) {
      const before = told().length;
      await click(h, USERS.bob, done, actionId, value);
      await h.slack.waitForEphemeral(() => told().length > before);
      expect(told()).toHaveLength(before + 1);
    }
    expect(await h.gantry.store.getDeployment(d.id)).toMatchObject({ state: "succeeded", verification: null });
    expect(h.gh.calls.length).toBe(callsBefore);
  });
});

const ERRORS = 'errors{service="checkout-api",env="canary"}';

/** Canary verifies for an hour (nothing ends it but a click), and only Alice and Bob may deploy there. */
const verifyingConfig = () =>
  checkoutConfig({
    canary: {
      deployers: [USERS.alice, USERS.bob],
      verify: {
        bake: "1h",
        interval: "100ms",
        failAfter: 2,
        onFailure: "rollback",
        checks: [{ name: "error rate", query: 'errors{service="{{service}}",env="{{environment}}"}', max: 0.02 }],
      },
    },
  });

/** Alice deploys a new commit to canary; resolves once it verifies and its message shows the two buttons. */
async function verifyingDeploy(message: string): Promise<Deployment> {
  h.gh.addCommit("acme/checkout-api", { message, branch: "main" });
  await h.client.command(USERS.alice, "/deploy", "checkout-api main to canary", { channel: CHANNEL });
  const [asked] = await h.gantry.store.history("checkout-api", "canary", 1);
  const d = await h.until(asked!.id, (x) => x.state === "verifying" && x.slackTs !== null);
  await h.slack.waitForMessage((m) => m.ts === d.slackTs && JSON.stringify(m.blocks).includes("verify_accept"));
  return d;
}

/** The ephemeral answer to `user` containing `text`, once it arrives. */
const told = (user: string, text: string) =>
  h.slack.waitForEphemeral((m) => m.visibleTo === user && m.text.includes(text));

const auditOf = async (id: number) => h.gantry.store.listAudit({ deploymentId: id });

async function accept(d: Deployment, user: string): Promise<Deployment> {
  await click(h, user, d, "verify_accept", String(d.id));
  await told(user, `You accepted #${d.id}`);
  return h.finished(d.id);
}

describe("Roll back now and Accept now on a verifying deploy", () => {
  it("Accept now by a deployer ends the bake: succeeded, marked accepted by them, audited as theirs", async () => {
    h = await startHarness({ config: verifyingConfig(), prometheus: true });
    h.prom!.addSeries(ERRORS, { value: 0.01 });
    const d = await verifyingDeploy("good");
    expect(blocksOf(h, d)).toContain("verify_rollback");

    const done = await accept(d, USERS.bob);
    expect(done).toMatchObject({ state: "succeeded", reason: null });
    expect(done.verifiedAt).not.toBeNull();
    expect(done.verification?.outcome).toMatchObject({ kind: "accepted", by: USERS.bob });
    expect(await h.gantry.store.lastSucceeded("checkout-api", "canary")).toMatchObject({ id: d.id });
    expect(await auditOf(d.id)).toContainEqual(
      expect.objectContaining({
        actor: USERS.bob,
        action: "deploy.succeeded",
        detail: expect.objectContaining({ from: "verifying", verification: "accepted" }),
      }),
    );
    // The message shows who accepted it, and the verifying buttons are gone.
    const shown = blocksOf(h, done);
    expect(shown).toContain(`*Accepted* by <@${USERS.bob}>`);
    expect(shown).not.toContain("verify_accept");
    expect(shown).not.toContain("verify_rollback");
  });

  it("Roll back now by a deployer fails the deploy by their call and rolls back to the previous good deploy", async () => {
    h = await startHarness({ config: verifyingConfig(), prometheus: true });
    h.prom!.addSeries(ERRORS, { value: 0.01 });
    const good = await accept(await verifyingDeploy("good"), USERS.bob);
    const d = await verifyingDeploy("suspicious");
    expect(d.sha).not.toBe(good.sha);

    await click(h, USERS.alice, d, "verify_rollback", String(d.id));
    const answer = await told(USERS.alice, "ends as failed by your call");
    expect(answer.text).toContain("ends as failed by your call, and Gantry is rolling back");
    const failed = await h.until(d.id, (x) => x.verification?.rollbackId != null);
    expect(failed.reason).toBe(`rolled back by ${USERS.alice} during verification`);
    expect((await h.gantry.store.transitions(d.id)).map((t) => t.state)).toContain("failed");
    expect(failed.verifiedAt).toBeNull();
    expect(failed.verification?.outcome).toMatchObject({ kind: "rolled_back", by: USERS.alice });

    const rollbackId = failed.verification!.rollbackId!;
    expect(answer.text).toContain(`#${rollbackId}`);
    expect(await h.finished(rollbackId)).toMatchObject({
      state: "succeeded",
      kind: "rollback",
      requester: USERS.alice,
      sha: good.sha,
      sourceId: good.id,
      replacesId: d.id,
    });
    expect(await h.gantry.store.lastSucceeded("checkout-api", "canary")).toMatchObject({ id: rollbackId });
    expect(await h.gantry.store.getLock("checkout-api", "canary")).toMatchObject({ holder: USERS.alice });
    const audit = await auditOf(d.id);
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor: USERS.alice,
        action: "deploy.failed",
        detail: expect.objectContaining({ from: "verifying", verification: "rolled_back" }),
      }),
    );
    expect(audit.find((a) => a.action === "verification.rollback")).toMatchObject({
      actor: USERS.alice,
      detail: { automatic: false, failedId: d.id, rollbackId, toId: good.id, target: "last verified" },
    });
    // The failed deploy's message says who ended it and names the rollback; no verifying buttons are left.
    await h.gantry.drawn();
    const shown = blocksOf(h, failed);
    expect(shown).toContain(`*Ended* by <@${USERS.alice}> with Roll back now`);
    expect(shown).toContain(`Rolling back: #${rollbackId}`);
    expect(shown).not.toContain("verify_accept");
  });

  it("refuses an outsider's clicks on either button with an ephemeral answer, and changes nothing", async () => {
    h = await startHarness({ config: verifyingConfig(), prometheus: true });
    h.prom!.addSeries(ERRORS, { value: 0.01 });
    const d = await verifyingDeploy("good");
    const dispatched = dispatches(h).length;

    for (const actionId of ["verify_accept", "verify_rollback"]) {
      const before = h.slack.ephemerals(USERS.mallory).length;
      await click(h, USERS.mallory, d, actionId, String(d.id));
      const answer = await h.slack.waitForEphemeral(
        (m) => m.visibleTo === USERS.mallory && h.slack.ephemerals(USERS.mallory).length > before,
      );
      expect(answer.text).toContain("Only people who may deploy *checkout-api* to *canary* can accept or roll back");
      expect(answer.text).toContain(`<@${USERS.alice}>`);
    }

    const now = (await h.gantry.store.getDeployment(d.id))!;
    expect(now).toMatchObject({ state: "verifying", verifiedAt: null, reason: null });
    expect(now.verification).toMatchObject({ outcome: null, rollbackId: null });
    expect((await h.gantry.store.history("checkout-api", "canary", 10)).map((x) => x.id)).toEqual([d.id]);
    expect(dispatches(h)).toHaveLength(dispatched);
    const audit = await auditOf(d.id);
    expect(audit.filter((a) => a.actor === USERS.mallory).map((a) => [a.action, a.detail])).toEqual([
      ["verification.accept_refused", { why: "not a deployer" }],
      ["verification.roll_back_refused", { why: "not a deployer" }],
    ]);
    expect(audit.some((a) => a.action === "verification.rollback")).toBe(false);
    expect(await h.gantry.store.getLock("checkout-api", "canary")).toBeUndefined();
    // Still verifying, with both buttons for those who may press them.
    const shown = blocksOf(h, now);
    expect(shown).toContain("verify_accept");
    expect(shown).toContain("verify_rollback");
  });
});
