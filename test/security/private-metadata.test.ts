import { describe, expect, it } from "vitest";
import type { GantryConfig } from "../../src/config/schema.js";
import type { EmulatedView } from "../../sandbox/slack/types.js";
import { CHANNEL, startHarness, testConfig, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { checkoutConfig } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

const OPS = "C0OPS";
const SECRET = "C0SECRET";

async function startWithChannels(config: GantryConfig = testConfig()): Promise<void> {
  h = await startHarness({ config });
  h.slack.addChannel({ id: OPS, name: "ops" });
  h.slack.addChannel({ id: SECRET, name: "board-only" });
}

/** `/deploy` alone in `channel`, then staging picked: the form is ready to submit. */
async function deployForm(user: string, channel: string): Promise<EmulatedView> {
  await h.client.command(user, "/deploy", "", { channel });
  const form = await h.slack.waitForView(
    (v) => v.kind === "modal" && v.user === user && !v.closed && v.view.callback_id === "deploy_form",
  );
  h.slack.enter(form.id, "deploy_form_env", "staging");
  return form;
}

const postedIn = (channel: string) =>
  h.slack.messages(channel).concat(h.slack.ephemerals().filter((m) => m.channel === channel));

describe("attack: private_metadata chooses what matters", () => {
  it("announces a deploy where its form was opened, whatever channel a forged private_metadata names", async () => {
    await startWithChannels();
    await deployForm(USERS.alice, OPS);
    await h.client.viewSubmission(USERS.alice);
    const [first] = await h.gantry.store.history("checkout-api", "staging", 1);
    expect((await h.finished(first!.id)).slackChannel).toBe(OPS);

    await deployForm(USERS.mallory, OPS);
    const res = await h.client.viewSubmission(USERS.mallory, { privateMetadata: JSON.stringify({ channel: SECRET }) });
    expect(res.status).toBe(200);
    const [second] = await h.gantry.store.history("checkout-api", "staging", 1);
    expect(second!.id).not.toBe(first!.id);
    const done = await h.finished(second!.id);
    // The forgery is ignored: without a channel Gantry can vouch for, the service's team channel hears of it.
    expect(done.slackChannel).toBe(CHANNEL);
    expect(postedIn(SECRET)).toEqual([]);
  });

  it("ignores metadata signed for another person's form", async () => {
    await startWithChannels();
    const alices = await deployForm(USERS.alice, SECRET);
    h.slack.closeView(alices.id);
    await deployForm(USERS.mallory, OPS);
    await h.client.viewSubmission(USERS.mallory, { privateMetadata: alices.view.private_metadata as string });
    const [d] = await h.gantry.store.history("checkout-api", "staging", 1);
    expect((await h.finished(d!.id)).slackChannel).toBe(CHANNEL);
    expect(postedIn(SECRET)).toEqual([]);
  });

  it("refuses a lock form whose private_metadata names another environment and channel", async () => {
    await startWithChannels();
    await h.client.blockAction(
      USERS.alice,
      { actionId: "open_lock_form", value: "checkout-api:staging" },
      { channel: OPS },
    );
    const form = await h.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.alice && v.view.callback_id === "lock_form",
    );
    const forged = JSON.stringify({ service: "checkout-api", environment: "production", channel: SECRET });
    const res = await h.client.viewSubmission(USERS.alice, { id: form.id, privateMetadata: forged });
    expect(res.json).toEqual({
      response_action: "errors",
      errors: { lock_duration: "This form is out of date: open it again." },
    });
    expect(await h.gantry.store.listLocks()).toEqual([]);
    expect(postedIn(SECRET)).toEqual([]);

    await h.client.viewSubmission(USERS.alice, { id: form.id });
    await h.slack.waitForEphemeral(
      (m) => m.channel === OPS && m.visibleTo === USERS.alice && m.text.includes("Locked *checkout-api* in *staging*"),
    );
    expect((await h.gantry.store.listLocks()).map((l) => l.environment)).toEqual(["staging"]);
  });

  it("refuses a Reject modal whose private_metadata names another deploy", async () => {
    const gated = { approvals: { required: 1, approvers: [USERS.bob] } };
    await startWithChannels(
      checkoutConfig(
        { production: gated },
        {
          services: {
            "billing-worker": { repo: "acme/billing-worker", mode: "deployment", environments: { production: gated } },
          },
        },
      ),
    );
    await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    await h.client.command(USERS.alice, "/deploy", "billing-worker main to production", { channel: CHANNEL });
    const [a] = await h.gantry.store.history("checkout-api", "production", 1);
    const [b] = await h.gantry.store.history("billing-worker", "production", 1);
    const pendingA = await h.until(
      a!.id,
      (d) => d.state === "pending_approval" && d.slackTs !== null && d.changeSummary !== null,
    );
    await h.until(b!.id, (d) => d.state === "pending_approval" && d.changeSummary !== null);

    await h.client.blockAction(USERS.bob, {
      actionId: "reject_deploy",
      value: String(a!.id),
      message: { channel: pendingA.slackChannel!, ts: pendingA.slackTs! },
    });
    await h.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.bob && v.view.callback_id === "reject_deploy_modal",
    );
    h.slack.enter(h.slack.openModal(USERS.bob)!.id, "reason", "not today");
    const res = await h.client.viewSubmission(USERS.bob, { privateMetadata: String(b!.id) });
    expect(res.json).toEqual({
      response_action: "errors",
      errors: { reason: "This form is out of date: open it again." },
    });
    expect((await h.gantry.store.getDeployment(b!.id))!.state).toBe("pending_approval");
    expect((await h.gantry.store.getDeployment(a!.id))!.state).toBe("pending_approval");
  });
});
