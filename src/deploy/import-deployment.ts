import type { DeploymentStatusView, DeploymentView, RepoRef } from "../github/port.js";
import type { Ports } from "./ports.js";

const SAME_DEPLOY_MS = 60 * 60_000;

export type ImportPorts = Pick<Ports, "config" | "store" | "source" | "githubDeployments" | "clock" | "log">;

/**
 * Imports one GitHub deployment into the ledger (unless Gantry made it, or it never succeeded) with its commits since
 * `previousSha`, all in one transaction: when the commits cannot be read, nothing is stored and a later run (or a
 * redelivered webhook) imports it whole. `knownSuccess` is its success status when the caller has read it already.
 */
export async function importOne(
  ports: ImportPorts,
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
