/** GitHub's dialect of the shared HTTP front: token auth, GitHub's error body, ETags, Link pagination, rate-limit headers. */
import { EmulatorHttpFront, type HttpFrontDeps, type RenderContext, type WireResponse } from "../http/http-front.js";
import { lastValueQuery } from "../http/recorder.js";
import type { RouteRequest, RouteResponse } from "../http/router.js";
import type { AppAuthority } from "./apps.js";
import { ApiError, DOCS, type ApiResponse } from "./http.js";
import type { Route } from "./router.js";
import type { Scheduler } from "./scheduler.js";
import { baseHeaders, etagMatches, etagOf, linkHeader, RateLimit } from "./wire.js";

const RATE_LIMIT_DOCS =
  "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit";

export interface GitHubHttpFrontDeps extends Omit<HttpFrontDeps<Route>, "name"> {
  /** Injected latency runs on the emulator's scheduler, so stop() cancels it with the simulated workflow timers. */
  scheduler: Scheduler;
  /** When set, requests must carry `Authorization: token <token>` or `Bearer <token>`. */
  token: string | undefined;
  /** Once an App is set, its JWT and installation tokens are accepted too (and App paths take only the JWT). */
  apps?: AppAuthority;
}

export class GitHubHttpFront extends EmulatorHttpFront<Route> {
  readonly rateLimit = new RateLimit();
  private readonly scheduler: Scheduler;
  private readonly token: string | undefined;
  private readonly apps: AppAuthority | undefined;

  constructor({ scheduler, token, apps, ...deps }: GitHubHttpFrontDeps) {
    super({ ...deps, name: "GitHubEmulator" });
    this.scheduler = scheduler;
    this.token = token;
    this.apps = apps;
  }

  protected query(params: URLSearchParams): Record<string, string> {
    return lastValueQuery(params);
  }

  protected sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => this.scheduler.after(ms, resolve));
  }

  protected errorBody(status: number, message: string): unknown {
    return { message, documentation_url: DOCS, status: String(status) };
  }

  protected badJsonMessage(): string {
    return "Problems parsing JSON";
  }

  protected noRouteMessage(): string {
    return "Not Found";
  }

  protected authenticate(header: string | undefined, path: string): RouteResponse | undefined {
    const app = this.apps?.configured ? this.apps : undefined;
    if (this.token === undefined && !app) return this.rateLimited();
    const denied = (message: string): RouteResponse => ({ status: 401, body: this.errorBody(401, message) });
    if (!header) return denied("Requires authentication");
    const [scheme = "", value = ""] = header.split(/\s+/, 2);
    if (!/^(token|bearer)$/i.test(scheme)) return denied("Bad credentials");
    if (app) {
      const verdict = app.check(value, path);
      if (verdict !== "unknown") return verdict ?? this.rateLimited();
    }
    if (value !== this.token) return denied("Bad credentials");
    return this.rateLimited();
  }

  /** GitHub's answer once a token's budget is spent: 403, `x-ratelimit-remaining: 0`, until `x-ratelimit-reset`. */
  private rateLimited(): RouteResponse | undefined {
    if (!this.rateLimit.spent()) return undefined;
    const message = "API rate limit exceeded for user ID 1.";
    return { status: 403, body: { message, documentation_url: RATE_LIMIT_DOCS, status: "403" } };
  }

  protected dispatch(route: Route, req: RouteRequest, base: string): ApiResponse {
    return route.handle({ ...req, api: base });
  }

  protected handlerError(err: unknown): RouteResponse | undefined {
    return err instanceof ApiError ? { status: err.status, body: err.body } : undefined;
  }

  protected render(r: ApiResponse, { draft, url, fault }: RenderContext): WireResponse {
    let status = r.status;
    let text = r.body === undefined || status === 204 ? "" : JSON.stringify(r.body);
    const headers: Record<string, string> = baseHeaders();
    if (text) headers["content-type"] = "application/json; charset=utf-8";
    if (draft.method === "GET" && status === 200 && !fault) {
      headers.etag = etagOf(text);
      headers["cache-control"] = "private, max-age=60, s-maxage=60";
      headers.vary = "Accept, Authorization, Cookie, X-GitHub-OTP";
      if (etagMatches(draft.headers["if-none-match"], headers.etag)) {
        status = 304;
        text = "";
        delete headers["content-type"];
      }
    }
    if (r.total !== undefined && status === 200) {
      const link = linkHeader(url, r.total);
      if (link) headers.link = link;
    }
    Object.assign(headers, this.rateLimit.headers(status !== 304), r.headers ?? {});
    return { status, headers, text, json: true };
  }
}
