/** Builders for full GitHub REST objects (users, repos, commits, tags); every required property of the published schema is present. */
import type { CommitRecord, RepoInfo } from "./types.js";
import { iso, nodeId, stableId } from "./util.js";

export const WEB = "https://github.com";

export function user(api: string, login: string, type = "User"): Record<string, unknown> {
  const id = stableId(login, 1_000_000);
  const u = `${api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: u,
    html_url: `${WEB}/${encodeURIComponent(login)}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function minimalRepository(api: string, r: RepoInfo): Record<string, unknown> {
  const u = `${api}/repos/${r.fullName}`;
  return {
    id: r.id,
    node_id: nodeId("Repository", r.id),
    name: r.name,
    full_name: r.fullName,
    private: true,
    owner: user(api, r.owner, "Organization"),
    html_url: `${WEB}/${r.fullName}`,
    description: `${r.name} service`,
    fork: false,
    url: u,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    hooks_url: `${u}/hooks`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
  };
}

export function fullRepository(api: string, r: RepoInfo): Record<string, unknown> {
  return {
    ...minimalRepository(api, r),
    git_url: `git://github.com/${r.fullName}.git`,
    ssh_url: `git@github.com:${r.fullName}.git`,
    clone_url: `${WEB}/${r.fullName}.git`,
    svn_url: `${WEB}/${r.fullName}`,
    mirror_url: null,
    homepage: null,
    language: "TypeScript",
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    subscribers_count: 1,
    network_count: 0,
    size: 1024,
    default_branch: r.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: "private",
    license: null,
    allow_forking: false,
    web_commit_signoff_required: false,
    pushed_at: iso(r.pushedAt),
    created_at: iso(r.createdAt),
    updated_at: iso(r.pushedAt),
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    delete_branch_on_merge: true,
  };
}

export function commit(api: string, r: RepoInfo, c: CommitRecord): Record<string, unknown> {
  const u = `${api}/repos/${r.fullName}`;
  const gitUser = { name: c.author.name, email: c.author.email, date: iso(c.date) };
  const account = c.author.login ? user(api, c.author.login) : null;
  return {
    sha: c.sha,
    node_id: nodeId("Commit", c.sha),
    commit: {
      author: gitUser,
      committer: gitUser,
      message: c.message,
      tree: { sha: c.treeSha, url: `${u}/git/trees/${c.treeSha}` },
      url: `${u}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    url: `${u}/commits/${c.sha}`,
    html_url: `${WEB}/${r.fullName}/commit/${c.sha}`,
    comments_url: `${u}/commits/${c.sha}/comments`,
    author: account,
    committer: account,
    parents: c.parents.map((p) => ({ sha: p, url: `${u}/commits/${p}`, html_url: `${WEB}/${r.fullName}/commit/${p}` })),
  };
}

export function refObject(api: string, r: RepoInfo, sha: string): { sha: string; url: string } {
  return { sha, url: `${api}/repos/${r.fullName}/commits/${sha}` };
}

export function tag(api: string, r: RepoInfo, name: string, sha: string): Record<string, unknown> {
  return {
    name,
    commit: refObject(api, r, sha),
    zipball_url: `${api}/repos/${r.fullName}/zipball/refs/tags/${encodeURIComponent(name)}`,
    tarball_url: `${api}/repos/${r.fullName}/tarball/refs/tags/${encodeURIComponent(name)}`,
    node_id: nodeId("Ref", `${r.fullName}:refs/tags/${name}`),
  };
}
