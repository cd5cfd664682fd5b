import { describe, expect, it } from "vitest";
import { CHANNEL, startHarness, testConfig, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { command } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

const lock = (text: string, user: string = USERS.alice) =>
  command(h, user, "/deploy", `lock checkout-api staging ${text}`);

describe("attack: locks that never end", () => {
  it("refuses a lock for 100000 days with the maximum and an example, and takes none", async () => {
    h = await startHarness({ config: testConfig() });
    const reply = await lock('for 100000d "forever"');
    expect(reply.text).toContain("Locks last at most 7d");
    expect(reply.text).toContain("`/deploy lock checkout-api staging for 7d &lt;reason&gt;`");
    expect(await h.gantry.store.listLocks()).toEqual([]);
    const refused = (await h.gantry.store.listAudit({ service: "checkout-api" })).filter(
      (a) => a.action === "lock.refused",
    );
    expect(refused.map((a) => a.detail)).toEqual([{ why: "too_long", duration: "100000d", max: "7d" }]);
  });

  it("answers a duration past any date with the same refusal, never an internal error", async () => {
    h = await startHarness({ config: testConfig() });
    for (const duration of ["100000000d", "99999999999999999999999m"]) {
      const reply = await lock(`for ${duration}`);
      expect(reply.text).toContain("Locks last at most 7d");
      expect(reply.text).not.toMatch(/internal error|Invalid time value/);
    }
    expect((await lock("for 0m")).text).toContain("Locks last at least 1m");
    expect(await h.gantry.store.listLocks()).toEqual([]);
  });

  it("keeps to a configured maximum, in the command and in the lock form", async () => {
    h = await startHarness({ config: testConfig({ locks: { maxDuration: "2d", defaultDuration: "8h" } }) });
    expect((await lock("for 3d")).text).toContain("Locks last at most 2d");
    expect((await lock("for 2d")).text).toContain("Locked *checkout-api* in *staging* for 2d");
    await command(h, USERS.alice, "/deploy", "unlock checkout-api staging");

    await h.client.blockAction(
      USERS.alice,
      { actionId: "open_lock_form", value: "checkout-api:staging" },
      { channel: CHANNEL },
    );
    const form = await h.slack.waitForView(
      (v) => v.kind === "modal" && v.user === USERS.alice && v.view.callback_id === "lock_form",
    );
    const field = (form.view.blocks as { block_id?: string; element?: { options?: { value: string }[] } }[]).find(
      (b) => b.block_id === "lock_duration",
    );
    const offered = field?.element?.options?.map((o) => o.value);
    expect(offered).toEqual(["30m", "1h", "2h", "4h", "8h", "1d", "2d"]);
    const forged = {
      lock_duration: {
        lock_form_duration: {
          type: "static_select" as const,
          selected_option: { text: { type: "plain_text" as const, text: "30d" }, value: "30d" },
        },
      },
    };
    const res = await h.client.viewSubmission(USERS.alice, { id: form.id, values: forged });
    expect(res.json).toEqual({
      response_action: "errors",
      errors: { lock_duration: "Locks last at most 2d: pick a shorter time." },
    });
    expect(await h.gantry.store.listLocks()).toEqual([]);
  });
});
