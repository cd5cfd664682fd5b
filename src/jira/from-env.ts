import type { Env } from "../env.js";
import type { GantryMetrics } from "../metrics/index.js";
import type { JiraPort } from "./port.js";

/**
 * Jira when JIRA_* are set. jira.js is loaded only then: it is a fifth of an idle Gantry's memory otherwise.
 */
export async function jiraFromEnv(
  env: Pick<Env, "JIRA_HOST" | "JIRA_EMAIL" | "JIRA_API_TOKEN">,
  metrics: GantryMetrics,
): Promise<{ port: JiraPort; host: string } | undefined> {
  if (!env.JIRA_HOST || !env.JIRA_EMAIL || !env.JIRA_API_TOKEN) return undefined;
  const { createJira } = await import("./jira-client.js");
  const port = createJira({ host: env.JIRA_HOST, email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN, metrics });
  return { port, host: env.JIRA_HOST };
}
