import { serviceNamed } from "../config/lookup.js";
import type { AppPorts as Ports } from "../ports.js";
import { doraEnvironment } from "../domain/dora/targets.js";
import { importOne, type ImportPorts } from "../deploy/import-deployment.js";
import { parseRepo, type DeploymentStatusView, type DeploymentView, type RepoRef } from "../github/port.js";
import { fillPullRequests } from "./fill-pulls.js";
import { syncIncidents } from "./sync-incidents.js";

export interface BackfillResult {
  imported: number;
  skipped: number;
  commits: number;
  /** Commits whose pull request was looked up (for coding and review times). */
  pulls: number;
  incidents: number;
}

type BackfillPorts = ImportPorts & Partial<Pick<Ports, "jira" | "slack" | "events">>;

/**
 * Imports past production deployments from GitHub's Deployments API (Actions jobs with `environment:` make these,
 * so it works in both modes): their success time, their commits via compare, then the incidents since. Keyed by
 * GitHub's deployment id, so a second run adds nothing.
 */
export async function backfill(
  ports: BackfillPorts,
  opts: { since: string; service?: string; progress?: (line: string) => void },
): Promise<BackfillResult> {
  const result: BackfillResult = { imported: 0, skipped: 0, commits: 0, pulls: 0, incidents: 0 };
  const say = opts.progress ?? (() => {});
  for (const service of Object.keys(ports.config.services).filter((s) => !opts.service || s === opts.service)) {
    const environment = doraEnvironment(ports.config, service)!;
    const repo = parseRepo(serviceNamed(ports.config, service)!.repo);
    const found = await listSince(ports, repo, environment, opts.since);
    say(`${service}: ${found.length} deployments to ${environment} since ${opts.since.slice(0, 10)}`);
    const succeeded = await inSuccessOrder(ports, repo, found);
    result.skipped += found.length - succeeded.length;
    let previousSha: string | undefined;
    for (const [i, { d, success }] of succeeded.entries()) {
      const outcome = await importOne(ports, service, environment, repo, d, previousSha, success);
      if (outcome.sha) previousSha = outcome.sha;
      result.imported += outcome.imported ? 1 : 0;
      result.skipped += outcome.imported ? 0 : 1;
      result.commits += outcome.commits;
      if ((i + 1) % 100 === 0) say(`${service}: ${i + 1}/${succeeded.length}`);
    }
  }
  result.pulls = await fillAll(ports, say);
  if (ports.jira && ports.config.incidents) {
    result.incidents = (await syncIncidents(ports as Ports, { since: opts.since })).stored;
  }
  say(
    `done: ${result.imported} imported, ${result.skipped} already known or not successful, ${result.commits} commits, ${result.pulls} pull request lookups, ${result.incidents} incidents`,
  );
  return result;
}

/** Looks up every commit's pull request, a run at a time, saying how far it got; stops when GitHub says no. */
async function fillAll(ports: BackfillPorts, say: (line: string) => void): Promise<number> {
  let looked = 0;
  for (;;) {
    const run = await fillPullRequests(ports);
    looked += run.looked;
    if (run.looked > 0) say(`pull requests: ${looked} commits looked up`);
    if (!run.left) return looked;
    if (run.looked === 0) {
      say("pull requests: GitHub refused the lookups; the next run (every 15 minutes) goes on");
      return looked;
    }
  }
}

/**
 * The deployments that succeeded, in the order they succeeded (ties: created first): each one's commits are counted
 * from the one that succeeded before it, as the live path does, so overlapping deployments get the same commits
 * whichever way they arrive.
 */
async function inSuccessOrder(
  ports: BackfillPorts,
  repo: RepoRef,
  found: readonly DeploymentView[],
): Promise<{ d: DeploymentView; success: DeploymentStatusView }[]> {
  const out: { d: DeploymentView; success: DeploymentStatusView; at: number }[] = [];
  for (const d of found) {
    const success = (await ports.githubDeployments.deploymentStatuses(repo, d.id)).find((s) => s.state === "success");
    const at = success?.createdAt ? Date.parse(success.createdAt) : NaN;
    if (success && !Number.isNaN(at)) out.push({ d, success, at });
  }
  return out.sort((a, b) => a.at - b.at).map(({ d, success }) => ({ d, success }));
}

/** Oldest first. */
async function listSince(
  ports: BackfillPorts,
  repo: RepoRef,
  environment: string,
  since: string,
): Promise<DeploymentView[]> {
  const out: DeploymentView[] = [];
  for (let page = 1; ; page++) {
    const batch = await ports.githubDeployments.listDeployments(repo, environment, page);
    out.push(...batch.filter((d) => d.createdAt >= since));
    if (batch.length < 100 || batch.some((d) => d.createdAt < since)) break;
  }
  return out.reverse();
}
