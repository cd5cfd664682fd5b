import { describe, expect, it } from "vitest";
import type { GantryConfig } from "../../src/config/schema.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { answer, blocksOf, checkoutConfig, click, command, dispatchedShas, tag } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

/** dev → staging → production, where production takes only what passed staging. */
function chain(production: Record<string, unknown> = {}): GantryConfig {
  return checkoutConfig({
    dev: {},
    staging: { promoteFrom: "dev" },
    production: { promoteFrom: "staging", ...production },
  });
}

const productionDeploys = () => h.gantry.store.history("checkout-api", "production");

describe("attack: skipping the promotion chain", () => {
  it("refuses /promote from dev to production, saying which source production promotes from and what to type", async () => {
    h = await startHarness({ config: chain() });
    const v1 = tag(h, "v1");
    expect((await command(h, USERS.alice, "/deploy", "checkout-api v1 to dev")).deploy!.state).toBe("succeeded");

    const skipped = await command(h, USERS.alice, "/promote", "checkout-api from dev to production");
    expect(skipped.deploy).toBeUndefined();
    expect(skipped.text).toContain("*production* takes promotions only from *staging*");
    expect(skipped.text).toContain("`/promote checkout-api to production`");
    expect(await productionDeploys()).toEqual([]);
    expect(dispatchedShas(h)).toEqual([v1]);
    const refused = (await h.gantry.store.listAudit({ service: "checkout-api" })).filter(
      (a) => a.action === "promote.refused",
    );
    expect(refused.map((a) => a.detail)).toEqual([{ why: "wrong_source", from: "dev", promoteFrom: "staging" }]);
  });

  it("refuses a Promote button whose value names a dev deploy as the source of a production promotion", async () => {
    h = await startHarness({ config: chain() });
    tag(h, "v1");
    const dev = (await command(h, USERS.alice, "/deploy", "checkout-api v1 to dev")).deploy!;
    // dev's message offers "Promote to staging"; the attacker sends it with production instead.
    expect(blocksOf(h, dev)).toContain("Promote to staging");
    await click(h, USERS.alice, dev, "promote_deploy:production", `${dev.id}:production`);
    const refusal = await answer(h, USERS.alice, "takes promotions only from *staging*");
    expect(refusal.text).toContain("`/promote checkout-api to production`");
    expect(await productionDeploys()).toEqual([]);
  });

  it("holds a Promote button to the lock a typed /promote meets", async () => {
    h = await startHarness({ config: chain() });
    tag(h, "v1");
    await command(h, USERS.alice, "/deploy", "checkout-api v1 to dev");
    const staging = (await command(h, USERS.alice, "/promote", "checkout-api to staging")).deploy!;
    await command(h, USERS.carol, "/deploy", 'lock checkout-api production "release freeze"');
    await click(h, USERS.alice, staging, "promote_deploy:production", `${staging.id}:production`);
    await answer(h, USERS.alice, `locked by <@${USERS.carol}>`);
    expect(await productionDeploys()).toEqual([]);
  });

  it("still promotes along the chain, and the approval message says where the promotion comes from", async () => {
    h = await startHarness({ config: chain({ approvals: { approvers: [USERS.carol] } }) });
    const v1 = tag(h, "v1");
    await command(h, USERS.alice, "/deploy", "checkout-api v1 to dev");
    const staging = (await command(h, USERS.alice, "/promote", "checkout-api to staging")).deploy!;
    expect(staging).toMatchObject({ state: "succeeded", sha: v1 });

    const res = await h.client.command(USERS.alice, "/promote", "checkout-api from staging to production", {
      channel: CHANNEL,
    });
    expect(res.body).toBe("");
    const [pending] = await productionDeploys();
    const d = await h.until(
      pending!.id,
      (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null,
    );
    const message = h.slack.findMessage(d.slackChannel!, d.slackTs!)!;
    expect(JSON.stringify(message.blocks)).toContain(`*From:* *staging*, #${staging.id} (\`${v1.slice(0, 7)}\`)`);
    expect(message.text).toContain(`from staging #${staging.id}`);

    await click(h, USERS.carol, d, "approve_deploy", String(d.id));
    expect((await h.finished(d.id)).state).toBe("succeeded");
    expect(dispatchedShas(h)).toEqual([v1, v1, v1]);
  });
});
