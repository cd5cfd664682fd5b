import { doraEnvironment } from "../domain/dora/targets.js";
import { parseRepo } from "../github/port.js";
import type { Deployment } from "../domain/deployment.js";
import type { Ports } from "./ports.js";

/**
 * Stores the commits a production deployment shipped, once, when it succeeds: GitHub's compare between the
 * SHA of the production deployment that succeeded before it and this one, or the head commit alone for a service's first deployment.
 */
export async function recordCommits(ports: Ports, d: Deployment): Promise<void> {
  if (!d.sha || d.environment !== doraEnvironment(ports.config, d.service)) return;
  const repo = parseRepo(ports.config.services[d.service]!.repo);
  try {
    // The previous deployment in the order they succeeded (not the order they were asked for): backfill chains so too.
    const at = d.finishedAt ?? ports.clock.now().toISOString();
    const previous = await ports.store.lastFinished(d.service, d.environment, at, d.id);
    const commits = previous?.sha
      ? previous.sha === d.sha
        ? []
        : (await ports.source.compare(repo, previous.sha, d.sha)).commits
      : [await ports.source.commit(repo, d.sha)];
    await ports.store.recordCommits(
      d.id,
      commits.map((c) => ({
        sha: c.sha,
        committedAt: c.date ?? d.finishedAt ?? d.updatedAt,
        author: c.author,
        message: c.message,
      })),
    );
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not record the deployment's commits");
  }
}
