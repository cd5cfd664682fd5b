/** A GitHub REST API emulator over real HTTP, for Gantry's Octokit client in tests and the demo. */
import { HttpEmulator } from "../http/emulator.js";
import { TemplateRouter } from "../http/router.js";
import { commitStatusRoutes } from "./commit-statuses.js";
import { DeploymentEngine, type StatusOptions } from "./deployments.js";
import { GitHubHttpFront } from "./http-front.js";
import { repoRoutes } from "./repo-routes.js";
import { RepoStore, type AddCommitOptions, type AddRepoOptions } from "./repos.js";
import type { Route } from "./router.js";
import { RunEngine } from "./runs.js";
import { Scheduler } from "./scheduler.js";
import type {
  CheckState, CommitStatusRecord, CommitStatusState, DeploymentRecord, DeploymentScriptFn, DeploymentState, DeploymentStatusRecord,
  RecordedCall, RunRecord, RunScriptFn,
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
}

/** Faults, recorded calls, url, start/stop, unexpectedCalls and waitForCall come from HttpEmulator. */
export class GitHubEmulator extends HttpEmulator<GitHubEmulatorEvents> {
  private readonly store = new RepoStore();
  private readonly scheduler = new Scheduler();
  private readonly runEngine = new RunEngine(this.store, this.scheduler, (run) => this.emit("run", run));
  private readonly deploymentEngine = new DeploymentEngine(this.store, this.scheduler, (deployment, status) =>
    this.emit("deployment_status", { deployment, status }),
  );
  private readonly router = new TemplateRouter<Route>([
    ...repoRoutes(this.store),
    ...commitStatusRoutes(this.store),
    ...this.runEngine.routes(),
    ...this.deploymentEngine.routes(),
  ]);
  protected readonly front: GitHubHttpFront;

  constructor(options: GitHubEmulatorOptions = {}) {
    super("GitHubEmulator");
    this.front = new GitHubHttpFront({
      router: this.router,
      faults: this.faults,
      scheduler: this.scheduler,
      token: options.token,
      record: (call) => this.record(call),
    });
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

  setDeploymentScript(fn: DeploymentScriptFn): void {
    this.deploymentEngine.setScript(fn);
  }

  addDeploymentStatus(repo: string, deploymentId: number, state: DeploymentState, opts?: StatusOptions): DeploymentStatusRecord {
    return this.deploymentEngine.addStatus(repo, deploymentId, state, opts);
  }

  /** Clears recorded calls and faults and the rate-limit window; repos, runs and deployments stay. */
  override reset(): void {
    super.reset();
    this.front.rateLimit.reset();
  }

  /** Resolves with the run (a snapshot) once it satisfies predicate, checking current state first. */
  waitForRun(predicate: (r: RunRecord) => boolean, timeoutMs = 5000): Promise<RunRecord> {
    const current = (): RunRecord | undefined => {
      const run = this.runs.find(predicate);
      return run && { ...run, inputs: { ...run.inputs }, outputs: { ...run.outputs } };
    };
    return this.waitFor("run", current, predicate, timeoutMs, () =>
      `waitForRun: no matching run within ${timeoutMs}ms; runs: ${this.runs.map((r) => `${r.id} ${r.status}/${r.conclusion}`).join(", ") || "none"}`,
    );
  }

  /** Simulated workflow runs, deployment statuses and injected latency all run on the scheduler. */
  protected clearTimers(): void {
    this.scheduler.clearAll();
  }
}
