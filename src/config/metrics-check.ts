import type { Env } from "../env.js";
import { GantryError } from "../errors.js";
import type { GantryConfig } from "./schema.js";

/** Environments with `verify:` read live metrics, so they need PROMETHEUS_URL; say so before anything connects. */
export function checkMetricsConfigured(config: GantryConfig, env: Pick<Env, "PROMETHEUS_URL">): void {
  if (env.PROMETHEUS_URL) return;
  const paths = Object.entries(config.services).flatMap(([service, svc]) =>
    Object.entries(svc.environments)
      .filter(([, e]) => e.verify)
      .map(([name]) => `services.${service}.environments.${name}.verify`),
  );
  if (paths.length === 0) return;
  throw new GantryError(
    "env_invalid",
    `${paths.join(", ")} ${paths.length === 1 ? "verifies deploys" : "verify deploys"} on live metrics, but no metrics ` +
      "source is configured: set PROMETHEUS_URL (with PROMETHEUS_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD, " +
      "if it needs credentials), or remove the verify: sections.",
  );
}
