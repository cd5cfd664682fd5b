import { describe, expect, it } from "vitest";
import {
  changeFailureRateLevel,
  frequencyLevel,
  leadTimeLevel,
  recoveryTimeLevel,
} from "../../src/domain/dora/levels.js";
import { DoraThresholds } from "../../src/config/dora-thresholds.js";
import { DEFAULT_THRESHOLDS } from "../../src/domain/dora/thresholds.js";
import type { Level } from "../../src/domain/dora/types.js";

const T = DEFAULT_THRESHOLDS;
const HOUR = 3_600;
const DAY = 86_400;

describe("levels at each default threshold boundary", () => {
  it.each<[number | null, number | null, Level | null]>([
    [7, 0, "elite"],
    [5, 0, "elite"], // ≥ 5 deployment days a week
    [4.999, 4, "high"],
    [1, 0, "high"], // ≥ 1 a week
    [0.999, 4, "medium"], // below weekly: the months decide
    [0.5, 2, "medium"], // e.g. median of six 0s and six 1s: (0 + 1) / 2
    [0, 1, "medium"], // once a month: twelve weeks' median is 0, three months' is 1
    [0, 0.999, "low"],
    [0, 0, "low"],
    [0.5, null, "low"],
    [null, 1, null],
  ])("deployment frequency %s days/week, %s days/month → %s", (week, month, level) => {
    expect(frequencyLevel(week, month, T)).toBe(level);
  });

  it.each<[number | null, Level | null]>([
    [1, "elite"],
    [DAY - 1, "elite"], // < 1 day
    [DAY, "high"],
    [7 * DAY - 1, "high"], // < 7 days = 604 800 s
    [7 * DAY, "medium"],
    [30 * DAY - 1, "medium"], // < 30 days = 2 592 000 s
    [30 * DAY, "low"],
    [null, null],
  ])("lead time %s s → %s", (value, level) => {
    expect(leadTimeLevel(value, T)).toBe(level);
  });

  it.each<[number | null, Level | null]>([
    [0, "elite"],
    [1 / 20, "elite"], // 5 % exactly: ≤ 5 %
    [0.0500001, "high"],
    [2 / 20, "high"], // 10 %: ≤ 10 %
    [0.1000001, "medium"],
    [3 / 20, "medium"], // 15 %: ≤ 15 %
    [0.1500001, "low"],
    [1, "low"],
    [null, null],
  ])("change failure rate %s → %s", (value, level) => {
    expect(changeFailureRateLevel(value, T)).toBe(level);
  });

  it.each<[number | null, Level | null]>([
    [0, "elite"],
    [HOUR - 1, "elite"], // < 1 hour
    [HOUR, "high"],
    [DAY - 1, "high"], // < 1 day
    [DAY, "medium"],
    [7 * DAY - 1, "medium"], // < 7 days
    [7 * DAY, "low"],
    [null, null],
  ])("recovery time %s s → %s", (value, level) => {
    expect(recoveryTimeLevel(value, T)).toBe(level);
  });

  it("uses the thresholds it is given", () => {
    const strict = DoraThresholds.parse({ leadTime: { elite: "1h" }, deploymentFrequency: { elite: 7, high: 5 } });
    expect(leadTimeLevel(HOUR - 1, strict)).toBe("elite");
    expect(leadTimeLevel(HOUR, strict)).toBe("high"); // was elite under the defaults
    expect(frequencyLevel(5, 20, strict)).toBe("high");
    expect(frequencyLevel(1, 4, strict)).toBe("medium"); // medium keeps its default: 1 day a month
    expect(frequencyLevel(0.5, 4, DoraThresholds.parse({ deploymentFrequency: { medium: 5 } }))).toBe("low");
  });
});

describe("DoraThresholds (config)", () => {
  it("parses an empty object to the DORA 2023 defaults", () => {
    expect(DoraThresholds.parse({})).toEqual({
      deploymentFrequency: { elite: 5, high: 1, medium: 1 }, // medium: days per month
      leadTime: { elite: 86_400, high: 604_800, medium: 2_592_000 }, // 1, 7, 30 days
      changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15 },
      recoveryTime: { elite: 3_600, high: 86_400, medium: 604_800 }, // 1 hour, 1 day, 7 days
    });
    expect(DoraThresholds.parse({})).toEqual(DEFAULT_THRESHOLDS);
  });

  it("merges partial overrides onto the defaults; durations or seconds for times", () => {
    const t = DoraThresholds.parse({
      leadTime: { high: "3d" },
      recoveryTime: { elite: 1_800 },
      changeFailureRate: { medium: 0.2 },
    });
    expect(t.leadTime).toEqual({ elite: 86_400, high: 259_200, medium: 2_592_000 }); // 3 × 86 400
    expect(t.recoveryTime).toEqual({ elite: 1_800, high: 86_400, medium: 604_800 });
    expect(t.changeFailureRate).toEqual({ elite: 0.05, high: 0.1, medium: 0.2 });
    expect(t.deploymentFrequency).toEqual(DEFAULT_THRESHOLDS.deploymentFrequency);
  });

  it.each([
    { input: { leadTime: { elite: "8d" } }, why: "elite 8d > high 7d" },
    { input: { deploymentFrequency: { high: 6 } }, why: "high 6 > elite 5" },
    { input: { deploymentFrequency: { medium: 32 } }, why: "more days than a month has" },
    { input: { changeFailureRate: { elite: 1.5 } }, why: "a rate above 1" },
    { input: { recoveryTime: { elite: "soon" } }, why: "not a duration" },
    { input: { leadTime: { fast: 1 } }, why: "unknown band" },
    { input: { mttr: {} }, why: "unknown metric" },
  ])("rejects $why", ({ input }) => {
    expect(DoraThresholds.safeParse(input).success).toBe(false);
  });
});
