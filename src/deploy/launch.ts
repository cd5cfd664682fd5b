import { approvalPolicy } from "../domain/approval.js";
import { summarizeChange, type ChangeSummary } from "../domain/change.js";
import { describePrincipals } from "../domain/policy.js";
import { describeError } from "../errors.js";
import { parseRepo, type RepoRef } from "../github/port.js";
import { deployMessage } from "../slack/messages/deploy-message.js";
import type { Deployment } from "../store/types.js";
import { openTicket, ticketStep } from "./change-ticket.js";
import type { Ports } from "./ports.js";
import { moveTo, publish } from "./progress.js";
import type { Tracker } from "./tracker.js";
import { buildView } from "./view.js";

export type LaunchPorts = Ports & { tracker: Tracker };

/**
 * Everything after the acknowledgement: post the message, pin the commit, describe the change, open the change
 * ticket, then either wait for approvals or start GitHub. Any failure ends the deploy with the reason in Slack.
 */
export async function launchDeploy(ports: LaunchPorts, d: Deployment): Promise<void> {
  const service = ports.config.services[d.service]!;
  const repo = parseRepo(service.repo);
  try {
    const posted = await ports.slack.postMessage(d.slackChannel!, deployMessage(d, await buildView(ports, d)));
    d = await ports.store.patch(d.id, { slackChannel: posted.channel, slackTs: posted.ts }, now(ports));
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the deploy message");
    await moveTo(ports, d, "failed", { reason: `Gantry could not post in this channel: ${describeError(err)}. Invite the bot with /invite.` });
    throw err;
  }
  try {
    d = await pinCommit(ports, d, repo);
    const change = await describeChange(ports, d, repo);
    d = await ports.store.patch(d.id, { changeSummary: change }, now(ports));
    const env = service.environments[d.environment]!;
    const policy = approvalPolicy(d, env, ports.config);
    const ticket = await openTicket(ports, d, policy ? describePrincipals(policy.approvers) : "none required");
    d = ticket.deployment;
    if (ticket.error) {
      if (env.jira?.required) {
        await moveTo(ports, d, "failed", { reason: `no change ticket, so nothing was started: ${ticket.error}` });
        return;
      }
      await ports.slack.postMessage(d.slackChannel!, { text: `:warning: No change ticket for #${d.id}: ${ticket.error}` }, d.slackTs!);
    }
    if (d.state === "pending_approval") return await publish(ports, d);
    await dispatch(ports, d);
  } catch (err) {
    ports.log.warn({ deployId: d.id, code: (err as { code?: string }).code }, "deploy could not start");
    await moveTo(ports, d, "failed", { reason: describeError(err) });
  }
}

/** Approvals are in: the same message turns into the progress message and GitHub starts. */
export async function startApproved(ports: LaunchPorts, d: Deployment, approver: string): Promise<void> {
  const started = await moveTo(ports, d, "requested", {}, { approvedBy: approver }, approver);
  if (!started) return;
  await ticketStep(ports, started, "approved", `Approved in Gantry; deploying ${started.sha}.`);
  try {
    await dispatch(ports, started);
  } catch (err) {
    await moveTo(ports, started, "failed", { reason: describeError(err) });
  }
}

async function pinCommit(ports: LaunchPorts, d: Deployment, repo: RepoRef): Promise<Deployment> {
  if (d.sha && d.ref) return d;
  const ref = d.ref || (await ports.github.defaultBranch(repo));
  const { sha } = await ports.github.resolveRef(repo, ref);
  return ports.store.patch(d.id, { ref, sha }, now(ports));
}

/** The commits between what is live and `d`'s commit (for a rollback: those it takes out). */
export async function describeChange(ports: Pick<Ports, "store" | "github">, d: Deployment, repo: RepoRef): Promise<ChangeSummary> {
  const live = await ports.store.lastSucceeded(d.service, d.environment);
  if (d.kind === "rollback" && live?.sha && live.sha !== d.sha) {
    const undone = await ports.github.compare(repo, d.sha!, live.sha);
    return { ...summarizeChange(live.sha, undone.commits, undone.total), undo: true };
  }
  if (live?.sha && live.sha !== d.sha) {
    const diff = await ports.github.compare(repo, live.sha, d.sha!);
    return summarizeChange(live.sha, diff.commits, diff.total);
  }
  if (live?.sha === d.sha) return summarizeChange(live.sha, [], 0);
  return summarizeChange(null, [await ports.github.commit(repo, d.sha!)]);
}

/** Starts the deploy on GitHub and hands it to the tracker. */
async function dispatch(ports: LaunchPorts, d: Deployment): Promise<void> {
  const service = ports.config.services[d.service]!;
  const repo = parseRepo(service.repo);
  let started: { githubRunId?: number; githubDeploymentId?: number; githubUrl?: string };
  if (service.mode === "deployment") {
    const created = await ports.github.createDeployment({
      ...repo,
      sha: d.sha!,
      environment: d.environment,
      description: `Gantry ${d.kind} #${d.id} of ${d.ref} by ${d.requester}`,
      payload: { gantry_deploy_id: d.key, requester: d.requester, ref: d.ref, ...(d.artifact ? { artifact: d.artifact } : {}) },
      ...(service.requiredContexts ? { requiredContexts: service.requiredContexts } : {}),
    });
    started = created ? { githubDeploymentId: created.id } : {};
  } else {
    const names = service.inputs;
    const inputs: Record<string, string> = {
      [names.environment]: d.environment,
      [names.sha]: d.sha!,
      [names.ref]: d.ref,
      [names.deployId]: d.key,
    };
    if (d.artifact && names.artifact) inputs[names.artifact] = d.artifact;
    const workflowRef = service.workflowRef ?? (await ports.github.defaultBranch(repo));
    const run = await ports.github.dispatchWorkflow({ ...repo, workflow: service.workflow!, ref: workflowRef, inputs });
    started = run ? { githubRunId: run.runId, githubUrl: run.htmlUrl } : {};
  }
  // The replica that dispatched polls it: the lease is taken while the deploy is still `requested` (which no other
  // replica's scan adopts), so none can win it in the moment between this move and the first poll.
  await ports.tracker.claim(d.id).catch((err: unknown) => ports.log.warn({ deployId: d.id, err }, "could not take the poll lease"));
  const queued = await moveTo(ports, d, "queued", started, { sha: d.sha, ...started });
  // A webhook may have moved it first; it must still be followed until it ends.
  const now = queued ?? (await ports.store.getDeployment(d.id));
  if (now) ports.tracker.follow(now);
}

function now(ports: Pick<Ports, "clock">): string {
  return ports.clock.now().toISOString();
}
