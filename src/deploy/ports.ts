import type { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { GantryConfig } from "../config/schema.js";
import type { DeploymentsApi, SourcePort } from "../github/port.js";
import type { Runners } from "../runners/port.js";
import type { JiraPort } from "../jira/port.js";
import type { GantryMetrics } from "../metrics/registry.js";
import type { MetricsSource } from "../metrics-source/port.js";
import type { Deployment } from "../domain/deployment.js";
import type { Store } from "../store/types.js";
import type { Notifier, UserGroups } from "./notifier.js";

/** What Gantry announces as deploys move; tests and (later) the App Home listen here. */
export interface DeployEvents {
  changed: [Deployment];
  finished: [Deployment];
}

/** The ports the deploy use cases take: they decide, and `notifier` speaks. */
export interface Ports {
  config: GantryConfig;
  /** Source control: refs, commits, comparisons. */
  source: SourcePort;
  /** What runs deploys, by the deploy's `runner` (the service's `mode`): start, find, progress, artifact. */
  runners: Runners;
  /** GitHub Deployments: read by the backfill and outside-deployment recording whatever runs the deploys. */
  githubDeployments: DeploymentsApi;
  notifier: Notifier;
  /** Who is in a user group, for `deployers` and `approvers` that name one. */
  groups: UserGroups;
  store: Store;
  clock: Clock;
  log: Logger;
  events: EventEmitter<DeployEvents>;
  /** GitHub's web address (github.com, or the Enterprise Server host), for links people click. */
  githubWeb?: string;
  /** Present when Jira is configured (JIRA_HOST and friends). */
  jira?: { port: JiraPort; host: string };
  /** Prometheus metrics, when Gantry serves `/metrics`; everything works the same without. */
  metrics?: GantryMetrics;
  /** Where deploy verification reads live metrics (PROMETHEUS_URL); present whenever the config has any `verify:`. */
  metricsSource?: MetricsSource;
}
