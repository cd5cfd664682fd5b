import type { Ports } from "../deploy/ports.js";
import { doraEnvironment } from "../domain/dora/targets.js";
import { GantryError } from "../errors.js";
import { parseRepo } from "../github/port.js";

/** Lookups per run: two GitHub requests each, so a catching-up run costs at most 100 of the hour's 5,000. */
export const PULLS_PER_RUN = 50;

export interface FillResult {
  looked: number;
  found: number;
  /** Commits still to look up when the run stopped (its limit, or GitHub saying no). */
  left: boolean;
}

type FillPorts = Pick<Ports, "config" | "store" | "source" | "clock" | "log">;

/**
 * Looks up the pull request of production commits that have none recorded yet, newest deploys first, each commit once
 * (DORA's coding and review stages). Stops at `limit` lookups, or at the first GitHub error, leaving the rest for the
 * next run; safe on two replicas (the first answer recorded wins).
 */
export async function fillPullRequests(ports: FillPorts, limit = PULLS_PER_RUN): Promise<FillResult> {
  const result: FillResult = { looked: 0, found: 0, left: false };
  for (const service of Object.keys(ports.config.services)) {
    const environment = doraEnvironment(ports.config, service);
    if (!environment) continue;
    const repo = parseRepo(ports.config.services[service]!.repo);
    const todo = await ports.store.commitsWithoutPulls({ service, environment }, limit - result.looked + 1);
    for (const sha of todo) {
      if (result.looked >= limit) return { ...result, left: true };
      let pull;
      try {
        pull = await ports.source.pullRequestOf(repo, sha);
      } catch (err) {
        ports.log.warn(
          { service, sha, code: err instanceof GantryError ? err.code : undefined, err },
          "pull request lookup failed",
        );
        return { ...result, left: true };
      }
      await ports.store.recordPull(sha, pull, ports.clock.now().toISOString());
      result.looked++;
      if (pull) result.found++;
    }
  }
  return result;
}
