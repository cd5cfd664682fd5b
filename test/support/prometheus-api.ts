/**
 * Prometheus's HTTP API answers as documented (https://prometheus.io/docs/prometheus/latest/querying/api/, "Format
 * overview" and "Expression query result formats"), transcribed strictly: undocumented keys fail. The errorType values
 * are the constants of Prometheus's web/api/v1 package, which the page does not list. `shapeOf` reduces an answer to
 * its structure, for comparing the emulator with a real server.
 */
import { expect } from "vitest";
import { z } from "zod";

/** Go's strconv.FormatFloat(v, 'f', -1, 64): plain decimals, never an exponent, and Prometheus's NaN and ±Inf. */
const SampleValue = z.string().regex(/^(NaN|[+-]Inf|-?\d+(\.\d+)?)$/);
/** Output timestamps are Unix seconds, with at most millisecond precision. */
const Timestamp = z
  .number()
  .refine((t) => Math.abs(t * 1000 - Math.round(t * 1000)) < 1e-3, "at most millisecond precision");
const Labels = z.record(z.string(), z.string());
const Point = z.tuple([Timestamp, SampleValue]);
const Histogram = z
  .object({
    count: SampleValue,
    sum: SampleValue,
    buckets: z.array(z.tuple([z.number().int().min(0).max(3), SampleValue, SampleValue, SampleValue])).optional(),
  })
  .strict();

const VectorSample = z.union([
  z.object({ metric: Labels, value: Point }).strict(),
  z.object({ metric: Labels, histogram: z.tuple([Timestamp, Histogram]) }).strict(),
]);
const MatrixSeries = z
  .object({
    metric: Labels,
    values: z.array(Point).optional(),
    histograms: z.array(z.tuple([Timestamp, Histogram])).optional(),
  })
  .strict()
  .refine((s) => s.values !== undefined || s.histograms !== undefined, "a series holds values or histograms");

export const QueryData = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("vector"), result: z.array(VectorSample) }).strict(),
  z.object({ resultType: z.literal("matrix"), result: z.array(MatrixSeries) }).strict(),
  z.object({ resultType: z.literal("scalar"), result: Point }).strict(),
  z.object({ resultType: z.literal("string"), result: z.tuple([Timestamp, z.string()]) }).strict(),
]);

const Notes = { warnings: z.array(z.string()).optional(), infos: z.array(z.string()).optional() };

export const QuerySuccess = z.object({ status: z.literal("success"), data: QueryData, ...Notes }).strict();

export const ERROR_TYPES = [
  "timeout",
  "canceled",
  "execution",
  "bad_data",
  "internal",
  "unavailable",
  "not_found",
  "not_acceptable",
] as const;

export const ErrorEnvelope = z
  .object({
    status: z.literal("error"),
    errorType: z.enum(ERROR_TYPES),
    error: z.string().min(1),
    data: z.unknown().optional(),
    ...Notes,
  })
  .strict();

/** The statuses the page documents for errors from the API handlers. */
export const DOCUMENTED_ERROR_STATUSES = [400, 422, 503];

/** Fails the test unless `body` is a documented answer for `status`. */
export function expectDocumentedAnswer(status: number, body: unknown): void {
  if (status >= 200 && status < 300) {
    const parsed = QuerySuccess.safeParse(body);
    expect(parsed.success, `a documented success: ${parsed.error?.message}\n${JSON.stringify(body)}`).toBe(true);
    return;
  }
  expect(DOCUMENTED_ERROR_STATUSES, `status ${status}`).toContain(status);
  const parsed = ErrorEnvelope.safeParse(body);
  expect(parsed.success, `a documented error: ${parsed.error?.message}\n${JSON.stringify(body)}`).toBe(true);
}

/**
 * The structure of an answer without its data: numbers become "number", sample strings "sample", label values
 * "label", error words "words"; label names, result types and error types stay, and repeated elements of a list
 * count once. Equal shapes mean a client reads both answers the same way.
 */
export function shapeOf(value: unknown, key = ""): unknown {
  // Repeated elements (points, series) count once, so answers with more or fewer of them still compare.
  if (Array.isArray(value))
    return [...new Map(value.map((v) => shapeOf(v, key)).map((s) => [JSON.stringify(s), s])).values()];
  if (typeof value === "number") return "number";
  if (typeof value === "string") {
    if (["status", "resultType", "errorType"].includes(key)) return value;
    if (key === "error" || key === "warnings" || key === "infos") return "words";
    return SampleValue.safeParse(value).success ? "sample" : "text";
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, key === "metric" ? "label" : shapeOf(v, k)]));
  }
  return value;
}

/** GETs or POSTs one query endpoint and returns what came back, JSON parsed where it is JSON. */
export async function askPrometheus(
  base: string,
  endpoint: "query" | "query_range",
  params: Record<string, string>,
  opts: { method?: "GET" | "POST"; authorization?: string } = {},
): Promise<{ status: number; contentType: string; body: unknown; headers: Headers }> {
  const form = new URLSearchParams(params).toString();
  const method = opts.method ?? "GET";
  const headers: Record<string, string> = opts.authorization ? { authorization: opts.authorization } : {};
  const url = `${base}/api/v1/${endpoint}${method === "GET" ? `?${form}` : ""}`;
  const init: RequestInit =
    method === "GET"
      ? { headers }
      : { method, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: form };
  const response = await fetch(url, init);
  const text = await response.text();
  const contentType = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    contentType,
    body: contentType.startsWith("application/json") ? JSON.parse(text) : text,
    headers: response.headers,
  };
}
