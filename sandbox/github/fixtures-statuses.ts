/** Builders for commit statuses and the combined status, complete per the published schema. */
import { minimalRepository, user } from "./fixtures.js";
import type { CommitStatusRecord, CommitStatusState, RepoInfo } from "./types.js";
import { iso, nodeId } from "./util.js";

/** The `status` schema: what creating and listing statuses answer. */
export function commitStatus(api: string, r: RepoInfo, s: CommitStatusRecord): Record<string, unknown> {
  const creator = user(api, s.creator, "Bot");
  return {
    url: statusesUrl(api, r, s.sha),
    avatar_url: creator.avatar_url,
    id: s.id,
    node_id: nodeId("StatusContext", s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
    creator,
  };
}

/** The `simple-commit-status` schema, as the combined status lists them. */
export function simpleCommitStatus(api: string, r: RepoInfo, s: CommitStatusRecord): Record<string, unknown> {
  const { creator: _creator, ...rest } = commitStatus(api, r, s);
  return rest;
}

/** The `combined-commit-status` schema; `latest` holds the newest status of each context, newest first. */
export function combinedStatus(
  api: string,
  r: RepoInfo,
  sha: string,
  latest: readonly CommitStatusRecord[],
  page: readonly CommitStatusRecord[],
): Record<string, unknown> {
  return {
    state: combinedState(latest.map((s) => s.state)),
    statuses: page.map((s) => simpleCommitStatus(api, r, s)),
    sha,
    total_count: latest.length,
    repository: minimalRepository(api, r),
    commit_url: `${api}/repos/${r.fullName}/commits/${sha}`,
    url: `${api}/repos/${r.fullName}/commits/${sha}/status`,
  };
}

/** GitHub's rule: failure if any context errored or failed, pending if none reported or any is pending, else success. */
export function combinedState(states: readonly CommitStatusState[]): "failure" | "pending" | "success" {
  if (states.some((s) => s === "error" || s === "failure")) return "failure";
  if (states.length === 0 || states.includes("pending")) return "pending";
  return "success";
}

export function statusesUrl(api: string, r: RepoInfo, sha: string): string {
  return `${api}/repos/${r.fullName}/statuses/${sha}`;
}
