/** A GitHub REST API emulator over real HTTP, for Gantry's Octokit client in tests and the demo. */
import { EventEmitter } from "node:events";
import { commitStatusRoutes } from "./commit-statuses.js";
import { DeploymentEngine, type StatusOptions } from "./deployments.js";
import { FaultRegistry } from "./faults.js";
import { HttpFront } from "./http-front.js";
import { repoRoutes } from "./repo-routes.js";
import { RepoStore, type AddCommitOptions, type AddRepoOptions } from "./repos.js";
import { Router } from "./router.js";
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

export class GitHubEmulator extends EventEmitter<GitHubEmulatorEvents> {
  readonly faults = new FaultRegistry();
  calls: RecordedCall[] = [];
  private readonly store = new RepoStore();
  private readonly scheduler = new Scheduler();
  private readonly runEngine = new RunEngine(this.store, this.scheduler, (run) => this.emit("run", run));
  private readonly deploymentEngine = new DeploymentEngine(this.store, this.scheduler, (deployment, status) =>
    this.emit("deployment_status", { deployment, status }),
  );
  private readonly router = new Router([
    ...repoRoutes(this.store),
    ...commitStatusRoutes(this.store),
    ...this.runEngine.routes(),
    ...this.deploymentEngine.routes(),
  ]);
  private readonly front: HttpFront;

  constructor(options: GitHubEmulatorOptions = {}) {
    super();
    this.front = new HttpFront({
      router: this.router,
      faults: this.faults,
      scheduler: this.scheduler,
      token: options.token,
      record: (call) => {
        this.calls.push(call);
        this.emit("call", call);
      },
    });
  }

  get url(): string {
    const url = this.front.url;
    if (!url) throw new Error("GitHubEmulator not started; await start() first");
    return url;
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

  /** Listens on 127.0.0.1 (an ephemeral port by default) and returns the base URL for Octokit's baseUrl. */
  start(port = 0): Promise<string> {
    return this.front.listen(port);
  }

  /** Closes the server and its sockets and clears every pending timer. */
  async stop(): Promise<void> {
    this.scheduler.clearAll();
    await this.front.close();
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

  unexpectedCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.unexpected);
  }

  /** Clears recorded calls and faults; repos, runs and deployments stay. */
  reset(): void {
    this.calls = [];
    this.faults.clear();
    this.front.rateLimit.reset();
  }

  waitForCall(predicate: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return this.waitFor("call", () => this.calls.find(predicate), predicate, timeoutMs, () =>
      `waitForCall: no matching call within ${timeoutMs}ms; recorded: ${this.calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(", ") || "none"}`,
    );
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

  private waitFor<E extends "call" | "run", T extends GitHubEmulatorEvents[E][0]>(
    event: E, current: () => T | undefined, predicate: (v: T) => boolean, timeoutMs: number, describe: () => string,
  ): Promise<T> {
    const existing = current();
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const listener = (value: T): void => {
        if (!predicate(value)) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describe()));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off(event, listener as never);
      };
      this.on(event, listener as never);
    });
  }
}
