import { describe, expect, it } from "vitest";
import type { GantryConfig } from "../../src/config/schema.js";
import { startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { answer, blocksOf, checkoutConfig, click, command, dispatchedShas, tag } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

function config(): GantryConfig {
  return checkoutConfig({
    staging: {},
    production: { deployers: ["@platform", USERS.carol], jira: { project: "CHG", required: true } },
  });
}

const productionDeploys = () => h.gantry.store.history("checkout-api", "production");

describe("attack: Retry replays history", () => {
  it("refuses Retry on an old rollback once a newer fix runs, so its old SHA never goes over the fix", async () => {
    h = await startHarness({ config: config(), jira: true });
    const v1 = tag(h, "v1");
    await command(h, USERS.alice, "/deploy", "checkout-api v1 to production");
    const v2 = tag(h, "v2");
    const bad = (await command(h, USERS.alice, "/deploy", "checkout-api v2 to production")).deploy!;
    // Jira is down, so the rollback fails before anything reaches GitHub: its Retry button is real.
    h.jira!.down = true;
    const rollback = (await command(h, USERS.bob, "/rollback", "checkout-api production")).deploy!;
    h.jira!.down = false;
    expect(rollback).toMatchObject({
      kind: "rollback",
      state: "failed",
      sha: v1,
      replacesId: bad.id,
      runId: null,
    });
    expect(blocksOf(h, rollback)).toContain("retry_deploy");
    // A fix ships, and Carol locks production to watch it.
    const v3 = tag(h, "v3");
    const fix = (await command(h, USERS.alice, "/deploy", "checkout-api v3 to production")).deploy!;
    expect(fix.state).toBe("succeeded");
    await command(h, USERS.carol, "/deploy", 'lock checkout-api production "watching the fix"');

    await click(h, USERS.bob, rollback, "retry_deploy", String(rollback.id));
    const refusal = await answer(h, USERS.bob, `#${fix.id} was asked for in *production* after #${rollback.id}`);
    expect(refusal.text).toContain("`/rollback checkout-api production`");
    expect((await productionDeploys())[0]!.id).toBe(fix.id);
    expect((await h.gantry.store.getDeployment(fix.id))!.state).toBe("succeeded");
    expect(dispatchedShas(h)).toEqual([v1, v2, v3]);
    const refused = (await h.gantry.store.listAudit({ deploymentId: rollback.id })).filter(
      (a) => a.action === "retry.refused",
    );
    expect(refused.map((a) => a.detail)).toEqual([{ why: "superseded", by: fix.id }]);
  });

  it("refuses a Roll back button drawn for a deploy that no longer runs, and rolls back from what runs now when it does", async () => {
    h = await startHarness({ config: config() });
    const v1 = tag(h, "v1");
    const first = (await command(h, USERS.alice, "/deploy", "checkout-api v1 to staging")).deploy!;
    const v2 = tag(h, "v2");
    await command(h, USERS.alice, "/deploy", "checkout-api v2 to staging");
    tag(h, "v3");
    const fix = (await command(h, USERS.alice, "/deploy", "checkout-api v3 to staging")).deploy!;
    // The old message's button, and the newest message's button with the old deploy's id in its value.
    await click(h, USERS.bob, first, "rollback_deploy", String(first.id));
    await answer(h, USERS.bob, `#${first.id} is no longer what runs in *staging* (#${fix.id} is)`);
    await click(h, USERS.bob, fix, "rollback_deploy", String(first.id));
    await h.slack.waitForEphemeral((m) => m.visibleTo === USERS.bob && h.slack.ephemerals(USERS.bob).length === 2);
    expect((await h.gantry.store.history("checkout-api", "staging", 1))[0]!.id).toBe(fix.id);

    await click(h, USERS.bob, fix, "rollback_deploy", String(fix.id));
    await h.until(fix.id, (d) => d.state === "rolled_back");
    const [back] = await h.gantry.store.history("checkout-api", "staging", 1);
    expect(await h.finished(back!.id)).toMatchObject({
      kind: "rollback",
      state: "succeeded",
      sha: v2,
      replacesId: fix.id,
    });
    expect(dispatchedShas(h).filter((sha) => sha === v1)).toHaveLength(1);
  });

  it("refuses Retry on a succeeded deploy, and creates nothing", async () => {
    h = await startHarness({ config: config() });
    const done = (await command(h, USERS.alice, "/deploy", "checkout-api main to staging")).deploy!;
    await click(h, USERS.alice, done, "retry_deploy", String(done.id));
    const refusal = await answer(h, USERS.alice, "only a deploy that failed before reaching GitHub can be retried");
    expect(refusal.text).toContain("`/deploy checkout-api main to staging`");
    expect(await h.gantry.store.history("checkout-api")).toHaveLength(1);
    expect(dispatchedShas(h)).toHaveLength(1);
  });

  it("refuses Retry on a deploy whose run failed on GitHub (it reached the CI)", async () => {
    h = await startHarness({ config: config() });
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    const failed = (await command(h, USERS.alice, "/deploy", "checkout-api main to staging")).deploy!;
    expect(failed.state).toBe("failed");
    expect(blocksOf(h, failed)).not.toContain("retry_deploy");
    await click(h, USERS.alice, failed, "retry_deploy", String(failed.id));
    await answer(h, USERS.alice, `#${failed.id} reached GitHub, so Retry could run it a second time`);
    expect(await h.gantry.store.history("checkout-api")).toHaveLength(1);
  });

  it("retries a deploy that failed before reaching GitHub, as a new request by whoever clicked, through every check", async () => {
    h = await startHarness({ config: config(), jira: true });
    h.jira!.down = true;
    const failed = (await command(h, USERS.alice, "/deploy", "checkout-api main to production")).deploy!;
    expect(failed.state).toBe("failed");
    expect(blocksOf(h, failed)).toContain("retry_deploy");
    h.jira!.down = false;
    // Mallory may not deploy to production: her Retry is refused like her command would be.
    await click(h, USERS.mallory, failed, "retry_deploy", String(failed.id));
    await answer(h, USERS.mallory, "You may not deploy *checkout-api* to *production*");
    await click(h, USERS.bob, failed, "retry_deploy", String(failed.id));
    await h.slack.waitForMessage((m) => m.text.includes(`(#${failed.id + 1})`));
    const [again] = await productionDeploys();
    expect(again!.id).toBe(failed.id + 1);
    expect(await h.finished(again!.id)).toMatchObject({
      state: "succeeded",
      requester: USERS.bob,
      kind: "deploy",
      ref: "main",
    });
  });
});
