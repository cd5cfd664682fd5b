import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import { listButtons } from "../../sandbox/slack/buttons.js";
import type { ViewSubmission } from "../../sandbox/slack/payloads.js";
import type { EmulatedView } from "../../sandbox/slack/types.js";
import { CHANNEL, startHarness, testConfig, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

const REPO = "acme/checkout-api";
const option = (value: string) => ({ text: { type: "plain_text" as const, text: value }, value });

/** Tags and a feature branch next to main, so the ref field has something to suggest. */
async function start(config?: GantryConfig): Promise<{ tagSha: string; featureSha: string }> {
  h = await startHarness(config ? { config } : {});
  const tagSha = h.gh.addCommit(REPO, { message: "Release 1.4.2" });
  h.gh.setTag(REPO, "v1.4.1", tagSha);
  h.gh.setTag(REPO, "v1.4.2", tagSha);
  const featureSha = h.gh.addCommit(REPO, { message: "Pay with points", branch: "feature/points" });
  return { tagSha, featureSha };
}

/** `/deploy` with nothing after it: no text back, and a modal on the person's screen. */
async function openForm(user: string): Promise<EmulatedView> {
  const res = await h.client.command(user, "/deploy", "", { channel: CHANNEL });
  expect([res.status, res.body]).toEqual([200, ""]);
  // The command is answered once decided: the form is open, and redrawn if the user groups closed an environment.
  return h.slack.waitForView(
    (v) => v.kind === "modal" && v.user === user && !v.closed && v.view.callback_id === "deploy_form",
  );
}

type Select = {
  block_id: string;
  element: { action_id: string; options?: { value: string }[]; initial_option?: { value: string } };
};
const inputs = (v: EmulatedView) => (v.view.blocks as Select[]).filter((b) => "element" in b);
const envOptions = (v: EmulatedView) =>
  inputs(v)
    .find((b) => b.element.action_id === "deploy_form_env")
    ?.element.options?.map((o) => o.value);
const deploys = () => h.gantry.store.history("checkout-api");
/** What the form shows once Gantry's checks after the acknowledgement are done: the form again, or where to look. */
const decided = (id: string) =>
  h.slack.waitForView(
    (v) =>
      v.id === id &&
      (v.view.callback_id === "deploy_form_done" ||
        (v.view.callback_id === "deploy_form" && JSON.stringify(v.view.blocks).includes(":warning:"))),
  );
const checking = { response_action: "update", view: expect.objectContaining({ callback_id: "deploy_form_checking" }) };

describe("the deploy form", () => {
  it("opens on /deploy, suggests GitHub's refs, and deploys through the same path as the command", async () => {
    const { tagSha } = await start();
    const form = await openForm(USERS.alice);
    expect(inputs(form).map((b) => b.block_id)).toEqual([
      "deploy_service",
      "deploy_env_checkout-api",
      "deploy_ref_checkout-api",
      "deploy_reason",
    ]);
    expect(inputs(form)[0]?.element.initial_option?.value).toBe("checkout-api");
    expect(envOptions(form)).toEqual(["staging", "production"]);

    const tags = await h.client.blockSuggestion(USERS.alice, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: "v1",
    });
    expect(tags.options.map((o) => o.value)).toEqual(["v1.4.2", "v1.4.1"]);
    const all = await h.client.blockSuggestion(USERS.alice, { view: "modal", actionId: "deploy_form_ref", value: "" });
    expect(all.options.map((o) => o.value)).toEqual(["v1.4.2", "v1.4.1", "main", "feature/points"]);
    expect(
      (all.json as { option_groups: { label: { text: string } }[] }).option_groups.map((g) => g.label.text),
    ).toEqual(["Recent tags", "Branches"]);
    const typed = await h.client.blockSuggestion(USERS.alice, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: tagSha.slice(0, 10),
    });
    expect(typed.options.map((o) => o.value)).toEqual([tagSha.slice(0, 10)]);
    expect(h.gh.calls.filter((c) => c.path.endsWith("/branches") || c.path.endsWith("/tags")).length).toBe(2);

    h.slack.enter(form.id, "deploy_form_env", "staging");
    h.slack.enter(form.id, "deploy_form_ref", tags.options[0]!);
    const res = await h.client.viewSubmission(USERS.alice);
    // The ref is GitHub's to check: the modal says it is checking at once, and then where the deploy is.
    expect([res.status, res.json]).toEqual([200, checking]);
    const done = await decided(form.id);
    expect(done.view.callback_id).toBe("deploy_form_done");
    expect(JSON.stringify(done.view.blocks)).toContain(`is on its way: follow it in <#${CHANNEL}>`);
    const [d] = await deploys();
    expect(d).toMatchObject({
      service: "checkout-api",
      environment: "staging",
      ref: "v1.4.2",
      requester: USERS.alice,
      slackChannel: CHANNEL,
    });
    const finished = await h.finished(d!.id);
    expect(finished).toMatchObject({ state: "succeeded", sha: tagSha });
    await h.slack.waitForMessage(
      (m) => m.channel === CHANNEL && m.ts === finished.slackTs && m.text.startsWith("Succeeded"),
    );
    const audit = await h.gantry.store.listAudit({});
    expect(audit.filter((a) => a.action === "form").map((a) => a.detail)).toEqual([
      { form: "deploy_form", text: "checkout-api v1.4.2 to staging", channel: CHANNEL },
    ]);
  });

  it("shows bad refs, services and environments on their fields and starts nothing", async () => {
    await start();
    const form = await openForm(USERS.alice);
    h.slack.enter(form.id, "deploy_form_env", "staging");
    h.slack.enter(form.id, "deploy_form_ref", option("no-such-branch"));
    const missing = await h.client.viewSubmission(USERS.alice);
    expect(missing.json).toEqual(checking);
    // Drawn again as entered, with GitHub's answer under the ref.
    const again = await decided(form.id);
    expect(again.view.callback_id).toBe("deploy_form");
    const blocks = again.view.blocks as {
      block_id?: string;
      type: string;
      element?: { initial_option?: { value: string } };
    }[];
    const refAt = blocks.findIndex((b) => b.block_id === "deploy_ref_checkout-api");
    expect(blocks[refAt]?.element?.initial_option?.value).toBe("no-such-branch");
    expect(blocks.find((b) => b.block_id === "deploy_env_checkout-api")?.element?.initial_option?.value).toBe(
      "staging",
    );
    expect(JSON.stringify(blocks[refAt + 1])).toContain(
      ":warning: no-such-branch is not a branch, tag or commit in acme/checkout-api",
    );

    h.slack.enter(form.id, "deploy_form_ref", option("bad..ref"));
    const malformed = await h.client.viewSubmission(USERS.alice);
    expect(Object.keys((malformed.json as { errors: object }).errors)).toEqual(["deploy_ref_checkout-api"]);
    expect(JSON.stringify(malformed.json)).toContain("invalid ref bad..ref");

    // A stale or forged submission can still name what the form does not offer.
    const forged = (service: string, env: string): ViewSubmission => ({
      values: {
        deploy_service: { deploy_form_service: { type: "static_select", selected_option: option(service) } },
        [`deploy_env_${service}`]: { deploy_form_env: { type: "static_select", selected_option: option(env) } },
      },
    });
    const badService = await h.client.viewSubmission(USERS.alice, forged("chekout-api", "staging"));
    expect(badService.json).toEqual({
      response_action: "errors",
      errors: { deploy_service: "unknown service chekout-api — did you mean checkout-api?" },
    });
    const badEnv = await h.client.viewSubmission(USERS.alice, forged("checkout-api", "prod"));
    expect(badEnv.json).toMatchObject({
      response_action: "errors",
      errors: { "deploy_env_checkout-api": expect.stringContaining("unknown environment prod for checkout-api") },
    });

    expect(await deploys()).toEqual([]);
    expect(h.gh.calls.filter((c) => c.path.endsWith("/dispatches"))).toEqual([]);
    expect(h.slack.openModal(USERS.alice)?.id).toBe(form.id);
  });

  it("offers only the environments the person may deploy to, and redraws them when the service changes", async () => {
    await start();
    const form = await openForm(USERS.mallory);
    expect(envOptions(form)).toEqual(["staging"]);
    expect(JSON.stringify(form.view.blocks)).toContain("*production*: only `@platform` or <@U0CAROL> may deploy there");

    await h.client.viewSelect(USERS.mallory, {
      view: "modal",
      actionId: "deploy_form_service",
      option: "billing-worker",
    });
    const redrawn = await h.slack.waitForView((v) => v.id === form.id && v.updates === form.updates + 1);
    expect(inputs(redrawn).map((b) => b.block_id)).toEqual([
      "deploy_service",
      "deploy_env_billing-worker",
      "deploy_ref_billing-worker",
      "deploy_reason",
    ]);
    expect(envOptions(redrawn)).toEqual(["staging"]);
    expect(inputs(redrawn)[0]?.element.initial_option?.value).toBe("billing-worker");

    // Production, forged into a submission, is refused by the same rule as the typed command, and audited.
    const res = await h.client.viewSubmission(USERS.mallory, {
      values: {
        deploy_service: { deploy_form_service: { type: "static_select", selected_option: option("checkout-api") } },
        "deploy_env_checkout-api": {
          deploy_form_env: { type: "static_select", selected_option: option("production") },
        },
      },
    });
    // Production's deployers are partly a user group: Slack is asked after the acknowledgement.
    expect(res.json).toEqual(checking);
    const refusedForm = await decided(form.id);
    expect(JSON.stringify(refusedForm.view.blocks)).toContain(
      "You may not deploy checkout-api to production. Deployers there: @platform or @U0CAROL. Ask one of them, or ask to be added in gantry.yml.",
    );
    expect(await deploys()).toEqual([]);
    expect((await h.gantry.store.listAudit({})).filter((a) => a.action === "deploy.refused")).toMatchObject([
      { actor: USERS.mallory, detail: { why: "not a deployer" } },
    ]);
  });

  it("opens from the App Home's Deploy… button and posts the deploy in the service's team channel", async () => {
    await start();
    await h.client.appHomeOpened(USERS.bob);
    await h.slack.waitForView((v) => v.kind === "home" && v.user === USERS.bob);
    await h.client.viewButton(USERS.bob, { view: "home", actionId: "open_deploy_form" });
    const form = await h.slack.waitForView((v) => v.kind === "modal" && v.user === USERS.bob);
    h.slack.enter(form.id, "deploy_form_env", "production");
    const res = await h.client.viewSubmission(USERS.bob);
    expect(res.json).toEqual(checking);
    await decided(form.id);
    const [d] = await deploys();
    expect(d).toMatchObject({ environment: "production", ref: "", requester: USERS.bob, slackChannel: CHANNEL });
    expect((await h.finished(d!.id)).state).toBe("succeeded");
  });
  it("still takes a typed ref when GitHub cannot list the refs", async () => {
    await start();
    h.gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}/branches", status: 404, times: Infinity });
    await openForm(USERS.alice);
    const suggested = await h.client.blockSuggestion(USERS.alice, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: "v1.4.2",
    });
    expect(suggested.options.map((o) => o.value)).toEqual(["v1.4.2"]);
    expect(h.logs.some((l) => l.includes("could not list refs for suggestions"))).toBe(true);
  });
});

describe("the lock form", () => {
  it("opens from a board cell and locks like /deploy lock", async () => {
    await start(testConfig({ locks: { defaultDuration: "4h", warnBefore: "15m" } }));
    await h.client.appHomeOpened(USERS.alice);
    const board = await h.slack.waitForView((v) => v.kind === "home" && v.user === USERS.alice);
    expect(
      listButtons(board.view.blocks as unknown[])
        .filter((b) => b.actionId === "open_lock_form")
        .map((b) => b.value),
    ).toEqual(["checkout-api:staging", "checkout-api:production", "billing-worker:staging"]);
    await h.client.viewButton(USERS.alice, {
      view: "home",
      actionId: "open_lock_form",
      value: "checkout-api:production",
    });
    const form = await h.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.alice && v.view.callback_id === "lock_form",
    );
    expect(form.view.state).toMatchObject({
      values: { lock_duration: { lock_form_duration: { selected_option: { value: "4h" } } } },
    });
    h.slack.enter(form.id, "lock_form_duration", "2h");
    h.slack.enter(form.id, "lock_form_reason", "load test");
    const res = await h.client.viewSubmission(USERS.alice);
    expect([res.status, res.body]).toEqual([200, ""]);
    await h.slack.waitForMessage(
      (m) => m.channel === "D0ALICE" && m.text.includes("Locked *checkout-api* in *production* for 2h: load test"),
    );
    const lock = await h.gantry.store.getLock("checkout-api", "production");
    expect(lock).toMatchObject({ holder: USERS.alice, reason: "load test" });
    expect(Date.parse(lock!.expiresAt) - Date.parse(lock!.createdAt)).toBe(2 * 3_600_000);
    const locked = await h.slack.waitForView(
      (v) => v.kind === "home" && v.user === USERS.alice && JSON.stringify(v.view.blocks).includes("load test"),
    );
    expect(
      listButtons(locked.view.blocks as unknown[]).find((b) => b.value === "checkout-api:production")?.actionId,
    ).toBe("unlock_env");

    // Bob may not deploy there while it is locked; the form says so on the field.
    await h.client.command(USERS.bob, "/deploy", "", { channel: CHANNEL });
    const bobForm = await h.slack.waitForView((v) => v.kind === "modal" && v.user === USERS.bob);
    h.slack.enter(bobForm.id, "deploy_form_env", "production");
    const refused = await h.client.viewSubmission(USERS.bob);
    expect(refused.json).toEqual(checking);
    expect(JSON.stringify((await decided(bobForm.id)).view.blocks)).toContain("is locked by @U0ALICE");
    expect(await deploys()).toEqual([]);

    await h.client.viewButton(USERS.alice, { view: "home", actionId: "unlock_env", value: "checkout-api:production" });
    await h.slack.waitForMessage(
      (m) => m.channel === "D0ALICE" && m.text.includes("Unlocked *checkout-api* in *production*"),
    );
    expect(await h.gantry.store.getLock("checkout-api", "production")).toBeUndefined();
  });
});
