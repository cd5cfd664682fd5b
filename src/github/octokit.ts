import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import type { Logger } from "pino";
import type { GantryMetrics } from "../metrics/registry.js";
import { createRepoAppAuth, type GitHubAuth } from "./auth.js";
import { fastBottleneckYield } from "./bottleneck-yield.js";
import { githubMetricsPlugin, OCTOKIT_METRICS_OPTION } from "../metrics/vendors.js";
import { OCTOKIT_PACER_OPTION, ratePacerPlugin, type RatePacer } from "./rate-pacer.js";
import { timeoutFetch } from "./timeout-fetch.js";

// The pacer and metrics plugins come first so that their hooks sit inside retry and throttling: every attempt waits
// for the budget and is counted.
const GantryOctokit = Octokit.plugin(ratePacerPlugin, githubMetricsPlugin, retry, throttling);
fastBottleneckYield();
export type GantryOctokit = InstanceType<typeof GantryOctokit>;

/** `auth`: a token (PAT), or a GitHub App whose installation is looked up per repository; `token` is short for a token. */
export type OctokitOptions = OctokitBaseOptions &
  ({ auth: GitHubAuth; token?: never } | { token: string; auth?: never });

interface OctokitBaseOptions {
  baseUrl: string;
  /** GitHub App only: ask for a new installation token this long before the current one expires (default 5 min). */
  tokenRefreshBeforeMs?: number;
  log: Logger;
  /** GitHub asks integrators to space content-creating requests about a second apart. Tests shorten it. */
  writeSpacingMs?: number;
  /** Base for Retry-After and retry backoff, in ms (tests shorten it). */
  retryBaseMs?: number;
  /** Abort a request that takes longer than this. */
  timeoutMs?: number;
  /** Counts every request in `gantry_external_requests_total{vendor="github"}`. */
  metrics?: GantryMetrics;
  /** Keeps requests inside the token's budget (x-ratelimit-* headers), shared across replicas. */
  pacer?: RatePacer;
}

export function createOctokit(opts: OctokitOptions): GantryOctokit {
  const log = opts.log.child({ vendor: "github" });
  const auth: GitHubAuth = opts.auth ?? { kind: "token", token: opts.token };
  return new GantryOctokit({
    baseUrl: opts.baseUrl.replace(/\/$/, ""),
    ...(auth.kind === "token"
      ? { auth: auth.token }
      : {
          authStrategy: createRepoAppAuth,
          auth: {
            appId: auth.appId,
            privateKey: auth.privateKey,
            ...(opts.tokenRefreshBeforeMs !== undefined ? { refreshBeforeMs: opts.tokenRefreshBeforeMs } : {}),
          },
        }),
    userAgent: "gantry",
    ...(opts.metrics ? { [OCTOKIT_METRICS_OPTION]: opts.metrics } : {}),
    ...(opts.pacer ? { [OCTOKIT_PACER_OPTION]: opts.pacer } : {}),
    request: { fetch: timeoutFetch(opts.timeoutMs ?? 20_000) },
    log: {
      debug: () => {},
      // The request log reports each call here; at debug level it carries the request id like every other line.
      info: (msg: string) => log.debug({ detail: msg }, "github call"),
      warn: (msg: string) => log.warn({ detail: msg }, "github client warning"),
      // The request log reports a 304 (our conditional polls hitting an unchanged run) as an error; it is not one.
      error: (msg: string) =>
        / - 304 with id /.test(msg)
          ? log.debug({ detail: msg }, "github not modified")
          : log.error({ detail: msg }, "github client error"),
    },
    retry: { retryAfterBaseValue: opts.retryBaseMs ?? 1000 },
    throttle: {
      retryAfterBaseValue: opts.retryBaseMs ?? 1000,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: opts.writeSpacingMs ?? 1000 }),
      onRateLimit: (retryAfter, options, _octokit, retryCount) => {
        log.warn({ method: options.method, url: options.url, retryAfter, retryCount }, "github rate limit hit");
        return retryCount < 3;
      },
      // A deploy must never be dropped for a secondary limit: always wait and try again.
      onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
        log.warn(
          { method: options.method, url: options.url, retryAfter, retryCount },
          "github secondary rate limit hit",
        );
        return true;
      },
    },
  });
}
