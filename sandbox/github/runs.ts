/** GitHub Actions: workflows, workflow_dispatch and runs that move through their lifecycle on timers. */
import { WEB } from "./fixtures.js";
import { workflow as workflowBody, workflowRun } from "./fixtures-actions.js";
import { conflict, notFound, objectBody, unprocessable, type ApiRequest } from "./http.js";
import { MAX_STATUS_DESCRIPTION, type RepoState, type RepoStore } from "./repos.js";
import type { Route } from "./router.js";
import type { Scheduler } from "./scheduler.js";
import type { RunRecord, RunScript, RunScriptFn, WorkflowInfo } from "./types.js";
import { paginate } from "./util.js";
import { createdFilter } from "./created-filter.js";

const DISPATCH_DOCS = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";
const TERMINAL_CONCLUSIONS = new Set([
  "success",
  "failure",
  "cancelled",
  "timed_out",
  "neutral",
  "skipped",
  "action_required",
  "stale",
]);

export class RunEngine {
  readonly runs: RunRecord[] = [];
  /** When false, dispatch always answers 204 and clients must find the run by listing. */
  returnRunDetails = true;
  private script: RunScriptFn = () => ({});
  private readonly pending = new Map<number, NodeJS.Timeout>();
  private seq = 0;
  private readonly runNumbers = new Map<number, number>();
  /** Run id -> the artifact its script reports on success. */
  private readonly artifacts = new Map<number, string>();

  constructor(
    private readonly store: RepoStore,
    private readonly scheduler: Scheduler,
    private readonly onChange: (run: RunRecord) => void,
  ) {}

  setScript(fn: RunScriptFn): void {
    this.script = fn;
  }

  complete(runId: number, conclusion: string): void {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new Error(`unknown run ${runId}`);
    if (!TERMINAL_CONCLUSIONS.has(conclusion)) throw new Error(`"${conclusion}" is not a run conclusion`);
    if (run.status === "completed") throw new Error(`run ${runId} already completed (${run.conclusion})`);
    this.scheduler.cancel(this.pending.get(runId));
    this.pending.delete(runId);
    if (run.status === "queued") this.transition(run, "in_progress", null);
    this.finish(run, conclusion);
  }

  routes(): Route[] {
    const base = "/repos/{owner}/{repo}/actions";
    return [
      {
        method: "GET",
        template: `${base}/workflows/{workflow_id}`,
        operationId: "actions/get-workflow",
        handle: (req) => {
          const repo = this.repoOf(req);
          return { status: 200, body: workflowBody(req.api, repo, this.workflowOf(repo, req.params.workflow_id)) };
        },
      },
      {
        method: "POST",
        template: `${base}/workflows/{workflow_id}/dispatches`,
        operationId: "actions/create-workflow-dispatch",
        handle: (req) => this.dispatch(req),
      },
      {
        method: "GET",
        template: `${base}/workflows/{workflow_id}/runs`,
        operationId: "actions/list-workflow-runs",
        handle: (req) => {
          const repo = this.repoOf(req);
          return this.list(req, repo, this.workflowOf(repo, req.params.workflow_id).id);
        },
      },
      {
        method: "GET",
        template: `${base}/runs`,
        operationId: "actions/list-workflow-runs-for-repo",
        handle: (req) => this.list(req, this.repoOf(req)),
      },
      {
        method: "GET",
        template: `${base}/runs/{run_id}`,
        operationId: "actions/get-workflow-run",
        handle: (req) => {
          const repo = this.repoOf(req);
          return { status: 200, body: this.render(req.api, repo, this.runOf(repo, req.params.run_id)) };
        },
      },
      {
        method: "POST",
        template: `${base}/runs/{run_id}/cancel`,
        operationId: "actions/cancel-workflow-run",
        handle: (req) => {
          const run = this.runOf(this.repoOf(req), req.params.run_id);
          if (run.status === "completed")
            throw conflict(
              "Cannot cancel a workflow run that is completed.",
              "https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run",
            );
          this.complete(run.id, "cancelled");
          return { status: 202, body: {} };
        },
      },
    ];
  }

  private dispatch(req: ApiRequest): { status: number; body?: unknown } {
    const repo = this.repoOf(req);
    const workflow = this.workflowOf(repo, req.params.workflow_id);
    const body = objectBody(req);
    if (typeof body.ref !== "string") throw unprocessable(`Invalid request.\n\n"ref" wasn't supplied.`, DISPATCH_DOCS);
    const target = this.store.resolveBranchOrTag(repo, body.ref);
    if (!target) throw unprocessable(`No ref found for: ${body.ref}`, DISPATCH_DOCS);
    const inputs = parseInputs(body.inputs);
    const script = this.script({ repo: repo.fullName, workflow: workflow.file, ref: body.ref, inputs: { ...inputs } });
    if (script.artifact !== undefined && script.artifact.length > MAX_STATUS_DESCRIPTION) {
      throw new Error(
        `run script artifact "${script.artifact}" is longer than a commit status description may be (${MAX_STATUS_DESCRIPTION})`,
      );
    }
    const now = Date.now();
    const runNumber = (this.runNumbers.get(workflow.id) ?? 0) + 1;
    this.runNumbers.set(workflow.id, runNumber);
    const run: RunRecord = {
      id: 12_000_000_000 + ++this.seq,
      repo: repo.fullName,
      workflow: workflow.file,
      workflowId: workflow.id,
      runNumber,
      ref: body.ref,
      headBranch: target.name,
      headSha: target.sha,
      event: "workflow_dispatch",
      inputs,
      displayTitle: displayTitle(workflow.name, inputs),
      status: "queued",
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
      outputs: {},
    };
    this.runs.push(run);
    this.onChange(snapshot(run));
    this.schedule(run, script);
    if (!this.returnRunDetails || body.return_run_details !== true) return { status: 204 };
    const runUrl = `${req.api}/repos/${repo.fullName}/actions/runs/${run.id}`;
    return {
      status: 200,
      body: { workflow_run_id: run.id, run_url: runUrl, html_url: `${WEB}/${repo.fullName}/actions/runs/${run.id}` },
    };
  }

  private schedule(run: RunRecord, script: RunScript): void {
    run.outputs = { ...(script.outputs ?? {}) };
    if (script.artifact !== undefined) this.artifacts.set(run.id, script.artifact);
    this.pending.set(
      run.id,
      this.scheduler.after(script.queuedMs ?? 20, () => {
        this.pending.delete(run.id);
        this.transition(run, "in_progress", null);
        if (script.hold) return;
        this.pending.set(
          run.id,
          this.scheduler.after(script.runMs ?? 50, () => {
            this.pending.delete(run.id);
            this.finish(run, script.conclusion ?? "success");
          }),
        );
      }),
    );
  }

  /** Completes a run; a successful one first reports its artifact, as the workflow's last step would. */
  private finish(run: RunRecord, conclusion: string): void {
    const artifact = this.artifacts.get(run.id);
    this.artifacts.delete(run.id);
    if (artifact !== undefined && conclusion === "success") this.reportArtifact(run, artifact);
    this.transition(run, "completed", conclusion);
  }

  /** Posts the artifact status on the deployed sha; an input naming no commit fails that step, so nothing is posted. */
  private reportArtifact(run: RunRecord, artifact: string): void {
    const repo = this.store.get(run.repo);
    const shaInput = run.inputs.sha ?? Object.entries(run.inputs).find(([name]) => name.endsWith("sha"))?.[1];
    const sha = shaInput === undefined ? run.headSha : this.store.resolve(repo, shaInput);
    if (!sha) return;
    try {
      this.store.addStatus(run.repo, sha, {
        state: "success",
        context: "gantry/artifact",
        description: artifact,
        targetUrl: `${WEB}/${run.repo}/actions/runs/${run.id}`,
        creator: "github-actions[bot]",
      });
    } catch (err) {
      // GitHub refused the status (e.g. 1000 on this context already); the workflow step fails, the run goes on.
      console.error("GitHubEmulator: run", run.id, "could not report its artifact", err);
    }
  }

  private transition(run: RunRecord, status: RunRecord["status"], conclusion: string | null): void {
    run.status = status;
    run.conclusion = conclusion;
    run.updatedAt = Math.max(Date.now(), run.updatedAt);
    this.onChange(snapshot(run));
  }

  private list(
    req: ApiRequest,
    repo: RepoState,
    workflowId?: number,
  ): { status: number; body: unknown; total: number } {
    const q = req.query;
    const created = q.created ? createdFilter(q.created) : () => true;
    const matches = this.runs
      .filter((r) => r.repo === repo.fullName && (workflowId === undefined || r.workflowId === workflowId))
      .filter((r) => (!q.event || r.event === q.event) && (!q.branch || r.headBranch === q.branch))
      .filter(
        (r) =>
          (!q.status || r.status === q.status || r.conclusion === q.status) &&
          (!q.head_sha || r.headSha === q.head_sha),
      )
      // Filtering by the second-resolution timestamp GitHub exposes, not our internal milliseconds.
      .filter((r) => created(Math.floor(r.createdAt / 1000) * 1000))
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
    const page = paginate(matches, q).map((r) => this.render(req.api, repo, r));
    return { status: 200, body: { total_count: matches.length, workflow_runs: page }, total: matches.length };
  }

  /** The run as the API (and a workflow_run webhook) shows it. */
  render(api: string, repo: RepoState, run: RunRecord): Record<string, unknown> {
    const workflow = repo.workflows.find((w) => w.id === run.workflowId);
    if (!workflow) throw new Error(`run ${run.id} has no workflow`);
    return workflowRun(api, repo, workflow, run, this.store.commit(repo, run.headSha));
  }

  private repoOf(req: ApiRequest): RepoState {
    return this.store.find(req.params.owner, req.params.repo);
  }

  private workflowOf(repo: RepoState, idOrFile: string | undefined): WorkflowInfo {
    const workflow = repo.workflows.find((w) => String(w.id) === idOrFile || w.file === idOrFile);
    if (!workflow) throw notFound("https://docs.github.com/rest/actions/workflows#get-a-workflow");
    return workflow;
  }

  private runOf(repo: RepoState, id: string | undefined): RunRecord {
    const run = this.runs.find((r) => r.repo === repo.fullName && String(r.id) === id);
    if (!run) throw notFound("https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run");
    return run;
  }
}

/** Emulates `run-name: Deploy ${{ inputs.environment }} ${{ inputs.gantry_deploy_id }}`; other runs are titled by workflow name. */
function displayTitle(workflowName: string, inputs: Record<string, string>): string {
  const ids = Object.keys(inputs)
    .filter((k) => k.endsWith("deploy_id"))
    .map((k) => inputs[k]);
  if (ids.length === 0 && inputs.environment === undefined) return workflowName;
  return ["Deploy", inputs.environment, ...ids].filter((s) => s !== undefined && s !== "").join(" ");
}

function parseInputs(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw unprocessable(`For 'properties/inputs', ${JSON.stringify(raw)} is not an object.`, DISPATCH_DOCS);
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 25)
    throw unprocessable(
      "Invalid request.\n\nNo more than 25 properties are allowed; " + entries.length + " were supplied.",
      DISPATCH_DOCS,
    );
  const inputs: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v === "object" && v !== null)
      throw unprocessable(
        `Invalid request.\n\nFor 'properties/${k}', ${JSON.stringify(v)} is not a string.`,
        DISPATCH_DOCS,
      );
    inputs[k] = String(v);
  }
  return inputs;
}

function snapshot(run: RunRecord): RunRecord {
  return { ...run, inputs: { ...run.inputs }, outputs: { ...run.outputs } };
}
