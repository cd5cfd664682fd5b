import { randomBytes } from "node:crypto";
import { describeError } from "../errors.js";
import { parseRepo } from "../github/port.js";
import { deployMessage } from "../slack/messages/deploy-message.js";
import type { CreateResult, Deployment } from "../store/types.js";
import type { Ports } from "./ports.js";
import { moveTo } from "./progress.js";
import type { Tracker } from "./tracker.js";

export interface DeployRequest {
  service: string;
  environment: string;
  /** Absent means the repository's default branch. */
  ref?: string;
  requester: string;
  channel: string;
}

/** A key GitHub carries for us (workflow input, deployment payload) so we can find the run again. */
export function newDeployKey(): string {
  return `gd_${randomBytes(6).toString("hex")}`;
}

/** Records the deploy; refused when one is already live for the same service and environment. */
export async function recordDeploy(ports: Pick<Ports, "config" | "store" | "clock">, req: DeployRequest): Promise<CreateResult> {
  const service = ports.config.services[req.service]!;
  return ports.store.createDeployment({
    key: newDeployKey(),
    service: req.service,
    environment: req.environment,
    ref: req.ref ?? "",
    requester: req.requester,
    mode: service.mode,
    slackChannel: req.channel,
    at: ports.clock.now().toISOString(),
  });
}

/**
 * Everything after the acknowledgement: post the progress message, resolve the ref, start GitHub, then follow.
 * Any failure ends the deploy as `failed` with the reason in Slack; nothing is left half done.
 */
export async function launchDeploy(ports: Ports & { tracker: Tracker }, d: Deployment): Promise<void> {
  const service = ports.config.services[d.service]!;
  const repo = parseRepo(service.repo);
  try {
    const posted = await ports.slack.postMessage(d.slackChannel!, deployMessage(d, service.repo, ports.clock.now()));
    d = await ports.store.patch(d.id, { slackChannel: posted.channel, slackTs: posted.ts }, ports.clock.now().toISOString());
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the deploy message");
    await moveTo(ports, d, "failed", { reason: `Gantry could not post in this channel: ${describeError(err)}. Invite the bot with /invite.` });
    throw err;
  }
  try {
    // Ask for the default branch at most once: it may name both the ref and the workflow's ref.
    const needsDefault = !d.ref || (service.mode === "workflow" && !service.workflowRef);
    const defaultBranch = needsDefault ? await ports.github.defaultBranch(repo) : undefined;
    const ref = d.ref || defaultBranch!;
    const { sha } = await ports.github.resolveRef(repo, ref);
    d = await ports.store.patch(d.id, { ref, sha }, ports.clock.now().toISOString());
    const started = await startOnGitHub(ports, d, service.workflowRef ?? defaultBranch);
    const queued = await moveTo(ports, d, "queued", started, { sha, ...started });
    if (queued) ports.tracker.follow(queued);
  } catch (err) {
    ports.log.warn({ deployId: d.id, code: (err as { code?: string }).code }, "deploy could not start");
    await moveTo(ports, d, "failed", { reason: describeError(err) });
  }
}

async function startOnGitHub(
  ports: Pick<Ports, "config" | "github">,
  d: Deployment,
  workflowRef: string | undefined,
): Promise<{ githubRunId?: number; githubDeploymentId?: number; githubUrl?: string }> {
  const service = ports.config.services[d.service]!;
  const repo = parseRepo(service.repo);
  if (service.mode === "deployment") {
    const created = await ports.github.createDeployment({
      ...repo,
      sha: d.sha!,
      environment: d.environment,
      description: `Gantry deploy #${d.id} of ${d.ref} by ${d.requester}`,
      payload: { gantry_deploy_id: d.key, requester: d.requester, ref: d.ref },
      ...(service.requiredContexts ? { requiredContexts: service.requiredContexts } : {}),
    });
    return { githubDeploymentId: created.id };
  }
  const names = service.inputs;
  const run = await ports.github.dispatchWorkflow({
    ...repo,
    workflow: service.workflow!,
    ref: workflowRef!,
    inputs: { [names.environment]: d.environment, [names.sha]: d.sha!, [names.ref]: d.ref, [names.deployId]: d.key },
  });
  return run ? { githubRunId: run.runId, githubUrl: run.htmlUrl } : {};
}
