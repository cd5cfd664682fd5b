/**
 * What Gantry does with each webhook event. Whoever holds the secret can sign one, so a webhook is a hint: news
 * about Gantry's own deploys goes through the tracker, which reads GitHub's API before a webhook may end a deploy;
 * a production deployment someone made outside Gantry is recorded in the ledger as GitHub's API has it, and announced.
 */
import { gantryKey, recordOutsideDeployment, servicesOf } from "../../deploy/record-outside-deployment.js";
import { onOwnDeploymentStatus } from "../../runners/github-deployment/webhook.js";
import { noticeToTeams } from "../../slack/notices.js";
import { outsideAnnouncement } from "../../slack/messages/outside-deployment.js";
import type { Outcome, WebhookPorts } from "./outcome.js";
import type { DeploymentEvent, DeploymentStatusEvent } from "./payloads.js";

export type { Outcome, WebhookPorts } from "./outcome.js";
/** `workflow_run` is the workflow runner's alone. */
export { onWorkflowRun } from "../../runners/github-workflow/webhook.js";

const OUTSIDE = {
  ignored: "external-ignored",
  known: "external-known",
  "gantry-job": "gantry-job",
} as const satisfies Record<string, Outcome>;

export async function onDeploymentStatus(ports: WebhookPorts, e: DeploymentStatusEvent): Promise<Outcome> {
  // A status of one of Gantry's deploys is the deployment runner's; any other may be a deployment made outside Gantry.
  const key = gantryKey(e.deployment.payload);
  const own = await onOwnDeploymentStatus(ports, e, key);
  if (own) return own;
  if (key) return "no-match"; // a Gantry deploy we no longer know (another database)
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
  const message = outsideAnnouncement(o, [ports.githubWeb ?? "https://github.com"]);
  await noticeToTeams(
    ports,
    { event: "outside", service: o.service, environment: o.environment, state: "succeeded" },
    message,
  );
}
