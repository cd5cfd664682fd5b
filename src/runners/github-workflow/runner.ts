/** The workflow runner: a deploy is a `workflow_dispatch` of the service's workflow, followed through its run. */
import type { Service } from "../../config/schema.js";
import type { Deployment } from "../../domain/deployment.js";
import { GantryError } from "../../errors.js";
import { parseRepo, type ActionsApi, type SourcePort } from "../../github/port.js";
import { reportedArtifact } from "../artifact.js";
import type { RunLink, RunRead, RunReadResult, Runner } from "../port.js";
import { runProgress } from "./progress.js";

function refNotFound(err: unknown): boolean {
  return err instanceof GantryError && err.details["status"] === 422 && /No ref found/i.test(err.message);
}

/** Runs looked up by key may start a little before our clock says the dispatch happened. */
const CLOCK_SKEW_MS = 60_000;

export class GitHubWorkflowRunner implements Runner {
  readonly vendor = "GitHub";
  readonly noun = "workflow run";
  readonly noRunReason =
    "GitHub shows no workflow run for this deploy: the request never started one (nothing was sent twice). Try again.";

  constructor(
    private readonly actions: ActionsApi,
    private readonly source: SourcePort,
  ) {}

  async start(service: Service, d: Deployment, sending: () => Promise<void>): Promise<RunLink> {
    const repo = parseRepo(service.repo);
    const dispatch = (ref: string) =>
      this.actions.dispatchWorkflow({ ...repo, workflow: service.workflow!, ref, inputs: workflowInputs(service, d) });
    const ref = service.workflowRef ?? (await this.source.defaultBranch(repo));
    await sending();
    let run;
    try {
      run = await dispatch(ref);
    } catch (err) {
      // The default branch was read a while ago and may have been renamed since: GitHub refused the dispatch (422,
      // so nothing started), and one more try with the branch GitHub names now is safe.
      if (service.workflowRef || !refNotFound(err)) throw err;
      const now = await this.source.defaultBranch(repo, { fresh: true });
      if (now === ref) throw err;
      run = await dispatch(now);
    }
    return run ? { runId: String(run.runId), runUrl: run.htmlUrl } : {};
  }

  async findByKey(service: Service, d: Deployment): Promise<(RunLink & { runId: string }) | undefined> {
    const since = new Date(Date.parse(d.createdAt) - CLOCK_SKEW_MS).toISOString();
    const run = await this.actions.findRunByKey(parseRepo(service.repo), service.workflow!, d.key, since);
    return run && { runId: String(run.id), runUrl: run.htmlUrl };
  }

  async read(service: Service, _d: Deployment, runId: string, etag: string | null): Promise<RunReadResult> {
    const res = await this.actions.getRun(parseRepo(service.repo), Number(runId), etag);
    if (!res.changed) return { changed: false };
    return {
      changed: true,
      read: { progress: runProgress(res.value.status, res.value.conclusion), link: {} },
      etag: res.etag,
    };
  }

  async confirm(service: Service, d: Deployment, runId: string): Promise<RunRead | undefined> {
    const res = await this.actions.getRun(parseRepo(service.repo), Number(runId));
    if (!res.changed) return undefined;
    // A run Gantry has not tied to the deploy yet is its run only if its title carries the deploy's key.
    if (d.runId === null && !res.value.displayTitle.includes(d.key)) return undefined;
    return {
      progress: runProgress(res.value.status, res.value.conclusion),
      link: { runId, runUrl: res.value.htmlUrl },
    };
  }

  artifact(service: Service, d: Deployment): Promise<string | undefined> {
    return reportedArtifact(this.source, service, d);
  }
}

/** What the workflow is given: never the ref when `inputs.ref` is null (a ref may hold `$(…)`; the SHA cannot). */
function workflowInputs(service: Service, d: Deployment): Record<string, string> {
  const names = service.inputs;
  const inputs: Record<string, string> = {
    [names.environment]: d.environment,
    [names.sha]: d.sha!,
    [names.deployId]: d.key,
  };
  if (names.ref !== null) inputs[names.ref] = d.ref;
  if (d.artifact && names.artifact) inputs[names.artifact] = d.artifact;
  return inputs;
}
