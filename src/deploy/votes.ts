import { approvalPolicy, authorsOf, checkVoter, tally, type ApprovalPolicy } from "../domain/approval.js";
import { shortSha } from "../domain/format.js";
import { parseRepo } from "../github/port.js";
import { voteRefusalText } from "../slack/messages/approval-section.js";
import { stateLabel } from "../slack/messages/deploy-message.js";
import { code, mention, mrkdwn, principals, type SlackText } from "../slack/mrkdwn.js";
import type { SlackMessage } from "../slack/port.js";
import type { Deployment } from "../domain/deployment.js";
import { describeChange, startApproved, type LaunchPorts } from "./launch.js";
import { moveTo, publish } from "./progress.js";
import { mayAct } from "./request.js";

export type VoteOutcome = { reply: SlackMessage; after?: () => Promise<void> };

const say = (text: SlackText): VoteOutcome => ({ reply: { text } });

/** The policy of a pending deploy, or a refusal when it is not waiting for anyone. */
async function pending(
  ports: LaunchPorts,
  id: number,
): Promise<{ d: Deployment; policy: ApprovalPolicy } | VoteOutcome> {
  const d = await ports.store.getDeployment(id);
  if (!d) return say(mrkdwn`There is no deploy #${id}.`);
  const env = ports.config.services[d.service]?.environments[d.environment];
  const policy = env && approvalPolicy(d, env, ports.config);
  if (d.state !== "pending_approval" || !policy || !d.sha)
    return say(mrkdwn`#${d.id} is not waiting for approval (it is ${stateLabel(d.state)}).`);
  return { d, policy };
}

/** Refuses clicks that may not count, auditing each refusal. */
async function mayVote(
  ports: LaunchPorts,
  d: Deployment,
  policy: ApprovalPolicy,
  voter: string,
): Promise<VoteOutcome | undefined> {
  const authors = authorsOf(d.changeSummary, ports.config.people);
  const check = checkVoter(policy, voter, d.requester, await mayAct(ports, policy.approvers, voter), authors);
  if (check.ok) return undefined;
  await ports.store.audit({
    actor: voter,
    action: "vote.refused",
    deploymentId: d.id,
    service: d.service,
    environment: d.environment,
    detail: { why: check.why },
    at: ports.clock.now().toISOString(),
  });
  return say(voteRefusalText(d.id, check.why, principals(policy.approvers)));
}

/** An Approve click: counted once per approver; the last one needed starts the deploy. */
export async function approve(ports: LaunchPorts, id: number, voter: string): Promise<VoteOutcome> {
  const found = await pending(ports, id);
  if (!("d" in found)) return found;
  const { d, policy } = found;
  const refused = await mayVote(ports, d, policy, voter);
  if (refused) return refused;
  const at = ports.clock.now().toISOString();
  const { recorded } = await ports.store.castVote(d.id, { voter, vote: "approve", sha: d.sha!, at });
  const count = tally(await ports.store.votes(d.id), d.sha!, policy.required);
  if (!recorded)
    return say(
      count.remaining
        ? mrkdwn`You already approved #${d.id}. ${count.remaining} more needed.`
        : mrkdwn`You already approved #${d.id}.`,
    );
  if (!count.complete) {
    await publish(ports, d);
    return say(mrkdwn`:white_check_mark: Approved #${d.id}. ${count.remaining} more needed.`);
  }
  return {
    reply: { text: mrkdwn`:white_check_mark: Approved #${d.id}. That was the last approval needed; deploying.` },
    after: () => goAhead(ports, d, voter),
  };
}

/** The approvals are in. They hold for one commit: if the ref moved meanwhile, they start over. */
async function goAhead(ports: LaunchPorts, d: Deployment, approver: string): Promise<void> {
  const repo = parseRepo(ports.config.services[d.service]!.repo);
  const movable = d.kind === "deploy" && d.ref && d.ref !== d.sha;
  const now = movable ? (await ports.source.resolveRef(repo, d.ref)).sha : d.sha;
  if (now === d.sha) return startApproved(ports, d, approver);
  // What approvers judge (and who wrote it) is the new commit's change; unknown if GitHub cannot say, never the old one.
  const changeSummary = await describeChange(ports, { ...d, sha: now }, repo).catch((err: unknown) => {
    ports.log.warn({ deployId: d.id, err }, "could not describe the moved change");
    return null;
  });
  const moved = await ports.store.patch(d.id, { sha: now, changeSummary }, ports.clock.now().toISOString());
  await ports.store.audit({
    actor: "gantry",
    action: "approvals.reset",
    deploymentId: d.id,
    service: d.service,
    environment: d.environment,
    detail: { from: d.sha, to: now, why: "ref moved" },
    at: ports.clock.now().toISOString(),
  });
  await publish(ports, moved);
  await ports.slack
    .postMessage(
      moved.slackChannel!,
      {
        text: mrkdwn`:warning: ${code(d.ref)} moved to ${code(shortSha(now ?? null))} while #${d.id} waited, so the approvals start over for the new commit.`,
      },
      moved.slackTs!,
    )
    .catch((err: unknown) => ports.log.warn({ err }, "could not announce reset approvals"));
}

/** A Reject (no-go) with its reason: one is enough to end the request. */
export async function reject(ports: LaunchPorts, id: number, voter: string, reason: string): Promise<VoteOutcome> {
  const found = await pending(ports, id);
  if (!("d" in found)) return found;
  const { d, policy } = found;
  // Saying no is open to every approver: the requester and the change's authors included.
  const refused = await mayVote(ports, d, { ...policy, allowSelfApproval: true, excludeAuthors: false }, voter);
  if (refused) return refused;
  await ports.store.castVote(d.id, { voter, vote: "reject", sha: d.sha!, at: ports.clock.now().toISOString() });
  await moveTo(ports, d, "rejected", { reason: `rejected: ${reason}` }, { reason }, voter);
  return say(mrkdwn`:octagonal_sign: Rejected #${d.id}.`);
}

/** The requester takes back a pending request. */
export async function cancelRequest(ports: LaunchPorts, id: number, user: string): Promise<VoteOutcome> {
  const found = await pending(ports, id);
  if (!("d" in found)) return found;
  if (found.d.requester !== user) {
    await ports.store.audit({
      actor: user,
      action: "cancel.refused",
      deploymentId: id,
      service: found.d.service,
      environment: found.d.environment,
      detail: { why: "not the requester" },
      at: ports.clock.now().toISOString(),
    });
    return say(mrkdwn`:no_entry: Only ${mention(found.d.requester)}, who asked for #${id}, can cancel it.`);
  }
  await moveTo(ports, found.d, "cancelled", { reason: "cancelled by the requester" }, {}, user);
  return say(mrkdwn`Cancelled #${id}.`);
}
