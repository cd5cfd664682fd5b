/** Read-only repository endpoints: repo, commits, compare, branches, tags. */
import * as fx from "./fixtures.js";
import { notFound, unprocessable, type ApiRequest, type ApiResponse } from "./http.js";
import type { RepoState, RepoStore } from "./repos.js";
import type { Route } from "./router.js";
import { paginate } from "./util.js";

const COMMIT_DOCS = "https://docs.github.com/rest/commits/commits#get-a-commit";
const COMPARE_DOCS = "https://docs.github.com/rest/commits/commits#compare-two-commits";

export function repoRoutes(store: RepoStore): Route[] {
  const repoOf = (req: ApiRequest): RepoState => store.find(req.params.owner, req.params.repo);
  return [
    {
      method: "GET",
      template: "/repos/{owner}/{repo}",
      operationId: "repos/get",
      handle: (req) => ({ status: 200, body: fx.fullRepository(req.api, repoOf(req)) }),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/commits/{ref}",
      operationId: "repos/get-commit",
      handle: (req) => {
        const repo = repoOf(req);
        const ref = req.params.ref ?? "";
        const sha = store.resolve(repo, ref);
        if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`, COMMIT_DOCS);
        const body = {
          ...fx.commit(req.api, repo, store.commit(repo, sha)),
          stats: { total: 0, additions: 0, deletions: 0 },
          files: [],
        };
        return { status: 200, body };
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/compare/{basehead}",
      operationId: "repos/compare-commits-with-basehead",
      handle: (req) => compare(store, repoOf(req), req),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/branches",
      operationId: "repos/list-branches",
      handle: (req) => {
        const repo = repoOf(req);
        const protectedOnly = req.query.protected === "true";
        const names = [...repo.branches.keys()].filter((n) => !protectedOnly || n === repo.defaultBranch).sort();
        const all = names.map((name) => ({
          name,
          commit: fx.refObject(req.api, repo, repo.branches.get(name) ?? ""),
          protected: name === repo.defaultBranch,
        }));
        return { status: 200, body: paginate(all, req.query), total: all.length };
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/tags",
      operationId: "repos/list-tags",
      handle: (req) => {
        const repo = repoOf(req);
        const all = [...repo.tags.entries()].reverse().map(([name, sha]) => fx.tag(req.api, repo, name, sha));
        return { status: 200, body: paginate(all, req.query), total: all.length };
      },
    },
  ];
}

function compare(store: RepoStore, repo: RepoState, req: ApiRequest): ApiResponse {
  const basehead = req.params.basehead ?? "";
  const parts = basehead.split("...");
  if (parts.length !== 2) throw notFound(COMPARE_DOCS);
  // GitHub accepts "owner:ref" for cross-fork comparisons; here both sides live in the same repo.
  const [base, head] = parts.map((p) => (p.startsWith(`${repo.owner}:`) ? p.slice(repo.owner.length + 1) : p)) as [
    string,
    string,
  ];
  const baseSha = store.resolve(repo, base);
  const headSha = store.resolve(repo, head);
  if (!baseSha || !headSha) throw notFound(COMPARE_DOCS);
  const baseAncestors = store.ancestors(repo, baseSha);
  const headAncestors = store.ancestors(repo, headSha);
  const baseSet = new Set(baseAncestors);
  const headSet = new Set(headAncestors);
  const mergeBase = headAncestors.find((sha) => baseSet.has(sha));
  if (!mergeBase) throw notFound(COMPARE_DOCS);
  // Ancestor lists are nearest first; GitHub lists comparison commits oldest first.
  const ahead = headAncestors.filter((sha) => !baseSet.has(sha)).reverse();
  const behindBy = baseAncestors.filter((sha) => !headSet.has(sha)).length;
  const status =
    baseSha === headSha ? "identical" : behindBy === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  const paged = req.query.page || req.query.per_page ? paginate(ahead, req.query) : ahead.slice(0, 250);
  const web = `${fx.WEB}/${repo.fullName}/compare/${basehead}`;
  const short = (sha: string): string => `${repo.owner}:${sha.slice(0, 7)}`;
  return {
    status: 200,
    body: {
      url: `${req.api}/repos/${repo.fullName}/compare/${basehead}`,
      html_url: web,
      permalink_url: `${fx.WEB}/${repo.fullName}/compare/${short(baseSha)}...${short(headSha)}`,
      diff_url: `${web}.diff`,
      patch_url: `${web}.patch`,
      base_commit: fx.commit(req.api, repo, store.commit(repo, baseSha)),
      merge_base_commit: fx.commit(req.api, repo, store.commit(repo, mergeBase)),
      status,
      ahead_by: ahead.length,
      behind_by: behindBy,
      total_commits: ahead.length,
      commits: paged.map((sha) => fx.commit(req.api, repo, store.commit(repo, sha))),
      files: [],
    },
  };
}
