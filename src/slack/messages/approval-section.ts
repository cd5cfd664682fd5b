import type { KnownBlock } from "@slack/types";
import type { ApprovalPolicy, Tally, VoterCheck } from "../../domain/approval.js";
import type { ChangeSummary } from "../../domain/change.js";
import { escapeMrkdwn, shortSha } from "../../domain/format.js";
import { describePrincipals } from "../../domain/policy.js";
import type { Deployment } from "../../store/types.js";

const SHOW_COMMITS = 5;

/** What the deploy changes: commit count, authors and Jira keys, for approvers to judge. */
export function changeBlocks(change: ChangeSummary): KnownBlock[] {
  const since = change.base ? `since \`${shortSha(change.base)}\` (live now)` : "(first deploy here)";
  const commits = `${change.total} commit${change.total === 1 ? "" : "s"}`;
  const by = change.authors.map(escapeMrkdwn).join(", ");
  const head = change.undo
    ? `*Takes out:* ${commits} of \`${shortSha(change.base)}\` (live now)${by ? ` by ${by}` : ""}`
    : `*Change:* ${commits} ${since}${by ? ` by ${by}` : ""}`;
  const keys = change.jiraKeys.length ? `\n*Jira:* ${change.jiraKeys.join(", ")}` : "";
  const lines = change.commits
    .slice(-SHOW_COMMITS)
    .reverse()
    .map((c) => `• \`${shortSha(c.sha)}\` ${escapeMrkdwn(c.message)} — ${escapeMrkdwn(c.author)}`);
  const more = change.total > SHOW_COMMITS ? `\n…and ${change.total - SHOW_COMMITS} more` : "";
  const body = [head + keys, ...lines].join("\n") + more;
  return [{ type: "section", text: { type: "mrkdwn", text: body } }];
}

/** Who approved, who is still needed, or how the approval ended; `authors`: the approvers whose commits are in it. */
export function approvalBlocks(d: Deployment, policy: ApprovalPolicy, tally: Tally, authors: readonly string[] = []): KnownBlock[] {
  const who = describePrincipals(policy.approvers);
  const approved = tally.approvedBy.length ? tally.approvedBy.map((u) => `<@${u}> :white_check_mark:`).join(", ") : "nobody yet";
  const kind = policy.breakGlass ? "Break-glass approval" : "Approval";
  let status = `*${kind}:* ${tally.approvedBy.length} of ${policy.required} · approved by ${approved}`;
  if (d.state === "pending_approval") {
    status += `\nStill needed: ${tally.remaining} more from ${who}.`;
    if (!policy.allowSelfApproval) status += ` <@${d.requester}> cannot approve their own deploy.`;
    if (policy.excludeAuthors && authors.length) status += ` ${authors.map((u) => `<@${u}>`).join(", ")} wrote commits in this change, so cannot approve it.`;
    if (d.expiresAt) status += ` Expires <!date^${Math.floor(Date.parse(d.expiresAt) / 1000)}^{time}|${d.expiresAt}>.`;
  }
  if (d.state === "rejected" && tally.rejectedBy) status += `\n:octagonal_sign: Rejected by <@${tally.rejectedBy}>.`;
  if (d.state === "expired") status += `\nNobody answered in ${policy.expiresAfter}; ask again with the same command.`;
  return [{ type: "section", text: { type: "mrkdwn", text: status } }];
}

/** Why a vote did not count, and whom to ask instead. */
export function voteRefusalText(id: number, why: Extract<VoterCheck, { ok: false }>["why"], approvers: string): string {
  switch (why) {
    case "self_approval":
      return `:no_entry: You asked for #${id}, so you cannot approve it yourself. Ask ${approvers}.`;
    case "author":
      return `:no_entry: You wrote commits in #${id}, so your approval does not count here (\`approvals.excludeAuthors\`). Ask ${approvers}.`;
    case "change_unknown":
      return `:hourglass: Gantry is still reading what #${id} changes, to know who wrote it. Try again in a moment.`;
    case "not_approver":
      return `:no_entry: Only ${approvers} can approve or reject #${id}.`;
  }
}
