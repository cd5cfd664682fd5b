import { describe, expect, it } from "vitest";
import type { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { answer, blocksOf, checkoutConfig, click, dispatches } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

const BOB_GH = { name: "Bob", email: "bob@acme.test", login: "Bob-GH" };
const DAVE_GH = { name: "Dave", email: "dave@acme.test", login: "dave-gh" };

/** Production needs one approval from @release (alice, bob, dave); `excludeAuthors` as given. */
function config(excludeAuthors: boolean | undefined): GantryConfig {
  const approvals = { approvers: ["@release"], ...(excludeAuthors === undefined ? {} : { excludeAuthors }) };
  return checkoutConfig({ production: { approvals } }, { people: { "bob-gh": USERS.bob, "dave-gh": USERS.dave } });
}

async function requestProduction(): Promise<Deployment> {
  await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL });
  const [d] = await h.gantry.store.history("checkout-api", "production", 1);
  return h.until(d!.id, (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null);
}

describe("attack: approving your own change by being its author", () => {
  it("refuses the vote of someone whose commit is in the change, with excludeAuthors, and audits it", async () => {
    h = await startHarness({ config: config(true) });
    h.gh.addCommit("acme/checkout-api", { message: "PAY-3 quiet change", branch: "main", author: BOB_GH });
    const d = await requestProduction();
    expect(blocksOf(h, d)).toContain(`<@${USERS.bob}> wrote commits in this change, so cannot approve it`);

    await click(h, USERS.bob, d, "approve_deploy", String(d.id));
    const refusal = await answer(h, USERS.bob, `You wrote commits in #${d.id}`);
    expect(refusal.text).toContain("`approvals.excludeAuthors`");
    expect(await h.gantry.store.votes(d.id)).toEqual([]);
    expect(dispatches(h)).toHaveLength(0);
    const refused = (await h.gantry.store.listAudit({ deploymentId: d.id })).filter((a) => a.action === "vote.refused");
    expect(refused.map((a) => [a.actor, a.detail.why])).toEqual([[USERS.bob, "author"]]);

    await click(h, USERS.dave, d, "approve_deploy", String(d.id));
    expect((await h.finished(d.id)).state).toBe("succeeded");
  });

  it("lets an author say no: a Reject from them still ends the request", async () => {
    h = await startHarness({ config: config(true) });
    h.gh.addCommit("acme/checkout-api", { message: "PAY-7 not ready", branch: "main", author: BOB_GH });
    const d = await requestProduction();
    await click(h, USERS.bob, d, "reject_deploy", String(d.id));
    await h.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.bob && v.view.callback_id === "reject_deploy_modal",
    );
    h.slack.enter(h.slack.openModal(USERS.bob)!.id, "reason", "my change is not ready");
    await h.client.viewSubmission(USERS.bob);
    expect(await h.finished(d.id)).toMatchObject({ state: "rejected", reason: "rejected: my change is not ready" });
  });

  it("counts an author's approval when excludeAuthors is off (the default)", async () => {
    h = await startHarness({ config: config(undefined) });
    h.gh.addCommit("acme/checkout-api", { message: "PAY-4 change", branch: "main", author: BOB_GH });
    const d = await requestProduction();
    await click(h, USERS.bob, d, "approve_deploy", String(d.id));
    expect((await h.finished(d.id)).state).toBe("succeeded");
  });

  it("judges authorship on the commit that will ship: when the branch moves, the new change's author may not approve", async () => {
    h = await startHarness({ config: config(true) });
    h.gh.addCommit("acme/checkout-api", { message: "PAY-5 first", branch: "main", author: BOB_GH });
    const d = await requestProduction();
    h.gh.addCommit("acme/checkout-api", { message: "PAY-6 sneaked in", branch: "main", author: DAVE_GH });
    // Dave wrote nothing in the change he approves; then the branch moves and the approvals start over.
    await click(h, USERS.dave, d, "approve_deploy", String(d.id));
    const moved = await h.until(d.id, (x) => x.sha !== d.sha);
    await h.until(d.id, (x) => x.changeSummary?.authors.includes("dave-gh") === true);
    await click(h, USERS.dave, moved, "approve_deploy", String(d.id));
    await answer(h, USERS.dave, `You wrote commits in #${d.id}`);
    expect(dispatches(h)).toHaveLength(0);
  });
});
