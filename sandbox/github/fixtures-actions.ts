/** Builders for GitHub Actions objects: workflow and workflow-run, complete per the published schema. */
import { minimalRepository, user, WEB } from "./fixtures.js";
import type { CommitRecord, RepoInfo, RunRecord, WorkflowInfo } from "./types.js";
import { iso, nodeId } from "./util.js";

export function workflow(api: string, r: RepoInfo, w: WorkflowInfo): Record<string, unknown> {
  return {
    id: w.id,
    node_id: nodeId("Workflow", w.id),
    name: w.name,
    path: `.github/workflows/${w.file}`,
    state: "active",
    created_at: iso(w.createdAt),
    updated_at: iso(w.createdAt),
    url: `${api}/repos/${r.fullName}/actions/workflows/${w.id}`,
    html_url: `${WEB}/${r.fullName}/blob/${r.defaultBranch}/.github/workflows/${w.file}`,
    badge_url: `${WEB}/${r.fullName}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
  };
}

export function workflowRun(
  api: string,
  r: RepoInfo,
  w: WorkflowInfo,
  run: RunRecord,
  head: CommitRecord,
): Record<string, unknown> {
  const u = `${api}/repos/${r.fullName}/actions/runs/${run.id}`;
  const checkSuiteId = run.id * 2;
  const repo = minimalRepository(api, r);
  const actor = user(api, "gantry-bot[bot]", "Bot");
  return {
    id: run.id,
    name: w.name,
    node_id: nodeId("WorkflowRun", run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${w.file}`,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: w.id,
    check_suite_id: checkSuiteId,
    check_suite_node_id: nodeId("CheckSuite", checkSuiteId),
    url: u,
    html_url: `${WEB}/${r.fullName}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: iso(run.createdAt),
    updated_at: iso(run.updatedAt),
    actor,
    triggering_actor: actor,
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: iso(run.runStartedAt),
    jobs_url: `${u}/jobs`,
    logs_url: `${u}/logs`,
    check_suite_url: `${api}/repos/${r.fullName}/check-suites/${checkSuiteId}`,
    artifacts_url: `${u}/artifacts`,
    cancel_url: `${u}/cancel`,
    rerun_url: `${u}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/repos/${r.fullName}/actions/workflows/${w.id}`,
    head_commit: {
      id: head.sha,
      tree_id: head.treeSha,
      message: head.message,
      timestamp: iso(head.date),
      author: { name: head.author.name, email: head.author.email },
      committer: { name: head.author.name, email: head.author.email },
    },
    repository: repo,
    head_repository: repo,
  };
}
