/**
 * Cron only schedules, and with replicas only the leader runs: every replica keeps the timers, and a fire on a
 * replica that does not lead runs nothing. Real node-cron with a seconds field; the test awaits the leader's runs.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { scheduleJobs } from "../../src/jobs/schedule.js";

describe("scheduleJobs with a leader", () => {
  it("runs a job only on the replica that leads at the moment it fires", async () => {
    const log = pino({ level: "silent" });
    let leading = 0;
    let following = 0;
    let twice!: () => void;
    const leaderRan = new Promise<void>((resolve) => (twice = resolve));
    const leader = scheduleJobs([{ name: "digest", schedule: "* * * * * *", run: async () => void (++leading === 2 && twice()) }], log, { when: () => true });
    const other = scheduleJobs([{ name: "digest", schedule: "* * * * * *", run: async () => void following++ }], log, { when: () => false });
    try {
      // Two fires on the leader mean the other replica's timer fired at least once in between.
      await leaderRan;
      expect(following).toBe(0);
    } finally {
      await Promise.all([leader.stop(), other.stop()]);
    }
  });
});
