import { describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sandbox/http/recorder.js";
import { assertEmulatorsClean, CHANNEL, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

// Issue 18, tracking at scale: conditional polls cost nothing, and Gantry keeps inside the token's budget.

let h: Harness;
stopAfterEach(() => h);

const REPO = { owner: "acme", repo: "checkout-api" };
const isPoll = (c: RecordedCall) => c.operationId === "actions/get-workflow-run";

describe("the GitHub budget (issue 18)", () => {
  it("polls a run with conditional requests, and the 304s cost nothing", async () => {
    h = await startHarness();
    h.gh.setRunScript(() => ({ hold: true, queuedMs: 1 }));
    const res = await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    expect(res.body).toBe("");
    const [asked] = await h.gantry.store.history("checkout-api", "staging", 1);
    const running = await h.until(asked!.id, (d) => d.state === "in_progress");
    await h.gh.waitForCall(() => h.gh.calls.filter((c) => isPoll(c) && c.status === 304).length >= 1);
    const used = h.gh.rateLimitState().used;
    await h.gh.waitForCall(() => h.gh.calls.filter((c) => isPoll(c) && c.status === 304).length >= 4);
    // Four unchanged polls, and not one request counted against the limit.
    expect(h.gh.rateLimitState().used).toBe(used);
    const polls = h.gh.calls.filter(isPoll);
    // Every poll after the first carries the ETag GitHub gave; each 304 says the budget it did not touch.
    expect(polls.slice(1).every((c) => c.headers["if-none-match"]?.startsWith('W/"'))).toBe(true);
    const unchanged = polls.filter((c) => c.status === 304);
    expect(new Set(unchanged.map((c) => c.responseHeaders["x-ratelimit-remaining"])).size).toBe(1);
    h.gh.completeRun(Number(running.runId), "success");
    expect((await h.finished(running.id)).state).toBe("succeeded");
    assertEmulatorsClean(h);
  });

  it("slows down before GitHub's 403 and goes on after the reset", async () => {
    // A budget of 40 requests per 3 s; Gantry told the window's length, keeping 20% back for writes.
    h = await startHarness({
      githubBudget: { policy: { reserve: 0.2, windowMs: 3000, burst: 0.05 }, refreshMs: 0 },
      githubRateLimit: { limit: 40, windowMs: 3000 },
    });
    // The default branches read at start-up come out of the same budget, but are not counted below.
    await h.gantry.warmed;
    const from = h.gh.calls.length;
    await h.gantry.ports.source.resolveRef(REPO, "main");
    // 50 reads at once: more than the window allows.
    const reads = await Promise.all(
      Array.from({ length: 50 }, () => h.gantry.ports.source.resolveRef(REPO, "main").then((r) => r.sha)),
    );
    expect(new Set(reads).size).toBe(1);
    const calls = h.gh.calls.slice(from);
    expect(calls).toHaveLength(51);
    // GitHub never had to refuse one: Gantry waited for the reset itself.
    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    // Spaced once behind the clock, held back at the reserve until the reset: either way, it waited.
    expect(h.logs.some((l) => /github budget spent; waiting|pacing github reads/.test(l))).toBe(true);
    // It stopped with the reserve (8) left, give or take a read in flight, and carried on in the new window.
    const remaining = calls.map((c) => Number(c.responseHeaders["x-ratelimit-remaining"]));
    const low = Math.min(...remaining);
    expect(low).toBeGreaterThanOrEqual(7);
    expect(remaining.at(-1)).toBeGreaterThan(low);
    h.gh.setRateLimit();
    assertEmulatorsClean(h);
  });
});
