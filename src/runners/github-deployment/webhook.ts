/** GitHub's `deployment_status` webhook about Gantry's own deploys, translated by the deployment runner that owns it. */
import type { Deployment } from "../../domain/deployment.js";
import { sameRepo, type Outcome, type WebhookPorts } from "../../github/webhooks/outcome.js";
import type { DeploymentStatusEvent } from "../../github/webhooks/payloads.js";
import { deploymentProgress } from "./progress.js";

/** The runner these webhooks are about. */
const RUNNER = "deployment";

/** A hint for the tracker when the status is about one of Gantry's deploys; undefined when it is about none. */
export async function onOwnDeploymentStatus(
  ports: WebhookPorts,
  e: DeploymentStatusEvent,
  key: string | undefined,
): Promise<Outcome | undefined> {
  const d = await findDeploymentDeploy(ports, e, key);
  if (!d) return undefined;
  if (d.state === "requested") return "not-dispatched-yet";
  const changed = await ports.tracker.hint(d, deploymentProgress(e.deployment_status.state), {
    runId: String(e.deployment.id),
    via: "webhook",
  });
  return changed ? "applied" : "unchanged";
}

/** The deploy whose key is in the deployment's payload, else the live deploy with this deployment id. */
async function findDeploymentDeploy(
  ports: WebhookPorts,
  e: DeploymentStatusEvent,
  key: string | undefined,
): Promise<Deployment | undefined> {
  const runId = String(e.deployment.id);
  const fits = (d: Deployment): boolean =>
    d.runner === RUNNER &&
    sameRepo(ports, d.service, e.repository.full_name) &&
    (d.runId === null || d.runId === runId);
  const byKey = key ? await ports.store.findByKey(key) : undefined;
  if (byKey && fits(byKey)) return byKey;
  return (await ports.store.listLive()).find((d) => d.runId === runId && fits(d));
}
