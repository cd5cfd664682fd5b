import { describe, expect, it } from "vitest";
import {
  budgetVerdict,
  newerObservation,
  parseRateHeaders,
  type RateObservation,
} from "../../src/domain/rate-budget.js";

const HOUR = 3_600_000;
const policy = { reserve: 0.1, windowMs: HOUR, burst: 0.05 };
const obs = (remaining: number, leftMs: number, limit = 5000): RateObservation => ({
  limit,
  remaining,
  resetAt: 10 * HOUR + leftMs,
  observedAt: 10 * HOUR,
});
const NOW = 10 * HOUR;

describe("the GitHub budget", () => {
  it("reads x-ratelimit-* headers, reset in seconds, and ignores answers without them", () => {
    const headers = { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4990", "x-ratelimit-reset": "1700000000" };
    expect(parseRateHeaders(headers, 5)).toEqual({
      limit: 5000,
      remaining: 4990,
      resetAt: 1_700_000_000_000,
      observedAt: 5,
    });
    expect(parseRateHeaders({}, 5)).toBeUndefined();
    expect(parseRateHeaders({ ...headers, "x-ratelimit-limit": "nope" }, 5)).toBeUndefined();
  });

  it("is free with nothing observed, after the reset, and while the budget is ahead of the clock", () => {
    expect(budgetVerdict(undefined, NOW, false, policy)).toEqual({ kind: "free" });
    expect(budgetVerdict(obs(0, -1), NOW, false, policy)).toEqual({ kind: "free" });
    // Half the window left and more than half the usable budget left.
    expect(budgetVerdict(obs(3000, HOUR / 2), NOW, false, policy)).toEqual({ kind: "free" });
    expect(budgetVerdict(obs(4999, HOUR), NOW, false, policy)).toEqual({ kind: "free" });
  });

  it("paces reads once behind the clock, so that what is left above the reserve lasts until the reset", () => {
    // 1,000 left, 500 of them kept back, 50 minutes to go: one read every 6 s.
    const v = budgetVerdict(obs(1000, 50 * 60_000), NOW, false, policy);
    expect(v).toEqual({ kind: "paced", spacingMs: 6000 });
    // The less is left, the wider the spacing.
    const tighter = budgetVerdict(obs(600, 50 * 60_000), NOW, false, policy);
    expect(tighter.kind === "paced" && tighter.spacingMs).toBe(30_000);
  });

  it("keeps reads off the reserve, which writes may spend down to the last request", () => {
    expect(budgetVerdict(obs(500, 60_000), NOW, false, policy)).toEqual({ kind: "exhausted", waitMs: 60_000 });
    expect(budgetVerdict(obs(500, 60_000), NOW, true, policy)).toEqual({ kind: "free" });
    expect(budgetVerdict(obs(1, 60_000), NOW, true, policy)).toEqual({ kind: "free" });
    expect(budgetVerdict(obs(0, 60_000), NOW, true, policy)).toEqual({ kind: "exhausted", waitMs: 60_000 });
  });

  it("never reaches zero pacing 100 requests per window with a reserve of 10", () => {
    // A simulation: reads as fast as the verdict allows, for one window of 100 requests.
    let remaining = 100;
    let now = 0;
    const resetAt = 60_000;
    let sent = 0;
    while (now < resetAt) {
      const v = budgetVerdict({ limit: 100, remaining, resetAt, observedAt: now }, now, false, {
        reserve: 0.1,
        windowMs: 60_000,
        burst: 0.05,
      });
      if (v.kind === "exhausted") break;
      if (v.kind === "paced") now += v.spacingMs;
      remaining--;
      sent++;
    }
    expect(remaining).toBeGreaterThanOrEqual(10);
    expect(sent).toBeLessThanOrEqual(90);
  });

  it("takes the later window, or the lower count within one, as the newer observation", () => {
    const a = obs(100, 1000);
    const b = obs(90, 1000);
    const next = obs(5000, 2000);
    expect(newerObservation(a, b)).toBe(b);
    expect(newerObservation(b, next)).toBe(next);
    expect(newerObservation(undefined, a)).toBe(a);
    expect(newerObservation(a, undefined)).toBe(a);
  });
});
