import { z } from "zod";
import { DEFAULT_THRESHOLDS } from "../domain/dora/thresholds.js";
import type { Thresholds } from "../domain/dora/types.js";
import { Duration, durationMs } from "./primitives.js";

/** A time threshold: a duration such as `1h` or `7d`, or a number of seconds. */
const Seconds = z.union([z.number().positive(), Duration.transform((d) => durationMs(d) / 1_000)]);

const Bands = <T extends z.ZodType<number, unknown>, M extends z.ZodType<number, unknown> = T>(value: T, medium?: M) =>
  z.object({ elite: value.optional(), high: value.optional(), medium: (medium ?? value).optional() }).strict();

const DaysPerWeek = z.number().positive().max(7);
const DaysPerMonth = z.number().positive().max(31);
const Rate = z.number().min(0).max(1);

/**
 * `dora.thresholds` in the config: partial overrides merged onto `DEFAULT_THRESHOLDS`. Parses to a full
 * `Thresholds`; rejects bands out of order (frequency: elite ≥ high, per week; the rest: elite ≤ high ≤ medium).
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
