/** GitHub's `workflow_run` webhook, translated by the workflow runner that owns it into a hint for the tracker. */
import type { Deployment } from "../../domain/deployment.js";
import { sameRepo, type Outcome, type WebhookPorts } from "../../github/webhooks/outcome.js";
import type { WorkflowRunEvent } from "../../github/webhooks/payloads.js";
import { runProgress } from "./progress.js";

/** The runner these webhooks are about. */
const RUNNER = "workflow";
/** The keys Gantry gives deploys (`gd_` and 12 hex digits), as a workflow's run-name carries them. */
const KEY = /\bgd_[0-9a-f]{12}\b/g;

export async function onWorkflowRun(ports: WebhookPorts, e: WorkflowRunEvent): Promise<Outcome> {
  const run = e.workflow_run;
  const d = await findRunDeploy(ports, e);
  if (!d) return "no-match";
  // Dispatch records the run and hands the deploy to the tracker in one move out of `requested`, whose first poll
  // follows at once; moving it first would take that move away from dispatch.
  if (d.state === "requested") return "not-dispatched-yet";
  const changed = await ports.tracker.hint(d, runProgress(run.status ?? "queued", run.conclusion), {
    runId: String(run.id),
    via: "webhook",
  });
  return changed ? "applied" : "unchanged";
}

/** The live deploy with this run id, else the deploy whose key the run's title carries; in the right repo and runner. */
async function findRunDeploy(ports: WebhookPorts, e: WorkflowRunEvent): Promise<Deployment | undefined> {
  const runId = String(e.workflow_run.id);
  const fits = (d: Deployment): boolean =>
    d.runner === RUNNER &&
    sameRepo(ports, d.service, e.repository.full_name) &&
    (d.runId === null || d.runId === runId);
  const live = (await ports.store.listLive()).find((d) => d.runId === runId && fits(d));
  if (live) return live;
  for (const key of new Set(e.workflow_run.display_title?.match(KEY) ?? [])) {
    const d = await ports.store.findByKey(key);
    if (d && fits(d)) return d;
  }
  return undefined;
}
