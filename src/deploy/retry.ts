import { retryRefusal, type RetryRefusal } from "../domain/retry.js";
import { parseRepo } from "../github/port.js";
import type { Deployment } from "../domain/deployment.js";
import type { Ports } from "./ports.js";
import { retryFacts } from "./view.js";

/** How far before the deploy's creation GitHub's run may be stamped (clocks differ). */
const CLOCK_SKEW_MS = 60_000;

/**
 * Whether `d` may be retried now: the store's facts first, then GitHub's word that nothing of it exists there (a
 * dispatch that GitHub answered with an error may still have started a run). Undefined when it may.
 */
export async function checkRetry(
  ports: Pick<Ports, "config" | "store" | "githubActions" | "githubDeployments">,
  d: Deployment,
): Promise<RetryRefusal | undefined> {
  const refusal = retryRefusal(await retryFacts(ports, d));
  if (refusal) return refusal;
  return (await foundOnGitHub(ports, d)) ? { why: "reached_ci" } : undefined;
}

async function foundOnGitHub(
  ports: Pick<Ports, "config" | "githubActions" | "githubDeployments">,
  d: Deployment,
): Promise<boolean> {
  const service = ports.config.services[d.service];
  if (!service) return false;
  const repo = parseRepo(service.repo);
  if (d.mode === "deployment")
    return (await ports.githubDeployments.findDeploymentByKey(repo, d.environment, d.key)) !== undefined;
  const since = new Date(Date.parse(d.createdAt) - CLOCK_SKEW_MS).toISOString();
  return (await ports.githubActions.findRunByKey(repo, service.workflow!, d.key, since)) !== undefined;
}
