/** Jira's dialect of the shared HTTP front: Basic auth, the outage switch, Jira's error bodies and response headers. */
import { randomBytes } from "node:crypto";
import { EmulatorHttpFront, type HttpFrontDeps, type WireResponse } from "../http/http-front.js";
import { joinedQuery } from "../http/recorder.js";
import type { RouteRequest, RouteResponse } from "../http/router.js";
import type { Timers } from "../http/timers.js";
import { errorBody, JiraApiError, type ApiResponse } from "./http.js";
import type { Route } from "./router.js";

export interface JiraHttpFrontDeps extends Omit<HttpFrontDeps<Route>, "name"> {
  /** Injected latency sleeps on these, so stop() can wake requests still held by it. */
  timers: Timers;
  credentials: { email: string | undefined; apiToken: string } | undefined;
  isDown: () => boolean;
}

/** Jira Cloud answers failed Basic auth in plain text, not with its JSON error body. */
const UNAUTHENTICATED = "Client must be authenticated to access this resource.";
/** Endpoints Jira serves to anonymous callers. */
const ANONYMOUS = new Set(["/rest/api/3/serverInfo"]);

export class JiraHttpFront extends EmulatorHttpFront<Route> {
  /** A jira.js client that timed out during injected latency must not see its request applied later. */
  protected override readonly hangUpIsDrop = true;
  private readonly timers: Timers;
  private readonly credentials: JiraHttpFrontDeps["credentials"];
  private readonly isDown: () => boolean;

  constructor({ timers, credentials, isDown, ...deps }: JiraHttpFrontDeps) {
    super({ ...deps, name: "JiraEmulator" });
    this.timers = timers;
    this.credentials = credentials;
    this.isDown = isDown;
  }

  protected override outage(): RouteResponse | undefined {
    return this.isDown() ? { status: 503, body: "Service Unavailable" } : undefined;
  }

  protected query(params: URLSearchParams): Record<string, string> {
    return joinedQuery(params);
  }

  protected sleep(ms: number): Promise<void> {
    return this.timers.sleep(ms);
  }

  protected errorBody(_status: number, message: string): unknown {
    return errorBody([message]);
  }

  protected badJsonMessage(): string {
    return "Unexpected character in the request body: it is not valid JSON.";
  }

  protected noRouteMessage(method: string, path: string): string {
    return `The emulated Jira has no route for ${method} ${path}.`;
  }

  protected authenticate(header: string | undefined, path: string): RouteResponse | undefined {
    const reason = this.loginFailure(header, path);
    return reason ? { status: 401, body: UNAUTHENTICATED, headers: { "x-seraph-loginreason": reason } } : undefined;
  }

  protected dispatch(route: Route, req: RouteRequest, base: string): ApiResponse {
    return route.handle({ ...req, base });
  }

  protected handlerError(err: unknown): RouteResponse | undefined {
    return err instanceof JiraApiError ? { status: err.status, body: err.body } : undefined;
  }

  protected render(r: ApiResponse): WireResponse {
    const isText = typeof r.body === "string";
    const text = r.body === undefined || r.status === 204 ? "" : isText ? (r.body as string) : JSON.stringify(r.body);
    const headers: Record<string, string> = {
      "x-arequestid": randomBytes(8).toString("hex"),
      "cache-control": "no-cache, no-store, no-transform",
      "x-content-type-options": "nosniff",
    };
    if (text) headers["content-type"] = isText ? "text/plain;charset=UTF-8" : "application/json;charset=UTF-8";
    Object.assign(headers, r.headers ?? {});
    return { status: r.status, headers, text, json: !isText };
  }

  /** Undefined when the request may pass; otherwise the reason Jira puts in X-Seraph-LoginReason. */
  private loginFailure(header: string | undefined, path: string): string | undefined {
    const creds = this.credentials;
    if (!creds) return undefined;
    if (!header) return ANONYMOUS.has(path) ? undefined : "AUTHENTICATION_DENIED";
    const [scheme = "", value = ""] = header.split(/\s+/, 2);
    if (scheme.toLowerCase() !== "basic") return "AUTHENTICATED_FAILED";
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const email = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    const ok =
      colon > 0 &&
      token === creds.apiToken &&
      (creds.email === undefined || email.toLowerCase() === creds.email.toLowerCase());
    return ok ? undefined : "AUTHENTICATED_FAILED";
  }
}
