import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FreezeWindow } from "../../src/config/gates.js";
import { durationMs } from "../../src/domain/duration.js";
import { activeFreeze, checkCron, describeFreeze, nextFreeze } from "../../src/domain/freeze.js";

const win = (cron: string, duration: string, timezone?: string, reason = "freeze"): FreezeWindow =>
  ({ cron, duration, reason, ...(timezone ? { timezone } : {}) }) as FreezeWindow;
const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

const weekend = win("0 16 * * FRI", "64h", "Europe/Berlin", "weekend freeze");

// Expectations are UTC instants worked out by hand from the zone's offset on that date.
describe("activeFreeze", () => {
  const cases: [string, FreezeWindow[], string, string | undefined, string?][] = [
    // Berlin summer (CEST, +2): Fri 16:00 local = 14:00Z, Mon 08:00 local = 06:00Z.
    ["Fri 15:59 Berlin", [weekend], "2025-06-13T13:59:00Z", undefined],
    ["Fri 16:00 Berlin", [weekend], "2025-06-13T14:00:00Z", "2025-06-13T14:00:00.000Z", "2025-06-16T06:00:00.000Z"],
    ["Mon 07:59 Berlin", [weekend], "2025-06-16T05:59:00Z", "2025-06-13T14:00:00.000Z", "2025-06-16T06:00:00.000Z"],
    ["Mon 08:00 Berlin", [weekend], "2025-06-16T06:00:00Z", undefined],
    [
      "Berlin winter (CET, +1)",
      [weekend],
      "2025-01-12T12:00:00Z",
      "2025-01-10T15:00:00.000Z",
      "2025-01-13T07:00:00.000Z",
    ],
    // Spring forward on Sun 30 Mar: 64 real hours end at Mon 09:00 CEST, not 08:00.
    [
      "across March DST, Mon 08:30 local",
      [weekend],
      "2025-03-31T06:30:00Z",
      "2025-03-28T15:00:00.000Z",
      "2025-03-31T07:00:00.000Z",
    ],
    ["across March DST, Mon 09:00 local", [weekend], "2025-03-31T07:00:00Z", undefined],
    // Fall back on Sun 26 Oct: 64 real hours end at Mon 07:00 CET.
    [
      "across October DST, Mon 06:59 local",
      [weekend],
      "2025-10-27T05:59:00Z",
      "2025-10-24T14:00:00.000Z",
      "2025-10-27T06:00:00.000Z",
    ],
    ["across October DST, Mon 07:00 local", [weekend], "2025-10-27T06:00:00Z", undefined],
    // 02:00 does not exist on 30 Mar in Berlin: it fires at the first instant after the gap (03:00 CEST).
    [
      "spring-forward gap",
      [win("0 2 * * SUN", "1h", "Europe/Berlin")],
      "2025-03-30T01:30:00Z",
      "2025-03-30T01:00:00.000Z",
      "2025-03-30T02:00:00.000Z",
    ],
    ["just before the gap", [win("0 2 * * SUN", "1h", "Europe/Berlin")], "2025-03-30T00:59:00Z", undefined],
    // 02:30 happens twice on 26 Oct in Berlin: it fires once, at the first (CEST) one.
    [
      "fall-back overlap, first",
      [win("30 2 * * *", "30m", "Europe/Berlin")],
      "2025-10-26T00:45:00Z",
      "2025-10-26T00:30:00.000Z",
      "2025-10-26T01:00:00.000Z",
    ],
    ["fall-back overlap, second", [win("30 2 * * *", "30m", "Europe/Berlin")], "2025-10-26T01:45:00Z", undefined],
    // New York summer (EDT, -4): Fri 17:00 = 21:00Z, +63h = Mon 08:00 EDT = 12:00Z.
    ["New York Fri 16:59", [win("0 17 * * FRI", "63h", "America/New_York")], "2025-07-11T20:59:00Z", undefined],
    [
      "New York Sun",
      [win("0 17 * * FRI", "63h", "America/New_York")],
      "2025-07-13T12:00:00Z",
      "2025-07-11T21:00:00.000Z",
      "2025-07-14T12:00:00.000Z",
    ],
    ["New York Mon 08:00", [win("0 17 * * FRI", "63h", "America/New_York")], "2025-07-14T12:00:00Z", undefined],
    [
      "New York across Nov DST",
      [win("0 17 * * FRI", "63h", "America/New_York")],
      "2025-11-03T11:59:00Z",
      "2025-10-31T21:00:00.000Z",
      "2025-11-03T12:00:00.000Z",
    ],
    // Long windows: search back as far as the duration. Apr 1 00:00 CEST = Mar 31 22:00Z.
    [
      "quarterly 40d window",
      [win("0 0 1 */3 *", "40d", "Europe/Berlin")],
      "2025-05-08T00:00:00Z",
      "2025-03-31T22:00:00.000Z",
      "2025-05-10T22:00:00.000Z",
    ],
    [
      "monthly 30d window",
      [win("0 0 1 * *", "30d", "UTC")],
      "2025-03-29T00:00:00Z",
      "2025-03-01T00:00:00.000Z",
      "2025-03-31T00:00:00.000Z",
    ],
    ["monthly 30d window, ended", [win("0 0 1 * *", "30d", "UTC")], "2025-03-31T12:00:00Z", undefined],
    // Both day fields restricted: 13th OR Friday.
    ["OR: Friday the 20th", [win("0 0 13 * FRI", "1d", "UTC")], "2025-06-20T12:00:00Z", "2025-06-20T00:00:00.000Z"],
    ["OR: Sunday the 13th", [win("0 0 13 * FRI", "1d", "UTC")], "2025-07-13T12:00:00Z", "2025-07-13T00:00:00.000Z"],
    ["OR: Thursday the 19th", [win("0 0 13 * FRI", "1d", "UTC")], "2025-06-19T12:00:00Z", undefined],
    ["day-of-week 7 is Sunday", [win("0 0 * * 7", "1d", "UTC")], "2025-06-15T12:00:00Z", "2025-06-15T00:00:00.000Z"],
    ["default timezone", [win("0 9 * * *", "1h")], "2025-07-01T13:30:00Z", "2025-07-01T13:00:00.000Z"],
    ["no windows", [], "2025-07-01T13:30:00Z", undefined],
  ];
  it.each(cases)("%s", (_name, windows, now, start, end) => {
    const f = activeFreeze(windows, at(now), "America/New_York");
    expect(iso(f?.start)).toBe(start);
    if (end) expect(iso(f?.end)).toBe(end);
  });

  it("uses the window's zone or the default", () => {
    expect(activeFreeze([win("0 9 * * *", "1h")], at("2025-07-01T13:30:00Z"), "America/New_York")?.timezone).toBe(
      "America/New_York",
    );
    expect(activeFreeze([win("0 9 * * *", "1h")], at("2025-07-01T13:30:00Z"), "UTC")).toBeUndefined();
    expect(activeFreeze([weekend], at("2025-06-14T12:00:00Z"), "UTC")?.timezone).toBe("Europe/Berlin");
  });

  it("picks the overlapping freeze that ends last", () => {
    const maintenance = win("0 0 * * SAT", "10h", "Europe/Berlin", "maintenance");
    const release = win("0 9 14 6 *", "100h", "Europe/Berlin", "release freeze");
    const windows = [maintenance, weekend, release];
    expect(activeFreeze(windows, at("2025-06-13T23:00:00Z"), "UTC")?.window.reason).toBe("weekend freeze");
    const f = activeFreeze(windows, at("2025-06-14T08:00:00Z"), "UTC");
    expect([f?.window.reason, iso(f?.end)]).toEqual(["release freeze", "2025-06-18T11:00:00.000Z"]);
  });

  it("throws rather than ignore a window it cannot read", () => {
    expect(() => activeFreeze([win("0 16 * * FRX", "1h")], at("2025-06-14T08:00:00Z"), "UTC")).toThrow(/day-of-week/);
    expect(() => activeFreeze([win("0 16 * * FRI", "1h", "Mars/Olympus")], at("2025-06-14T08:00:00Z"), "UTC")).toThrow(
      /time zone/,
    );
  });
});

describe("nextFreeze", () => {
  const cases: [string, FreezeWindow[], string, number | undefined, string | undefined][] = [
    ["Wednesday before the weekend", [weekend], "2025-06-11T12:00:00Z", undefined, "2025-06-13T14:00:00.000Z"],
    ["beyond the horizon", [weekend], "2025-06-11T12:00:00Z", 1, undefined],
    ["at a start, the next one", [weekend], "2025-06-13T14:00:00Z", undefined, "2025-06-20T14:00:00.000Z"],
    [
      "spring-forward gap",
      [win("0 2 * * SUN", "1h", "Europe/Berlin")],
      "2025-03-29T12:00:00Z",
      undefined,
      "2025-03-30T01:00:00.000Z",
    ],
    [
      "fall-back overlap fires once",
      [win("30 2 * * *", "30m", "Europe/Berlin")],
      "2025-10-26T00:30:00Z",
      undefined,
      "2025-10-27T01:30:00.000Z",
    ],
    [
      "earliest of several",
      [weekend, win("0 9 * * THU", "1h", "UTC")],
      "2025-06-11T12:00:00Z",
      undefined,
      "2025-06-12T09:00:00.000Z",
    ],
    ["leap day out of reach", [win("0 0 29 2 *", "1d", "UTC")], "2025-01-01T00:00:00Z", undefined, undefined],
  ];
  it.each(cases)("%s", (_name, windows, now, horizon, start) => {
    expect(iso(nextFreeze(windows, at(now), "UTC", horizon)?.start)).toBe(start);
  });
});

describe("describeFreeze", () => {
  it.each([
    ["2025-06-16T03:55:00Z", "weekend freeze: Fri 16:00 – Mon 08:00 Europe/Berlin (ends in 2h 5m)"],
    ["2025-06-14T12:00:00Z", "weekend freeze: Fri 16:00 – Mon 08:00 Europe/Berlin (ends in 1d 18h)"],
    ["2025-06-16T05:59:30Z", "weekend freeze: Fri 16:00 – Mon 08:00 Europe/Berlin (ends in 1m)"],
    ["2025-06-11T12:00:00Z", "weekend freeze: Fri 16:00 – Mon 08:00 Europe/Berlin (starts in 2d 2h)"],
    ["2025-06-16T06:00:00Z", "weekend freeze: Fri 16:00 – Mon 08:00 Europe/Berlin (ended)"],
  ])("at %s", (now, text) => {
    const f = {
      window: weekend,
      start: at("2025-06-13T14:00:00Z"),
      end: at("2025-06-16T06:00:00Z"),
      timezone: "Europe/Berlin",
    };
    expect(describeFreeze(f, at(now))).toBe(text);
  });

  it("shows dates for windows longer than a week", () => {
    const f = activeFreeze(
      [win("0 0 1 */3 *", "40d", "Europe/Berlin", "release freeze")],
      at("2025-05-08T00:00:00Z"),
      "UTC",
    );
    expect(f && describeFreeze(f, at("2025-05-08T00:00:00Z"))).toBe(
      "release freeze: Tue 1 Apr 00:00 – Sun 11 May 00:00 Europe/Berlin (ends in 2d 22h)",
    );
  });
});

describe("checkCron", () => {
  it.each([
    ["0 16 * * FRI", undefined],
    ["0 16 * * fri", undefined],
    ["*/15 9-17 * JAN-MAR MON-FRI", undefined],
    ["0 0 1,15 * *", undefined],
    ["5/10 * * * *", undefined],
    ["@daily", undefined],
    ["* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"],
    ["0 0 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"],
    ["", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"],
    ["61 * * * *", "minute: 61 is out of range 0-59"],
    ["0 24 * * *", "hour: 24 is out of range 0-23"],
    ["0 0 0 * *", "day-of-month: 0 is out of range 1-31"],
    ["0 0 * 13 *", "month: 13 is out of range 1-12"],
    ["0 0 * * 8", "day-of-week: 8 is out of range 0-7"],
    ["0 0 * * FRX", 'day-of-week: "FRX" is not a number or name'],
    ["0 0 L * *", 'day-of-month: "L" is not a number'],
    ["5-1 * * * *", "minute: range 5-1 runs backwards"],
    ["*/0 * * * *", "minute: step must be at least 1"],
    ["1,,2 * * * *", 'minute: cannot read ""'],
    ["0 0 30 2 *", "never fires: no chosen month has the chosen day-of-month"],
    ["@often", "unknown macro @often"],
  ])("%j", (expr, reason) => {
    expect(checkCron(expr)).toBe(reason);
  });
});

describe("properties", () => {
  const windows = [
    weekend,
    win("0 2 * * SUN", "1h", "Europe/Berlin"),
    win("30 2 * * *", "90m", "Europe/Berlin"),
    win("0 17 * * FRI", "63h", "America/New_York"),
    win("0 0 1 * *", "30d", "Australia/Lord_Howe"),
    win("15 */6 * * *", "5h", "Asia/Kathmandu"),
    win("0 9 13 * FRI", "2d", "Pacific/Apia"),
  ];
  const instant = fc.date({ min: at("2010-01-01T00:00:00Z"), max: at("2035-01-01T00:00:00Z"), noInvalidDate: true });

  it("an active freeze contains now and lasts exactly its duration", () => {
    fc.assert(
      fc.property(fc.constantFrom(...windows), instant, (w, now) => {
        const f = activeFreeze([w], now, "UTC");
        if (!f) return;
        expect(f.start.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(f.end.getTime()).toBeGreaterThan(now.getTime());
        expect(f.end.getTime() - f.start.getTime()).toBe(durationMs(w.duration));
      }),
      { numRuns: 300 },
    );
  });

  it("looking back and looking forward agree on the start times", () => {
    fc.assert(
      fc.property(fc.constantFrom(...windows), instant, (w, now) => {
        // Walk forward from before the longest possible start and keep the last start at or before now.
        let t = new Date(now.getTime() - durationMs(w.duration) - 1);
        let last: Date | undefined;
        for (let n = nextFreeze([w], t, "UTC", 40); n && n.start <= now; n = nextFreeze([w], t, "UTC", 40)) {
          last = n.start;
          t = n.start;
        }
        const expected = last && last.getTime() + durationMs(w.duration) > now.getTime() ? last : undefined;
        expect(iso(activeFreeze([w], now, "UTC")?.start)).toBe(iso(expected));
      }),
      { numRuns: 300 },
    );
  });
});
