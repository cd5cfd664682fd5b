import type { Env } from "../env.js";
import { GantryError } from "../errors.js";
import type { GantryConfig } from "./schema.js";

/** Environments with change tickets need Jira credentials; say so before anything connects. */
export function checkJiraConfigured(config: GantryConfig, env: Env): void {
  if (env.JIRA_HOST && env.JIRA_EMAIL && env.JIRA_API_TOKEN) return;
  const paths = Object.entries(config.services).flatMap(([service, svc]) =>
    Object.entries(svc.environments)
      .filter(([, e]) => e.jira)
      .map(([name]) => `services.${service}.environments.${name}.jira`),
  );
  if (paths.length === 0) return;
  throw new GantryError(
    "env_invalid",
    `${paths.join(", ")} ${paths.length === 1 ? "asks" : "ask"} for change tickets, but Jira is not configured: ` +
      "set JIRA_HOST, JIRA_EMAIL and JIRA_API_TOKEN, or remove the jira: sections.",
  );
}
