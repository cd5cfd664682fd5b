import { approvalPolicyOf } from "../config/lookup.js";
import { summarizeChange, type ChangeSummary } from "../domain/change.js";
import { statesBefore } from "../domain/deploy-state.js";
import { describePrincipals } from "../domain/policy.js";
import { describeError } from "../errors.js";
import { parseRepo, type RepoRef } from "../github/port.js";
import type { Deployment } from "../domain/deployment.js";
import type { Handoff } from "../domain/handoff.js";
import { openTicket, ticketStep } from "./change-ticket.js";
import type { Tell } from "./notifier.js";
import type { Ports } from "./ports.js";
import { moveFrom, moveTo, publish } from "./progress.js";
import { show } from "./publisher.js";
import { runnerOf } from "./remote.js";
import type { Follower } from "./poll-leases.js";

/**
 * `handOver`, on a web replica (GANTRY_ROLE=web): the launch and the start after approval are recorded for a worker
 * instead of run here.
 */
export type LaunchPorts = Ports & { tracker: Follower; handOver?: (h: Handoff) => Promise<void> };

/**
 * Everything after the acknowledgement: post the message, pin the commit, describe the change, open the change
 * ticket, then either wait for approvals or start the run. Any failure ends the deploy with the reason in Slack.
 * `tell` reaches the requester (their response_url) when Slack would not take the message.
 */
export async function launchDeploy(ports: LaunchPorts, d: Deployment, tell?: Tell): Promise<void> {
  if (ports.handOver) return ports.handOver(handoff(ports, d, "launch", null, tell?.replyTo ?? null));
  await ports.tracker.launching(d.id, () => launch(ports, d, tell));
}

/**
 * How long a deploy may go without its message: the first post waits for the dispatch (so it shows the deploy
 * queued, not requested and then queued a moment later), but no longer than this.
 */
export const FIRST_POST_WITHIN_MS = 2_000;

async function launch(ports: LaunchPorts, d: Deployment, tell: Tell | undefined): Promise<void> {
  const service = ports.config.services[d.service]!;
  const repo = parseRepo(service.repo);
  // Decided by how it was asked for, not by its state later: approvers may act (and the requester cancel) as soon as
  // the commit is pinned, and only their approval starts a gated deploy.
  const gated = d.state === "pending_approval";
  const env = service.environments[d.environment]!;
  // Held while launching, so that no other replica takes this deploy for one Gantry left behind.
  await ports.tracker
    .claim(d.id)
    .catch((err: unknown) => ports.log.warn({ deployId: d.id, err }, "could not take the poll lease"));
  // A change ticket links to the message, so with Jira the message goes up first; otherwise it waits for the start.
  const first = firstPost(ports, d, tell, env.jira ? 0 : FIRST_POST_WITHIN_MS);
  if (env.jira) {
    const posted = await first.done;
    if (!posted) return;
    d = posted;
  }
  try {
    d = await pinCommit(ports, d, repo);
    const change = await describeChange(ports, d, repo);
    d = await ports.store.patch(d.id, { changeSummary: change }, now(ports));
    const policy = approvalPolicyOf(ports.config, d);
    const ticket = await openTicket(ports, d, policy ? describePrincipals(policy.approvers) : "none required");
    d = ticket.deployment;
    if (ticket.error) {
      if (env.jira?.required) {
        await moveTo(ports, d, "failed", { reason: `no change ticket, so nothing was started: ${ticket.error}` });
        return;
      }
      if (d.slackTs) await ports.notifier.inThread(d, { notice: "no_ticket", id: d.id, error: ticket.error });
    }
    if (gated) return void (await publish(ports, d));
    // The channel would not take the message (the bound came first): the deploy has ended, nothing is sent.
    if (first.refused()) return;
    await dispatch(ports, d);
  } catch (err) {
    ports.log.warn({ deployId: d.id, code: (err as { code?: string }).code }, "deploy could not start");
    await moveTo(ports, d, "failed", { reason: describeError(err) });
  } finally {
    await first.done;
  }
}

/**
 * The deploy's first message, shown within `withinMs` (sooner when the deploy moves first). Slack down or slow does
 * not stop the deploy: the audit log and the requester hear of it, and the message follows with the next change
 * (see publish). Only a channel Gantry cannot post in ends it, when nothing was started yet. `done`: the deploy to
 * carry on with once the message is up (or was refused), undefined when it ended.
 */
function firstPost(
  ports: LaunchPorts,
  d: Deployment,
  tell: Tell | undefined,
  withinMs: number,
): { done: Promise<Deployment | undefined>; refused: () => boolean } {
  let refused = false;
  const done = show(ports, d.id, withinMs).then(async (shown) => {
    const current = shown.d ?? d;
    if (shown.error === undefined) return current;
    const words = describeError(shown.error);
    const where = { deploymentId: d.id, service: d.service, environment: d.environment };
    await ports.store.audit({
      actor: "gantry",
      action: `${d.kind}.message_failed`,
      ...where,
      detail: { error: words },
      at: now(ports),
    });
    // Read again: the dispatch may have gone out while the post was on its way, and a started deploy goes on.
    const latest = (await ports.store.getDeployment(d.id)) ?? current;
    const started = latest.dispatchedAt !== null || !["requested", "pending_approval"].includes(latest.state);
    if (ports.notifier.refusesPosting(shown.error) && !started) {
      refused = true;
      const reason = `Gantry could not post in this channel: ${words}. Invite the bot with /invite.`;
      await moveTo(ports, latest, "failed", { reason });
      await tell?.({ notice: "did_not_start", id: d.id, reason });
      return undefined;
    }
    await tell?.({ notice: "message_not_taken", id: d.id, service: d.service, error: words });
    return latest;
  });
  return { done, refused: () => refused };
}

/** Approvals are in: the same message turns into the progress message and the run starts. */
export async function startApproved(ports: LaunchPorts, d: Deployment, approver: string): Promise<void> {
  if (ports.handOver) return ports.handOver(handoff(ports, d, "approved", approver, null));
  await ports.tracker.launching(d.id, async () => {
    await ports.tracker
      .claim(d.id)
      .catch((err: unknown) => ports.log.warn({ deployId: d.id, err }, "could not take the poll lease"));
    // The vote's one message update shows the deploy started: held for the dispatch, like a first post.
    const started = await moveFrom(ports, d, statesBefore("requested"), "requested", {
      detail: { approvedBy: approver },
      actor: approver,
      showWithinMs: FIRST_POST_WITHIN_MS,
    });
    if (!started) return;
    await ticketStep(ports, started, "approved", `Approved in Gantry; deploying ${started.sha}.`);
    try {
      await dispatch(ports, started);
    } catch (err) {
      await moveTo(ports, started, "failed", { reason: describeError(err) });
    }
  });
}

async function pinCommit(ports: LaunchPorts, d: Deployment, repo: RepoRef): Promise<Deployment> {
  if (d.sha && d.ref) return d;
  const ref = d.ref || (await ports.source.defaultBranch(repo));
  const { sha } = await ports.source.resolveRef(repo, ref);
  return ports.store.patch(d.id, { ref, sha }, now(ports));
}

/** The commits between what is live and `d`'s commit (for a rollback: those it takes out). */
export async function describeChange(
  ports: Pick<Ports, "store" | "source">,
  d: Deployment,
  repo: RepoRef,
): Promise<ChangeSummary> {
  // A rollback away from a deploy that failed its verification takes out what that deploy brought, not what is good.
  const replaced = d.kind === "rollback" && d.replacesId ? await ports.store.getDeployment(d.replacesId) : undefined;
  const live = replaced ?? (await ports.store.lastSucceeded(d.service, d.environment));
  if (d.kind === "rollback" && live?.sha && live.sha !== d.sha) {
    const undone = await ports.source.compare(repo, d.sha!, live.sha);
    return { ...summarizeChange(live.sha, undone.commits, undone.total), undo: true };
  }
  if (live?.sha && live.sha !== d.sha) {
    const diff = await ports.source.compare(repo, live.sha, d.sha!);
    return summarizeChange(live.sha, diff.commits, diff.total);
  }
  if (live?.sha === d.sha) return summarizeChange(live.sha, [], 0);
  return summarizeChange(null, [await ports.source.commit(repo, d.sha!)]);
}

/**
 * Starts the deploy on its runner and hands it to the tracker. The replica that dispatches polls it: its poll lease is
 * renewed first, while the deploy is still `requested`, so no other replica's scan can win it between the dispatch
 * and the first poll; and if another replica took the deploy meanwhile (this one looked dead), nothing is sent.
 */
async function dispatch(ports: LaunchPorts, d: Deployment): Promise<void> {
  const held = await ports.tracker
    .claim(d.id)
    .catch((err: unknown) => (ports.log.warn({ deployId: d.id, err }, "could not take the poll lease"), true));
  if (!held)
    return void ports.log.warn(
      { deployId: d.id },
      "another replica took the deploy before its dispatch; nothing was sent",
    );
  const { runner, service } = runnerOf(ports, d);
  // Just before the start goes out, the deploy is noted as sent: a restarted Gantry looks for its run by its key
  // instead of calling it left behind.
  const started = await runner.start(service, d, async () => {
    d = await ports.store.patch(d.id, { dispatchedAt: now(ports) }, now(ports));
  });
  const queued = await moveTo(ports, d, "queued", started, { sha: d.sha, ...started });
  // A webhook may have moved it first; it must still be followed until it ends.
  const current = queued ?? (await ports.store.getDeployment(d.id));
  if (current) ports.tracker.follow(current);
}

function handoff(
  ports: Pick<Ports, "clock">,
  d: Deployment,
  step: Handoff["step"],
  actor: string | null,
  replyTo: Handoff["replyTo"],
): Handoff {
  return { deploymentId: d.id, step, actor, replyTo, at: now(ports) };
}

function now(ports: Pick<Ports, "clock">): string {
  return ports.clock.now().toISOString();
}
