/** A GitHub REST API emulator over real HTTP, for Gantry's Octokit client in tests and the demo. */
import { HttpEmulator } from "../http/emulator.js";
import { TemplateRouter } from "../http/router.js";
import { AppAuthority, type AppOptions, type InstallationTokenRecord } from "./apps.js";
import { commitStatusRoutes } from "./commit-statuses.js";
import { DeploymentEngine, type AddDeploymentOptions, type StatusOptions } from "./deployments.js";
import { fullRepository, user } from "./fixtures.js";
import { workflow as workflowBody } from "./fixtures-actions.js";
import { deployment as deploymentBody, deploymentStatus as deploymentStatusBody } from "./fixtures-deployments.js";
import { GitHubHttpFront } from "./http-front.js";
import { PullEngine, type AddPullOptions, type PullRecord } from "./pulls.js";
import { repoRoutes } from "./repo-routes.js";
import { RepoStore, type AddCommitOptions, type AddRepoOptions } from "./repos.js";
import type { Route } from "./router.js";
import { RunEngine } from "./runs.js";
import { Scheduler } from "./scheduler.js";
import type { RateLimitOptions } from "./wire.js";
import { WebhookSender, type WebhookConfig, type WebhookDelivery } from "./webhooks.js";
import type {
  CheckState,
  CommitStatusRecord,
  CommitStatusState,
  DeploymentRecord,
  DeploymentScriptFn,
  DeploymentState,
  DeploymentStatusRecord,
  RecordedCall,
  RunRecord,
  RunScriptFn,
} from "./types.js";

export interface GitHubEmulatorOptions {
  /** When set, requests must carry `Authorization: token <token>` or `Bearer <token>`. */
  token?: string;
}

export interface CommitStatusOptions {
  state: CommitStatusState;
  /** Default "default", as on GitHub. */
  context?: string;
  /** At most 140 characters, as on GitHub. */
  description?: string;
  targetUrl?: string;
}

export interface GitHubEmulatorEvents {
  call: [RecordedCall];
  run: [RunRecord];
  deployment_status: [{ deployment: DeploymentRecord; status: DeploymentStatusRecord }];
  /** A webhook delivery was answered, or failed. */
  delivery: [WebhookDelivery];
}

/** GitHub's `action` of a workflow_run event for each status a run enters. */
const RUN_ACTIONS: Record<RunRecord["status"], string> = {
  queued: "requested",
  in_progress: "in_progress",
  completed: "completed",
};

/** Faults, recorded calls, url, start/stop, unexpectedCalls and waitForCall come from HttpEmulator. */
export class GitHubEmulator extends HttpEmulator<GitHubEmulatorEvents> {
  private readonly store = new RepoStore();
  private readonly scheduler = new Scheduler();
  private readonly webhooks = new WebhookSender((delivery) => this.emit("delivery", delivery));
  private readonly runEngine = new RunEngine(this.store, this.scheduler, (run) => {
    this.emit("run", run);
    this.deliverRun(run);
  });
  private readonly deploymentEngine = new DeploymentEngine(
    this.store,
    this.scheduler,
    (deployment, status) => {
      this.emit("deployment_status", { deployment, status });
      this.deliverDeployment("deployment_status", deployment, status);
    },
    (deployment) => this.deliverDeployment("deployment", deployment),
  );
  private readonly apps = new AppAuthority(this.store);
  private readonly pullEngine = new PullEngine(this.store);
  private readonly router = new TemplateRouter<Route>([
    ...repoRoutes(this.store),
    ...this.apps.routes(),
    ...commitStatusRoutes(this.store),
    ...this.runEngine.routes(),
    ...this.deploymentEngine.routes(),
    ...this.pullEngine.routes(),
  ]);
  protected readonly front: GitHubHttpFront;

  constructor(options: GitHubEmulatorOptions = {}) {
    super("GitHubEmulator");
    this.front = new GitHubHttpFront({
      router: this.router,
      faults: this.faults,
      scheduler: this.scheduler,
      token: options.token,
      apps: this.apps,
      record: (call) => this.record(call),
    });
  }

  /**
   * Registers the GitHub App (or removes it). From then on App paths (`/app/…`, `/repos/{owner}/{repo}/installation`)
   * take only a JWT signed with the App's private key, every repository owner has an installation of it, and the
   * installation tokens it issues are accepted (until they expire) besides the emulator's fixed token.
   */
  setApp(opts: AppOptions | undefined): void {
    this.apps.configure(opts);
  }

  /** Every installation token issued so far, oldest first. */
  get installationTokens(): readonly InstallationTokenRecord[] {
    return this.apps.tokens;
  }

  /** Revokes every installation token issued so far: requests with them are answered 401 "Bad credentials". */
  revokeInstallationTokens(): void {
    this.apps.revokeAll();
  }

  /** The installation id of the App on an owner's repositories. */
  installationId(owner: string): number {
    return this.apps.installationId(owner);
  }

  get runs(): readonly RunRecord[] {
    return this.runEngine.runs;
  }

  get deployments(): readonly DeploymentRecord[] {
    return this.deploymentEngine.deployments;
  }

  get returnRunDetails(): boolean {
    return this.runEngine.returnRunDetails;
  }

  set returnRunDetails(value: boolean) {
    this.runEngine.returnRunDetails = value;
  }

  addRepo(opts: AddRepoOptions): void {
    this.store.add(opts);
  }

  addCommit(repo: string, opts: AddCommitOptions): string {
    return this.store.addCommit(repo, opts);
  }

  setBranch(repo: string, name: string, sha: string): void {
    this.store.setBranch(repo, name, sha);
  }

  renameBranch(repo: string, from: string, to: string): void {
    this.store.renameBranch(repo, from, to);
  }

  setTag(repo: string, name: string, sha: string): void {
    this.store.setTag(repo, name, sha);
  }

  /**
   * Sets a status check on a commit (context "ci" unless named), posted as a commit status by github-actions[bot].
   * Deployments created without required_contexts need every context on the commit to be "success"; with
   * required_contexts, each named one must be.
   */
  setCommitChecks(repo: string, sha: string, state: CheckState, context = "ci"): void {
    this.store.setChecks(repo, sha, state, context);
  }

  /**
   * Posts a commit status on a commit (sha, branch or tag) as the API would, by github-actions[bot]. Its context then
   * counts as one of the commit's checks for deployments, like setCommitChecks().
   */
  addCommitStatus(repo: string, sha: string, opts: CommitStatusOptions): CommitStatusRecord {
    const status = this.store.addStatus(repo, sha, {
      state: opts.state,
      context: opts.context,
      description: opts.description,
      targetUrl: opts.targetUrl,
      creator: "github-actions[bot]",
    });
    return { ...status };
  }

  /** Every commit status on the commit a ref resolves to, newest first (as GitHub lists them). */
  commitStatuses(repo: string, ref: string): CommitStatusRecord[] {
    const state = this.store.get(repo);
    const sha = this.store.resolve(state, ref);
    return sha ? [...this.store.statusesFor(state, sha)].reverse().map((s) => ({ ...s })) : [];
  }

  /** Resolves a branch, tag or (short) sha to the full sha, for test setup. */
  resolveRef(repo: string, ref: string): string | undefined {
    return this.store.resolve(this.store.get(repo), ref);
  }

  setRunScript(fn: RunScriptFn): void {
    this.runEngine.setScript(fn);
  }

  completeRun(runId: number, conclusion: string): void {
    this.runEngine.complete(runId, conclusion);
  }

  /**
   * Records a deployment someone made outside the client under test (another deployer, a person), and sends its
   * `deployment` webhook. No checks and no deployer script: post its statuses with addDeploymentStatus().
   */
  addDeployment(repo: string, opts: AddDeploymentOptions): DeploymentRecord {
    return { ...this.deploymentEngine.add(this.store.get(repo), opts) };
  }

  /**
   * Sets the webhook (one per emulator, as a repository or organization hook covering every repo), or removes it.
   * From then on runs changing state, deployments created and deployment statuses created are POSTed to it, signed.
   */
  setWebhook(hook: WebhookConfig | undefined): void {
    this.webhooks.configure(hook);
  }

  /** Every webhook delivery so far, oldest first, with its outcome (status null while pending). */
  get deliveries(): readonly WebhookDelivery[] {
    return this.webhooks.deliveries;
  }

  /** Sends a past delivery again with the same X-GitHub-Delivery, as GitHub's "Redeliver"; resolves once answered. */
  redeliver(id: string): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(id);
  }

  /** Resolves when every webhook delivery queued so far has been answered or has failed. */
  deliveriesSettled(): Promise<void> {
    return this.webhooks.idle();
  }

  /** Resolves with the first answered delivery that satisfies predicate, checking past ones first. */
  waitForDelivery(predicate: (d: WebhookDelivery) => boolean, timeoutMs = 5000): Promise<WebhookDelivery> {
    const done = (d: WebhookDelivery): boolean => d.deliveredAt !== null && predicate(d);
    return this.waitFor(
      "delivery",
      () => this.deliveries.find(done),
      done,
      timeoutMs,
      () =>
        `waitForDelivery: no matching delivery within ${timeoutMs}ms; deliveries: ${this.deliveries.map((d) => `${d.event}/${d.action} → ${d.status ?? d.error ?? "pending"}`).join(", ") || "none"}`,
    );
  }

  setDeploymentScript(fn: DeploymentScriptFn): void {
    this.deploymentEngine.setScript(fn);
  }

  /** Opens a pull request from a branch (and merges it into the default branch with a merge commit, if asked). */
  addPullRequest(repo: string, opts: AddPullOptions): PullRecord {
    return this.pullEngine.add(repo, opts);
  }

  addDeploymentStatus(
    repo: string,
    deploymentId: number,
    state: DeploymentState,
    opts?: StatusOptions,
  ): DeploymentStatusRecord {
    return this.deploymentEngine.addStatus(repo, deploymentId, state, opts);
  }

  /**
   * The token's budget: `limit` requests per `windowMs` (GitHub's 5,000 an hour by default); once spent, every
   * request is answered 403 with `x-ratelimit-remaining: 0` until the window resets. 304s cost nothing.
   */
  setRateLimit(opts: RateLimitOptions = {}): void {
    this.front.rateLimit.configure(opts);
  }

  /** Requests counted in the current window, the limit, and when the window resets (epoch ms). */
  rateLimitState(): { limit: number; used: number; resetAt: number } {
    return this.front.rateLimit.state();
  }

  /** Clears recorded calls, deliveries and faults and the rate-limit window; repos, runs, deployments and the webhook stay. */
  override reset(): void {
    super.reset();
    this.webhooks.clear();
    this.front.rateLimit.reset();
  }

  /** Resolves with the run (a snapshot) once it satisfies predicate, checking current state first. */
  waitForRun(predicate: (r: RunRecord) => boolean, timeoutMs = 5000): Promise<RunRecord> {
    const current = (): RunRecord | undefined => {
      const run = this.runs.find(predicate);
      return run && { ...run, inputs: { ...run.inputs }, outputs: { ...run.outputs } };
    };
    return this.waitFor(
      "run",
      current,
      predicate,
      timeoutMs,
      () =>
        `waitForRun: no matching run within ${timeoutMs}ms; runs: ${this.runs.map((r) => `${r.id} ${r.status}/${r.conclusion}`).join(", ") || "none"}`,
    );
  }

  /** Simulated workflow runs, deployment statuses and injected latency all run on the scheduler. */
  protected clearTimers(): void {
    this.scheduler.clearAll();
    this.webhooks.abortAll();
  }

  /** The API base URL payloads link to (GitHub's own before start()). */
  private get api(): string {
    return this.front.url ?? "https://api.github.com";
  }

  private deliverRun(run: RunRecord): void {
    const repo = this.store.get(run.repo);
    const workflow = repo.workflows.find((w) => w.id === run.workflowId);
    if (!workflow) return;
    this.webhooks.send("workflow_run", {
      action: RUN_ACTIONS[run.status],
      workflow_run: this.runEngine.render(this.api, repo, run),
      workflow: workflowBody(this.api, repo, workflow),
      repository: fullRepository(this.api, repo),
      sender: user(this.api, "gantry-bot[bot]", "Bot"),
    });
  }

  private deliverDeployment(
    event: "deployment" | "deployment_status",
    d: DeploymentRecord,
    status?: DeploymentStatusRecord,
  ): void {
    const repo = this.store.get(d.repo);
    const by = status?.creator ?? d.creator;
    this.webhooks.send(event, {
      action: "created",
      ...(status ? { deployment_status: deploymentStatusBody(this.api, repo, d, status) } : {}),
      deployment: deploymentBody(this.api, repo, d),
      ...(status ? { check_run: null } : {}),
      workflow: null,
      workflow_run: null,
      repository: fullRepository(this.api, repo),
      sender: user(this.api, by, by.endsWith("[bot]") ? "Bot" : "User"),
    });
  }
}
