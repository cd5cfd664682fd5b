export {
  createMetrics,
  type CommandOutcome,
  type GantryMetrics,
  type MetricsOptions,
  type MetricsStore,
  type Vendor,
} from "./registry.js";
export {
  leaseWrite,
  opsRoutes,
  readiness,
  type OpsPath,
  type OpsRoutesOptions,
  type Readiness,
  type ReadinessDeps,
} from "./routes.js";
export { githubMetricsPlugin, instrumentSlack, observeOctokit, slackLookupCounter } from "./vendors.js";
