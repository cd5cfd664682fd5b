/** GitHub Deployments over Octokit: creating deployments and reading them and their statuses. */
import { RequestError } from "@octokit/request-error";
import { GantryError } from "../errors.js";
import { DeploymentBody, DeploymentDetail, DeploymentList, StatusList, toDeploymentView } from "./bodies.js";
import { githubError, isNotModified } from "./github-error.js";
import type { GantryOctokit } from "./octokit.js";
import type {
  Conditional,
  CreateDeploymentInput,
  DeploymentStatusView,
  DeploymentView,
  DeploymentsApi,
  RepoRef,
} from "./port.js";

export class OctokitDeployments implements DeploymentsApi {
  constructor(private readonly octokit: GantryOctokit) {}

  async listDeployments(repo: RepoRef, environment: string, page: number): Promise<DeploymentView[]> {
    try {
      const { data } = await this.octokit.rest.repos.listDeployments({ ...repo, environment, per_page: 100, page });
      return DeploymentList.parse(data).map(toDeploymentView);
    } catch (err) {
      throw githubError(err, `listing the deployments to ${environment}`);
    }
  }

  async getDeployment(repo: RepoRef, deploymentId: number): Promise<DeploymentView | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getDeployment({ ...repo, deployment_id: deploymentId });
      return toDeploymentView(DeploymentDetail.parse(data));
    } catch (err) {
      if (err instanceof RequestError && err.status === 404) return undefined;
      throw githubError(err, `reading deployment ${deploymentId}`);
    }
  }

  async deploymentStatuses(repo: RepoRef, deploymentId: number): Promise<DeploymentStatusView[]> {
    try {
      const { data } = await this.octokit.rest.repos.listDeploymentStatuses({
        ...repo,
        deployment_id: deploymentId,
        per_page: 100,
      });
      return StatusList.parse(data).map((s) => ({
        state: s.state,
        description: s.description ?? null,
        logUrl: s.log_url ?? s.target_url ?? null,
        environmentUrl: s.environment_url ?? null,
        createdAt: s.created_at,
      }));
    } catch (err) {
      throw githubError(err, `reading the statuses of deployment ${deploymentId}`);
    }
  }

  async createDeployment(input: CreateDeploymentInput): Promise<{ id: number; url: string } | undefined> {
    let response;
    try {
      response = await this.octokit.rest.repos.createDeployment({
        owner: input.owner,
        repo: input.repo,
        ref: input.sha,
        environment: input.environment,
        description: input.description,
        payload: input.payload,
        auto_merge: false,
        ...(input.requiredContexts ? { required_contexts: input.requiredContexts } : {}),
        // A resent creation could start a second deployment: like a dispatch, it is sent at most once.
        request: { retries: 0 },
      });
    } catch (err) {
      if (err instanceof RequestError && err.response) throw githubError(err, "creating the deployment");
      // No answer: it may or may not exist. The tracker looks for it by the key in its payload; it is never re-sent.
      return undefined;
    }
    if (Number(response.status) !== 201) {
      const message = (response.data as { message?: string }).message ?? "no deployment was created";
      throw new GantryError(
        "github_error",
        `GitHub answered ${response.status} when creating the deployment: ${message}`,
      );
    }
    return DeploymentBody.parse(response.data);
  }

  async findDeploymentByKey(
    repo: RepoRef,
    environment: string,
    key: string,
  ): Promise<{ id: number; url: string } | undefined> {
    const recent = await this.listDeployments(repo, environment, 1);
    const match = recent.find((d) => d.payload.gantry_deploy_id === key);
    return match && { id: match.id, url: match.url };
  }

  async latestDeploymentStatus(
    repo: RepoRef,
    deploymentId: number,
    etag?: string | null,
  ): Promise<Conditional<DeploymentStatusView>> {
    try {
      const response = await this.octokit.rest.repos.listDeploymentStatuses({
        ...repo,
        deployment_id: deploymentId,
        per_page: 1,
        headers: etag ? { "if-none-match": etag } : {},
      });
      const latest = StatusList.parse(response.data)[0];
      const value: DeploymentStatusView = {
        state: latest?.state ?? null,
        description: latest?.description ?? null,
        logUrl: latest?.log_url ?? latest?.target_url ?? null,
        environmentUrl: latest?.environment_url ?? null,
        createdAt: latest?.created_at ?? null,
      };
      return { changed: true, value, etag: response.headers.etag ?? null };
    } catch (err) {
      if (isNotModified(err)) return { changed: false };
      throw githubError(err, `reading the statuses of deployment ${deploymentId}`);
    }
  }
}
