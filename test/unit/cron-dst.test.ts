/**
 * When a job fires and what freeze windows and the digest catch-up compute agree, at both daylight-saving changes in
 * Europe/Berlin and America/New_York: the timers run on vitest's fake clock through each day, and the instants they
 * fire at are the table's, and those that nextFire and previousFire (freezes, catch-up) name.
 */
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { nextFire, parseCron, previousFire, type CronSpec } from "../../src/domain/cron-time.js";
import { scheduleJobs } from "../../src/jobs/schedule.js";

const DAY = 86_400_000;

const CASES: Array<{ what: string; tz: string; cron: string; from: string; fires: string[] }> = [
  {
    what: "Berlin spring forward: 02:30 does not exist, fires at 03:00 CEST",
    tz: "Europe/Berlin",
    cron: "30 2 * * *",
    from: "2026-03-28T12:00:00Z",
    fires: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"],
  },
  {
    what: "Berlin fall back: 02:30 happens twice, fires once at the first (CEST)",
    tz: "Europe/Berlin",
    cron: "30 2 * * *",
    from: "2026-10-24T12:00:00Z",
    fires: ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"],
  },
  {
    what: "Berlin fall back: a job inside the repeated hour fires once per wall time",
    tz: "Europe/Berlin",
    cron: "0,30 2 * * *",
    from: "2026-10-24T12:00:00Z",
    fires: [
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:00:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ],
  },
  {
    what: "Berlin: Monday 09:00 digest either side of spring forward",
    tz: "Europe/Berlin",
    cron: "0 9 * * 1",
    from: "2026-03-22T12:00:00Z",
    fires: ["2026-03-23T08:00:00.000Z", "2026-03-30T07:00:00.000Z"],
  },
  {
    what: "New York spring forward: 02:30 does not exist, fires at 03:00 EDT",
    tz: "America/New_York",
    cron: "30 2 * * *",
    from: "2026-03-07T12:00:00Z",
    fires: ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"],
  },
  {
    what: "New York fall back: 01:30 happens twice, fires once at the first (EDT)",
    tz: "America/New_York",
    cron: "30 1 * * *",
    from: "2026-10-31T12:00:00Z",
    fires: ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"],
  },
  {
    what: "New York: Sunday 01:15 on the fall-back day",
    tz: "America/New_York",
    cron: "15 1 * * SUN",
    from: "2026-10-30T12:00:00Z",
    fires: ["2026-11-01T05:15:00.000Z", "2026-11-08T06:15:00.000Z"],
  },
];

function spec(cron: string): CronSpec {
  const parsed = parseCron(cron);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.spec;
}

describe("cron at daylight-saving changes", () => {
  afterEach(() => void vi.useRealTimers());

  it.each(CASES)("$what", async ({ tz, cron, from, fires }) => {
    vi.useFakeTimers({ now: Date.parse(from), toFake: ["setTimeout", "clearTimeout", "Date"] });
    const fired: string[] = [];
    const jobs = scheduleJobs(
      [{ name: "job", schedule: cron, timezone: tz, run: async () => void fired.push(new Date().toISOString()) }],
      pino({ level: "silent" }),
    );
    try {
      await vi.advanceTimersByTimeAsync(Date.parse(fires.at(-1)!) - Date.parse(from) + 60_000);
    } finally {
      await jobs.stop();
    }
    expect(fired).toEqual(fires);
    // Freeze windows and the digest catch-up look forward and back with the same engine.
    let at = Date.parse(from);
    for (const fire of fires) {
      const next = nextFire(spec(cron), tz, at, 30 * DAY);
      expect(next && new Date(next).toISOString()).toBe(fire);
      expect(previousFire(spec(cron), tz, Date.parse(fire) + 59_000, 30 * DAY)).toBe(Date.parse(fire));
      at = Date.parse(fire);
    }
  });
});
