import { approvalPolicyOf, serviceOf } from "../config/lookup.js";
import {
  authorsOf,
  checkVoter,
  completesRound,
  tally,
  type ApprovalPolicy,
  type VoterCheck,
} from "../domain/approval.js";
import type { DeployState } from "../domain/deploy-state.js";
import { parseRepo } from "../github/port.js";
import type { Deployment } from "../domain/deployment.js";
import { describeChange, FIRST_POST_WITHIN_MS, startApproved, type LaunchPorts } from "./launch.js";
import { moveFrom, moveTo, publish } from "./progress.js";
import { mayAct } from "./request.js";

/** How a vote (or a cancel) ended, with what the words need. */
export type VoteResult =
  | { refused: "not_pending"; id: number; state?: DeployState }
  /** Waiting for approval, but its commit is not pinned yet: nothing to judge until the message shows it. */
  | { refused: "not_ready"; id: number }
  | { refused: "voter"; id: number; why: Extract<VoterCheck, { ok: false }>["why"]; approvers: string[] }
  | { refused: "not_requester"; id: number; requester: string }
  | { done: "already_approved"; id: number; remaining: number }
  | { done: "approved"; id: number; remaining: number }
  | { done: "approved_last"; id: number }
  | { done: "rejected"; id: number }
  | { done: "cancelled"; id: number };

/** `after` runs once the voter has their answer: the deploy that the last approval starts. */
export type VoteOutcome = { result: VoteResult; after?: () => Promise<void> };

const say = (result: VoteResult): VoteOutcome => ({ result });

/**
 * The policy of a pending deploy, or a refusal when it is not waiting for anyone. A vote needs the commit it is for,
 * pinned while the first message is already up; a cancel (`forVote` false) does not.
 */
async function pending(
  ports: LaunchPorts,
  id: number,
  forVote = true,
): Promise<{ d: Deployment; policy: ApprovalPolicy } | VoteOutcome> {
  const d = await ports.store.getDeployment(id);
  if (!d) return say({ refused: "not_pending", id });
  const policy = approvalPolicyOf(ports.config, d);
  if (d.state !== "pending_approval" || !policy) return say({ refused: "not_pending", id, state: d.state });
  if (forVote && !d.sha) return say({ refused: "not_ready", id });
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
  return say({ refused: "voter", id: d.id, why: check.why, approvers: policy.approvers });
}

/** Approve (a click):  counted once per approver; the last one needed starts the deploy. */
export async function approve(ports: LaunchPorts, id: number, voter: string): Promise<VoteOutcome> {
  const found = await pending(ports, id);
  if (!("d" in found)) return found;
  const { d, policy } = found;
  const refused = await mayVote(ports, d, policy, voter);
  if (refused) return refused;
  const at = ports.clock.now().toISOString();
  const { recorded } = await ports.store.castVote(d.id, { voter, vote: "approve", sha: d.sha!, at });
  const votes = await ports.store.votes(d.id);
  const count = tally(votes, d.sha!, policy.required);
  if (!recorded) return say({ done: "already_approved", id: d.id, remaining: count.remaining });
  // The vote shows on the deploy's message, redrawn in place: that is the voter's answer (one Slack call a vote).
  if (!count.complete) {
    await publish(ports, d);
    return say({ done: "approved", id: d.id, remaining: count.remaining });
  }
  // Another approval landed at the same moment and completed the round: its start redraws the message.
  if (!completesRound(votes, d.sha!, policy.required, voter)) {
    await publish(ports, d, true, FIRST_POST_WITHIN_MS);
    return say({ done: "approved", id: d.id, remaining: 0 });
  }
  return { result: { done: "approved_last", id: d.id }, after: () => goAhead(ports, d, voter) };
}

/**
 * The approvals are in. They hold for one commit: if the ref moved meanwhile, they start over. Only the approval that
 * completed the round comes here, so the ref is resolved once a round however many votes land together.
 */
async function goAhead(ports: LaunchPorts, d: Deployment, approver: string): Promise<void> {
  const repo = parseRepo(serviceOf(ports.config, d)!.repo);
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
  await ports.notifier
    .inThread(moved, { notice: "approvals_reset", id: d.id, ref: d.ref, sha: now ?? null })
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
  return say({ done: "rejected", id: d.id });
}

/** The requester takes back a pending request. */
export async function cancelRequest(ports: LaunchPorts, id: number, user: string): Promise<VoteOutcome> {
  const found = await pending(ports, id, false);
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
    return say({ refused: "not_requester", id, requester: found.d.requester });
  }
  // Only from waiting: an approval that won the race has started it, and a started deploy is not cancelled here.
  const moved = await moveFrom(ports, found.d, ["pending_approval"], "cancelled", {
    patch: { reason: "cancelled by the requester" },
    actor: user,
  });
  if (!moved) return say({ refused: "not_pending", id, state: (await ports.store.getDeployment(id))?.state });
  return say({ done: "cancelled", id });
}

/** A go or a no-go on a pending deploy. */
export type Ballot = { vote: "approve" } | { vote: "reject"; reason: string };

/** Votes on a pending deploy: the use case behind Approve and Reject. */
export function vote(ports: LaunchPorts, id: number, voter: string, ballot: Ballot): Promise<VoteOutcome> {
  return ballot.vote === "approve" ? approve(ports, id, voter) : reject(ports, id, voter, ballot.reason);
}
