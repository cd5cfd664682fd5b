/** Source control on GitHub over Octokit: the default branch, refs, commits, comparisons, commit statuses and pull requests. */
import { RequestError } from "@octokit/request-error";
import { GantryError } from "../errors.js";
import { CommitBody, CommitDetail, CommitStatusList, Comparison, NamedList, RepoBody, toCommit } from "./bodies.js";
import { githubError } from "./github-error.js";
import type { GantryOctokit } from "./octokit.js";
import type { CompareResult, PullRequestView, RepoRef, ResolvedRef, SourcePort } from "./port.js";
import { readPullRequest } from "./pull-requests.js";

const COMPARE_MAX_PAGES = 10;

/**
 * A repository's default branch is renamed rarely, and a dispatch that names a branch GitHub no longer has asks again
 * (see the workflow runner): an hour is plenty.
 */
const DEFAULT_BRANCH_TTL_MS = 60 * 60_000;
/** A commit (or a comparison of two) never changes once named by sha: this many are kept, so a deploy reads each once. */
const IMMUTABLE_CACHE_SIZE = 500;
const FULL_SHA = /^[0-9a-f]{40}$/;

/** Adds to a bounded map; the oldest entry goes when it is full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= IMMUTABLE_CACHE_SIZE && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
}

export class OctokitSource implements SourcePort {
  private readonly defaults = new Map<string, { branch: string; at: number }>();
  private readonly readingDefaults = new Map<string, Promise<string>>();
  private readonly commits = new Map<string, CompareResult["commits"][number]>();
  private readonly comparisons = new Map<string, CompareResult>();

  constructor(private readonly octokit: GantryOctokit) {}

  defaultBranch(repo: RepoRef, opts: { fresh?: boolean } = {}): Promise<string> {
    const key = `${repo.owner}/${repo.repo}`;
    const cached = this.defaults.get(key);
    if (!opts.fresh && cached && Date.now() - cached.at < DEFAULT_BRANCH_TTL_MS) return Promise.resolve(cached.branch);
    // Asked again while a read is on its way (the start-up warm-up and a first deploy): one read answers both.
    const reading = this.readingDefaults.get(key);
    if (reading && !opts.fresh) return reading;
    // A fresh read started meanwhile owns the entry now: only the read that is still listed removes it.
    const read: Promise<string> = this.readDefaultBranch(repo).finally(() => {
      if (this.readingDefaults.get(key) === read) this.readingDefaults.delete(key);
    });
    this.readingDefaults.set(key, read);
    return read;
  }

  private async readDefaultBranch(repo: RepoRef): Promise<string> {
    try {
      const { data } = await this.octokit.rest.repos.get(repo);
      const branch = RepoBody.parse(data).default_branch;
      this.defaults.set(`${repo.owner}/${repo.repo}`, { branch, at: Date.now() });
      return branch;
    } catch (err) {
      throw githubError(err, `reading ${repo.owner}/${repo.repo}`);
    }
  }

  async listBranches(repo: RepoRef, limit: number): Promise<string[]> {
    try {
      const [{ data }, main] = await Promise.all([
        this.octokit.rest.repos.listBranches({ ...repo, per_page: Math.min(100, limit) }),
        this.defaultBranch(repo),
      ]);
      const names = NamedList.parse(data).map((b) => b.name);
      return [...names.filter((n) => n === main), ...names.filter((n) => n !== main)];
    } catch (err) {
      throw githubError(err, `listing the branches of ${repo.owner}/${repo.repo}`);
    }
  }

  async listTags(repo: RepoRef, limit: number): Promise<string[]> {
    try {
      const { data } = await this.octokit.rest.repos.listTags({ ...repo, per_page: Math.min(100, limit) });
      return NamedList.parse(data).map((t) => t.name);
    } catch (err) {
      throw githubError(err, `listing the tags of ${repo.owner}/${repo.repo}`);
    }
  }

  async resolveRef(repo: RepoRef, ref: string): Promise<ResolvedRef> {
    try {
      const { data } = await this.octokit.rest.repos.getCommit({ ...repo, ref, per_page: 1 });
      const { sha } = CommitBody.parse(data);
      const detail = CommitDetail.safeParse(data);
      if (detail.success) this.keepCommit(repo, toCommit(detail.data));
      return { ref, sha };
    } catch (err) {
      if (err instanceof RequestError && (err.status === 404 || err.status === 422)) {
        throw new GantryError(
          "github_ref_not_found",
          `\`${ref}\` is not a branch, tag or commit in ${repo.owner}/${repo.repo}`,
          {
            status: err.status,
          },
        );
      }
      throw githubError(err, `resolving \`${ref}\``);
    }
  }

  async compare(repo: RepoRef, base: string, head: string): Promise<CompareResult> {
    // Between two shas the answer never changes: a deploy compares at launch and again when it records its commits.
    const key = FULL_SHA.test(base) && FULL_SHA.test(head) ? `${repo.owner}/${repo.repo}@${base}...${head}` : undefined;
    const cached = key ? this.comparisons.get(key) : undefined;
    if (cached) return { total: cached.total, commits: cached.commits.map((c) => ({ ...c })) };
    try {
      const commits: CommitDetail[] = [];
      let total = 0;
      // GitHub pages the commit list of a comparison; a big release can span several pages.
      for (let page = 1; page <= COMPARE_MAX_PAGES; page++) {
        const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
          ...repo,
          basehead: `${base}...${head}`,
          per_page: 100,
          page,
        });
        const body = Comparison.parse(data);
        total = body.total_commits;
        commits.push(...body.commits);
        if (body.commits.length < 100 || commits.length >= total) break;
      }
      const result = { total, commits: commits.map(toCommit) };
      if (key) remember(this.comparisons, key, { total, commits: result.commits.map((c) => ({ ...c })) });
      return result;
    } catch (err) {
      throw githubError(err, `comparing ${base.slice(0, 7)}...${head.slice(0, 7)}`);
    }
  }

  async commit(repo: RepoRef, sha: string): Promise<CompareResult["commits"][number]> {
    const cached = this.commits.get(`${repo.owner}/${repo.repo}@${sha}`);
    if (cached) return { ...cached };
    try {
      const { data } = await this.octokit.rest.repos.getCommit({ ...repo, ref: sha, per_page: 1 });
      return this.keepCommit(repo, toCommit(CommitDetail.parse(data)));
    } catch (err) {
      throw githubError(err, `reading commit ${sha.slice(0, 7)}`);
    }
  }

  pullRequestOf(repo: RepoRef, sha: string): Promise<PullRequestView | null> {
    return readPullRequest(this.octokit, repo, sha);
  }

  /** Keeps a commit by its full sha. */
  private keepCommit(repo: RepoRef, c: CompareResult["commits"][number]): CompareResult["commits"][number] {
    if (FULL_SHA.test(c.sha)) remember(this.commits, `${repo.owner}/${repo.repo}@${c.sha}`, { ...c });
    return c;
  }

  async statusDescription(repo: RepoRef, sha: string, context: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.listCommitStatusesForRef({ ...repo, ref: sha, per_page: 100 });
      // GitHub lists newest first and treats contexts case-insensitively; only the newest one of the context counts.
      const wanted = context.toLowerCase();
      const newest = CommitStatusList.parse(data).find((s) => s.context.toLowerCase() === wanted);
      return newest?.description || undefined;
    } catch (err) {
      throw githubError(err, `reading the commit statuses of ${sha.slice(0, 7)}`);
    }
  }
}
