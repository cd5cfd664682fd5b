import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, USERS, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

async function say(user: string, text: string): Promise<string> {
  const res = await h.client.command(user, "/deploy", text, { channel: CHANNEL });
  return res.answer?.text ?? "";
}

describe("/deploy help, status and history", () => {
  it("generates help from the command registry", async () => {
    const text = await say(USERS.alice, "help");
    expect(text).toContain("*/deploy*");
    expect(text).toContain("`/deploy &lt;service&gt; [&lt;ref&gt;] to &lt;env&gt;`");
    expect(text).toContain("`/deploy status [&lt;service&gt;]`");
    expect(text).toContain("`/deploy history &lt;service&gt; [&lt;env&gt;]`");
  });

  it("shows what is deployed where, what is running, and the history", async () => {
    expect(await say(USERS.alice, "status checkout-api")).toContain("_nothing deployed by Gantry yet_");
    await say(USERS.alice, "checkout-api main to staging");
    const [first] = await h.gantry.store.history("checkout-api");
    const done = await h.finished(first!.id);

    h.gh.setRunScript(() => ({ hold: true }));
    await say(USERS.bob, "checkout-api main to staging");
    const [second] = await h.gantry.store.history("checkout-api");
    const running = await h.until(second!.id, (d) => d.state === "in_progress");

    const status = await say(USERS.alice, "status");
    expect(status).toContain("*checkout-api*");
    expect(status).toContain(`*staging*: \`main\` \`${done.sha!.slice(0, 7)}\` by <@${USERS.alice}>`);
    expect(status).toContain(`In progress: \`main\` by <@${USERS.bob}> (#${second!.id})`);
    expect(status).toContain("*billing-worker*");

    const history = await say(USERS.alice, "history checkout-api staging");
    expect(history.indexOf(`#${second!.id}`)).toBeLessThan(history.indexOf(`#${first!.id}`));
    expect(history).toContain("Succeeded");

    h.gh.completeRun(Number(running.runId), "cancelled");
    expect((await h.finished(second!.id)).state).toBe("cancelled");
  });

  it("never lets typed text become a mention or a link in the answer", async () => {
    const text = await say(USERS.mallory, "<!channel> to staging");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("tells what to type for a malformed command", async () => {
    const text = await say(USERS.alice, "checkout-api main staging");
    expect(text).toContain("Try: `/deploy &lt;service&gt; [&lt;ref&gt;] to &lt;env&gt;`");
  });
});
