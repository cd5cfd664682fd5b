/** Deployments API plus a simulated external deployer that posts statuses on timers. */
import { deployment, deploymentStatus } from "./fixtures-deployments.js";
import { ApiError, conflict, notFound, objectBody, unprocessable, type ApiRequest, type ApiResponse } from "./http.js";
import type { RepoState, RepoStore } from "./repos.js";
import type { Route } from "./router.js";
import type { Scheduler } from "./scheduler.js";
import type { DeploymentRecord, DeploymentScriptFn, DeploymentState, DeploymentStatusRecord } from "./types.js";
import { paginate } from "./util.js";

const CREATE_DOCS = "https://docs.github.com/rest/deployments/deployments#create-a-deployment";
const STATUS_DOCS = "https://docs.github.com/rest/deployments/statuses#create-a-deployment-status";
const STATES: readonly DeploymentState[] = [
  "error",
  "failure",
  "inactive",
  "in_progress",
  "queued",
  "pending",
  "success",
];
const DEFAULT_STATES = [
  { state: "queued", afterMs: 10 },
  { state: "in_progress", afterMs: 30 },
  { state: "success", afterMs: 60 },
] as const;

export interface StatusOptions {
  description?: string;
  logUrl?: string;
  environmentUrl?: string;
  environment?: string;
  /** Default true, as on GitHub: a success marks older deployments to the same environment inactive. */
  autoInactive?: boolean;
  creator?: string;
}

export interface AddDeploymentOptions {
  /** A branch, tag or sha of the repository. */
  ref: string;
  /** Default "production". */
  environment?: string;
  /** Who made it (a login); default "octocat". */
  creator?: string;
  payload?: Record<string, unknown> | string;
  description?: string;
}

export class DeploymentEngine {
  readonly deployments: DeploymentRecord[] = [];
  private script: DeploymentScriptFn = () => ({});
  private seq = 0;
  private statusSeq = 0;

  constructor(
    private readonly store: RepoStore,
    private readonly scheduler: Scheduler,
    private readonly onStatus: (d: DeploymentRecord, s: DeploymentStatusRecord) => void,
    private readonly onCreate: (d: DeploymentRecord) => void = () => {},
  ) {}

  /**
   * Records a deployment made outside the API under test (someone else's deployer, a person): no checks, no
   * deployer script; statuses come from addStatus().
   */
  add(repo: RepoState, opts: AddDeploymentOptions): DeploymentRecord {
    const sha = this.store.resolve(repo, opts.ref);
    if (!sha) throw new Error(`unknown ref ${opts.ref} in ${repo.fullName}`);
    const environment = opts.environment ?? "production";
    const now = Date.now();
    const d: DeploymentRecord = {
      id: 1_500_000_000 + ++this.seq,
      repo: repo.fullName,
      sha,
      ref: opts.ref,
      task: "deploy",
      environment,
      payload: opts.payload ?? {},
      description: opts.description ?? "",
      transientEnvironment: false,
      productionEnvironment: environment === "production",
      creator: opts.creator ?? "octocat",
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    this.deployments.push(d);
    this.onCreate(d);
    return d;
  }

  setScript(fn: DeploymentScriptFn): void {
    this.script = fn;
  }

  addStatus(
    repo: string,
    deploymentId: number,
    state: DeploymentState,
    opts: StatusOptions = {},
  ): DeploymentStatusRecord {
    const d = this.deployments.find((x) => x.repo === repo && x.id === deploymentId);
    if (!d) throw new Error(`unknown deployment ${deploymentId} in ${repo}`);
    const now = Date.now();
    const status: DeploymentStatusRecord = {
      id: 3_000_000_000 + ++this.statusSeq,
      state,
      description: opts.description ?? "",
      environment: opts.environment ?? d.statuses.at(-1)?.environment ?? d.environment,
      logUrl: opts.logUrl ?? "",
      environmentUrl: opts.environmentUrl ?? "",
      creator: opts.creator ?? "gantry-bot[bot]",
      createdAt: now,
    };
    d.statuses.push(status);
    d.updatedAt = now;
    this.onStatus(d, { ...status });
    if (state === "success" && opts.autoInactive !== false) this.deactivateOlder(d, status.environment);
    return status;
  }

  routes(): Route[] {
    const base = "/repos/{owner}/{repo}/deployments";
    return [
      { method: "POST", template: base, operationId: "repos/create-deployment", handle: (req) => this.create(req) },
      {
        method: "GET",
        template: base,
        operationId: "repos/list-deployments",
        handle: (req) => {
          const repo = this.repoOf(req);
          const q = req.query;
          const all = this.deployments
            .filter((d) => d.repo === repo.fullName && (!q.sha || d.sha === q.sha) && (!q.ref || d.ref === q.ref))
            .filter((d) => (!q.environment || d.environment === q.environment) && (!q.task || d.task === q.task))
            .reverse();
          return { status: 200, body: paginate(all, q).map((d) => deployment(req.api, repo, d)), total: all.length };
        },
      },
      {
        method: "GET",
        template: `${base}/{deployment_id}`,
        operationId: "repos/get-deployment",
        handle: (req) => {
          const repo = this.repoOf(req);
          return { status: 200, body: deployment(req.api, repo, this.deploymentOf(repo, req.params.deployment_id)) };
        },
      },
      {
        method: "GET",
        template: `${base}/{deployment_id}/statuses`,
        operationId: "repos/list-deployment-statuses",
        handle: (req) => {
          const repo = this.repoOf(req);
          const d = this.deploymentOf(repo, req.params.deployment_id);
          const all = [...d.statuses].reverse().map((s) => deploymentStatus(req.api, repo, d, s));
          return { status: 200, body: paginate(all, req.query), total: all.length };
        },
      },
      {
        method: "POST",
        template: `${base}/{deployment_id}/statuses`,
        operationId: "repos/create-deployment-status",
        handle: (req) => this.createStatus(req),
      },
    ];
  }

  private create(req: ApiRequest): ApiResponse {
    const repo = this.repoOf(req);
    const body = objectBody(req);
    if (typeof body.ref !== "string") throw unprocessable(`Invalid request.\n\n"ref" wasn't supplied.`, CREATE_DOCS);
    const ref = body.ref;
    let sha = this.store.resolve(repo, ref);
    if (!sha) throw unprocessable(`No ref found for: ${ref}`, CREATE_DOCS);
    const named = this.store.resolveBranchOrTag(repo, ref);
    if (body.auto_merge !== false && named?.kind === "branch" && named.name !== repo.defaultBranch) {
      const merged = this.store.mergeDefaultInto(repo.fullName, named.name);
      if (merged)
        return {
          status: 202,
          body: { message: `Auto-merged ${repo.defaultBranch} into ${named.name} on deployment.` },
        };
      sha = named.sha;
    }
    this.checkContexts(repo, sha, ref, body.required_contexts);
    const environment = typeof body.environment === "string" ? body.environment : "production";
    const now = Date.now();
    const d: DeploymentRecord = {
      id: 1_500_000_000 + ++this.seq,
      repo: repo.fullName,
      sha,
      ref,
      task: typeof body.task === "string" ? body.task : "deploy",
      environment,
      payload: parsePayload(body.payload),
      description: body.description === null ? null : typeof body.description === "string" ? body.description : "",
      transientEnvironment: body.transient_environment === true,
      productionEnvironment:
        typeof body.production_environment === "boolean" ? body.production_environment : environment === "production",
      creator: "gantry-bot[bot]",
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    this.deployments.push(d);
    this.onCreate(d);
    this.runDeployer(d);
    return { status: 201, body: deployment(req.api, repo, d) };
  }

  /** Omitted required_contexts means every context on the commit must be green; [] bypasses checks. */
  private checkContexts(repo: RepoState, sha: string, ref: string, required: unknown): void {
    if (required !== undefined && !Array.isArray(required))
      throw unprocessable("Invalid request.\n\nFor 'properties/required_contexts', it is not an array.", CREATE_DOCS);
    if (Array.isArray(required) && required.length === 0) return;
    const onCommit = repo.checks.get(sha) ?? new Map<string, string>();
    const contexts = Array.isArray(required)
      ? required.map((context) => ({ context: String(context), state: onCommit.get(String(context)) ?? "missing" }))
      : [...onCommit].map(([context, state]) => ({ context, state }));
    if (contexts.every((c) => c.state === "success")) return;
    throw conflict(`Conflict: Commit status checks failed for ${ref}.`, CREATE_DOCS, {
      errors: [{ contexts, resource: "Deployment", field: "required_contexts", code: "invalid" }],
    });
  }

  private runDeployer(d: DeploymentRecord): void {
    const script = this.script({ repo: d.repo, environment: d.environment, sha: d.sha, payload: d.payload });
    const states = script.states ?? (script.hold ? [] : DEFAULT_STATES);
    for (const { state, afterMs } of states) {
      this.scheduler.after(afterMs, () =>
        this.addStatus(d.repo, d.id, state, {
          creator: "deployer[bot]",
          description: `Deployment ${state.replace("_", " ")}`,
          logUrl: `https://deployer.example.com/${d.repo}/deployments/${d.id}`,
          environmentUrl: state === "success" ? `https://${d.environment}.example.com/` : undefined,
        }),
      );
    }
  }

  private createStatus(req: ApiRequest): ApiResponse {
    const repo = this.repoOf(req);
    const d = this.deploymentOf(repo, req.params.deployment_id);
    const body = objectBody(req);
    const state = body.state;
    if (typeof state !== "string" || !STATES.includes(state as DeploymentState)) {
      throw new ApiError(422, {
        message: "Validation Failed",
        errors: [
          {
            resource: "DeploymentStatus",
            code: "custom",
            field: "state",
            message: `state is not included in the list`,
          },
        ],
        documentation_url: STATUS_DOCS,
        status: "422",
      });
    }
    const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
    const description = str(body.description);
    if (description && description.length > 140)
      throw unprocessable("Validation Failed: description is too long (maximum is 140 characters)", STATUS_DOCS);
    const s = this.addStatus(repo.fullName, d.id, state as DeploymentState, {
      description,
      logUrl: str(body.log_url) ?? str(body.target_url),
      environmentUrl: str(body.environment_url),
      environment: str(body.environment),
      autoInactive: typeof body.auto_inactive === "boolean" ? body.auto_inactive : undefined,
    });
    return { status: 201, body: deploymentStatus(req.api, repo, d, s) };
  }

  private deactivateOlder(current: DeploymentRecord, environment: string): void {
    for (const d of this.deployments) {
      if (d === current || d.repo !== current.repo || d.createdAt > current.createdAt) continue;
      if (d.transientEnvironment || d.productionEnvironment || d.environment !== environment) continue;
      if (d.statuses.at(-1)?.state === "success") this.addStatus(d.repo, d.id, "inactive", { autoInactive: false });
    }
  }

  private repoOf(req: ApiRequest): RepoState {
    return this.store.find(req.params.owner, req.params.repo);
  }

  private deploymentOf(repo: RepoState, id: string | undefined): DeploymentRecord {
    const d = this.deployments.find((x) => x.repo === repo.fullName && String(x.id) === id);
    if (!d) throw notFound("https://docs.github.com/rest/deployments/deployments#get-a-deployment");
    return d;
  }
}

/** GitHub stores a JSON-string payload as the object it encodes. */
function parsePayload(raw: unknown): Record<string, unknown> | string {
  if (raw === undefined || raw === null || raw === "") return {};
  if (typeof raw === "object" && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== "string")
    throw unprocessable("Invalid request.\n\nFor 'properties/payload', it is not an object or string.", CREATE_DOCS);
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : raw;
  } catch {
    return raw;
  }
}
