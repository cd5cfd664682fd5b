/** GitHub Actions over Octokit: dispatching a workflow and reading its runs (the workflow runner's API). */
import { RequestError } from "@octokit/request-error";
import { DispatchDetails, RunBody, RunList, toRun } from "./bodies.js";
import { githubError, isNotModified } from "./github-error.js";
import type { GantryOctokit } from "./octokit.js";
import type { ActionsApi, Conditional, DispatchInput, RepoRef, WorkflowRun } from "./port.js";

/** Answered 5xx on a dispatch are sent again this many times (as the retry plugin would for other requests). */
const DISPATCH_RETRIES = 3;

export class OctokitActions implements ActionsApi {
  /** `retryBaseMs`: the backoff base between dispatch attempts (the retry plugin's, which the dispatch does without). */
  constructor(
    private readonly octokit: GantryOctokit,
    private readonly opts: { retryBaseMs?: number } = {},
  ) {}

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
        // Without an ETag it is a webhook's confirmation or a first read, which a person waits for: not spaced.
        ...(etag ? { headers: { "if-none-match": etag } } : { request: { urgent: true } }),
      });
      return { changed: true, value: toRun(RunBody.parse(response.data)), etag: response.headers.etag ?? null };
    } catch (err) {
      if (isNotModified(err)) return { changed: false };
      throw githubError(err, `reading run ${runId}`);
    }
  }
}
