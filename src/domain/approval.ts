import type { Principal } from "./policy.js";
import type { DeployKind, Vote } from "./deployment.js";
import type { ChangeSummary } from "./change.js";

/** Who must say go before a deploy starts, and how many of them. */
export interface ApprovalPolicy {
  required: number;
  approvers: Principal[];
  allowSelfApproval: boolean;
  /** Votes from people whose commits are in the change do not count. */
  excludeAuthors: boolean;
  expiresAfter: string;
  /** Where the approval message goes; absent = where the deploy was asked for. */
  channel?: string;
  /** A `--force` deploy through a freeze: one break-glass approval, whatever the usual rules. */
  breakGlass: boolean;
}

/** An approval rule as gantry.yml states it (`approvals`). */
export interface ApprovalRule {
  required: number;
  approvers: Principal[];
  allowSelfApproval: boolean;
  excludeAuthors: boolean;
  expiresAfter: string;
  channel?: string | undefined;
}

/** What the approval rules read from an environment. */
export interface ApprovalEnvironment {
  approvals?: ApprovalRule | undefined;
  rollback: { approvals?: ApprovalRule | undefined };
  breakGlass?: { approvers: Principal[] } | undefined;
}

/** What the approval rules read from the config as a whole. */
export interface ApprovalDefaults {
  breakGlass?: { approvers: Principal[] } | undefined;
}

export function breakGlassApprovers(env: ApprovalEnvironment, config: ApprovalDefaults): Principal[] | undefined {
  return (env.breakGlass ?? config.breakGlass)?.approvers;
}

/** The approval rule for a deploy, or undefined when it may start at once. */
export function approvalPolicy(
  d: { kind: DeployKind; forceReason: string | null },
  env: ApprovalEnvironment,
  config: ApprovalDefaults,
): ApprovalPolicy | undefined {
  if (d.forceReason) {
    const approvers = breakGlassApprovers(env, config);
    if (!approvers) return undefined;
    const usual = env.approvals;
    return {
      required: 1,
      approvers,
      allowSelfApproval: false,
      excludeAuthors: usual?.excludeAuthors ?? false,
      expiresAfter: usual?.expiresAfter ?? "1h",
      ...(usual?.channel ? { channel: usual.channel } : {}),
      breakGlass: true,
    };
  }
  const rule = d.kind === "rollback" ? env.rollback.approvals : env.approvals;
  if (!rule) return undefined;
  return { ...rule, breakGlass: false };
}

export interface Tally {
  /** Approvers who said go for this commit, in the order they did. */
  approvedBy: string[];
  remaining: number;
  complete: boolean;
  rejectedBy: string | undefined;
}

/** Counts the votes that hold for `sha`: each approver once; approvals of another commit do not count. */
export function tally(votes: readonly Vote[], sha: string, required: number): Tally {
  const forSha = votes.filter((v) => v.sha === sha);
  const approvedBy = [...new Set(forSha.filter((v) => v.vote === "approve").map((v) => v.voter))];
  const remaining = Math.max(0, required - approvedBy.length);
  return {
    approvedBy,
    remaining,
    complete: remaining === 0,
    rejectedBy: forSha.find((v) => v.vote === "reject")?.voter,
  };
}

/**
 * Whether `voter`'s approval is the one that completed the round for `sha`: in the order the store recorded them, the
 * approval that brought the count to `required`. Votes cast at the same moment all see the round complete; exactly
 * one of them starts the deploy (and resolves its ref once), on any replica.
 */
export function completesRound(votes: readonly Vote[], sha: string, required: number, voter: string): boolean {
  const at = votes.findIndex((v) => v.sha === sha && v.vote === "approve" && v.voter === voter);
  if (at < 0) return false;
  return tally(votes.slice(0, at + 1), sha, required).complete && !tally(votes.slice(0, at), sha, required).complete;
}

/**
 * The Slack users who wrote commits in the change, through `people` (GitHub login → Slack user; logins ignore case).
 * Undefined while the change is not known yet. Authors GitHub could not tie to a login, or `people` does not list,
 * are not found.
 */
export function authorsOf(
  change: ChangeSummary | null,
  people: Readonly<Record<string, string>>,
): string[] | undefined {
  if (!change) return undefined;
  const byLogin = new Map(Object.entries(people).map(([login, user]) => [login.toLowerCase(), user]));
  return [...new Set(change.authors.flatMap((a) => byLogin.get(a.toLowerCase()) ?? []))];
}

export type VoterCheck =
  { ok: true } | { ok: false; why: "not_approver" | "self_approval" | "author" | "change_unknown" };

/**
 * Whether a click may count: approvers only, not the requester unless the policy allows it, and with
 * `excludeAuthors` nobody whose commit is in the change (`authors`, undefined while the change is being read).
 */
export function checkVoter(
  policy: ApprovalPolicy,
  voter: string,
  requester: string,
  isApprover: boolean,
  authors: readonly string[] | undefined,
): VoterCheck {
  if (!isApprover) return { ok: false, why: "not_approver" };
  if (voter === requester && !policy.allowSelfApproval) return { ok: false, why: "self_approval" };
  if (!policy.excludeAuthors) return { ok: true };
  if (!authors) return { ok: false, why: "change_unknown" };
  if (authors.includes(voter)) return { ok: false, why: "author" };
  return { ok: true };
}
