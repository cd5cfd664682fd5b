import type { KnownBlock } from "@slack/types";
import type { ApprovalPolicy, Tally, VoterCheck } from "../../domain/approval.js";
import type { ChangeSummary } from "../../domain/change.js";
import { shortSha } from "../../domain/format.js";
import type { Deployment } from "../../domain/deployment.js";
import { GANTRY_ACTOR } from "../../domain/verify/record.js";
import { code, join, mrkdwn, principals, section, user, when, type SlackText } from "../mrkdwn.js";

const SHOW_COMMITS = 5;

/** What the deploy changes: commit count, authors and Jira keys, for approvers to judge. */
export function changeBlocks(change: ChangeSummary): KnownBlock[] {
  const since = change.base ? mrkdwn`since ${code(shortSha(change.base))} (live now)` : mrkdwn`(first deploy here)`;
  const commits = `${change.total} commit${change.total === 1 ? "" : "s"}`;
  const by = change.authors.length ? mrkdwn` by ${join(change.authors, ", ")}` : "";
  const head = change.undo
    ? mrkdwn`*Takes out:* ${commits} of ${code(shortSha(change.base))} (live now)${by}`
    : mrkdwn`*Change:* ${commits} ${since}${by}`;
  const keys = change.jiraKeys.length ? mrkdwn`\n*Jira:* ${change.jiraKeys.join(", ")}` : "";
  const lines = change.commits
    .slice(-SHOW_COMMITS)
    .reverse()
    .map((c) => mrkdwn`• ${code(shortSha(c.sha))} ${c.message} — ${c.author}`);
  const more = change.total > SHOW_COMMITS ? mrkdwn`\n…and ${change.total - SHOW_COMMITS} more` : "";
  return [section(mrkdwn`${join([mrkdwn`${head}${keys}`, ...lines], "\n")}${more}`)];
}

/** Who approved, who is still needed, or how the approval ended; `authors`: the approvers whose commits are in it. */
export function approvalBlocks(
  d: Deployment,
  policy: ApprovalPolicy,
  tally: Tally,
  authors: readonly string[] = [],
): KnownBlock[] {
  const who = principals(policy.approvers);
  const approved = tally.approvedBy.length
    ? join(
        tally.approvedBy.map((u) => mrkdwn`${user(u)} :white_check_mark:`),
        ", ",
      )
    : mrkdwn`nobody yet`;
  const kind = policy.breakGlass ? "Break-glass approval" : "Approval";
  const lines: SlackText[] = [
    mrkdwn`*${kind}:* ${tally.approvedBy.length} of ${policy.required} · approved by ${approved}`,
  ];
  if (d.state === "pending_approval") {
    // Gantry's own rollback has no person behind it who could approve it.
    const self =
      policy.allowSelfApproval || d.requester === GANTRY_ACTOR
        ? ""
        : mrkdwn` ${user(d.requester)} cannot approve their own deploy.`;
    const excluded =
      policy.excludeAuthors && authors.length
        ? mrkdwn` ${join(authors.map(user), ", ")} wrote commits in this change, so cannot approve it.`
        : "";
    const expires = d.expiresAt ? mrkdwn` Expires ${when(d.expiresAt)}.` : "";
    lines.push(mrkdwn`Still needed: ${tally.remaining} more from ${who}.${self}${excluded}${expires}`);
  }
  if (d.state === "rejected" && tally.rejectedBy)
    lines.push(mrkdwn`:octagonal_sign: Rejected by ${user(tally.rejectedBy)}.`);
  if (d.state === "expired")
    lines.push(mrkdwn`Nobody answered in ${policy.expiresAfter}; ask again with the same command.`);
  return [section(join(lines, "\n"))];
}

/** Why a vote did not count, and whom to ask instead. */
export function voteRefusalText(
  id: number,
  why: Extract<VoterCheck, { ok: false }>["why"],
  approvers: SlackText,
): SlackText {
  switch (why) {
    case "self_approval":
      return mrkdwn`:no_entry: You asked for #${id}, so you cannot approve it yourself. Ask ${approvers}.`;
    case "author":
      return mrkdwn`:no_entry: You wrote commits in #${id}, so your approval does not count here (\`approvals.excludeAuthors\`). Ask ${approvers}.`;
    case "change_unknown":
      return mrkdwn`:hourglass: Gantry is still reading what #${id} changes, to know who wrote it. Try again in a moment.`;
    case "not_approver":
      return mrkdwn`:no_entry: Only ${approvers} can approve or reject #${id}.`;
  }
}
