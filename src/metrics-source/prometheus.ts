/**
 * The metrics source over Prometheus's HTTP API (and what speaks it: Thanos, Cortex, Mimir, VictoriaMetrics, Grafana
 * Cloud). Each request is a form POST, which long queries need, aborted at its deadline; network failures, timeouts,
 * 5xx and 429 are retried a bounded number of times with doubling waits (Retry-After honoured, capped); every answer is
 * checked with zod before it is read.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { GantryError } from "../errors.js";
import type { MetricsErrorDetails, MetricsFailure, MetricsSource, QueryResult, RangeResult } from "./port.js";
import { ErrorBody, Success, toQueryResult, toRangeResult, type Unusable } from "./prometheus-response.js";

export type PrometheusAuth = { kind: "bearer"; token: string } | { kind: "basic"; username: string; password: string };

export interface PrometheusSourceOptions {
  /** The API's base URL, without `/api/v1`: http://prometheus:9090, or a prefix such as https://host/api/prom. */
  url: string;
  auth?: PrometheusAuth;
  /** Per request, from the first byte sent to the last read; also sent as the query's `timeout`. Default 5 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** Wait before the first retry, doubled per retry. Default 250 ms. */
  retryBaseMs?: number;
  /** Upper bound on any wait, whatever Retry-After says. Default 5 s. */
  retryMaxWaitMs?: number;
  /** Every attempt: the HTTP status or `network`, and whether it failed (for gantry_external_requests_total). */
  onRequest?: (status: string, failed: boolean) => void;
}

const NAME = "Prometheus";
const RETRYABLE = new Set<MetricsFailure>(["unreachable", "timeout", "unavailable"]);

interface Failure {
  failure: MetricsFailure;
  message: string;
  status?: number;
  errorType?: string;
  retryAfterMs?: number;
}

export function createPrometheusSource(opts: PrometheusSourceOptions): MetricsSource {
  return new PrometheusSource(opts);
}

class PrometheusSource implements MetricsSource {
  readonly name = NAME;
  private readonly base: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxWaitMs: number;

  constructor(private readonly opts: PrometheusSourceOptions) {
    this.base = opts.url.replace(/\/+$/, "");
    this.authorization = authorizationOf(opts.auth);
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.retries = opts.retries ?? 2;
    this.retryBaseMs = opts.retryBaseMs ?? 250;
    this.retryMaxWaitMs = opts.retryMaxWaitMs ?? 5000;
  }

  async query(promql: string, at: Date): Promise<QueryResult> {
    const { body, attempts } = await this.ask("query", {
      query: promql,
      time: seconds(at),
      timeout: seconds(this.timeoutMs),
    });
    return usable(toQueryResult(body, NAME), attempts);
  }

  async queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<RangeResult> {
    const params = {
      query: promql,
      start: seconds(start),
      end: seconds(end),
      step: String(stepSeconds),
      timeout: seconds(this.timeoutMs),
    };
    const { body, attempts } = await this.ask("query_range", params);
    return usable(toRangeResult(body, NAME), attempts);
  }

  private async ask(endpoint: string, params: Record<string, string>): Promise<{ body: Success; attempts: number }> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(endpoint, params);
      if ("body" in outcome) return { body: outcome.body, attempts: attempt + 1 };
      if (!RETRYABLE.has(outcome.failure) || attempt >= this.retries) throw metricsError(outcome, attempt + 1);
      await sleep(Math.min(outcome.retryAfterMs ?? this.retryBaseMs * 2 ** attempt, this.retryMaxWaitMs));
    }
  }

  private async attempt(endpoint: string, params: Record<string, string>): Promise<{ body: Success } | Failure> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.base}/api/v1/${endpoint}`, {
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      this.opts.onRequest?.("network", true);
      return networkFailure(err, this.timeoutMs, this.base);
    }
    const ok = response.status >= 200 && response.status < 300;
    this.opts.onRequest?.(String(response.status), !ok);
    return ok ? readSuccess(text) : httpFailure(response, text, this.base);
  }
}

function authorizationOf(auth: PrometheusAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.kind === "bearer") return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`;
}

/** Unix seconds with millisecond precision, as Prometheus reads times and durations. */
function seconds(at: Date | number): string {
  return ((typeof at === "number" ? at : at.getTime()) / 1000).toFixed(3);
}

function usable<T>(result: T | Unusable, attempts: number): T {
  if (result !== null && typeof result === "object" && "unusable" in result) {
    throw metricsError({ failure: result.unusable, message: result.message }, attempts);
  }
  return result as T;
}

function metricsError(f: Failure, attempts: number): GantryError {
  const details: MetricsErrorDetails = {
    failure: f.failure,
    attempts,
    ...(f.status ? { status: f.status } : {}),
    ...(f.errorType ? { errorType: f.errorType } : {}),
  };
  const tries = attempts > 1 ? ` (${attempts} attempts)` : "";
  return new GantryError("metrics_error", `${f.message}${tries}`, { ...details });
}

function networkFailure(err: unknown, timeoutMs: number, base: string): Failure {
  if (err instanceof DOMException && err.name === "TimeoutError")
    return { failure: "timeout", message: `${NAME} did not answer within ${timeoutMs} ms` };
  // undici hides the socket's own words (ECONNREFUSED, "other side closed") in the cause.
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  const why = cause?.code || cause?.message || (err instanceof Error ? err.message : String(err));
  return { failure: "unreachable", message: `${NAME} could not be reached at ${base}: ${why}` };
}

function readSuccess(text: string): { body: Success } | Failure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { failure: "bad_response", message: `${NAME} answered something that is not JSON: ${excerpt(text)}` };
  }
  const parsed = Success.safeParse(json);
  if (parsed.success) return { body: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  return {
    failure: "bad_response",
    message: `${NAME} answered in a shape that is not its query API's${where}: ${issue?.message ?? "invalid"}`,
  };
}

function httpFailure(response: Response, text: string, base: string): Failure {
  const status = response.status;
  const api = (() => {
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  })();
  const said = api ? `${api.errorType}: ${excerpt(api.error)}` : excerpt(text) || response.statusText;
  const withType = { status, ...(api ? { errorType: api.errorType } : {}) };
  if (status === 401 || status === 403) {
    return {
      ...withType,
      failure: "unauthorized",
      message: `${NAME} refused Gantry's credentials (${status}): check PROMETHEUS_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD`,
    };
  }
  if (status === 429 || status >= 500) {
    return {
      ...withType,
      failure: "unavailable",
      message: `${NAME} answered ${status}: ${said}`,
      retryAfterMs: retryAfter(response.headers.get("retry-after")),
    };
  }
  if (api && (status === 400 || status === 422))
    return { ...withType, failure: "bad_query", message: `${NAME} refused the query (${said})` };
  return {
    ...withType,
    failure: "http",
    message: `${NAME} answered ${status} at ${base}: check PROMETHEUS_URL (the API's base URL, without /api/v1)`,
  };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfter(value: string | null, now = Date.now()): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** One line of at most 200 characters: proxies answer errors with whole HTML pages. */
function excerpt(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}
