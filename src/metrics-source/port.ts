/**
 * What Gantry reads from a metrics backend to verify a deploy, in Gantry's own types. Prometheus's HTTP API is the
 * first adapter (and covers Thanos, Cortex, Mimir, VictoriaMetrics and Grafana Cloud); Datadog or CloudWatch can
 * follow behind the same port. Failures are GantryErrors with code `metrics_error` and `MetricsErrorDetails`.
 */

export type Labels = Readonly<Record<string, string>>;

/** One series' value; NaN and ±Infinity pass through as the backend computed them. */
export interface Sample {
  labels: Labels;
  value: number;
}

export interface Point {
  at: Date;
  value: number;
}

export interface Series {
  labels: Labels;
  points: Point[];
}

/** Warnings are the backend's notes on an answer it still gave (a store that did not answer, say). */
export type QueryResult =
  | { kind: "samples"; samples: Sample[]; warnings: string[] }
  | { kind: "scalar"; value: number; warnings: string[] }
  /** The query matched nothing at that time. */
  | { kind: "none"; warnings: string[] };

export type RangeResult =
  { kind: "series"; series: Series[]; warnings: string[] } | { kind: "none"; warnings: string[] };

export interface MetricsSource {
  /** The backend's name for messages, such as "Prometheus". */
  readonly name: string;
  /** The query's value at one instant. */
  query(promql: string, at: Date): Promise<QueryResult>;
  /** The query's value at every step from start to end (both included when they fall on a step). */
  queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<RangeResult>;
}

/**
 * Why a read failed, for the words Slack shows ("Gantry could not reach Prometheus"):
 * unreachable and timeout got no answer; unauthorized is a credentials problem; unavailable is a 5xx or 429 the
 * backend kept answering; bad_query is the backend refusing the query itself; http is any other status (a wrong
 * URL's 404); bad_response is an answer that is not the API's.
 */
export type MetricsFailure =
  "unreachable" | "timeout" | "unauthorized" | "unavailable" | "bad_query" | "http" | "bad_response";

export interface MetricsErrorDetails {
  failure: MetricsFailure;
  /** The HTTP status of the last attempt, when there was an answer. */
  status?: number;
  /** The backend's own error class, such as Prometheus's `bad_data` or `execution`. */
  errorType?: string;
  /** How many requests were made, retries included. */
  attempts: number;
}
