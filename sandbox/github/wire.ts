/** HTTP details GitHub clients depend on: rate-limit headers, ETags, Link pagination. */
import { createHash, randomBytes } from "node:crypto";
import { pageParams } from "./util.js";

/** A rate-limit window as GitHub keeps one per token: `limit` requests per `windowMs` (5,000 an hour by default). */
export interface RateLimitOptions {
  limit?: number;
  windowMs?: number;
}

export class RateLimit {
  private used = 0;
  private resetAt = 0;
  private limit = 5000;
  private windowMs = 3_600_000;

  /** A new budget (tests shorten the window and the limit); the window starts over. */
  configure(opts: RateLimitOptions): void {
    this.limit = opts.limit ?? 5000;
    this.windowMs = opts.windowMs ?? 3_600_000;
    this.resetAt = 0;
  }

  private roll(): void {
    const now = Date.now();
    if (now < this.resetAt) return;
    this.used = 0;
    this.resetAt = now + this.windowMs;
  }

  /** Nothing left in this window: GitHub answers 403 with `x-ratelimit-remaining: 0` until the reset. */
  spent(): boolean {
    this.roll();
    return this.used >= this.limit;
  }

  /** 304s are free on GitHub, so conditional polling does not spend quota; nor does a request refused for the limit. */
  headers(count: boolean): Record<string, string> {
    this.roll();
    if (count && this.used < this.limit) this.used += 1;
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(Math.max(0, this.limit - this.used)),
      "x-ratelimit-reset": String(Math.ceil(this.resetAt / 1000)),
      "x-ratelimit-used": String(this.used),
      "x-ratelimit-resource": "core",
    };
  }

  /** What a test or the bench reads: requests counted in this window, and when it resets (epoch ms). */
  state(): { limit: number; used: number; resetAt: number } {
    this.roll();
    return { limit: this.limit, used: this.used, resetAt: this.resetAt };
  }

  reset(): void {
    this.resetAt = 0;
  }
}

export function baseHeaders(): Record<string, string> {
  return {
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
    "x-github-request-id": randomBytes(8)
      .toString("hex")
      .toUpperCase()
      .replace(/(.{4})/g, "$1:")
      .slice(0, -1),
  };
}

export function etagOf(text: string): string {
  return `W/"${createHash("sha256").update(text).digest("hex").slice(0, 40)}"`;
}

/** Weak comparison, as GitHub does for If-None-Match. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string): string => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || strip(t) === strip(etag));
}

export function linkHeader(requestUrl: URL, total: number): string | undefined {
  const { perPage, page } = pageParams(Object.fromEntries(requestUrl.searchParams));
  const last = Math.max(1, Math.ceil(total / perPage));
  const link = (p: number, rel: string): string => {
    const u = new URL(requestUrl);
    u.searchParams.set("page", String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(link(page - 1, "prev"), link(1, "first"));
  if (page < last) parts.push(link(page + 1, "next"), link(last, "last"));
  return parts.length ? parts.join(", ") : undefined;
}
