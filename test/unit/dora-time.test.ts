import { describe, expect, it } from "vitest";
import { median } from "../../src/domain/dora/median.js";
import { sparkline } from "../../src/domain/dora/sparkline.js";
import { trailingWeeks, weekStart, weekWindow } from "../../src/domain/dora/time.js";

const BERLIN = "Europe/Berlin";
const hours = (w: { from: string; to: string }): number => (Date.parse(w.to) - Date.parse(w.from)) / 3_600_000;

describe("median (interpolated)", () => {
  it.each([
    { values: [], expected: null },
    { values: [7], expected: 7 },
    { values: [3, 1, 2], expected: 2 }, // odd: sorted 1 2 3 → 2
    { values: [4, 1, 3, 2], expected: 2.5 }, // even: sorted 1 2 3 4 → (2 + 3) / 2
    { values: [0, 0, 0, 5], expected: 0 }, // (0 + 0) / 2
    { values: [10, 0], expected: 5 }, // (0 + 10) / 2
    { values: [100, 9, 20], expected: 20 }, // numeric, not lexicographic: 9 20 100
  ])("median($values) = $expected", ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });
});

describe("weeks in the team's time zone", () => {
  it.each([
    // UTC: 2026-01-01 is a Thursday → its week starts Monday 2025-12-29.
    { instant: "2026-01-01T12:00:00Z", tz: "UTC", start: "2025-12-29T00:00:00.000Z" },
    // A Monday at 00:00 exactly is its own week start.
    { instant: "2026-03-09T00:00:00Z", tz: "UTC", start: "2026-03-09T00:00:00.000Z" },
    // Sunday 23:59:59.999 UTC belongs to the week before.
    { instant: "2026-03-15T23:59:59.999Z", tz: "UTC", start: "2026-03-09T00:00:00.000Z" },
    // Berlin winter (UTC+1): Monday 23 Mar 00:00 CET = Sunday 22 Mar 23:00Z.
    { instant: "2026-03-25T12:00:00Z", tz: BERLIN, start: "2026-03-22T23:00:00.000Z" },
    // 2026-03-22T23:30Z is already Monday 00:30 CET in Berlin (still Sunday in UTC).
    { instant: "2026-03-22T23:30:00Z", tz: BERLIN, start: "2026-03-22T23:00:00.000Z" },
    // 2026-03-22T22:30Z is Sunday 23:30 CET: the week before (Monday 16 Mar 00:00 CET = 15 Mar 23:00Z).
    { instant: "2026-03-22T22:30:00Z", tz: BERLIN, start: "2026-03-15T23:00:00.000Z" },
    // Berlin summer (UTC+2): Monday 30 Mar 00:00 CEST = 29 Mar 22:00Z.
    { instant: "2026-03-29T22:00:00Z", tz: BERLIN, start: "2026-03-29T22:00:00.000Z" },
    // Sunday 29 Mar 23:59 CEST (21:59Z) is still the DST week starting 22 Mar 23:00Z.
    { instant: "2026-03-29T21:59:00Z", tz: BERLIN, start: "2026-03-22T23:00:00.000Z" },
    // Kiritimati is UTC+14: Thursday 1 Jan 00:30 local = 31 Dec 10:30Z; Monday 29 Dec 00:00 local = 28 Dec 10:00Z.
    { instant: "2025-12-31T10:30:00Z", tz: "Pacific/Kiritimati", start: "2025-12-28T10:00:00.000Z" },
  ])("weekStart($instant, $tz) = $start", ({ instant, tz, start }) => {
    expect(weekStart(instant, tz).toISOString()).toBe(start);
    expect(weekStart(new Date(instant), tz).toISOString()).toBe(start);
  });

  it("a week across spring-forward (29 Mar 2026) is 167 hours, across fall-back (25 Oct 2026) 169", () => {
    // Mon 23 Mar 00:00 CET (22 Mar 23:00Z) → Mon 30 Mar 00:00 CEST (29 Mar 22:00Z): 7 × 24 − 1 = 167 h.
    const spring = weekWindow("2026-03-29T12:00:00Z", BERLIN);
    expect(spring).toEqual({ from: "2026-03-22T23:00:00.000Z", to: "2026-03-29T22:00:00.000Z" });
    expect(hours(spring)).toBe(167);
    // Mon 19 Oct 00:00 CEST (18 Oct 22:00Z) → Mon 26 Oct 00:00 CET (25 Oct 23:00Z): 7 × 24 + 1 = 169 h.
    const autumn = weekWindow("2026-10-25T12:00:00Z", BERLIN);
    expect(autumn).toEqual({ from: "2026-10-18T22:00:00.000Z", to: "2026-10-25T23:00:00.000Z" });
    expect(hours(autumn)).toBe(169);
    // An ordinary summer week: 168 h.
    expect(hours(weekWindow("2026-07-01T12:00:00Z", BERLIN))).toBe(168);
  });

  it("weekWindow goes back whole local weeks, across the DST change", () => {
    // One week before the week of Mon 30 Mar CEST is the 167-hour DST week.
    expect(weekWindow("2026-04-01T12:00:00Z", BERLIN, 1)).toEqual({
      from: "2026-03-22T23:00:00.000Z",
      to: "2026-03-29T22:00:00.000Z",
    });
    expect(weekWindow("2026-04-01T12:00:00Z", BERLIN, 2)).toEqual({
      from: "2026-03-15T23:00:00.000Z",
      to: "2026-03-22T23:00:00.000Z",
    });
  });

  it("trailingWeeks lists n contiguous weeks, oldest first, ending with the given week", () => {
    const weeks = trailingWeeks(new Date("2026-04-05T22:00:00Z"), 3, BERLIN); // Mon 6 Apr 00:00 CEST
    expect(weeks).toEqual([
      { from: "2026-03-22T23:00:00.000Z", to: "2026-03-29T22:00:00.000Z" }, // the 167-hour week
      { from: "2026-03-29T22:00:00.000Z", to: "2026-04-05T22:00:00.000Z" },
      { from: "2026-04-05T22:00:00.000Z", to: "2026-04-12T22:00:00.000Z" },
    ]);
    expect(trailingWeeks(new Date("2026-03-09T00:00:00Z"), 12, "UTC")[0]?.from).toBe("2025-12-22T00:00:00.000Z"); // 9 Mar − 77 days
    expect(trailingWeeks(new Date("2026-03-09T00:00:00Z"), 0, "UTC")).toEqual([]);
  });

  it("a day whose midnight does not exist starts when the clocks jump (America/Santiago, 6 Sep 2026 00:00 → 01:00)", () => {
    // Monday 7 Sep 00:00 -03 = 03:00Z; that week's Sunday 6 Sep starts at 01:00 -03 = 04:00Z, not in the week asked.
    expect(weekWindow("2026-09-08T12:00:00Z", "America/Santiago")).toEqual({
      from: "2026-09-07T03:00:00.000Z",
      to: "2026-09-14T03:00:00.000Z",
    });
    // The week before: Mon 31 Aug 00:00 -04 = 04:00Z → Mon 7 Sep 03:00Z: 167 h.
    expect(hours(weekWindow("2026-09-08T12:00:00Z", "America/Santiago", 1))).toBe(167);
  });
});

describe("sparkline", () => {
  it.each([
    { values: [], expected: "" },
    { values: [1, 2, 3, 4, 5, 6, 7, 8], expected: "▁▂▃▄▅▆▇█" }, // (v − 1) / 7 × 7 = v − 1
    { values: [0, null, 10], expected: "▁ █" },
    { values: [0, 5, 10], expected: "▁▅█" }, // 5/10 × 7 = 3.5 → rounds to 4 → ▅
    { values: [3, 3, 3], expected: "▁▁▁" }, // all equal
    { values: [null, null], expected: "  " },
    { values: [2, 0, 1], expected: "█▁▅" }, // 1/2 × 7 = 3.5 → 4
  ])("sparkline($values) = '$expected'", ({ values, expected }) => {
    expect(sparkline(values)).toBe(expected);
  });
});
