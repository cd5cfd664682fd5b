/**
 * `/api/v1/query` and `/api/v1/query_range`, GET or POST with a form body, checking parameters in Prometheus's order
 * and with its words (seen on Prometheus 2.42). Queries nobody registered are refused (see `unknownQuery`).
 */
import type { RouteRequest, RouteResponse, TemplateRoute } from "../http/router.js";
import { failure, instant, range, type Answer, type QuerySeed } from "./series.js";
import { parseDuration, parseTime } from "./wire-format.js";

export interface Route extends TemplateRoute {
  handle: (req: RouteRequest) => RouteResponse;
}

export interface QueryBook {
  seed(query: string): QuerySeed | undefined;
  now(): Date;
}

/** Prometheus refuses range queries with more points than this per series. */
const MAX_POINTS = 11_000;

export function queryRoutes(book: QueryBook): Route[] {
  const routes: Route[] = [];
  for (const method of ["GET", "POST"]) {
    routes.push({
      method,
      template: "/api/v1/query",
      operationId: "query",
      handle: (req) => answer(queryInstant(book, formValues(req))),
    });
    routes.push({
      method,
      template: "/api/v1/query_range",
      operationId: "query_range",
      handle: (req) => answer(queryRange(book, formValues(req))),
    });
  }
  return routes;
}

type Refusal = Answer & { unexpected?: boolean };

function answer(a: Refusal): RouteResponse {
  return { status: a.status, body: a.body, ...(a.unexpected ? { unexpected: true } : {}) };
}

/** Go's r.FormValue: a form body's value first, then the URL's. */
function formValues(req: RouteRequest): Record<string, string> {
  const form = req.body !== null && typeof req.body === "object" ? (req.body as Record<string, string>) : {};
  return { ...req.query, ...form };
}

function invalidParam(name: string, error: string): Answer {
  return failure(400, "bad_data", `invalid parameter ${JSON.stringify(name)}: ${error}`);
}

function queryInstant(book: QueryBook, p: Record<string, string>): Refusal {
  let at = book.now().getTime();
  if (p.time !== undefined && p.time !== "") {
    const parsed = parseTime(p.time);
    if (!parsed.ok) return invalidParam("time", `Invalid time value for 'time': ${parsed.error}`);
    at = parsed.ms;
  }
  const timeout = checkTimeout(p.timeout);
  if (timeout) return timeout;
  const found = lookUp(book, p.query);
  return "seed" in found ? instant(found.seed, at) : found;
}

function queryRange(book: QueryBook, p: Record<string, string>): Refusal {
  const start = parseTime(p.start ?? "");
  if (!start.ok) return invalidParam("start", start.error);
  const end = parseTime(p.end ?? "");
  if (!end.ok) return invalidParam("end", end.error);
  if (end.ms < start.ms) return invalidParam("end", "end timestamp must not be before start time");
  const step = parseDuration(p.step ?? "");
  if (!step.ok) return invalidParam("step", step.error);
  if (step.ms <= 0)
    return invalidParam(
      "step",
      "zero or negative query resolution step widths are not accepted. Try a positive integer",
    );
  if ((end.ms - start.ms) / step.ms > MAX_POINTS) {
    return failure(
      400,
      "bad_data",
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    );
  }
  const timeout = checkTimeout(p.timeout);
  if (timeout) return timeout;
  const found = lookUp(book, p.query);
  // Prometheus steps in whole milliseconds.
  return "seed" in found ? range(found.seed, start.ms, end.ms, Math.max(1, Math.round(step.ms))) : found;
}

function checkTimeout(text: string | undefined): Answer | undefined {
  if (text === undefined || text === "") return undefined;
  const parsed = parseDuration(text);
  return parsed.ok ? undefined : invalidParam("timeout", parsed.error);
}

function lookUp(book: QueryBook, query: string | undefined): { seed: QuerySeed } | Refusal {
  if (!query?.trim()) return invalidParam("query", "1:1: parse error: no expression found in input");
  const seed = book.seed(query);
  return seed ? { seed } : unknownQuery(query);
}

/**
 * A real Prometheus would answer an unknown metric with an empty vector, which a check would read as "no data" and a
 * test could pass on by accident. The emulator refuses instead, as Prometheus refuses a query it cannot parse (400,
 * bad_data), and the call is recorded as unexpected, so the test fails on it.
 */
function unknownQuery(query: string): Refusal {
  return {
    ...invalidParam("query", `the Prometheus emulator has no series for this query; register it first: ${query}`),
    unexpected: true,
  };
}
