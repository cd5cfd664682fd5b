/**
 * What Gantry does with each webhook event. Whoever holds the secret can sign one, so a webhook is a hint: news
 * about Gantry's own deploys goes through the tracker, which reads GitHub's API before a webhook may end a deploy;
 * a production deployment someone made outside Gantry is recorded in the ledger as GitHub's API has it, and announced.
 */
import type { Ports } from "../../deploy/ports.js";
import type { Tracker } from "../../deploy/tracker.js";
import { teamOf } from "../../domain/dora/targets.js";
import type { Deployment } from "../../domain/deployment.js";
import { outsideAnnouncement } from "../../slack/messages/outside-deployment.js";
import type { DeploymentEvent, DeploymentStatusEvent, WorkflowRunEvent } from "./payloads.js";
import { gantryKey, recordOutsideDeployment, servicesOf } from "../../deploy/record-outside-deployment.js";

export type WebhookPorts = Ports & { tracker: Pick<Tracker, "hint"> };

/** What a delivery came to, for the response body and the log. */
export type Outcome =
  | "applied"
  | "unchanged"
  | "not-dispatched-yet"
  | "no-match"
  | "external-recorded"
  | "external-known"
  | "external-ignored"
  | "gantry-job"
  | "logged"
  | "ignored";

const OUTSIDE = {
  ignored: "external-ignored",
  known: "external-known",
  "gantry-job": "gantry-job",
} as const satisfies Record<string, Outcome>;

/** The keys Gantry gives deploys (`gd_` and 12 hex digits), as a workflow's run-name carries them. */
const KEY = /\bgd_[0-9a-f]{12}\b/g;

export async function onWorkflowRun(ports: WebhookPorts, e: WorkflowRunEvent): Promise<Outcome> {
  const run = e.workflow_run;
  const d = await findRunDeploy(ports, e);
  if (!d) return "no-match";
  // Dispatch records the run and hands the deploy to the tracker in one move out of `requested`, whose first poll
  // follows at once; moving it first would take that move away from dispatch.
  if (d.state === "requested") return "not-dispatched-yet";
  const changed = await ports.tracker.hint(
    d,
    { kind: "run", status: run.status ?? "queued", conclusion: run.conclusion },
    { githubRunId: run.id, via: "webhook" },
  );
  return changed ? "applied" : "unchanged";
}

export async function onDeploymentStatus(ports: WebhookPorts, e: DeploymentStatusEvent): Promise<Outcome> {
  const d = await findDeploymentDeploy(ports, e);
  if (d) {
    if (d.state === "requested") return "not-dispatched-yet";
    const changed = await ports.tracker.hint(
      d,
      { kind: "deployment", state: e.deployment_status.state },
      { githubDeploymentId: e.deployment.id, via: "webhook" },
    );
    return changed ? "applied" : "unchanged";
  }
  if (gantryKey(e.deployment.payload)) return "no-match"; // a Gantry deploy we no longer know (another database)
  const outcome = await recordOutsideDeployment(ports, {
    repo: e.repository.full_name,
    deployment: e.deployment,
    status: e.deployment_status,
  });
  if (outcome.kind !== "recorded") return OUTSIDE[outcome.kind];
  await announce(ports, outcome);
  return "external-recorded";
}

export async function onDeployment(ports: WebhookPorts, e: DeploymentEvent): Promise<Outcome> {
  const key = gantryKey(e.deployment.payload);
  const service = servicesOf(ports, e.repository.full_name)[0];
  if (key || !service) return "ignored";
  ports.log.info(
    {
      service,
      repo: e.repository.full_name,
      environment: e.deployment.environment,
      githubDeploymentId: e.deployment.id,
      creator: e.deployment.creator?.login,
    },
    "deployment created outside Gantry",
  );
  return "logged";
}

/** The live deploy with this run id, else the deploy whose key the run's title carries; in the right repo and mode. */
async function findRunDeploy(ports: WebhookPorts, e: WorkflowRunEvent): Promise<Deployment | undefined> {
  const run = e.workflow_run;
  const fits = (d: Deployment): boolean =>
    d.mode === "workflow" &&
    sameRepo(ports, d, e.repository.full_name) &&
    (d.githubRunId === null || d.githubRunId === run.id);
  const live = (await ports.store.listLive()).find((d) => d.githubRunId === run.id && fits(d));
  if (live) return live;
  for (const key of new Set(run.display_title?.match(KEY) ?? [])) {
    const d = await ports.store.findByKey(key);
    if (d && fits(d)) return d;
  }
  return undefined;
}

/** The deploy whose key is in the deployment's payload, else the live deploy with this deployment id. */
async function findDeploymentDeploy(ports: WebhookPorts, e: DeploymentStatusEvent): Promise<Deployment | undefined> {
  const id = e.deployment.id;
  const fits = (d: Deployment): boolean =>
    d.mode === "deployment" &&
    sameRepo(ports, d, e.repository.full_name) &&
    (d.githubDeploymentId === null || d.githubDeploymentId === id);
  const key = gantryKey(e.deployment.payload);
  const byKey = key ? await ports.store.findByKey(key) : undefined;
  if (byKey && fits(byKey)) return byKey;
  return (await ports.store.listLive()).find((d) => d.githubDeploymentId === id && fits(d));
}

async function announce(
  ports: WebhookPorts,
  o: {
    service: string;
    environment: string;
    deployment: { ref: string; sha: string; creator: string };
    logUrl: string | null;
    commits: number;
  },
): Promise<void> {
  const team = teamOf(ports.config, o.service);
  const channel = team ? ports.config.teams[team]?.channel : undefined;
  if (!channel) return;
  try {
    await ports.slack.postMessage(channel, outsideAnnouncement(o, [ports.githubWeb ?? "https://github.com"]));
  } catch (err) {
    ports.log.warn({ service: o.service, channel, err }, "could not announce the outside deployment");
  }
}

function sameRepo(ports: WebhookPorts, d: Deployment, fullName: string): boolean {
  return ports.config.services[d.service]?.repo.toLowerCase() === fullName.toLowerCase();
}
