import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { actAs, newDeployMessage, openPlayground, screenshot, type, UI_TIMEOUT, type Playground } from "./support.js";

/**
 * The playground in a real headless Chromium: the demo world, Gantry's real HTTP endpoint with signed requests, and
 * the page playing Slack. The steps build on each other like a newcomer's first minutes: the canary, verified on live
 * metrics, then production asked for by Gantry itself, with approvals, a rejection through a modal, then a rollback, then the Home tab and its deploy form.
 */
describe("the playground", { timeout: 120_000 }, () => {
  let pg: Playground;
  beforeAll(async () => {
    pg = await openPlayground();
  }, 120_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail")
      await screenshot(pg.page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
  });
  afterAll(async () => {
    await pg?.stop();
  }, 60_000);

  it("shows the channel with the weekly DORA digest and its chart in the thread", async () => {
    const { page } = pg;
    const digest = page.locator("#messages .message", { hasText: "DORA digest for payments" });
    await expect.poll(() => digest.count(), { timeout: UI_TIMEOUT }).toBe(1);
    await digest.getByRole("button", { name: "1 reply" }).click();
    const chart = page.locator("#thread img.file-image");
    await chart.waitFor();
    await expect
      .poll(() => chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), {
        timeout: UI_TIMEOUT,
      })
      .toBe(true);
    await screenshot(page, "1-digest");
    await page.locator("#close-thread").click();
    // A browser asks for things Gantry does not serve (a favicon): a 404, and Gantry keeps running.
    expect((await fetch(`${pg.demo.gantry.url}/favicon.ico`)).status).toBe(404);
    expect((await fetch(`${pg.demo.gantry.url}/healthz`)).status).toBe(200);
  });

  it("shows /dora only to the person who asked, and /dora --share to everyone", async () => {
    const { page } = pg;
    const dora = page.locator("#messages .message", { hasText: "DORA for payments, last 4 weeks" });
    await type(page, "/dora");
    await dora.locator(".only-you").waitFor();
    await actAs(page, "U0BOB");
    await expect.poll(() => dora.count(), { timeout: UI_TIMEOUT }).toBe(0);
    await type(page, "/dora --share");
    await expect.poll(() => dora.count(), { timeout: UI_TIMEOUT }).toBe(1);
    await actAs(page, "U0ALICE");
    // Alice sees her own answer and bob's shared one.
    await expect.poll(() => dora.count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await page.locator("#messages .message.ephemeral", { hasText: "DORA for payments" }).count()).toBe(1);
  });

  it("deploys to the canary from a typed slash command, updating one message until it is verified", async () => {
    const { page, demo } = pg;
    await page.locator("#composer-input").fill("/dep");
    await expect(page.locator("#hints .hint-syntax").first().textContent()).resolves.toContain("/deploy");
    const message = await newDeployMessage(page, "Deploy checkout-api → canary", () =>
      type(page, "/deploy checkout-api main to canary"),
    );
    // The canary verifies on live metrics (the demo's Prometheus emulator) for its bake, sped up as the runs are.
    await message
      .getByText("Succeeded", { exact: false })
      .first()
      .waitFor({ timeout: UI_TIMEOUT * 2 });
    await message.getByText("(edited)").waitFor();
    expect(await message.locator(".mention").first().textContent()).toBe("@alice");
    await screenshot(page, "2-canary");
    // The side panel shows what GitHub received; the Prometheus emulator answered every reading it was asked for.
    await page.locator("#toggle-calls").click();
    await page.locator("#call-list .call.github", { hasText: "actions/create-workflow-dispatch" }).first().waitFor();
    await page.locator("#close-calls").click();
    expect(demo.gh.calls.some((c) => c.operationId === "actions/create-workflow-dispatch")).toBe(true);
    expect(demo.prometheus.askedQueries().length).toBeGreaterThan(0);
    expect(demo.prometheus.unexpectedCalls()).toEqual([]);
  });

  it("asks for production itself once the canary verified it: the requester's own approval is refused, bob and carol approve, it ships", async () => {
    const { page, demo } = pg;
    const promotions = page.locator("#messages .message:not(.ephemeral)", {
      hasText: "Promote checkout-api → production",
    });
    await expect.poll(() => promotions.count(), { timeout: UI_TIMEOUT }).toBe(1);
    const message = promotions.first();
    await message.getByRole("button", { name: "Approve" }).waitFor();

    await message.getByRole("button", { name: "Approve" }).click();
    const refusal = page.locator("#messages .message.ephemeral", { hasText: "cannot approve it yourself" });
    await refusal.waitFor();
    await expect(refusal.locator(".only-you").textContent()).resolves.toContain("Only visible to you");
    await screenshot(page, "3-own-approval-refused");

    // Ephemerals are for the person who got them: bob does not see alice's.
    await actAs(page, "U0BOB");
    await expect.poll(() => refusal.count(), { timeout: UI_TIMEOUT }).toBe(0);
    await message.getByRole("button", { name: "Approve" }).click();
    await message.getByText("1 of 2", { exact: false }).waitFor();

    await actAs(page, "U0CAROL");
    await message.getByRole("button", { name: "Approve" }).click();
    await message
      .getByText("Succeeded", { exact: false })
      .first()
      .waitFor({ timeout: UI_TIMEOUT * 2 });
    await screenshot(page, "4-production");
    // The change ticket went to Jira, as the side panel shows.
    await page.locator("#toggle-calls").click();
    await page.locator("#call-list .call.jira", { hasText: "createIssue" }).first().waitFor();
    await page.locator("#close-calls").click();
    expect(demo.jira.calls.some((c) => c.operationId === "createIssue")).toBe(true);
  });

  it("refuses a modal with a reason Gantry rejects, showing the error under the field", async () => {
    const { page } = pg;
    await actAs(page, "U0ALICE");
    const message = await newDeployMessage(page, "Promote checkout-api → production", async () => {
      const canary = await newDeployMessage(page, "Deploy checkout-api → canary", () =>
        type(page, "/deploy checkout-api v1.4.2 to canary"),
      );
      await canary
        .getByText("Succeeded", { exact: false })
        .first()
        .waitFor({ timeout: UI_TIMEOUT * 2 });
    });
    await expect.poll(() => message.textContent(), { timeout: UI_TIMEOUT }).toContain("v1.4.2");
    await message.getByRole("button", { name: "Reject" }).waitFor();
    await actAs(page, "U0BOB");
    await message.getByRole("button", { name: "Reject" }).click();
    const modal = page.locator(".modal");
    await modal.waitFor();
    await modal.locator("textarea").fill("   ");
    const submit = modal.locator(".modal-foot").getByRole("button", { name: "Reject" });
    await submit.click();
    await modal.locator(".bk-error", { hasText: "Say why" }).waitFor();
    await screenshot(page, "6-modal-error");
    // Typed text is shown as text, never as markup.
    await modal.locator("textarea").fill("Not during the <b>sale</b>, please");
    await submit.click();
    await modal.waitFor({ state: "detached" });
    await message.getByText("Rejected", { exact: false }).first().waitFor();
    await expect
      .poll(() => message.textContent(), { timeout: UI_TIMEOUT })
      .toContain("Not during the <b>sale</b>, please");
    expect(await message.locator("b", { hasText: /^sale$/ }).count()).toBe(0);
  });

  it("rolls production back to the last good deploy", async () => {
    const { page } = pg;
    await actAs(page, "U0ALICE");
    const message = await newDeployMessage(page, "Roll back checkout-api → production", () =>
      type(page, "/rollback checkout-api production"),
    );
    await message
      .getByText("Succeeded", { exact: false })
      .first()
      .waitFor({ timeout: UI_TIMEOUT * 2 });
    await expect(message.textContent()).resolves.toContain("v1.4.1");
    await screenshot(page, "5-rollback");
  });

  it("opens the App Home board, and deploys from its Deploy… form with ref suggestions", async () => {
    const { page } = pg;
    await actAs(page, "U0ALICE");
    await page.locator("#open-home").click();
    const home = page.locator("#home");
    await home.locator(".bk-blocks", { hasText: "checkout-api" }).waitFor();
    await expect(home.textContent()).resolves.toContain("production");
    await screenshot(page, "7-home");
    await home
      .getByRole("button", { name: /Deploy/ })
      .first()
      .click();
    const modal = page.locator(".modal");
    await modal.waitFor();
    await modal.getByLabel("Environment").selectOption("staging");
    await modal.getByLabel("Ref").click();
    await modal.locator(".suggestion", { hasText: "v1.4.1" }).first().click();
    await screenshot(page, "8-deploy-form");
    const message = await newDeployMessage(page, "Deploy checkout-api → staging", async () => {
      await modal.getByRole("button", { name: "Deploy" }).click();
      // Checked with GitHub after the acknowledgement; then the modal says where the deploy is, and closes like Slack's.
      await modal.getByText("is on its way", { exact: false }).waitFor();
      await modal.locator(".modal-foot").getByRole("button", { name: "Close" }).click();
      await modal.waitFor({ state: "detached" });
      await page.locator(".tab[data-tab=messages]").click();
    });
    await expect.poll(() => message.textContent(), { timeout: UI_TIMEOUT }).toContain("v1.4.1");
    await message.getByText("Succeeded", { exact: false }).first().waitFor();
  });

  it("opens the deploy form from /deploy with no arguments, and shows Gantry's refusal of a ref under that field", async () => {
    const { page } = pg;
    await actAs(page, "U0BOB");
    await type(page, "/deploy");
    const modal = page.locator(".modal");
    await modal.waitFor();
    await modal.getByLabel("Service").selectOption("billing-worker");
    // The form follows the service: the environment field is rebuilt for billing-worker.
    await expect
      .poll(() => modal.getByLabel("Environment").locator("option").allTextContents(), { timeout: UI_TIMEOUT })
      .toContain("production");
    await modal.getByLabel("Environment").selectOption("staging");
    await modal.getByLabel("Ref").fill("no-such-branch");
    await modal.locator(".suggestion", { hasText: "no-such-branch" }).click();
    await modal.locator(".modal-foot").getByRole("button", { name: "Deploy" }).click();
    // GitHub's answer comes after the acknowledgement: the form is drawn again, as entered, with it under the ref.
    await modal.getByText("not a branch, tag or commit", { exact: false }).waitFor();
    await screenshot(page, "9-deploy-form-error");
    // Escape closes a modal, as in Slack.
    await modal.getByLabel("Reason").press("Escape");
    await modal.waitFor({ state: "detached" });
  });
});
