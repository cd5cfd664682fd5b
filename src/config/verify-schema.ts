/**
 * `verify:` under an environment: how long a deploy must stay healthy on live metrics, the checks, and what happens
 * on a breach; with the environment keys that build on it (promoteTo, requireVerified, minBake). Problems a single
 * check or verify block can have are found here; those that need the service's other environments are in
 * verify-references.ts.
 */
import { z } from "zod";
import { templateProblems, usesPlaceholder } from "../domain/verify/template.js";
import { CHECK_UNITS, type Threshold, type VerifyPlan } from "../domain/verify/types.js";
import { inferUnit } from "../domain/verify/units.js";
import { Duration, durationMs, EnvironmentName, Principal } from "./primitives.js";

/** `20%` or `0.2`, read as the fraction 0.2. */
export const MaxIncrease = z.union([z.number(), z.string()]).transform((raw, ctx) => {
  if (typeof raw === "string") {
    const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(raw.trim());
    if (match) return Number(match[1]) / 100;
    ctx.addIssue({ code: "custom", message: 'expected a percentage such as "20%", or a fraction such as 0.2' });
    return z.NEVER;
  }
  if (raw < 0) ctx.addIssue({ code: "custom", message: "must be 0 or more: 0.2 (or 20%) allows a 20% increase" });
  else if (raw > 10)
    ctx.addIssue({
      code: "custom",
      message: `a bare number is a fraction, so ${raw} would allow a ${raw * 100}% increase: write "${raw}%" or ${raw / 100}`,
    });
  return raw;
});

const THRESHOLD_KEYS = ["max", "min", "maxIncrease", "compareTo"] as const;

export const VerifyCheck = z
  .object({
    /** Shown in Slack: "error rate 4.1% > 2% for 2 checks in a row". */
    name: z.string().min(1),
    /** PromQL; {{service}}, {{environment}}, {{sha}} and {{ref}} go inside quoted label values. */
    query: z
      .string()
      .min(1)
      .superRefine((query, ctx) => {
        for (const problem of templateProblems(query)) ctx.addIssue({ code: "custom", message: problem });
      }),
    max: z.number().optional(),
    min: z.number().optional(),
    /** Above the same query's mean over the bake-long window before the deploy started. */
    maxIncrease: MaxIncrease.optional(),
    /** Another environment of the service: the same query with its {{environment}}, with maxRatio. */
    compareTo: EnvironmentName.optional(),
    maxRatio: z.number().positive().optional(),
    /** How its numbers read in Slack and the chart; inferred when absent (latency/durations: seconds; max or min within 0..1: percent). */
    unit: z.enum(CHECK_UNITS).optional(),
  })
  .strict()
  .superRefine((check, ctx) => {
    const issue = (path: string[], message: string): void => ctx.addIssue({ code: "custom", path, message });
    if (check.compareTo !== undefined && check.maxRatio === undefined)
      issue(["maxRatio"], "missing — a compareTo check needs maxRatio, such as `maxRatio: 1.5`");
    if (check.maxRatio !== undefined && check.compareTo === undefined)
      issue(
        ["compareTo"],
        "missing — maxRatio compares with another environment: add compareTo, such as `compareTo: production`",
      );
    const kinds = THRESHOLD_KEYS.filter(
      (key) => check[key] !== undefined || (key === "compareTo" && check.maxRatio !== undefined),
    );
    if (kinds.length === 0)
      issue([], "no threshold — add one of `max`, `min`, `maxIncrease`, or `compareTo` with `maxRatio`");
    if (kinds.length > 1)
      issue(
        [kinds[1] as string],
        `set only one threshold per check, not both \`${kinds[0]}\` and \`${kinds[1]}\`: write a check for each`,
      );
    if (check.compareTo !== undefined && !usesPlaceholder(check.query, "environment")) {
      issue(
        ["query"],
        'a compareTo check runs this query for both environments, so it must use {{environment}}, such as env="{{environment}}"',
      );
    }
  });
export type VerifyCheck = z.infer<typeof VerifyCheck>;

/** A duration as the config writes it, in the largest unit that divides it. */
function configDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export const Verify = z
  .object({
    /** How long the deploy must stay healthy to be verified. */
    bake: Duration,
    interval: Duration.default("30s"),
    /** Breaching readings in a row before the deploy fails. */
    failAfter: z.number().int().min(1).default(2),
    checks: z.array(VerifyCheck).min(1),
    /** Missing data: a breach (fail), no evidence either way (hold), or fine (pass). */
    noData: z.enum(["fail", "hold", "pass"]).default("hold"),
    /** On a failed verification: roll back to the last verified deploy at once, or alert and wait for a person. */
    onFailure: z.enum(["rollback", "notify"]).default("notify"),
    /** Who is told at once when verification fails. */
    alert: z.array(Principal).default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    const bake = durationMs(v.bake);
    const interval = durationMs(v.interval);
    if (interval === 0)
      ctx.addIssue({ code: "custom", path: ["interval"], message: "must be longer than 0, such as 30s" });
    if (bake === 0) ctx.addIssue({ code: "custom", path: ["bake"], message: "must be longer than 0, such as 10m" });
    const least = interval * v.failAfter;
    if (bake > 0 && bake < least) {
      const message = `${v.bake} is shorter than interval × failAfter (${v.interval} × ${v.failAfter} = ${configDuration(least)}), so a breach could never count: make bake at least ${configDuration(least)}, or lower failAfter or interval`;
      ctx.addIssue({ code: "custom", path: ["bake"], message });
    }
    const seen = new Set<string>();
    v.checks.forEach((check, i) => {
      if (seen.has(check.name))
        ctx.addIssue({
          code: "custom",
          path: ["checks", i, "name"],
          message: `another check is already named \`${check.name}\`: give each check its own name, as Slack shows it`,
        });
      seen.add(check.name);
    });
  });
export type Verify = z.infer<typeof Verify>;

/** The environment keys of verification and automatic promotion, spread into the environment's schema. */
export const VerifyEnvironmentFields = {
  verify: Verify.optional(),
  /** Once a deploy is verified here, Gantry asks for its promotion to this environment (approvals still apply). */
  promoteTo: EnvironmentName.optional(),
  /** Only a deploy verified where it comes from may be promoted here. */
  requireVerified: z.boolean().optional(),
  /** A promotion here waits until the deploy has been live this long where it comes from. */
  minBake: Duration.optional(),
};

export function thresholdOf(check: VerifyCheck): Threshold {
  if (check.max !== undefined) return { kind: "max", max: check.max };
  if (check.min !== undefined) return { kind: "min", min: check.min };
  if (check.maxIncrease !== undefined) return { kind: "maxIncrease", maxIncrease: check.maxIncrease };
  return { kind: "maxRatio", compareTo: check.compareTo ?? "", maxRatio: check.maxRatio ?? 1 };
}

/** The pure module's plan from a parsed `verify:` block. */
export function verifyPlan(v: Verify): VerifyPlan {
  return {
    bakeMs: durationMs(v.bake),
    intervalMs: durationMs(v.interval),
    failAfter: v.failAfter,
    noData: v.noData,
    checks: v.checks.map((c) => {
      const spec = { name: c.name, query: c.query, threshold: thresholdOf(c) };
      return { ...spec, unit: c.unit ?? inferUnit(spec) };
    }),
  };
}
