/**
 * Cron only schedules, and with replicas only the leader runs: every replica keeps the timers, and a fire on a
 * replica that does not lead runs nothing. Gantry's own timers, on vitest's fake clock.
 */
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { scheduleJobs } from "../../src/jobs/schedule.js";

describe("scheduleJobs with a leader", () => {
  afterEach(() => void vi.useRealTimers());

  it("runs a job only on the replica that leads at the moment it fires", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-02T10:00:30Z"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    const log = pino({ level: "silent" });
    const leading: string[] = [];
    let following = 0;
    const leader = scheduleJobs(
      [{ name: "digest", schedule: "* * * * *", run: async () => void leading.push(new Date().toISOString()) }],
      log,
      { when: () => true },
    );
    const other = scheduleJobs([{ name: "digest", schedule: "* * * * *", run: async () => void following++ }], log, {
      when: () => false,
    });
    try {
      await vi.advanceTimersByTimeAsync(120_000);
      expect(leading).toEqual(["2026-12-02T10:01:00.000Z", "2026-12-02T10:02:00.000Z"]);
      expect(following).toBe(0);
    } finally {
      await Promise.all([leader.stop(), other.stop()]);
    }
  });
});
