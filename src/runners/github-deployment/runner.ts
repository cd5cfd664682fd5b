/**
 * The deployment runner: a deploy is a GitHub Deployment of the commit, carried out by whatever listens for
 * deployments (an Actions workflow on `deployment`, a CD tool), followed through its statuses.
 */
import type { Service } from "../../config/schema.js";
import { shortSha } from "../../domain/format.js";
import type { Deployment } from "../../domain/deployment.js";
import {
  parseRepo,
  type CreateDeploymentInput,
  type DeploymentsApi,
  type RepoRef,
  type SourcePort,
} from "../../github/port.js";
import { reportedArtifact } from "../artifact.js";
import type { RunLink, RunRead, RunReadResult, Runner } from "../port.js";
import { deploymentProgress } from "./progress.js";

export class GitHubDeploymentRunner implements Runner {
  readonly vendor = "GitHub";
  readonly noun = "deployment";
  readonly noRunReason =
    "GitHub shows no deployment for this deploy: the request never started one (nothing was sent twice). Try again.";

  constructor(
    private readonly deployments: DeploymentsApi,
    private readonly source: SourcePort,
  ) {}

  async start(service: Service, d: Deployment, sending: () => Promise<void>): Promise<RunLink> {
    await sending();
    const created = await this.deployments.createDeployment(deploymentInput(service, parseRepo(service.repo), d));
    // GitHub's answer names the deployment's API address only: its page comes with its first status.
    return created ? { runId: String(created.id) } : {};
  }

  async findByKey(service: Service, d: Deployment): Promise<(RunLink & { runId: string }) | undefined> {
    const found = await this.deployments.findDeploymentByKey(parseRepo(service.repo), d.environment, d.key);
    return found && { runId: String(found.id) };
  }

  async read(service: Service, _d: Deployment, runId: string, etag: string | null): Promise<RunReadResult> {
    const res = await this.deployments.latestDeploymentStatus(parseRepo(service.repo), Number(runId), etag);
    if (!res.changed) return { changed: false };
    const link = res.value.logUrl ? { runUrl: res.value.logUrl } : {};
    return { changed: true, read: { progress: deploymentProgress(res.value.state), link }, etag: res.etag };
  }

  async confirm(service: Service, d: Deployment, runId: string): Promise<RunRead | undefined> {
    const repo = parseRepo(service.repo);
    const id = Number(runId);
    // A deployment Gantry has not tied to the deploy yet is its deployment only if its payload carries the key.
    if (d.runId === null) {
      const named = await this.deployments.getDeployment(repo, id);
      if (named?.payload.gantry_deploy_id !== d.key) return undefined;
    }
    const res = await this.deployments.latestDeploymentStatus(repo, id);
    if (!res.changed) return undefined;
    const url = res.value.logUrl ? { runUrl: res.value.logUrl } : {};
    return { progress: deploymentProgress(res.value.state), link: { runId, ...url } };
  }

  artifact(service: Service, d: Deployment): Promise<string | undefined> {
    return reportedArtifact(this.source, service, d);
  }
}

function deploymentInput(service: Service, repo: RepoRef, d: Deployment): CreateDeploymentInput {
  const sendRef = service.inputs.ref !== null;
  return {
    ...repo,
    sha: d.sha!,
    environment: d.environment,
    description: `Gantry ${d.kind} #${d.id} of ${sendRef ? d.ref : shortSha(d.sha)} by ${d.requester}`,
    payload: {
      gantry_deploy_id: d.key,
      requester: d.requester,
      ...(sendRef ? { ref: d.ref } : {}),
      ...(d.artifact ? { artifact: d.artifact } : {}),
    },
    ...(service.requiredContexts ? { requiredContexts: service.requiredContexts } : {}),
  };
}
