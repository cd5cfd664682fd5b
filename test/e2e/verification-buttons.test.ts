import { describe, expect, it } from "vitest";
import { startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { checkoutConfig, click, command } from "../security/support.js";

let h: Harness;
stopAfterEach(() => h);

describe("Roll back now and Accept now, clicked with values Gantry never drew", () => {
  it("answer the clicker that there is no such deploy, and change nothing", async () => {
    h = await startHarness({ config: checkoutConfig({ staging: {} }) });
    const d = (await command(h, USERS.alice, "/deploy", "checkout-api main to staging")).deploy!;
    const done = await h.finished(d.id);
    expect(done.state).toBe("succeeded");
    const told = () => h.slack.ephemerals(USERS.bob).filter((m) => m.text === "That deploy no longer exists.");
    const callsBefore = h.gh.calls.length;
    for (const [actionId, value] of [
      ["verify_rollback", `${d.id}:production`],
      ["verify_accept", ` ${d.id}`],
      ["verify_rollback", "999"],
      ["verify_accept", "__proto__"],
    ] as const) {
      const before = told().length;
      await click(h, USERS.bob, done, actionId, value);
      await h.slack.waitForEphemeral(() => told().length > before);
      expect(told()).toHaveLength(before + 1);
    }
    expect(await h.gantry.store.getDeployment(d.id)).toMatchObject({ state: "succeeded", verification: null });
    expect(h.gh.calls.length).toBe(callsBefore);
  });
});
