/**
 * Attack (on availability): make GitHub and Slack hang, then watch Gantry fail to stop. A pod that does not exit on
 * SIGTERM is killed mid-write at the end of its grace period; Gantry must stop by its own deadline instead, having
 * waited for what it could. The test sets the deadline to 1.5 s (GANTRY_CHILD_SHUTDOWN_MS) instead of 20.
 */
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, USERS } from "../support/harness.js";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe("shutdown while vendors hang", () => {
  it("SIGTERM while GitHub and Slack hang ends the process by the shutdown deadline", async () => {
    t = await startTarget({ env: { GANTRY_CHILD_SHUTDOWN_MS: "1500" } });
    const HANG = 10 * 60_000;
    t.gh.faults.add({ method: "POST", path: /\/dispatches$/, delayMs: HANG, times: Infinity });
    // The first deploy's message is posted; then GitHub hangs on its dispatch.
    await t.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    await t.slack.waitForCall((c) => c.method === "chat.postMessage");
    // From now on Slack hangs too: the second deploy never gets its message out.
    t.slack.faults.add({ method: /^chat\./, delayMs: HANG });
    t.slack.faults.add({ method: /^views\./, delayMs: HANG });
    await t.client.command(USERS.bob, "/deploy", "billing-worker main to staging", { channel: CHANNEL });
    const exited = once(t.proc.proc, "exit");
    t.proc.proc.kill("SIGTERM");
    await exited;
    expect(t.proc.alive).toBe(false);
    expect(t.proc.stderr).toContain("shutdown deadline passed");
  });
});
