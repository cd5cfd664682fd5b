import { z } from "zod";
import { Duration, durationMs } from "../../config/primitives.js";
import type { Thresholds } from "./types.js";

const DAY = 86_400;

/**
 * DORA 2023 levels as Apache DevLake codes them. Times in seconds; frequency in deployment days per week (elite, high)
 * and per month (medium).
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  deploymentFrequency: { elite: 5, high: 1, medium: 1 },
  leadTime: { elite: DAY, high: 7 * DAY, medium: 30 * DAY },
  changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15 },
  recoveryTime: { elite: 3_600, high: DAY, medium: 7 * DAY },
};

/** A time threshold: a duration such as `1h` or `7d`, or a number of seconds. */
const Seconds = z.union([z.number().positive(), Duration.transform((d) => durationMs(d) / 1_000)]);

const Bands = <T extends z.ZodType<number, unknown>, M extends z.ZodType<number, unknown> = T>(value: T, medium?: M) =>
  z.object({ elite: value.optional(), high: value.optional(), medium: (medium ?? value).optional() }).strict();

const DaysPerWeek = z.number().positive().max(7);
const DaysPerMonth = z.number().positive().max(31);
const Rate = z.number().min(0).max(1);

/**
 * `dora.thresholds` in the config: partial overrides merged onto `DEFAULT_THRESHOLDS`. Parses to a full
 * `Thresholds`; rejects bands out of order (frequency: elite ≥ high ≥ medium; the rest: elite ≤ high ≤ medium).
 */
export const DoraThresholds = z
  .object({
    deploymentFrequency: Bands(DaysPerWeek, DaysPerMonth).optional(),
    leadTime: Bands(Seconds).optional(),
    changeFailureRate: Bands(Rate).optional(),
    recoveryTime: Bands(Seconds).optional(),
  })
  .strict()
  .transform((o, ctx): Thresholds => {
    const d = DEFAULT_THRESHOLDS;
    const merged: Thresholds = {
      deploymentFrequency: { ...d.deploymentFrequency, ...defined(o.deploymentFrequency) },
      leadTime: { ...d.leadTime, ...defined(o.leadTime) },
      changeFailureRate: { ...d.changeFailureRate, ...defined(o.changeFailureRate) },
      recoveryTime: { ...d.recoveryTime, ...defined(o.recoveryTime) },
    };
    for (const key of Object.keys(merged) as (keyof Thresholds)[]) {
      const { elite, high, medium } = merged[key];
      // Frequency's medium band counts days per month, the others days per week: only elite and high compare.
      const ordered = key === "deploymentFrequency" ? elite >= high : elite <= high && high <= medium;
      if (!ordered) {
        const order = key === "deploymentFrequency" ? "elite ≥ high (days per week)" : "elite ≤ high ≤ medium";
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `thresholds out of order: expected ${order} (after defaults)`,
        });
      }
    }
    return merged;
  });
export type DoraThresholds = z.infer<typeof DoraThresholds>;

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
