/**
 * What Gantry needs from GitHub, and nothing more, in three parts: source control (`SourcePort`, also used by every
 * runner), Actions and Deployments (the two GitHub runners' APIs). Implemented over Octokit in `octokit-*.ts`.
 */
export type RepoRef = {
  owner: string;
  repo: string;
};

export interface ResolvedRef {
  /** The ref as asked for, or the default branch when none was given. */
  ref: string;
  sha: string;
}

export interface WorkflowRun {
  id: number;
  status: string;
  conclusion: string | null;
  htmlUrl: string;
  displayTitle: string;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string | null;
}

export interface DeploymentStatusView {
  state: string | null;
  description: string | null;
  logUrl: string | null;
  environmentUrl: string | null;
  createdAt: string | null;
}

/** A conditional read: `changed: false` when GitHub answered 304 to our ETag. */
export type Conditional<T> = { changed: true; value: T; etag: string | null } | { changed: false };

export interface DispatchInput extends RepoRef {
  workflow: string;
  /** Branch or tag whose workflow file runs. */
  ref: string;
  inputs: Record<string, string>;
}

export interface CreateDeploymentInput extends RepoRef {
  sha: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
  /** undefined means GitHub checks every context on the commit. */
  requiredContexts?: string[];
}

export interface CompareResult {
  /** Commits in head that are not in base. */
  total: number;
  commits: { sha: string; message: string; author: string; date: string | null }[];
}

/** A GitHub Deployment as backfill reads it. */
export interface DeploymentView {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  creator: string;
  createdAt: string;
  payload: Record<string, unknown>;
  url: string;
}

/** The pull request that brought a commit in (times ISO 8601). */
export interface PullRequestView {
  number: number;
  openedAt: string;
  mergedAt: string | null;
  /** Its first commit's author date. */
  firstCommitAt: string | null;
}

/** Source control: what Gantry reads about a repository's refs and commits, whatever runs its deploys. */
export interface SourcePort {
  /** Kept a while; `fresh` asks GitHub again (a branch named from the cache was not found). */
  defaultBranch(repo: RepoRef, opts?: { fresh?: boolean }): Promise<string>;
  resolveRef(repo: RepoRef, ref: string): Promise<ResolvedRef>;
  /** The commits in `head` since `base` (GitHub's compare, oldest first). */
  compare(repo: RepoRef, base: string, head: string): Promise<CompareResult>;
  /** The head commit alone, for a first deploy with nothing to compare against. */
  commit(repo: RepoRef, sha: string): Promise<CompareResult["commits"][number]>;
  /** Branch names, the default branch first, then by name (the first `limit`). */
  listBranches(repo: RepoRef, limit: number): Promise<string[]>;
  /** Tag names, newest first as GitHub lists them (the first `limit`). */
  listTags(repo: RepoRef, limit: number): Promise<string[]>;
  /** The description of the newest commit status with this context on `sha`, if any (how a workflow reports its artifact). */
  statusDescription(repo: RepoRef, sha: string, context: string): Promise<string | undefined>;
  /** The merged pull request that brought the commit in; null when it came without one. */
  pullRequestOf(repo: RepoRef, sha: string): Promise<PullRequestView | null>;
}

/** GitHub Actions, as the workflow runner uses it. */
export interface ActionsApi {
  /** Dispatches a workflow; returns the run when GitHub tells us (return_run_details), else undefined. */
  dispatchWorkflow(input: DispatchInput): Promise<{ runId: number; htmlUrl: string } | undefined>;
  /** Finds the run whose title carries `key` among dispatch runs created at or after `since`. */
  findRunByKey(repo: RepoRef, workflow: string, key: string, since: string): Promise<WorkflowRun | undefined>;
  getRun(repo: RepoRef, runId: number, etag?: string | null): Promise<Conditional<WorkflowRun>>;
}

/** GitHub Deployments, as the deployment runner, the backfill and outside-deployment recording use them. */
export interface DeploymentsApi {
  /** One deployment by id, as GitHub has it; undefined when GitHub has no such deployment. */
  getDeployment(repo: RepoRef, deploymentId: number): Promise<DeploymentView | undefined>;
  /** One page (newest first) of a repository's deployments to an environment. */
  listDeployments(repo: RepoRef, environment: string, page: number): Promise<DeploymentView[]>;
  /** A deployment's statuses, newest first. */
  deploymentStatuses(repo: RepoRef, deploymentId: number): Promise<DeploymentStatusView[]>;
  /** Creates a deployment, at most once: undefined when GitHub's answer was lost (find it by key later). */
  createDeployment(input: CreateDeploymentInput): Promise<{ id: number; url: string } | undefined>;
  /** The deployment whose payload carries Gantry's key, among the environment's latest. */
  findDeploymentByKey(
    repo: RepoRef,
    environment: string,
    key: string,
  ): Promise<{ id: number; url: string } | undefined>;
  latestDeploymentStatus(
    repo: RepoRef,
    deploymentId: number,
    etag?: string | null,
  ): Promise<Conditional<DeploymentStatusView>>;
}

export function parseRepo(fullName: string): RepoRef {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}
