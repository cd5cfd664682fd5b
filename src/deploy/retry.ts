import { retryRefusal, type RetryRefusal } from "../domain/retry.js";
import type { Deployment } from "../domain/deployment.js";
import type { Ports } from "./ports.js";
import { retryFacts } from "./view.js";

/**
 * Whether `d` may be retried now: the store's facts first, then GitHub's word that nothing of it exists there (a
 * dispatch that GitHub answered with an error may still have started a run). Undefined when it may.
 */
export async function checkRetry(
  ports: Pick<Ports, "config" | "store" | "runners">,
  d: Deployment,
): Promise<RetryRefusal | undefined> {
  const refusal = retryRefusal(await retryFacts(ports, d));
  if (refusal) return refusal;
  return (await foundOnGitHub(ports, d)) ? { why: "reached_ci" } : undefined;
}

async function foundOnGitHub(ports: Pick<Ports, "config" | "runners">, d: Deployment): Promise<boolean> {
  const service = ports.config.services[d.service];
  if (!service) return false;
  return (await ports.runners[d.runner].findByKey(service, d)) !== undefined;
}
