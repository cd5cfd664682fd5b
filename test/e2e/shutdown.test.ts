import { describe, expect, it } from "vitest";
import { CHANNEL, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

describe("graceful shutdown", () => {
  it("finishes what was acknowledged before it stops, and the restarted Gantry follows it to the end", async () => {
    h = await startHarness();
    h.gh.faults.add({ method: "POST", path: /\/dispatches$/, delayMs: 300 });
    const res = await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    expect(res.status).toBe(200);
    // Acknowledged, and the dispatch is still on its way when the stop begins.
    await h.restart(false);
    const [d] = await h.gantry.store.history("checkout-api");
    expect(d!.state).not.toBe("requested");
    expect(d!.runId).not.toBeNull();
    expect((await h.finished(d!.id)).state).toBe("succeeded");
    expect(h.gh.calls.filter((c) => c.path.endsWith("/dispatches"))).toHaveLength(1);
  });
});
