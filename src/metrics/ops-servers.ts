import type { Server } from "node:http";
import type { Env } from "../env.js";
import { createHttpServer, type Route } from "../http-server.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/types.js";
import type { GantryMetrics } from "./registry.js";
import { leaseWrite, opsRoutes, readiness } from "./routes.js";

export interface OpsServerParts {
  env: Pick<Env, "GANTRY_METRICS_TOKEN" | "GANTRY_METRICS_PORT">;
  metrics: GantryMetrics;
  store: Store;
  replica: string;
  now: () => Date;
  log: Logger;
  slackAuthTest: () => Promise<boolean>;
  shuttingDown: () => boolean;
}

/**
 * The operator's endpoints: `ops`, the route on the public port (the probes, and `/metrics` unless it has a port of
 * its own), and that port's server when GANTRY_METRICS_PORT is set.
 */
export function opsServers(parts: OpsServerParts): { ops: Route; metricsServer?: Server } {
  const { env, metrics, log } = parts;
  const opsOptions = {
    metrics,
    ready: readiness({
      databaseWrite: leaseWrite(parts.store, parts.replica, parts.now),
      slackAuthTest: parts.slackAuthTest,
      shuttingDown: parts.shuttingDown,
    }),
    ...(env.GANTRY_METRICS_TOKEN ? { metricsToken: env.GANTRY_METRICS_TOKEN } : {}),
  };
  // With a port of its own, /metrics is not served on the public one at all.
  const ops = opsRoutes({
    ...opsOptions,
    ...(env.GANTRY_METRICS_PORT ? { paths: ["/healthz", "/readyz"] as const } : {}),
  });
  if (!env.GANTRY_METRICS_PORT) return { ops };
  return { ops, metricsServer: createHttpServer({ routes: [opsRoutes({ ...opsOptions, paths: ["/metrics"] })], log }) };
}
