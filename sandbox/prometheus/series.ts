/**
 * What a test or the demo gives the emulator for one query, and how the emulator answers it at a time or over a range,
 * in Prometheus's result formats.
 */
import { formatSampleValue, formatTimestamp } from "./wire-format.js";

/** A value at each evaluation time; undefined means the series has no sample then. */
export type ValueAt = (at: Date) => number | undefined;

export interface SampleSeed {
  /** A Date, or milliseconds since the epoch. */
  at: Date | number;
  value: number;
}

export interface SeriesSeed {
  /** The series' labels, `__name__` included when the query selects a metric. */
  labels?: Record<string, string>;
  /** A constant, or a function of the evaluation time. */
  value?: number | ValueAt;
  /** Or scraped samples: a query at t sees the newest at or before t, at most five minutes old, as Prometheus does. */
  samples?: SampleSeed[];
}

export interface Annotations {
  warnings?: string[];
  infos?: string[];
}

/** One registered query. Vector is the default; an `error` answers as Prometheus does when it cannot run a query. */
export type QuerySeed =
  | ({ type?: "vector"; series: SeriesSeed[] } & Annotations)
  /** A range selector (`x[5m]`): instant queries answer a matrix of the samples in the range; range queries refuse it. */
  | ({ type: "matrix"; rangeSeconds: number; series: Array<SeriesSeed & { samples: SampleSeed[] }> } & Annotations)
  | ({ type: "scalar"; value: number | ValueAt } & Annotations)
  | { type: "string"; value: string }
  | { type: "error"; status: 400 | 422 | 503; errorType: string; error: string };

/** Prometheus's default lookback delta: an instant sees samples at most this old. */
const LOOKBACK_MS = 5 * 60_000;

type WireValue = [number, string];

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export function success(resultType: string, result: unknown, notes: Annotations = {}): Answer {
  const data = { resultType, result };
  const extra = {
    ...(notes.warnings?.length ? { warnings: notes.warnings } : {}),
    ...(notes.infos?.length ? { infos: notes.infos } : {}),
  };
  return { status: 200, body: { status: "success", data, ...extra } };
}

export function failure(status: number, errorType: string, error: string): Answer {
  return { status, body: { status: "error", errorType, error } };
}

function msOf(at: Date | number): number {
  return typeof at === "number" ? at : at.getTime();
}

function valueAt(seed: SeriesSeed, ms: number): number | undefined {
  if (seed.samples) {
    let found: number | undefined;
    let foundAt = -Infinity;
    for (const s of seed.samples) {
      const t = msOf(s.at);
      if (t <= ms && t > ms - LOOKBACK_MS && t >= foundAt) [found, foundAt] = [s.value, t];
    }
    return found;
  }
  return typeof seed.value === "function" ? seed.value(new Date(ms)) : seed.value;
}

function point(ms: number, value: number): WireValue {
  return [formatTimestamp(ms), formatSampleValue(value)];
}

/** The answer to `/api/v1/query` at `ms`. */
export function instant(seed: QuerySeed, ms: number): Answer {
  switch (seed.type) {
    case "error":
      return failure(seed.status, seed.errorType, seed.error);
    case "string":
      return success("string", [formatTimestamp(ms), seed.value]);
    case "scalar": {
      const value = typeof seed.value === "function" ? seed.value(new Date(ms)) : seed.value;
      return success("scalar", point(ms, value ?? NaN), seed);
    }
    case "matrix": {
      const from = ms - seed.rangeSeconds * 1000;
      const result = seed.series
        .map((s) => ({
          metric: s.labels ?? {},
          values: s.samples
            .filter((p) => msOf(p.at) > from && msOf(p.at) <= ms)
            .sort((a, b) => msOf(a.at) - msOf(b.at))
            .map((p) => point(msOf(p.at), p.value)),
        }))
        .filter((s) => s.values.length > 0);
      return success("matrix", result, seed);
    }
    default: {
      const result = seed.series.flatMap((s) => {
        const value = valueAt(s, ms);
        return value === undefined ? [] : [{ metric: s.labels ?? {}, value: point(ms, value) }];
      });
      return success("vector", result, seed);
    }
  }
}

/** The answer to `/api/v1/query_range`: every step from start to end (both in ms, start <= end, step > 0). */
export function range(seed: QuerySeed, startMs: number, endMs: number, stepMs: number): Answer {
  if (seed.type === "error") return failure(seed.status, seed.errorType, seed.error);
  if (seed.type === "string" || seed.type === "matrix") {
    const kind = seed.type === "string" ? "string" : "range vector";
    return failure(
      400,
      "bad_data",
      `invalid expression type "${kind}" for range query, must be Scalar or instant Vector`,
    );
  }
  const steps: number[] = [];
  for (let t = startMs; t <= endMs; t += stepMs) steps.push(t);
  // A scalar over a range is one series without labels.
  const series: SeriesSeed[] = seed.type === "scalar" ? [{ labels: {}, value: seed.value }] : seed.series;
  const result = series
    .map((s) => ({
      metric: s.labels ?? {},
      values: steps.flatMap((t) => {
        const value = valueAt(s, t);
        return value === undefined ? [] : [point(t, value)];
      }),
    }))
    .filter((s) => s.values.length > 0);
  return success("matrix", result, seed);
}
