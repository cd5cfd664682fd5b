import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RatePacer } from "../../src/github/rate-pacer.js";
import { createLogger } from "../../src/log.js";

const log = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
const T = 1_800_000_000_000;

/** A pacer on a fixed clock whose waits are recorded (capped at 0 ms, so nothing really waits). */
function pacer() {
  const p = new RatePacer({ key: "sha256:test", log, now: () => T, maxWaitMs: 0 });
  const headers = (remaining: number, resetInS: number, extra: Record<string, string> = {}) => ({
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": String(T / 1000 + resetInS),
    ...extra,
  });
  return { p, headers };
}

describe("the GitHub pacer", () => {
  it("sends at once while the budget is ahead of the clock, and counts each request until the answer", async () => {
    const { p, headers } = pacer();
    p.observe(headers(4900, 3600));
    await p.before("GET", false);
    await p.before("GET", false);
    expect(p.waits.count).toBe(0);
    expect(p.current()?.remaining).toBe(4898);
    p.observe(headers(4899, 3600));
    expect(p.current()?.remaining).toBe(4899);
  });

  it("spaces reads once behind the clock, but not conditional reads (a 304 is free) nor urgent ones", async () => {
    const { p, headers } = pacer();
    p.observe(headers(1000, 3000));
    await p.before("GET", true);
    await p.before("GET", false, true);
    expect(p.waits.count).toBe(0);
    await p.before("GET", false);
    await p.before("GET", false);
    expect(p.waits.count).toBe(1);
  });

  it("waits Retry-After when GitHub gives one with nothing left, rather than until the hour's reset", async () => {
    const { p, headers } = pacer();
    p.observe(headers(0, 3600, { "retry-after": "2" }));
    expect(p.current()?.resetAt).toBe(T + 2000);
    p.observe(headers(0, 3600));
    expect(p.current()?.resetAt).toBe(T + 3_600_000);
  });

  it("lets writes spend the reserve that reads keep off", async () => {
    const { p, headers } = pacer();
    p.observe(headers(400, 60));
    await p.before("POST", false);
    expect(p.waits.count).toBe(0);
  });

  it("shares what it learns at most once a second while more than half is left, and every answer after that", async () => {
    let now = T;
    const saved: number[] = [];
    const share = {
      loadRateBudget: async () => undefined,
      saveRateBudget: async (_key: string, obs: { remaining: number }) => void saved.push(obs.remaining),
      takeRateSlot: async (_key: string, at: number) => at,
    };
    const p = new RatePacer({ key: "sha256:test", log, share, now: () => now, maxWaitMs: 0 });
    const headers = (remaining: number) => ({
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-reset": String(T / 1000 + 3600),
    });
    for (const remaining of [4990, 4989, 4988, 4987]) p.observe(headers(remaining));
    await p.flushed();
    // The first at once; the three within the same second folded into one write of the latest.
    expect(saved).toEqual([4990, 4987]);
    now += 1_000;
    p.observe(headers(4986));
    await p.flushed();
    expect(saved).toEqual([4990, 4987, 4986]);
    // Under half: no waiting for the second to pass; what arrives while a write is out is folded into the next one.
    saved.length = 0;
    for (const remaining of [2400, 2399, 2398]) p.observe(headers(remaining));
    expect(saved).toEqual([2400]);
    await p.flushed();
    expect(saved).toEqual([2400, 2398]);
  });
});
