import { describe, expect, it } from "vitest";
import type { GantryConfig } from "../../src/config/schema.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { checkoutConfig } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

/** checkout-api is deployed only by @platform (alice, bob); billing-worker by anyone. */
function config(): GantryConfig {
  const billing = { repo: "acme/billing-worker", mode: "deployment", environments: { staging: {} } };
  return checkoutConfig(
    { staging: { deployers: ["@platform"] }, production: { promoteFrom: "staging" } },
    { services: { "billing-worker": billing } },
  );
}

async function openForm(user: string) {
  await h.client.command(user, "/deploy", "", { channel: CHANNEL });
  return h.slack.waitForView(
    (v) => v.kind === "modal" && v.user === user && !v.closed && v.view.callback_id === "deploy_form",
  );
}

const refListings = () => h.gh.calls.filter((c) => c.path.endsWith("/branches") || c.path.endsWith("/tags"));

describe("attack: listing every repository's branches through block_suggestion", () => {
  it("suggests no refs of a service to someone who may not deploy it anywhere, and asks GitHub nothing", async () => {
    h = await startHarness({ config: config() });
    h.gh.addCommit("acme/checkout-api", { message: "secret work", branch: "security/embargoed-fix" });
    await openForm(USERS.mallory);
    const none = await h.client.blockSuggestion(USERS.mallory, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: "",
    });
    expect(none.options).toEqual([]);
    const typed = await h.client.blockSuggestion(USERS.mallory, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: "security",
    });
    expect(typed.options).toEqual([]);
    expect(refListings()).toEqual([]);
  });

  it("still suggests the refs of a service the person may deploy, and of any service to its deployers", async () => {
    h = await startHarness({ config: config() });
    h.gh.addCommit("acme/billing-worker", { message: "faster invoices", branch: "feature/invoices" });
    await openForm(USERS.mallory);
    await h.client.viewSelect(USERS.mallory, {
      view: "modal",
      actionId: "deploy_form_service",
      option: "billing-worker",
    });
    await h.slack.waitForView((v) => v.user === USERS.mallory && v.kind === "modal" && v.updates === 1);
    const billing = await h.client.blockSuggestion(USERS.mallory, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: "",
    });
    expect(billing.options.map((o) => o.value)).toEqual(["main", "feature/invoices"]);

    await openForm(USERS.bob);
    const checkout = await h.client.blockSuggestion(USERS.bob, {
      view: "modal",
      actionId: "deploy_form_ref",
      value: "",
    });
    expect(checkout.options.map((o) => o.value)).toEqual(["main"]);
  });
});
