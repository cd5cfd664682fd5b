/**
 * Recording a deployment made outside Gantry (the use case behind GitHub's deployment_status webhook).
 * A deployment_status about a production deployment Gantry did not make. The payload only says where to look: it is
 * checked for shape (a full SHA, real timestamps, a configured repository and environment), then the deployment and
 * its success are read from GitHub's API, and what the API says is imported, with its commits, in one transaction.
 */
import type { Ports } from "./ports.js";
import { doraEnvironment } from "../domain/dora/targets.js";
import { importOne } from "./import-deployment.js";
import { parseRepo, type DeploymentView } from "../github/port.js";

export type OutsideOutcome =
  | { kind: "ignored"; why: string }
  | { kind: "known" }
  | { kind: "gantry-job" }
  | {
      kind: "recorded";
      service: string;
      environment: string;
      deployment: DeploymentView;
      logUrl: string | null;
      commits: number;
    };

const FULL_SHA = /^[0-9a-f]{40}$/;

/** An ISO 8601 instant as GitHub writes them (`2024-05-01T12:00:00Z`), that is a real date. */
function isInstant(value: string | null | undefined): value is string {
  return (
    !!value &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value) &&
    Number.isFinite(Date.parse(value))
  );
}

/** Gantry's key in a deployment's payload: set on every deployment Gantry creates. */
export function gantryKey(payload: Record<string, unknown>): string | undefined {
  return typeof payload.gantry_deploy_id === "string" && payload.gantry_deploy_id
    ? payload.gantry_deploy_id
    : undefined;
}

/** What a webhook claims about a deployment's new status: where to look, nothing to trust. */
export interface OutsideNews {
  /** The repository's full name, as the webhook spells it. */
  repo: string;
  deployment: { id: number; sha: string; environment: string; created_at: string };
  status: { state: string; created_at: string };
}

/** The configured services deployed from a repository (GitHub compares names case-insensitively). */
export function servicesOf(ports: Pick<Ports, "config">, fullName: string): string[] {
  const wanted = fullName.toLowerCase();
  return Object.entries(ports.config.services)
    .filter(([, s]) => s.repo.toLowerCase() === wanted)
    .map(([name]) => name);
}

/** Records a successful production deployment someone made outside Gantry, as GitHub's API has it. */
export async function recordOutsideDeployment(ports: Ports, news: OutsideNews): Promise<OutsideOutcome> {
  const { deployment, status } = news;
  const services = servicesOf(ports, news.repo);
  const where = {
    repo: news.repo,
    githubDeploymentId: deployment.id,
    environment: deployment.environment,
  };
  const ignore = (why: string): OutsideOutcome => {
    ports.log.info({ ...where, why }, "outside deployment ignored");
    return { kind: "ignored", why };
  };
  const service = services.find((s) => doraEnvironment(ports.config, s) === deployment.environment);
  if (!service || status.state !== "success") {
    ports.log.debug({ ...where, state: status.state }, "outside deployment not a successful production one");
    return { kind: "ignored", why: "not a successful deployment to a configured service's DORA environment" };
  }
  if (!FULL_SHA.test(deployment.sha)) return ignore("the payload's sha is not a full commit SHA");
  if (!isInstant(deployment.created_at) || !isInstant(status.created_at))
    return ignore("the payload's timestamps are not dates");
  const environment = deployment.environment;
  const repo = parseRepo(ports.config.services[service]!.repo);
  if (await ports.store.findByKey(`gh:${repo.owner}/${repo.repo}:${deployment.id}`)) return { kind: "known" };

  // What GitHub has, not what the payload says.
  const real = await ports.githubDeployments.getDeployment(repo, deployment.id);
  if (!real) return ignore("GitHub has no such deployment");
  if (real.environment !== environment || gantryKey(real.payload))
    return ignore("GitHub's deployment is not an outside one to this environment");
  if (!FULL_SHA.test(real.sha) || !isInstant(real.createdAt))
    return ignore("GitHub's deployment has no full SHA or creation time");
  const success = (await ports.githubDeployments.deploymentStatuses(repo, real.id)).find((s) => s.state === "success");
  if (!isInstant(success?.createdAt)) return ignore("GitHub shows no success for it");
  // A workflow-mode deploy's job with `environment:` makes a deployment too; it succeeds before the run completes.
  const active = await ports.store.findActive(service, environment);
  if (active?.sha === real.sha) return { kind: "gantry-job" };
  const previousSha = (await ports.store.lastFinished(service, environment, success!.createdAt!))?.sha ?? undefined;
  const outcome = await importOne(ports, service, environment, repo, real, previousSha, success);
  if (!outcome.imported) return { kind: "known" };
  ports.log.info({ ...where, service, creator: real.creator, commits: outcome.commits }, "outside deployment recorded");
  return {
    kind: "recorded",
    service,
    environment,
    deployment: real,
    logUrl: success!.logUrl,
    commits: outcome.commits,
  };
}
