import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  App,
  LogLevel,
  type BlockAction,
  type BlockSuggestion,
  type ButtonAction,
  type StaticSelectAction,
} from "@slack/bolt";
import type { AppHomeOpenedEvent, KnownBlock, ModalView } from "@slack/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";

const SECRET = "test-signing-secret";
const ALICE = "U0ALICE";

const option = (value: string) => ({ text: { type: "plain_text" as const, text: value }, value });

function form(service: string | undefined): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: "input",
      block_id: "service",
      dispatch_action: true,
      label: { type: "plain_text", text: "Service" },
      element: {
        type: "static_select",
        action_id: "service",
        options: [option("checkout-api"), option("billing")],
        ...(service ? { initial_option: option(service) } : {}),
      },
    },
    {
      type: "input",
      block_id: `env_${service ?? "none"}`,
      label: { type: "plain_text", text: "Environment" },
      element: {
        type: "static_select",
        action_id: "env",
        options: service === "billing" ? [option("staging")] : [option("staging"), option("production")],
      },
    },
    {
      type: "input",
      block_id: "ref",
      label: { type: "plain_text", text: "Ref" },
      element: { type: "external_select", action_id: "ref", min_query_length: 0 },
    },
    {
      type: "input",
      block_id: "reason",
      optional: true,
      label: { type: "plain_text", text: "Reason" },
      element: { type: "plain_text_input", action_id: "reason", max_length: 20 },
    },
  ];
  return {
    type: "modal",
    callback_id: "deploy_form",
    title: { type: "plain_text", text: "Deploy" },
    submit: { type: "plain_text", text: "Deploy" },
    blocks,
  };
}

describe("views through a real Bolt app over HTTP", () => {
  let slack: SlackEmulator;
  let app: App;
  let client: SlackSigningClient;
  const seen: {
    homes: AppHomeOpenedEvent[];
    clicks: BlockAction<ButtonAction>[];
    selects: BlockAction<StaticSelectAction>[];
    suggestions: BlockSuggestion[];
    submitted: unknown[];
  } = {
    homes: [],
    clicks: [],
    selects: [],
    suggestions: [],
    submitted: [],
  };

  beforeEach(async () => {
    for (const list of Object.values(seen)) list.length = 0;
    slack = new SlackEmulator({ botToken: "xoxb-test" });
    await slack.start();
    slack.addUser({ id: ALICE, name: "alice" });
    app = new App({
      token: "xoxb-test",
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.event("app_home_opened", async ({ event, client: web }) => {
      seen.homes.push(event);
      await web.views.publish({
        user_id: event.user,
        view: {
          type: "home",
          blocks: [
            { type: "section", text: { type: "mrkdwn", text: `Opened ${seen.homes.length} times` } },
            {
              type: "actions",
              block_id: "board",
              elements: [
                { type: "button", action_id: "open_form", value: "x", text: { type: "plain_text", text: "Deploy…" } },
              ],
            },
          ],
        },
      });
    });
    app.action<BlockAction<ButtonAction>>("open_form", async ({ ack, body, client: web }) => {
      seen.clicks.push(body);
      await ack();
      await web.views.open({ trigger_id: body.trigger_id, view: form(undefined) });
    });
    app.action<BlockAction<StaticSelectAction>>("service", async ({ ack, body, action, client: web }) => {
      seen.selects.push(body);
      await ack();
      await web.views.update({
        view_id: body.view!.id,
        hash: body.view!.hash,
        view: form(action.selected_option.value),
      });
    });
    app.options("ref", async ({ ack, options }) => {
      seen.suggestions.push(options as BlockSuggestion);
      await ack({ options: ["main", "v1.4.2", "v1.4.1"].filter((r) => r.startsWith(options.value)).map(option) });
    });
    app.view("deploy_form", async ({ ack, view }) => {
      seen.submitted.push(view.state.values);
      const ref = view.state.values.ref?.ref?.selected_option?.value;
      await ack(ref === "main" ? { response_action: "errors", errors: { ref: "Pick a tag" } } : undefined);
    });
    const step = (n: number): ModalView => ({
      type: "modal",
      callback_id: `step${n}`,
      title: { type: "plain_text", text: `Step ${n}` },
      submit: { type: "plain_text", text: "Next" },
      blocks: [],
    });
    app.command("/wizard", async ({ ack, body, client: web }) => {
      await ack();
      await web.views.open({ trigger_id: body.trigger_id, view: step(1) });
    });
    app.view("step1", async ({ ack, view }) =>
      ack(view.private_metadata === "done" ? { response_action: "clear" } : { response_action: "push", view: step(2) }),
    );
    app.view("step2", async ({ ack }) => ack({ response_action: "update", view: step(3) }));
    app.view("step3", async ({ ack }) => ack());
    const server = (await app.start(0)) as Server;
    client = new SlackSigningClient({
      botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      signingSecret: SECRET,
      slack,
    });
  });

  afterEach(async () => {
    await app.stop();
    await slack.stop();
  });

  it("answers url_verification and delivers app_home_opened as an Events API callback", async () => {
    const challenge = await client.urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    // Slack accepts the challenge as plain text or, as Bolt answers, as JSON.
    expect([challenge.status, challenge.json]).toEqual([
      200,
      { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
    ]);
    expect((await client.appHomeOpened(ALICE)).status).toBe(200);
    const first = await slack.waitForView((v) => v.kind === "home" && v.user === ALICE);
    expect(seen.homes[0]).toMatchObject({ type: "app_home_opened", user: ALICE, tab: "home", channel: "D0ALICE" });
    expect(seen.homes[0]?.view).toBeUndefined();
    await client.appHomeOpened(ALICE);
    await slack.waitForView((v) => v.kind === "home" && v.updates === 1);
    // The second time Slack shows the app the Home tab it published.
    expect(seen.homes[1]?.view).toMatchObject({ id: first.id, type: "home" });
    expect(slack.homeView(ALICE)?.view.blocks).toMatchObject([
      { text: { text: "Opened 2 times" } },
      { block_id: "board" },
    ]);
  });

  it("clicks a Home tab button with a view container, and fills a modal's selects, suggestions and text", async () => {
    await client.appHomeOpened(ALICE);
    const home = await slack.waitForView((v) => v.kind === "home");
    await client.viewButton(ALICE, { view: "home", actionId: "open_form" });
    const modal = await slack.waitForView((v) => v.kind === "modal" && v.user === ALICE);
    expect(seen.clicks[0]).toMatchObject({
      container: { type: "view", view_id: home.id },
      view: { id: home.id, type: "home" },
      actions: [{ action_id: "open_form", value: "x", block_id: "board" }],
    });
    expect(seen.clicks[0]).not.toHaveProperty("response_url");
    expect(seen.clicks[0]).not.toHaveProperty("channel");

    // A select in an input block with dispatch_action tells the app, which updates the modal.
    await client.viewSelect(ALICE, { view: "modal", actionId: "service", option: "billing" });
    const updated = await slack.waitForView((v) => v.id === modal.id && v.updates === 1);
    expect(seen.selects[0]).toMatchObject({
      container: { type: "view", view_id: modal.id },
      actions: [{ type: "static_select", action_id: "service", selected_option: { value: "billing" } }],
    });
    expect(seen.selects[0]?.view?.state.values.service?.service?.selected_option?.value).toBe("billing");
    expect(updated.view.state).toMatchObject({
      values: {
        service: { service: { selected_option: { value: "billing" } } },
        env_billing: { env: { selected_option: null } },
      },
    });
    // A select without dispatch_action only changes the state; an unknown option is refused.
    expect(await client.viewSelect(ALICE, { view: "modal", actionId: "env", option: "staging" })).toBeUndefined();
    expect(() => slack.enter(modal.id, "env", "production")).toThrow(/offers no option/);

    const suggested = await client.blockSuggestion(ALICE, { view: "modal", actionId: "ref", value: "v1" });
    expect(suggested.options.map((o) => o.value)).toEqual(["v1.4.2", "v1.4.1"]);
    expect(seen.suggestions[0]).toMatchObject({
      type: "block_suggestion",
      action_id: "ref",
      block_id: "ref",
      value: "v1",
      container: { type: "view", view_id: modal.id },
      view: { id: modal.id },
    });

    // Slack's client refuses an empty required field and an overlong text before sending anything.
    slack.enter(modal.id, "reason", "x".repeat(21));
    const refused = await client.viewSubmission(ALICE);
    expect(refused.clientErrors).toEqual({ ref: "This field is required.", reason: "Must be at most 20 characters." });
    expect(seen.submitted).toEqual([]);

    slack.enter(modal.id, "ref", { text: { type: "plain_text", text: "main" }, value: "main" });
    slack.enter(modal.id, "reason", "hotfix");
    const errors = await client.viewSubmission(ALICE);
    expect(errors.json).toEqual({ response_action: "errors", errors: { ref: "Pick a tag" } });
    expect(slack.openModal(ALICE)?.errors).toEqual({ ref: "Pick a tag" });
    expect(seen.submitted[0]).toEqual({
      service: {
        service: {
          type: "static_select",
          selected_option: { text: { type: "plain_text", text: "billing" }, value: "billing" },
        },
      },
      env_billing: {
        env: {
          type: "static_select",
          selected_option: { text: { type: "plain_text", text: "staging" }, value: "staging" },
        },
      },
      ref: {
        ref: {
          type: "external_select",
          selected_option: { text: { type: "plain_text", text: "main" }, value: "main" },
        },
      },
      reason: { reason: { type: "plain_text_input", value: "hotfix" } },
    });

    slack.enter(modal.id, "ref", suggested.options[0]!);
    const ok = await client.viewSubmission(ALICE);
    expect([ok.status, ok.body]).toEqual([200, ""]);
    expect(slack.openModal(ALICE)).toBeUndefined();
    expect(slack.view(modal.id)?.closed).toBe(true);
    expect(() => client.viewSubmissionPayload(ALICE)).toThrow(/no open modal/);
    expect(slack.calls.filter((c) => c.unexpected)).toEqual([]);
  });

  it("stacks, replaces and closes modals as the app's answers say", async () => {
    await client.command(ALICE, "/wizard", "");
    const first = await slack.waitForView((v) => v.view.callback_id === "step1");
    await client.viewSubmission(ALICE);
    const second = slack.openModal(ALICE)!;
    expect(second.view).toMatchObject({ callback_id: "step2", previous_view_id: first.id, root_view_id: first.id });
    await client.viewSubmission(ALICE);
    expect(slack.openModal(ALICE)).toMatchObject({
      id: second.id,
      view: { callback_id: "step3", previous_view_id: first.id },
    });
    // Closing the top of the stack shows the view under it again; `clear` closes them all.
    await client.viewSubmission(ALICE);
    expect(slack.openModal(ALICE)?.id).toBe(first.id);
    await client.viewSubmission(ALICE, { privateMetadata: "done" });
    expect(slack.openModal(ALICE)).toBeUndefined();
    expect(slack.views(ALICE).map((v) => v.closed)).toEqual([true, true]);
  });
});
