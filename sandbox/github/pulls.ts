/**
 * Pull requests, as far as Gantry reads them: the merged pull request that brought a commit in
 * (`GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls`) and a pull request's commits
 * (`GET /repos/{owner}/{repo}/pulls/{pull_number}/commits`). Opened from a branch, merged with a merge commit.
 */
import * as fx from "./fixtures.js";
import { notFound, unprocessable, type ApiRequest } from "./http.js";
import type { RepoState, RepoStore } from "./repos.js";
import type { Route } from "./router.js";
import type { RepoInfo } from "./types.js";
import { iso, nodeId, paginate } from "./util.js";

export interface PullRecord {
  number: number;
  title: string;
  creator: string;
  branch: string;
  /** The branch's commits that were not on the base branch when it was opened, oldest first. */
  commits: string[];
  headSha: string;
  baseRef: string;
  baseSha: string;
  /** Unix ms (whole seconds). */
  createdAt: number;
  mergedAt: number | null;
  mergeCommitSha: string | null;
}

export interface AddPullOptions {
  /** The branch with the change; its commits not on the default branch become the pull request's. */
  branch: string;
  title?: string;
  creator?: string;
  /** ISO 8601; default now. */
  openedAt?: string;
  /** Merge it into the default branch (a merge commit) at this ISO 8601 time. */
  mergedAt?: string;
}

const COMMIT_PULLS_DOCS = "https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit";
const PULL_DOCS = "https://docs.github.com/rest/pulls/pulls#list-commits-on-a-pull-request";

/** Whole seconds, in ms, as GitHub's times are. */
const instant = (at: string | undefined): number => {
  const ms = at ? Date.parse(at) : Date.now();
  if (Number.isNaN(ms)) throw new Error(`invalid time "${at}"`);
  return Math.floor(ms / 1000) * 1000;
};

export class PullEngine {
  private readonly pulls = new Map<string, PullRecord[]>();

  constructor(private readonly store: RepoStore) {}

  add(fullName: string, opts: AddPullOptions): PullRecord {
    const repo = this.store.get(fullName);
    const head = repo.branches.get(opts.branch);
    const base = repo.branches.get(repo.defaultBranch);
    if (!head || !base) throw new Error(`no branch ${opts.branch} in ${fullName}`);
    const onBase = new Set(this.store.ancestors(repo, base));
    const list = this.pulls.get(fullName) ?? [];
    const pull: PullRecord = {
      number: list.length + 1,
      title: opts.title ?? opts.branch,
      creator: opts.creator ?? "octocat",
      branch: opts.branch,
      commits: this.store
        .ancestors(repo, head)
        .filter((sha) => !onBase.has(sha))
        .reverse(),
      headSha: head,
      baseRef: repo.defaultBranch,
      baseSha: base,
      createdAt: instant(opts.openedAt),
      mergedAt: null,
      mergeCommitSha: null,
    };
    list.push(pull);
    this.pulls.set(fullName, list);
    if (opts.mergedAt) {
      const merge = this.store.addCommit(fullName, {
        message: `Merge pull request #${pull.number} from ${repo.owner}/${opts.branch}`,
        author: { name: "GitHub", email: "noreply@github.com" },
        date: opts.mergedAt,
      });
      this.store.commit(repo, merge).parents.push(head);
      pull.mergedAt = instant(opts.mergedAt);
      pull.mergeCommitSha = merge;
    }
    return { ...pull, commits: [...pull.commits] };
  }

  routes(): Route[] {
    const repoOf = (req: ApiRequest): RepoState => this.store.find(req.params.owner, req.params.repo);
    return [
      {
        method: "GET",
        template: "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
        operationId: "repos/list-pull-requests-associated-with-commit",
        handle: (req) => {
          const repo = repoOf(req);
          const sha = this.store.resolve(repo, req.params.commit_sha ?? "");
          if (!sha) throw unprocessable(`No commit found for SHA: ${req.params.commit_sha}`, COMMIT_PULLS_DOCS);
          const all = (this.pulls.get(repo.fullName) ?? []).filter(
            (p) => p.commits.includes(sha) || p.mergeCommitSha === sha,
          );
          // On the default branch GitHub lists the merged pull request that brought the commit in; elsewhere open ones too.
          const onDefault = this.store.ancestors(repo, repo.branches.get(repo.defaultBranch) ?? "").includes(sha);
          const listed = onDefault ? all.filter((p) => p.mergedAt !== null) : all;
          const body = listed.map((p) => pullRequest(req.api, repo, p));
          return { status: 200, body: paginate(body, req.query), total: body.length };
        },
      },
      {
        method: "GET",
        template: "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
        operationId: "pulls/list-commits",
        handle: (req) => {
          const repo = repoOf(req);
          const pull = (this.pulls.get(repo.fullName) ?? []).find((p) => String(p.number) === req.params.pull_number);
          if (!pull) throw notFound(PULL_DOCS);
          const body = pull.commits.map((sha) => fx.commit(req.api, repo, this.store.commit(repo, sha)));
          return { status: 200, body: paginate(body, req.query), total: body.length };
        },
      },
    ];
  }
}

function pullRequest(api: string, r: RepoInfo, p: PullRecord): Record<string, unknown> {
  const u = `${api}/repos/${r.fullName}`;
  const self = `${u}/pulls/${p.number}`;
  const html = `${fx.WEB}/${r.fullName}/pull/${p.number}`;
  const id = r.id * 10_000 + p.number;
  const author = fx.user(api, p.creator);
  const end = (ref: string, sha: string) => ({
    label: `${r.owner}:${ref}`,
    ref,
    sha,
    user: fx.user(api, r.owner, "Organization"),
    repo: fx.fullRepository(api, r),
  });
  return {
    url: self,
    id,
    node_id: nodeId("PullRequest", id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${u}/issues/${p.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${u}/pulls/comments{/number}`,
    comments_url: `${u}/issues/${p.number}/comments`,
    statuses_url: `${u}/statuses/${p.headSha}`,
    number: p.number,
    state: p.mergedAt === null ? "open" : "closed",
    locked: false,
    title: p.title,
    user: author,
    body: null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: iso(p.createdAt),
    updated_at: iso(p.mergedAt ?? p.createdAt),
    closed_at: p.mergedAt === null ? null : iso(p.mergedAt),
    merged_at: p.mergedAt === null ? null : iso(p.mergedAt),
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: end(p.branch, p.headSha),
    base: end(p.baseRef, p.baseSha),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${u}/issues/${p.number}` },
      comments: { href: `${u}/issues/${p.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${u}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${u}/statuses/${p.headSha}` },
    },
    author_association: "MEMBER",
    auto_merge: null,
    draft: false,
  };
}
