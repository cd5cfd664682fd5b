/**
 * Prometheus's dialect of the shared HTTP front: form bodies, the first of repeated parameters, Basic auth as
 * Prometheus's web config answers it (or a Bearer token, as the proxies in front of Thanos, Mimir or Grafana Cloud ask),
 * the not-ready switch, and Prometheus's JSON error body.
 */
import { EmulatorHttpFront, type HttpFrontDeps, type WireResponse } from "../http/http-front.js";
import type { RouteRequest, RouteResponse } from "../http/router.js";
import type { Timers } from "../http/timers.js";
import type { Route } from "./routes.js";

export interface PrometheusCredentials {
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
}

export interface PrometheusHttpFrontDeps extends Omit<HttpFrontDeps<Route>, "name"> {
  timers: Timers;
  credentials: PrometheusCredentials;
  isDown: () => boolean;
}

/** The errorType Prometheus gives each status it answers from its API handlers. */
const ERROR_TYPES: Record<number, string> = {
  400: "bad_data",
  404: "not_found",
  406: "not_acceptable",
  422: "execution",
  500: "internal",
  503: "unavailable",
};

const FORM = "application/x-www-form-urlencoded";

export class PrometheusHttpFront extends EmulatorHttpFront<Route> {
  private readonly timers: Timers;
  private readonly credentials: PrometheusCredentials;
  private readonly isDown: () => boolean;

  constructor({ timers, credentials, isDown, ...deps }: PrometheusHttpFrontDeps) {
    super({ ...deps, name: "PrometheusEmulator" });
    this.timers = timers;
    this.credentials = credentials;
    this.isDown = isDown;
  }

  /** What a Prometheus that is starting or shutting down answers before its API: text, not JSON. */
  protected override outage(): RouteResponse | undefined {
    return this.isDown() ? { status: 503, body: "Service Unavailable\n" } : undefined;
  }

  /** Go's ParseForm reads a form body of a POST and ignores any other body. */
  protected override parseBody(raw: string, contentType: string | undefined): { body: unknown; badJson: boolean } {
    const isForm = contentType?.split(";")[0]?.trim().toLowerCase() === FORM;
    if (!isForm) return { body: raw || undefined, badJson: false };
    return { body: firstValues(new URLSearchParams(raw)), badJson: false };
  }

  protected query(params: URLSearchParams): Record<string, string> {
    return firstValues(params);
  }

  protected sleep(ms: number): Promise<void> {
    return this.timers.sleep(ms);
  }

  /** Go's http.NotFound for paths outside the API; Prometheus's JSON error for the rest. */
  protected errorBody(status: number, message: string): unknown {
    if (status === 404) return "404 page not found\n";
    return { status: "error", errorType: ERROR_TYPES[status] ?? "internal", error: message };
  }

  /** Never used: a form body cannot fail to parse here. */
  protected badJsonMessage(): string {
    return "error parsing form values";
  }

  protected noRouteMessage(): string {
    return "404 page not found";
  }

  protected authenticate(header: string | undefined): RouteResponse | undefined {
    const { bearerToken, basicAuth } = this.credentials;
    if (bearerToken === undefined && basicAuth === undefined) return undefined;
    const [scheme = "", value = ""] = (header ?? "").split(/\s+/, 2);
    if (bearerToken !== undefined && scheme.toLowerCase() === "bearer" && value === bearerToken) return undefined;
    if (basicAuth !== undefined && scheme.toLowerCase() === "basic" && value === basic(basicAuth)) return undefined;
    const challenge = basicAuth !== undefined ? "Basic" : "Bearer";
    return { status: 401, body: "Unauthorized\n", headers: { "www-authenticate": challenge } };
  }

  protected dispatch(route: Route, req: RouteRequest): RouteResponse {
    return route.handle(req);
  }

  protected handlerError(): RouteResponse | undefined {
    return undefined;
  }

  protected render(r: RouteResponse): WireResponse {
    const isText = typeof r.body === "string";
    const text = r.body === undefined ? "" : isText ? (r.body as string) : JSON.stringify(r.body);
    const headers: Record<string, string> = {};
    if (text) headers["content-type"] = isText ? "text/plain; charset=utf-8" : "application/json";
    Object.assign(headers, r.headers ?? {});
    return { status: r.status, headers, text, json: !isText };
  }
}

function basic({ username, password }: { username: string; password: string }): string {
  return Buffer.from(`${username}:${password}`, "utf8").toString("base64");
}

/** The first of repeated parameters wins, as Go's FormValue reads them. */
function firstValues(params: URLSearchParams): Record<string, string> {
  const first = new Map<string, string>();
  for (const [key, value] of params) if (!first.has(key)) first.set(key, value);
  return Object.fromEntries(first);
}
