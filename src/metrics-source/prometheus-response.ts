/**
 * Prometheus's answers, checked with zod as they arrive, and turned into the port's types. Every documented
 * resultType is read; a check can only use numbers, so an instant query answering a range vector or a string is
 * refused with words saying how to fix the query. Native histogram samples carry no single number and are left out.
 */
import { z } from "zod";
import type { MetricsFailure, QueryResult, RangeResult, Sample, Series } from "./port.js";

const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Prometheus writes sample values as text: decimals, `NaN`, `+Inf` and `-Inf`. */
export function parseSampleValue(text: string): number | undefined {
  if (text === "NaN") return NaN;
  if (/^\+?Inf$/i.test(text)) return Infinity;
  if (/^-Inf$/i.test(text)) return -Infinity;
  return FLOAT.test(text) ? Number(text) : undefined;
}

const SampleValue = z.string().transform((text, ctx) => {
  const value = parseSampleValue(text);
  if (value === undefined)
    ctx.addIssue({ code: "custom", message: `not a sample value: ${JSON.stringify(text.slice(0, 40))}` });
  return value ?? NaN;
});
const Point = z.tuple([z.number(), SampleValue]);
const Labels = z.record(z.string(), z.string());

const Data = z.discriminatedUnion("resultType", [
  z.object({
    resultType: z.literal("vector"),
    result: z.array(z.object({ metric: Labels, value: Point.optional(), histogram: z.unknown().optional() })),
  }),
  z.object({
    resultType: z.literal("matrix"),
    result: z.array(
      z.object({ metric: Labels, values: z.array(Point).optional(), histograms: z.unknown().optional() }),
    ),
  }),
  z.object({ resultType: z.literal("scalar"), result: Point }),
  z.object({ resultType: z.literal("string"), result: z.tuple([z.number(), z.string()]) }),
]);
type Data = z.infer<typeof Data>;

export const Success = z.object({ status: z.literal("success"), data: Data, warnings: z.array(z.string()).optional() });
export type Success = z.infer<typeof Success>;

/** What the API handlers answer with a 4xx or 5xx; proxies in front of them may answer text instead. */
export const ErrorBody = z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() });

/** An answer the API gave that a check cannot use; the client turns it into a metrics_error. */
export interface Unusable {
  unusable: MetricsFailure;
  message: string;
}

function samplesOf(data: Extract<Data, { resultType: "vector" }>): Sample[] {
  return data.result.flatMap((s) => (s.value ? [{ labels: s.metric, value: s.value[1] }] : []));
}

function seriesOf(data: Extract<Data, { resultType: "matrix" }>): Series[] {
  return data.result.flatMap((s) => {
    const points = (s.values ?? []).map(([at, value]) => ({ at: new Date(Math.round(at * 1000)), value }));
    return points.length > 0 ? [{ labels: s.metric, points }] : [];
  });
}

/** An instant query's answer in the port's types. */
export function toQueryResult(body: Success, backend: string): QueryResult | Unusable {
  const warnings = body.warnings ?? [];
  const data = body.data;
  switch (data.resultType) {
    case "scalar":
      return { kind: "scalar", value: data.result[1], warnings };
    case "vector": {
      const samples = samplesOf(data);
      return samples.length > 0 ? { kind: "samples", samples, warnings } : { kind: "none", warnings };
    }
    case "matrix":
      return {
        unusable: "bad_query",
        message: `${backend} answered a range vector: a check needs one number per series, so wrap the selector, such as max_over_time(x[5m])`,
      };
    case "string":
      return {
        unusable: "bad_query",
        message: `${backend} answered a string: a check needs a number, such as sum(rate(x[5m]))`,
      };
  }
}

/** A range query's answer in the port's types; Prometheus answers every range query with a matrix. */
export function toRangeResult(body: Success, backend: string): RangeResult | Unusable {
  const warnings = body.warnings ?? [];
  if (body.data.resultType !== "matrix") {
    return {
      unusable: "bad_response",
      message: `${backend} answered a range query with a ${body.data.resultType}, not a matrix`,
    };
  }
  const series = seriesOf(body.data);
  return series.length > 0 ? { kind: "series", series, warnings } : { kind: "none", warnings };
}
