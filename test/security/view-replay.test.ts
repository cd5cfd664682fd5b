import { describe, expect, it } from "vitest";
import { CHANNEL, startHarness, testConfig, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { dispatches } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

/** Alice fills the deploy form for staging; the signed body and headers of its submission, as Slack sent them. */
async function filledForm(): Promise<{ body: string; headers: Record<string, string> }> {
  await h.client.command(USERS.alice, "/deploy", "", { channel: CHANNEL });
  const form = await h.slack.waitForView(
    (v) => v.kind === "modal" && v.user === USERS.alice && !v.closed && v.view.callback_id === "deploy_form",
  );
  h.slack.enter(form.id, "deploy_form_env", "staging");
  const body = new URLSearchParams({ payload: JSON.stringify(h.client.viewSubmissionPayload(USERS.alice)) }).toString();
  return { body, headers: h.client.signedHeaders(body) };
}

const option = (value: string) => ({ text: { type: "plain_text" as const, text: value }, value });
const deploys = () => h.gantry.store.history("checkout-api", "staging");

describe("attack: a replayed view_submission", () => {
  it("creates one deploy when the same submission is delivered again, even after the first one ended", async () => {
    h = await startHarness({ config: testConfig() });
    const { body, headers } = await filledForm();
    expect((await h.client.raw(body, headers)).status).toBe(200);
    const [first] = await deploys();
    expect((await h.finished(first!.id)).state).toBe("succeeded");

    // The same signed request, sent again within Slack's five minutes: nothing is active any more, so only the
    // delivery key can tell it is the same submission.
    const replay = await h.client.raw(body, headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toBe("");
    expect(await deploys()).toHaveLength(1);
    expect(dispatches(h)).toHaveLength(1);
  });

  it("still takes a second submission of the same form after Gantry answered the first with errors", async () => {
    h = await startHarness({ config: testConfig() });
    await h.client.command(USERS.alice, "/deploy", "", { channel: CHANNEL });
    const form = await h.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.alice && v.view.callback_id === "deploy_form",
    );
    h.slack.enter(form.id, "deploy_form_env", "staging");
    h.slack.enter(form.id, "deploy_form_ref", option("no-such-branch"));
    const refused = await h.client.viewSubmission(USERS.alice, { id: form.id });
    expect(refused.json).toMatchObject({ response_action: "update" });
    await h.slack.waitForView(
      (v) =>
        v.id === form.id && v.view.callback_id === "deploy_form" && JSON.stringify(v.view.blocks).includes(":warning:"),
    );
    h.slack.enter(form.id, "deploy_form_ref", option("main"));
    const res = await h.client.viewSubmission(USERS.alice, { id: form.id });
    expect(res.json).toMatchObject({ response_action: "update" });
    await h.slack.waitForView((v) => v.id === form.id && v.view.callback_id === "deploy_form_done");
    const [d] = await deploys();
    expect((await h.finished(d!.id)).state).toBe("succeeded");
  });
});
