/** The shapes deploy verification decides on: checks and their thresholds, what a metrics read gave, and verdicts. */

export type Labels = Readonly<Record<string, string>>;

/** One kind per check. `maxIncrease` is a fraction (0.2 is 20%); `maxRatio` compares with another environment. */
export type Threshold =
  | { kind: "max"; max: number }
  | { kind: "min"; min: number }
  | { kind: "maxIncrease"; maxIncrease: number }
  | { kind: "maxRatio"; compareTo: string; maxRatio: number };

export const CHECK_UNITS = ["percent", "seconds", "number"] as const;
/** How a check's numbers read (see units.ts). */
export type CheckUnit = (typeof CHECK_UNITS)[number];

export interface CheckSpec {
  name: string;
  /** The query template, with {{service}}, {{environment}}, {{sha}} and {{ref}} inside quoted label values. */
  query: string;
  threshold: Threshold;
  /** As configured; inferred when absent (see units.ts). */
  unit?: CheckUnit;
}

/** What missing data means: a breach (`fail`), no evidence either way (`hold`), or fine (`pass`). */
export type NoDataPolicy = "fail" | "hold" | "pass";

export interface VerifyPlan {
  bakeMs: number;
  intervalMs: number;
  /** Consecutive breaching readings of one check before the deploy fails. */
  failAfter: number;
  noData: NoDataPolicy;
  checks: readonly CheckSpec[];
}

export interface LabelledValue {
  labels: Labels;
  value: number;
}

/** One read of a query; the metrics-source port's results fit it as they are, and a failed read is `error`. */
export type Reading =
  | { kind: "samples"; samples: readonly LabelledValue[] }
  | { kind: "scalar"; value: number }
  | { kind: "none" }
  | { kind: "error"; message: string };

/** A range read (for the baseline); the port's range results fit it as they are. */
export type RangeReading =
  { kind: "series"; series: readonly { points: readonly { value: number }[] }[] } | { kind: "none" };

/** What one check saw at one reading, with the numbers Slack words it with. */
export interface Measured {
  check: string;
  /** The worst series' value: the highest against an upper limit, the lowest against `min`. */
  value: number;
  /** The value in the query's units that must not be passed. */
  limit: number;
  /** `upper`: a value above the limit breaches; `lower`: below it. */
  bound: "upper" | "lower";
  /** The worst series' labels (empty for a scalar). */
  labels: Labels;
  threshold: Threshold;
  /** How its numbers read; absent in readings stored before units were kept. */
  unit?: CheckUnit;
  /** maxIncrease: the mean before the deploy. */
  baseline?: number;
  /** maxRatio: the other environment's value. */
  reference?: number;
}

export type MissingPart = "current" | "baseline" | "reference";

export type CheckVerdict =
  | ({ status: "ok" } & Measured)
  | ({ status: "breach" } & Measured)
  | { status: "no_data"; check: string; missing: MissingPart; error?: string };
