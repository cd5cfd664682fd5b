import type { Ports } from "../deploy/ports.js";
import { doraEnvironment } from "../domain/dora/targets.js";
import { parseRepo, type DeploymentStatusView, type DeploymentView, type RepoRef } from "../github/port.js";
import { syncIncidents } from "./sync-incidents.js";

export interface BackfillResult {
  imported: number;
  skipped: number;
  commits: number;
  incidents: number;
}

const SAME_DEPLOY_MS = 60 * 60_000;

type BackfillPorts = Pick<Ports, "config" | "store" | "source" | "githubDeployments" | "clock" | "log"> &
  Partial<Pick<Ports, "jira" | "slack" | "events">>;

/**
 * Imports past production deployments from GitHub's Deployments API (Actions jobs with `environment:` make these,
 * so it works in both modes): their success time, their commits via compare, then the incidents since. Keyed by
 * GitHub's deployment id, so a second run adds nothing.
 */
export async function backfill(
  ports: BackfillPorts,
  opts: { since: string; service?: string; progress?: (line: string) => void },
): Promise<BackfillResult> {
  const result: BackfillResult = { imported: 0, skipped: 0, commits: 0, incidents: 0 };
  const say = opts.progress ?? (() => {});
  for (const service of Object.keys(ports.config.services).filter((s) => !opts.service || s === opts.service)) {
    const environment = doraEnvironment(ports.config, service)!;
    const repo = parseRepo(ports.config.services[service]!.repo);
    const found = await listSince(ports, repo, environment, opts.since);
    say(`${service}: ${found.length} deployments to ${environment} since ${opts.since.slice(0, 10)}`);
    let previousSha: string | undefined;
    for (const [i, d] of found.entries()) {
      const outcome = await importOne(ports, service, environment, repo, d, previousSha);
      if (outcome.sha) previousSha = outcome.sha;
      result.imported += outcome.imported ? 1 : 0;
      result.skipped += outcome.imported ? 0 : 1;
      result.commits += outcome.commits;
      if ((i + 1) % 100 === 0) say(`${service}: ${i + 1}/${found.length}`);
    }
  }
  if (ports.jira && ports.config.incidents) {
    result.incidents = (await syncIncidents(ports as Ports, { since: opts.since })).stored;
  }
  say(
    `done: ${result.imported} imported, ${result.skipped} already known or not successful, ${result.commits} commits, ${result.incidents} incidents`,
  );
  return result;
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

/**
 * Imports one GitHub deployment into the ledger (unless Gantry made it, or it never succeeded) with its commits since
 * `previousSha`, all in one transaction: when the commits cannot be read, nothing is stored and a later run (or a
 * redelivered webhook) imports it whole. `knownSuccess` is its success status when the caller has read it already.
 */
export async function importOne(
  ports: BackfillPorts,
  service: string,
  environment: string,
  repo: RepoRef,
  d: DeploymentView,
  previousSha: string | undefined,
  knownSuccess?: DeploymentStatusView,
): Promise<{ imported: boolean; commits: number; sha?: string }> {
  const gantryKey = typeof d.payload.gantry_deploy_id === "string" ? d.payload.gantry_deploy_id : undefined;
  if (gantryKey && (await ports.store.findByKey(gantryKey))) return { imported: false, commits: 0, sha: d.sha };
  const key = `gh:${repo.owner}/${repo.repo}:${d.id}`;
  if (await ports.store.findByKey(key)) return { imported: false, commits: 0, sha: d.sha };
  const success =
    knownSuccess ?? (await ports.githubDeployments.deploymentStatuses(repo, d.id)).find((s) => s.state === "success");
  if (!success?.createdAt) return { imported: false, commits: 0 };
  // A workflow-mode deploy by Gantry also shows up here (its job's `environment:`): it is in the ledger already.
  const own = await ports.store.succeededWithSha(service, environment, d.sha);
  if (own?.finishedAt && Math.abs(Date.parse(own.finishedAt) - Date.parse(success.createdAt)) < SAME_DEPLOY_MS) {
    return { imported: false, commits: 0, sha: d.sha };
  }
  const commits =
    previousSha && previousSha !== d.sha
      ? (await ports.source.compare(repo, previousSha, d.sha)).commits
      : previousSha
        ? []
        : [await ports.source.commit(repo, d.sha)];
  const { inserted } = await ports.store.importDeployment({
    key,
    service,
    environment,
    ref: d.ref,
    sha: d.sha,
    creator: d.creator,
    githubDeploymentId: d.id,
    url: success.logUrl,
    createdAt: d.createdAt,
    finishedAt: success.createdAt,
    importedAt: ports.clock.now().toISOString(),
    commits: commits.map((c) => ({
      sha: c.sha,
      committedAt: c.date ?? success.createdAt!,
      author: c.author,
      message: c.message,
    })),
  });
  return { imported: inserted, commits: inserted ? new Set(commits.map((c) => c.sha)).size : 0, sha: d.sha };
}
