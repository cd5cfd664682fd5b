import { RequestError } from "@octokit/request-error";
import { GantryError } from "../errors.js";
import { githubError, isNotModified } from "./github-error.js";
import {
  CommitBody,
  CommitStatusList,
  Comparison,
  DeploymentBody,
  DeploymentDetail,
  DeploymentList,
  DispatchDetails,
  NamedList,
  RepoBody,
  RunList,
  StatusList,
  toCommit,
  toDeploymentView,
  toRun,
  CommitDetail,
  RunBody,
} from "./bodies.js";
import type { GantryOctokit } from "./octokit.js";
import { readPullRequest } from "./pull-requests.js";
import type {
  CompareResult,
  Conditional,
  DeploymentView,
  CreateDeploymentInput,
  DeploymentStatusView,
  DispatchInput,
  GitHubPort,
  PullRequestView,
  RepoRef,
  ResolvedRef,
  WorkflowRun,
} from "./port.js";

const COMPARE_MAX_PAGES = 10;

/** A repository's default branch rarely changes; asking once every few minutes is plenty. */
const DEFAULT_BRANCH_TTL_MS = 5 * 60_000;
/** A commit (or a comparison of two) never changes once named by sha: this many are kept, so a deploy reads each once. */
const IMMUTABLE_CACHE_SIZE = 500;
const FULL_SHA = /^[0-9a-f]{40}$/;

/** Adds to a bounded map; the oldest entry goes when it is full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= IMMUTABLE_CACHE_SIZE && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** Answered 5xx on a dispatch are sent again this many times (as the retry plugin would for other requests). */
const DISPATCH_RETRIES = 3;

export class OctokitGitHub implements GitHubPort {
  private readonly defaults = new Map<string, { branch: string; at: number }>();
  private readonly commits = new Map<string, CompareResult["commits"][number]>();
  private readonly comparisons = new Map<string, CompareResult>();

  /** `retryBaseMs`: the backoff base between dispatch attempts (the retry plugin's, which the dispatch does without). */
  constructor(
    private readonly octokit: GantryOctokit,
    private readonly opts: { retryBaseMs?: number } = {},
  ) {}

  async defaultBranch(repo: RepoRef): Promise<string> {
    const key = `${repo.owner}/${repo.repo}`;
    const cached = this.defaults.get(key);
    if (cached && Date.now() - cached.at < DEFAULT_BRANCH_TTL_MS) return cached.branch;
    try {
      const { data } = await this.octokit.rest.repos.get(repo);
      const branch = RepoBody.parse(data).default_branch;
      this.defaults.set(key, { branch, at: Date.now() });
      return branch;
    } catch (err) {
      throw githubError(err, `reading ${repo.owner}/${repo.repo}`);
    }
  }

  async listBranches(repo: RepoRef, limit: number): Promise<string[]> {
    try {
      const [{ data }, main] = await Promise.all([
        this.octokit.rest.repos.listBranches({ ...repo, per_page: Math.min(100, limit) }),
        this.defaultBranch(repo),
      ]);
      const names = NamedList.parse(data).map((b) => b.name);
      return [...names.filter((n) => n === main), ...names.filter((n) => n !== main)];
    } catch (err) {
      throw githubError(err, `listing the branches of ${repo.owner}/${repo.repo}`);
    }
  }

  async listTags(repo: RepoRef, limit: number): Promise<string[]> {
    try {
      const { data } = await this.octokit.rest.repos.listTags({ ...repo, per_page: Math.min(100, limit) });
      return NamedList.parse(data).map((t) => t.name);
    } catch (err) {
      throw githubError(err, `listing the tags of ${repo.owner}/${repo.repo}`);
    }
  }

  async resolveRef(repo: RepoRef, ref: string): Promise<ResolvedRef> {
    try {
      const { data } = await this.octokit.rest.repos.getCommit({ ...repo, ref, per_page: 1 });
      const { sha } = CommitBody.parse(data);
      const detail = CommitDetail.safeParse(data);
      if (detail.success) this.keepCommit(repo, toCommit(detail.data));
      return { ref, sha };
    } catch (err) {
      if (err instanceof RequestError && (err.status === 404 || err.status === 422)) {
        throw new GantryError(
          "github_ref_not_found",
          `\`${ref}\` is not a branch, tag or commit in ${repo.owner}/${repo.repo}`,
          {
            status: err.status,
          },
        );
      }
      throw githubError(err, `resolving \`${ref}\``);
    }
  }

  /**
   * Starts the workflow at most once. A 5xx answer means GitHub did not take the dispatch, so it is sent again (a few
   * times, with backoff). No answer at all (a timeout, a dropped connection) means GitHub may have started the run
   * anyway: sending it again could deploy twice, so nothing is sent and `undefined` tells the caller to find the run
   * by the deploy's key, as after a 204. If GitHub never started it, the deploy times out.
   */
  async dispatchWorkflow(input: DispatchInput): Promise<{ runId: number; htmlUrl: string } | undefined> {
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await this.octokit.rest.actions.createWorkflowDispatch({
          owner: input.owner,
          repo: input.repo,
          workflow_id: input.workflow,
          ref: input.ref,
          inputs: input.inputs,
          return_run_details: true,
          // The retry plugin would resend after a timeout too; this method decides itself what is safe to resend.
          request: { retries: 0 },
        });
      } catch (err) {
        if (!(err instanceof RequestError && err.response)) return undefined;
        if (err.status >= 500 && attempt < DISPATCH_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, (this.opts.retryBaseMs ?? 1000) * (attempt + 1) ** 2));
          continue;
        }
        throw githubError(err, `starting workflow ${input.workflow}`);
      }
      if (Number(response.status) !== 200) return undefined;
      const details = DispatchDetails.safeParse(response.data);
      return details.success ? { runId: details.data.workflow_run_id, htmlUrl: details.data.html_url } : undefined;
    }
  }

  async findRunByKey(repo: RepoRef, workflow: string, key: string, since: string): Promise<WorkflowRun | undefined> {
    try {
      const { data } = await this.octokit.rest.actions.listWorkflowRuns({
        ...repo,
        workflow_id: workflow,
        event: "workflow_dispatch",
        created: `>=${since}`,
        per_page: 30,
      });
      const match = RunList.parse(data).workflow_runs.find((run) => run.display_title.includes(key));
      return match && toRun(match);
    } catch (err) {
      throw githubError(err, `looking for the run of ${workflow}`);
    }
  }

  async getRun(repo: RepoRef, runId: number, etag?: string | null): Promise<Conditional<WorkflowRun>> {
    try {
      const response = await this.octokit.rest.actions.getWorkflowRun({
        ...repo,
        run_id: runId,
        headers: etag ? { "if-none-match": etag } : {},
      });
      return { changed: true, value: toRun(RunBody.parse(response.data)), etag: response.headers.etag ?? null };
    } catch (err) {
      if (isNotModified(err)) return { changed: false };
      throw githubError(err, `reading run ${runId}`);
    }
  }

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

  async compare(repo: RepoRef, base: string, head: string): Promise<CompareResult> {
    // Between two shas the answer never changes: a deploy compares at launch and again when it records its commits.
    const key = FULL_SHA.test(base) && FULL_SHA.test(head) ? `${repo.owner}/${repo.repo}@${base}...${head}` : undefined;
    const cached = key ? this.comparisons.get(key) : undefined;
    if (cached) return { total: cached.total, commits: cached.commits.map((c) => ({ ...c })) };
    try {
      const commits: CommitDetail[] = [];
      let total = 0;
      // GitHub pages the commit list of a comparison; a big release can span several pages.
      for (let page = 1; page <= COMPARE_MAX_PAGES; page++) {
        const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
          ...repo,
          basehead: `${base}...${head}`,
          per_page: 100,
          page,
        });
        const body = Comparison.parse(data);
        total = body.total_commits;
        commits.push(...body.commits);
        if (body.commits.length < 100 || commits.length >= total) break;
      }
      const result = { total, commits: commits.map(toCommit) };
      if (key) remember(this.comparisons, key, { total, commits: result.commits.map((c) => ({ ...c })) });
      return result;
    } catch (err) {
      throw githubError(err, `comparing ${base.slice(0, 7)}...${head.slice(0, 7)}`);
    }
  }

  async commit(repo: RepoRef, sha: string): Promise<CompareResult["commits"][number]> {
    const cached = this.commits.get(`${repo.owner}/${repo.repo}@${sha}`);
    if (cached) return { ...cached };
    try {
      const { data } = await this.octokit.rest.repos.getCommit({ ...repo, ref: sha, per_page: 1 });
      return this.keepCommit(repo, toCommit(CommitDetail.parse(data)));
    } catch (err) {
      throw githubError(err, `reading commit ${sha.slice(0, 7)}`);
    }
  }

  pullRequestOf(repo: RepoRef, sha: string): Promise<PullRequestView | null> {
    return readPullRequest(this.octokit, repo, sha);
  }

  /** Keeps a commit by its full sha. */
  private keepCommit(repo: RepoRef, c: CompareResult["commits"][number]): CompareResult["commits"][number] {
    if (FULL_SHA.test(c.sha)) remember(this.commits, `${repo.owner}/${repo.repo}@${c.sha}`, { ...c });
    return c;
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

  async statusDescription(repo: RepoRef, sha: string, context: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.listCommitStatusesForRef({ ...repo, ref: sha, per_page: 100 });
      // GitHub lists newest first and treats contexts case-insensitively; only the newest one of the context counts.
      const wanted = context.toLowerCase();
      const newest = CommitStatusList.parse(data).find((s) => s.context.toLowerCase() === wanted);
      return newest?.description || undefined;
    } catch (err) {
      throw githubError(err, `reading the commit statuses of ${sha.slice(0, 7)}`);
    }
  }
}
