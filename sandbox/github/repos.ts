/** Repositories as a tiny commit graph: enough git semantics for ref resolution and comparisons. */
import { notFound } from "./http.js";
import type {
  CommitAuthor,
  CommitRecord,
  CommitStatusRecord,
  CommitStatusState,
  RepoInfo,
  WorkflowInfo,
} from "./types.js";
import { isSha, nowSeconds, sha1, stableId } from "./util.js";

export interface RepoState extends RepoInfo {
  commits: Map<string, CommitRecord>;
  branches: Map<string, string>;
  /** Insertion order is creation order. */
  tags: Map<string, string>;
  /** sha -> status context -> latest state: what deployments check. Kept in step with `statuses`. */
  checks: Map<string, Map<string, CommitStatusState>>;
  /** sha -> every commit status posted on it, oldest first. */
  statuses: Map<string, CommitStatusRecord[]>;
  workflows: WorkflowInfo[];
}

export interface AddRepoOptions {
  fullName: string;
  defaultBranch?: string;
  workflows?: string[];
}

export interface AddStatusOptions {
  state: CommitStatusState;
  /** Default "default", as on GitHub. */
  context?: string;
  description?: string | null;
  targetUrl?: string | null;
  creator?: string;
}

export interface AddCommitOptions {
  message: string;
  author?: CommitAuthor;
  date?: string;
  branch?: string;
  sha?: string;
}

const DEFAULT_AUTHOR: CommitAuthor = { name: "Octo Dev", email: "octodev@example.com", login: "octodev" };

export class RepoStore {
  private readonly repos = new Map<string, RepoState>();
  private commitSeq = 0;
  private statusSeq = 0;

  add(opts: AddRepoOptions): RepoState {
    const [owner, name, extra] = opts.fullName.split("/");
    if (!owner || !name || extra !== undefined) throw new Error(`repo must be "owner/name", got "${opts.fullName}"`);
    if (this.repos.has(opts.fullName)) throw new Error(`repo ${opts.fullName} already exists`);
    const now = nowSeconds();
    const repo: RepoState = {
      id: stableId(opts.fullName, 600_000_000),
      owner,
      name,
      fullName: opts.fullName,
      defaultBranch: opts.defaultBranch ?? "main",
      createdAt: now - 86_400_000,
      pushedAt: now,
      commits: new Map(),
      branches: new Map(),
      tags: new Map(),
      checks: new Map(),
      statuses: new Map(),
      workflows: (opts.workflows ?? ["deploy.yml"]).map((file) => ({
        id: stableId(`${opts.fullName}/${file}`, 90_000_000),
        file,
        name: workflowName(file),
        createdAt: now - 86_400_000,
      })),
    };
    this.repos.set(opts.fullName, repo);
    this.addCommit(opts.fullName, { message: "Initial commit", date: new Date(now - 3_600_000).toISOString() });
    return repo;
  }

  get(fullName: string): RepoState {
    const repo = this.repos.get(fullName);
    if (!repo) throw new Error(`unknown repo ${fullName}; call addRepo first`);
    return repo;
  }

  /** HTTP-side lookup: unknown repos are a 404, as on GitHub. */
  find(owner: string | undefined, name: string | undefined): RepoState {
    const repo = this.repos.get(`${owner}/${name}`);
    if (!repo) throw notFound("https://docs.github.com/rest/repos/repos#get-a-repository");
    return repo;
  }

  all(): RepoState[] {
    return [...this.repos.values()];
  }

  addCommit(fullName: string, opts: AddCommitOptions): string {
    const repo = this.get(fullName);
    const branch = opts.branch ?? repo.defaultBranch;
    const parent = repo.branches.get(branch) ?? repo.branches.get(repo.defaultBranch);
    const seq = ++this.commitSeq;
    const sha = opts.sha ?? sha1(`commit\n${fullName}\n${seq}\n${opts.message}`);
    if (!isSha(sha)) throw new Error(`commit sha must be 40 lowercase hex characters, got "${sha}"`);
    const date = opts.date ? Date.parse(opts.date) : nowSeconds();
    if (Number.isNaN(date)) throw new Error(`invalid commit date "${opts.date}"`);
    repo.commits.set(sha, {
      sha,
      treeSha: sha1(`tree\n${sha}`),
      message: opts.message,
      author: opts.author ?? DEFAULT_AUTHOR,
      date,
      parents: parent ? [parent] : [],
    });
    repo.branches.set(branch, sha);
    repo.pushedAt = Math.max(repo.pushedAt, nowSeconds());
    return sha;
  }

  /** Auto-merge on deployment creation: returns the merge commit, or undefined when nothing needed merging. */
  mergeDefaultInto(fullName: string, branch: string): string | undefined {
    const repo = this.get(fullName);
    const head = repo.branches.get(branch);
    const base = repo.branches.get(repo.defaultBranch);
    if (!head || !base || this.ancestors(repo, head).includes(base)) return undefined;
    const sha = this.addCommit(fullName, {
      message: `Merge branch '${repo.defaultBranch}' into ${branch}`,
      author: { name: "GitHub", email: "noreply@github.com" },
      branch,
    });
    this.commit(repo, sha).parents.push(base);
    return sha;
  }

  setBranch(fullName: string, name: string, sha: string): void {
    const repo = this.get(fullName);
    repo.branches.set(name, this.mustResolve(repo, sha));
  }

  /** Renames a branch, as GitHub's rename-branch does; renaming the default branch makes the new name the default. */
  renameBranch(fullName: string, from: string, to: string): void {
    const repo = this.get(fullName);
    const sha = repo.branches.get(from);
    if (!sha) throw new Error(`no branch ${from} in ${fullName}`);
    repo.branches.delete(from);
    repo.branches.set(to, sha);
    if (repo.defaultBranch === from) repo.defaultBranch = to;
  }

  setTag(fullName: string, name: string, sha: string): void {
    const repo = this.get(fullName);
    repo.tags.set(name, this.mustResolve(repo, sha));
  }

  /** A check is a commit status like any other: it is listed by the statuses API and counts for deployments. */
  setChecks(fullName: string, sha: string, state: CommitStatusState, context: string): void {
    this.addStatus(fullName, sha, { state, context, creator: "github-actions[bot]" });
  }

  /** Posts a commit status on a commit (any ref resolving to one); its context's latest state becomes the commit's check. */
  addStatus(fullName: string, sha: string, opts: AddStatusOptions): CommitStatusRecord {
    const repo = this.get(fullName);
    const full = this.mustResolve(repo, sha);
    const context = opts.context ?? "default";
    const problem = commitStatusProblem(this.statusesFor(repo, full), context, opts.description ?? null);
    if (problem) throw new Error(`cannot add commit status to ${full.slice(0, 7)} in ${fullName}: ${problem}`);
    const status: CommitStatusRecord = {
      id: 40_000_000_000 + ++this.statusSeq,
      sha: full,
      state: opts.state,
      context,
      description: opts.description ?? null,
      targetUrl: opts.targetUrl ?? null,
      creator: opts.creator ?? "gantry-bot[bot]",
      createdAt: Date.now(),
    };
    repo.statuses.set(full, [...this.statusesFor(repo, full), status]);
    // GitHub treats contexts case-insensitively: the newest spelling replaces an older one.
    const contexts = repo.checks.get(full) ?? new Map<string, CommitStatusState>();
    for (const name of contexts.keys()) if (name.toLowerCase() === context.toLowerCase()) contexts.delete(name);
    contexts.set(context, status.state);
    repo.checks.set(full, contexts);
    return status;
  }

  /** The statuses posted on a full sha, oldest first. */
  statusesFor(repo: RepoState, sha: string): CommitStatusRecord[] {
    return repo.statuses.get(sha) ?? [];
  }

  /** Branch, tag, full sha or a unique abbreviated sha (>= 7 chars), in GitHub's precedence. */
  resolve(repo: RepoState, ref: string): string | undefined {
    if (repo.commits.has(ref)) return ref;
    const named = this.resolveBranchOrTag(repo, ref);
    if (named) return named.sha;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const matches = [...repo.commits.keys()].filter((sha) => sha.startsWith(ref));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** What workflow_dispatch accepts: branch or tag names, optionally fully qualified. */
  resolveBranchOrTag(repo: RepoState, ref: string): { sha: string; kind: "branch" | "tag"; name: string } | undefined {
    const branch = ref.replace(/^refs\/heads\/|^heads\//, "");
    const branchSha = repo.branches.get(branch);
    if (branchSha && !/^refs\/tags\/|^tags\//.test(ref)) return { sha: branchSha, kind: "branch", name: branch };
    const tagName = ref.replace(/^refs\/tags\/|^tags\//, "");
    const tagSha = repo.tags.get(tagName);
    if (tagSha && !/^refs\/heads\/|^heads\//.test(ref)) return { sha: tagSha, kind: "tag", name: tagName };
    return undefined;
  }

  /** All ancestors of sha including itself, nearest first. */
  ancestors(repo: RepoState, sha: string): string[] {
    const seen = new Set<string>();
    const queue = [sha];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(repo.commits.get(next)?.parents ?? []));
    }
    return [...seen];
  }

  commit(repo: RepoState, sha: string): CommitRecord {
    const c = repo.commits.get(sha);
    if (!c) throw new Error(`commit ${sha} missing from ${repo.fullName}`);
    return c;
  }

  private mustResolve(repo: RepoState, ref: string): string {
    const sha = this.resolve(repo, ref);
    if (!sha) throw new Error(`unknown commit "${ref}" in ${repo.fullName}`);
    return sha;
  }
}

/** GitHub keeps at most this many statuses per commit and context. */
export const MAX_STATUSES_PER_CONTEXT = 1000;
export const MAX_STATUS_DESCRIPTION = 140;

/** What GitHub would refuse about a new status, in its words; undefined when it is acceptable. */
export function commitStatusProblem(
  existing: readonly CommitStatusRecord[],
  context: string,
  description: string | null,
): string | undefined {
  if (description !== null && description.length > MAX_STATUS_DESCRIPTION)
    return `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)`;
  const sameContext = existing.filter((s) => s.context.toLowerCase() === context.toLowerCase()).length;
  if (sameContext >= MAX_STATUSES_PER_CONTEXT)
    return "This SHA and context has reached the maximum number of statuses.";
  return undefined;
}

/** "deploy-prod.yml" -> "Deploy Prod": stands in for the workflow's `name:`. */
function workflowName(file: string): string {
  return file
    .replace(/\.ya?ml$/, "")
    .split(/[-_ ]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}
