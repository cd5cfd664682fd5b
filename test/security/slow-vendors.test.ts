/**
 * Attack (or bad luck): Slack's user-group lookup takes 4 s, past Slack's 3 s for an acknowledgement. If the
 * acknowledgement waited for it, Slack would show the person an error for a request Gantry then carried out. The
 * acknowledgement does only local work; what needs another service follows it, and its answer comes by response_url,
 * worded as before.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SlackSigningClient } from "../../sandbox/slack/signing-client.js";
import { CHANNEL, SIGNING_SECRET, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";
import { newest } from "./support.js";

let h: Harness | undefined;
stopAfterEach(() => h);
afterEach(() => {
  h = undefined;
});

const SLOW = 4_000;

async function slowGroups(): Promise<Harness> {
  h = await startHarness();
  h.slack.faults.add({ method: "usergroups.users.list", delayMs: SLOW });
  return h;
}

/** Slack records a call once it has answered it: none yet means nobody waited for the slow lookup. */
const lookupsAnswered = () => h!.slack.calls.filter((c) => c.method === "usergroups.users.list").length;

/** Slack's side of a slash command: it sends, and waits for the acknowledgement only. */
async function command(user: string, text: string) {
  const slack = new SlackSigningClient({
    botUrl: `${h!.gantry.url}/slack/events`,
    signingSecret: SIGNING_SECRET,
    slack: h!.slack,
  });
  const res = await slack.command(user, "/deploy", text, { channel: CHANNEL });
  expect(res.status).toBe(200);
  expect(lookupsAnswered()).toBe(0);
  return res;
}

const laterTo = (user: string) =>
  h!.slack.waitForEphemeral((m) => m.visibleTo === user && m.via === "response_url", SLOW + 5_000);

describe("slow vendors behind the acknowledgement", () => {
  it("a refusal that needs the slow group lookup is acknowledged at once and told by response_url, worded as today", async () => {
    await slowGroups();
    const res = await command(USERS.mallory, "checkout-api main to production");
    expect(res.body).toBe("");
    const told = await laterTo(USERS.mallory);
    expect(told.text).toContain(
      ":no_entry: You may not deploy *checkout-api* to *production*. Deployers there: `@platform` or <@U0CAROL>.",
    );
    expect(await h!.gantry.store.history("checkout-api")).toEqual([]);
    expect((await h!.gantry.store.listAudit()).map((a) => a.action)).toEqual(
      expect.arrayContaining(["deploy.refused", "command"]),
    );
  });

  it("an accepted deploy behind the slow lookup is acknowledged at once and ends in Slack, with no error shown", async () => {
    await slowGroups();
    const res = await command(USERS.alice, "checkout-api main to production");
    expect(res.body).toBe("");
    await h!.slack.waitForMessage((m) => m.text.includes("deploy of checkout-api"), SLOW + 5_000);
    const done = await h!.finished(await newest(h!));
    expect(done.state).toBe("succeeded");
    expect(h!.slack.ephemerals(USERS.alice)).toEqual([]);
  });

  it("a lock refused by the slow lookup is acknowledged at once and told by response_url", async () => {
    await slowGroups();
    await command(USERS.mallory, "lock checkout-api production for 1h");
    expect((await laterTo(USERS.mallory)).text).toContain(
      "Only those who may deploy *checkout-api* to *production* may lock it.",
    );
    expect(await h!.gantry.store.listLocks()).toEqual([]);
  });

  it("the deploy form opens behind the slow lookup, acknowledged at once", async () => {
    await slowGroups();
    const res = await command(USERS.mallory, "");
    expect(res.body).toBe("");
    const form = await h!.slack.waitForView((v) => v.kind === "modal" && v.user === USERS.mallory, SLOW + 5_000);
    expect(form.view.callback_id).toBe("deploy_form");
    // Once Slack answered, the form shows what mallory may not do there.
    const final = await h!.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.mallory && JSON.stringify(v.view).includes("only `@platform`"),
      SLOW + 5_000,
    );
    expect(JSON.stringify(final.view)).toContain("production");
  });

  it("a deploy form submitted while GitHub is slow to check its ref is acknowledged at once, and answered on the form", async () => {
    h = await startHarness();
    h.gh.faults.add({ method: "GET", path: /\/commits\//, delayMs: SLOW });
    const opened = await command(USERS.alice, "");
    expect(opened.body).toBe("");
    const form = await h.slack.waitForView((v) => v.kind === "modal" && v.user === USERS.alice);
    h.slack.enter(form.id, "deploy_form_env", "staging");
    h.slack.enter(form.id, "deploy_form_ref", { text: { type: "plain_text", text: "main" }, value: "main" });
    const res = await h.client.viewSubmission(USERS.alice, { id: form.id });
    // Acknowledged before GitHub answered: the modal says it is checking.
    expect(res.json).toMatchObject({ response_action: "update", view: { callback_id: "deploy_form_checking" } });
    expect(h.gh.calls.filter((c) => c.path.includes("/commits/"))).toEqual([]);
    const done = await h.slack.waitForView(
      (v) => v.id === form.id && v.view.callback_id === "deploy_form_done",
      SLOW + 5_000,
    );
    expect(JSON.stringify(done.view.blocks)).toContain("is on its way");
    expect(h.gh.faults.pending()).toEqual([]);
    const [d] = await h.gantry.store.history("checkout-api");
    expect((await h.finished(d!.id)).state).toBe("succeeded");
  });
});
