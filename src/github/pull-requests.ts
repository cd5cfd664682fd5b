/**
 * The pull request that brought a commit in, as DORA's coding and review stages need it: GitHub's merged pull request
 * for the commit (the earliest merged, if several), and its first commit's author date.
 */
import { z } from "zod";
import { CommitDetail } from "./bodies.js";
import { githubError } from "./github-error.js";
import type { GantryOctokit } from "./octokit.js";
import type { PullRequestView, RepoRef } from "./port.js";

const PullSummary = z.object({
  number: z.number().int().positive(),
  created_at: z.string(),
  merged_at: z.string().nullable(),
});
const PullList = z.array(PullSummary);
const PullCommits = z.array(CommitDetail);

export async function readPullRequest(
  octokit: GantryOctokit,
  repo: RepoRef,
  sha: string,
): Promise<PullRequestView | null> {
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: sha,
      per_page: 100,
    });
    const pulls = PullList.parse(data);
    const merged = pulls.filter((p) => p.merged_at !== null).sort((a, b) => a.merged_at!.localeCompare(b.merged_at!));
    const pull = merged[0] ?? pulls[0];
    if (!pull) return null;
    // A pull request lists its commits oldest first: the first one's author date is when coding started.
    const commits = await octokit.rest.pulls.listCommits({ ...repo, pull_number: pull.number, per_page: 1 });
    const first = PullCommits.parse(commits.data)[0];
    return {
      number: pull.number,
      openedAt: pull.created_at,
      mergedAt: pull.merged_at,
      firstCommitAt: first?.commit.author?.date ?? first?.commit.committer?.date ?? null,
    };
  } catch (err) {
    throw githubError(err, `reading the pull request of commit ${sha.slice(0, 7)}`);
  }
}
