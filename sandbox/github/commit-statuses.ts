/** Commit statuses API: create a status on a sha, list a ref's statuses, and the combined status. */
import { combinedStatus, commitStatus, statusesUrl } from "./fixtures-statuses.js";
import { ApiError, notFound, objectBody, unprocessable, type ApiRequest, type ApiResponse } from "./http.js";
import { commitStatusProblem, type RepoState, type RepoStore } from "./repos.js";
import type { Route } from "./router.js";
import type { CommitStatusRecord, CommitStatusState } from "./types.js";
import { isSha, paginate } from "./util.js";

const CREATE_DOCS = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";
const LIST_DOCS = "https://docs.github.com/rest/commits/statuses#list-commit-statuses-for-a-reference";
const COMBINED_DOCS = "https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference";
const STATES: readonly CommitStatusState[] = ["error", "failure", "pending", "success"];

export function commitStatusRoutes(store: RepoStore): Route[] {
  const repoOf = (req: ApiRequest): RepoState => store.find(req.params.owner, req.params.repo);
  /** Statuses of the commit a ref (sha, branch, tag, heads/…, tags/…) points at, newest first. */
  const statusesOf = (repo: RepoState, ref: string, docs: string): { sha: string; statuses: CommitStatusRecord[] } => {
    const sha = store.resolve(repo, ref);
    if (!sha) throw notFound(docs);
    return { sha, statuses: [...store.statusesFor(repo, sha)].reverse() };
  };
  return [
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/statuses/{sha}",
      operationId: "repos/create-commit-status",
      handle: (req) => create(store, repoOf(req), req),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/commits/{ref}/statuses",
      operationId: "repos/list-commit-statuses-for-ref",
      handle: (req) => {
        const repo = repoOf(req);
        const { statuses } = statusesOf(repo, req.params.ref ?? "", LIST_DOCS);
        const all = statuses.map((s) => commitStatus(req.api, repo, s));
        return { status: 200, body: paginate(all, req.query), total: all.length };
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/commits/{ref}/status",
      operationId: "repos/get-combined-status-for-ref",
      handle: (req) => {
        const repo = repoOf(req);
        const { sha, statuses } = statusesOf(repo, req.params.ref ?? "", COMBINED_DOCS);
        const seen = new Set<string>();
        const latest = statuses.filter((s) => {
          const key = s.context.toLowerCase();
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        return { status: 200, body: combinedStatus(req.api, repo, sha, latest, paginate(latest, req.query)) };
      },
    },
  ];
}

function create(store: RepoStore, repo: RepoState, req: ApiRequest): ApiResponse {
  const sha = req.params.sha ?? "";
  // Like GitHub, a status goes on a commit named by its full sha; branch and tag names are not resolved.
  if (!isSha(sha) || !repo.commits.has(sha)) throw unprocessable(`No commit found for SHA: ${sha}`, CREATE_DOCS);
  const body = objectBody(req);
  if (body.state === undefined) throw unprocessable(`Invalid request.\n\n"state" wasn't supplied.`, CREATE_DOCS);
  if (typeof body.state !== "string" || !STATES.includes(body.state as CommitStatusState)) {
    throw validationFailed("state", "state is not included in the list");
  }
  const optionalString = (name: string, nullable: boolean): string | null | undefined => {
    const value = body[name];
    if (value === undefined || typeof value === "string" || (nullable && value === null)) return value;
    throw unprocessable(
      `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string${nullable ? " or null" : ""}.`,
      CREATE_DOCS,
    );
  };
  const targetUrl = optionalString("target_url", true);
  const description = optionalString("description", true);
  const context = optionalString("context", false) ?? "default";
  const problem = commitStatusProblem(store.statusesFor(repo, sha), context, description ?? null);
  if (problem) throw validationFailed(problem.startsWith("description") ? "description" : "context", problem);
  const status = store.addStatus(repo.fullName, sha, {
    state: body.state as CommitStatusState,
    context,
    description,
    targetUrl,
  });
  return {
    status: 201,
    body: commitStatus(req.api, repo, status),
    headers: { location: statusesUrl(req.api, repo, sha) },
  };
}

function validationFailed(field: string, message: string): ApiError {
  return new ApiError(422, {
    message: "Validation Failed",
    errors: [{ resource: "Status", code: "custom", field, message }],
    documentation_url: CREATE_DOCS,
    status: "422",
  });
}
