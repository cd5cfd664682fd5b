import { Octokit } from "@octokit/rest";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/octokit.js";
import { OctokitSource } from "../../src/github/octokit-source.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { assertCallsMatchOpenApi } from "../support/openapi.js";

const TOKEN = "test-token";
const REPO = { owner: "acme", repo: "ledger" };
const FULL = "acme/ledger";
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let octokit: Octokit;
let github: OctokitSource;
let first: string;
let second: string;
let direct: string;
let open: string;

beforeAll(async () => {
  gh = new GitHubEmulator({ token: TOKEN });
  const url = await gh.start();
  octokit = new Octokit({ baseUrl: url, auth: TOKEN, log: silent });
  github = new OctokitSource(
    createOctokit({ baseUrl: url, token: TOKEN, log: pino({ level: "silent" }), writeSpacingMs: 0 }),
  );
  gh.addRepo({ fullName: FULL });
  const base = gh.addCommit(FULL, { message: "Ledger v1" });
  gh.setBranch(FULL, "feature", base);
  first = gh.addCommit(FULL, { message: "Start", branch: "feature", date: "2026-03-02T09:00:00Z" });
  second = gh.addCommit(FULL, { message: "Finish", branch: "feature", date: "2026-03-03T09:00:00Z" });
  gh.addPullRequest(FULL, {
    branch: "feature",
    title: "Ledger v2",
    openedAt: "2026-03-03T10:00:00Z",
    mergedAt: "2026-03-04T15:30:00Z",
  });
  direct = gh.addCommit(FULL, { message: "Pushed straight to main" });
  gh.setBranch(FULL, "wip", direct);
  open = gh.addCommit(FULL, { message: "Not merged yet", branch: "wip" });
  gh.addPullRequest(FULL, { branch: "wip", openedAt: "2026-03-05T10:00:00Z" });
});

afterAll(async () => {
  await gh.stop();
});

describe("GitHub emulator: pull requests of a commit", () => {
  it("lists the merged pull request that brought a default-branch commit in, and its commits oldest first", async () => {
    const mark = gh.calls.length;
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: second });
    expect(data.map((p) => [p.number, p.state, p.created_at, p.merged_at])).toEqual([
      [1, "closed", "2026-03-03T10:00:00Z", "2026-03-04T15:30:00Z"],
    ]);
    const commits = await octokit.rest.pulls.listCommits({ ...REPO, pull_number: 1 });
    expect(commits.data.map((c) => c.sha)).toEqual([first, second]);
    // The merge commit is the pull request's too.
    const merge = data[0]!.merge_commit_sha!;
    const byMerge = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: merge });
    expect(byMerge.data.map((p) => p.number)).toEqual([1]);
    assertCallsMatchOpenApi(gh.calls.slice(mark));
  });

  it("lists nothing for a commit pushed without one, open ones for a commit off the default branch, 422 for none", async () => {
    const mark = gh.calls.length;
    expect(
      (await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: direct })).data,
    ).toEqual([]);
    const wip = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: open });
    expect(wip.data.map((p) => [p.number, p.state, p.merged_at])).toEqual([[2, "open", null]]);
    await expect(
      octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: "f".repeat(40) }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.pulls.listCommits({ ...REPO, pull_number: 99 })).rejects.toMatchObject({ status: 404 });
    assertCallsMatchOpenApi(gh.calls.slice(mark));
  });
});

describe("Gantry's GitHub adapter: pullRequestOf", () => {
  it("reads the pull request's opening, merge and first commit, and null for a commit without one", async () => {
    expect(await github.pullRequestOf(REPO, second)).toEqual({
      number: 1,
      openedAt: "2026-03-03T10:00:00Z",
      mergedAt: "2026-03-04T15:30:00Z",
      firstCommitAt: "2026-03-02T09:00:00Z",
    });
    expect(await github.pullRequestOf(REPO, direct)).toBeNull();
    await expect(github.pullRequestOf(REPO, "f".repeat(40))).rejects.toMatchObject({ code: expect.any(String) });
  });
});
