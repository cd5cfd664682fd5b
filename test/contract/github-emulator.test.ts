import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import type { RecordedCall, RunRecord } from "../../sandbox/github/types.js";
import { assertCallsMatchOpenApi, validateCall } from "../support/openapi.js";

const TOKEN = "test-token";
const REPO = { owner: "acme", repo: "checkout-api" };
const FULL = "acme/checkout-api";
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let octokit: Octokit;
let featureSha: string;

/** Every test ends by holding its own calls to GitHub's contract. */
function contractSince(mark: number): void {
  assertCallsMatchOpenApi(gh.calls.slice(mark));
}

async function statusOf(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
    return { status: 0, data: undefined };
  } catch (err) {
    const e = err as { status?: number; response?: { data?: unknown } };
    return { status: e.status ?? -1, data: e.response?.data };
  }
}

beforeAll(async () => {
  gh = new GitHubEmulator({ token: TOKEN });
  const url = await gh.start();
  octokit = new Octokit({ baseUrl: url, auth: TOKEN, log: silent });
  gh.addRepo({ fullName: FULL, workflows: ["deploy.yml", "ci.yml"] });
  const main = gh.addCommit(FULL, {
    message: "Add checkout endpoint",
    author: { name: "Alice", email: "alice@example.com", login: "alice" },
  });
  gh.setTag(FULL, "v1.0.0", main);
  gh.addCommit(FULL, { message: "Feature part 1", branch: "feature/pay" });
  featureSha = gh.addCommit(FULL, { message: "Feature part 2", branch: "feature/pay" });
});

afterAll(async () => {
  await gh.stop();
});

describe("GitHub emulator: repository reads", () => {
  it("serves the repo, commits by every kind of ref, branches, tags and comparisons", async () => {
    const mark = gh.calls.length;
    const repo = await octokit.rest.repos.get(REPO);
    expect(repo.data.default_branch).toBe("main");
    expect(repo.data.full_name).toBe(FULL);

    const byBranch = await octokit.rest.repos.getCommit({ ...REPO, ref: "main", per_page: 1 });
    const mainSha = byBranch.data.sha;
    expect(mainSha).toMatch(/^[0-9a-f]{40}$/);
    expect(byBranch.data.commit.message).toBe("Add checkout endpoint");
    expect((await octokit.rest.repos.getCommit({ ...REPO, ref: mainSha.slice(0, 7) })).data.sha).toBe(mainSha);
    expect((await octokit.rest.repos.getCommit({ ...REPO, ref: "v1.0.0" })).data.sha).toBe(mainSha);
    expect((await octokit.rest.repos.getCommit({ ...REPO, ref: "feature/pay" })).data.sha).toBe(featureSha);

    const unknown = await statusOf(octokit.rest.repos.getCommit({ ...REPO, ref: "nope" }));
    expect(unknown).toMatchObject({ status: 422, data: { message: "No commit found for SHA: nope" } });

    const cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: "main...feature/pay" });
    expect(cmp.data).toMatchObject({ status: "ahead", ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(cmp.data.commits.map((c) => c.commit.message)).toEqual(["Feature part 1", "Feature part 2"]);
    const back = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: "feature/pay...main" });
    expect(back.data).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 2 });

    const page2 = await octokit.rest.repos.listBranches({ ...REPO, per_page: 1, page: 2 });
    expect(page2.data.map((b) => b.name)).toEqual(["main"]);
    expect(page2.headers.link).toContain('rel="prev"');
    const all = await octokit.paginate(octokit.rest.repos.listBranches, { ...REPO, per_page: 1 });
    expect(all.map((b) => b.name)).toEqual(["feature/pay", "main"]);
    const tags = await octokit.rest.repos.listTags({ ...REPO, per_page: 10 });
    expect(tags.data).toMatchObject([{ name: "v1.0.0", commit: { sha: mainSha } }]);
    expect(repo.headers["x-ratelimit-remaining"]).toMatch(/^\d+$/);
    contractSince(mark);
  });
});

describe("GitHub emulator: workflows and runs", () => {
  it("answers 204 to a dispatch when run details are off, and the run is found by listing", async () => {
    const mark = gh.calls.length;
    gh.returnRunDetails = false;
    // Hold the run in queued until released, so the `status: "queued"` listing below cannot race its timer.
    gh.setRunScript(() => ({ hold: true, queuedMs: 60_000 }));
    const since = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const res = await octokit.rest.actions.createWorkflowDispatch({
      ...REPO,
      workflow_id: "deploy.yml",
      ref: "main",
      inputs: { environment: "staging", gantry_deploy_id: "gd_abc123" },
      return_run_details: true,
    });
    expect(res.status).toBe(204);
    const workflow = await octokit.rest.actions.getWorkflow({ ...REPO, workflow_id: "deploy.yml" });
    expect(workflow.data.path).toBe(".github/workflows/deploy.yml");

    const listed = await octokit.rest.actions.listWorkflowRuns({
      ...REPO,
      workflow_id: "deploy.yml",
      event: "workflow_dispatch",
      created: `>=${since}`,
      per_page: 30,
    });
    const run = listed.data.workflow_runs.find((r) => r.display_title.includes("gd_abc123"));
    expect(run).toMatchObject({
      display_title: "Deploy staging gd_abc123",
      event: "workflow_dispatch",
      head_branch: "main",
    });
    expect(run?.html_url).toBe(`https://github.com/${FULL}/actions/runs/${run?.id}`);
    const byId = await octokit.rest.actions.listWorkflowRuns({
      ...REPO,
      workflow_id: workflow.data.id,
      branch: "main",
    });
    expect(byId.data.total_count).toBeGreaterThanOrEqual(1);
    const forRepo = await octokit.rest.actions.listWorkflowRunsForRepo({
      ...REPO,
      head_sha: run?.head_sha,
      status: "queued",
    });
    expect(forRepo.data.workflow_runs.map((r) => r.id)).toContain(run?.id);
    const future = await octokit.rest.actions.listWorkflowRunsForRepo({ ...REPO, created: ">=2999-01-01T00:00:00Z" });
    expect(future.data).toEqual({ total_count: 0, workflow_runs: [] });
    gh.completeRun(run!.id, "success");
    await gh.waitForRun((r) => r.id === run?.id && r.status === "completed");
    contractSince(mark);
  });

  it("answers 200 with run details and moves the run queued -> in_progress -> completed", async () => {
    const mark = gh.calls.length;
    gh.returnRunDetails = true;
    gh.setRunScript(() => ({ conclusion: "failure", queuedMs: 5, runMs: 10 }));
    const seen: RunRecord[] = [];
    const onRun = (r: RunRecord): number => seen.push(r);
    gh.on("run", onRun);
    const res = await octokit.rest.actions.createWorkflowDispatch({
      ...REPO,
      workflow_id: "deploy.yml",
      ref: "v1.0.0",
      inputs: { environment: "production", gantry_deploy_id: "gd_xyz789" },
      return_run_details: true,
    });
    expect(res.status).toBe(200);
    const details = res.data as { workflow_run_id: number; html_url: string; run_url: string };
    expect(details.html_url).toBe(`https://github.com/${FULL}/actions/runs/${details.workflow_run_id}`);
    const done = await gh.waitForRun((r) => r.id === details.workflow_run_id && r.status === "completed");
    gh.off("run", onRun);
    expect(seen.filter((r) => r.id === details.workflow_run_id).map((r) => r.status)).toEqual([
      "queued",
      "in_progress",
      "completed",
    ]);
    expect(done.conclusion).toBe("failure");

    const run = await octokit.rest.actions.getWorkflowRun({ ...REPO, run_id: details.workflow_run_id });
    expect(run.data).toMatchObject({
      status: "completed",
      conclusion: "failure",
      display_title: "Deploy production gd_xyz789",
      head_branch: "v1.0.0",
    });
    expect(run.data.head_sha).toBe(gh.resolveRef(FULL, "v1.0.0"));
    gh.setRunScript(() => ({}));
    contractSince(mark);
  });

  it("returns an ETag for a run and 304 when it has not changed", async () => {
    const mark = gh.calls.length;
    gh.setRunScript(() => ({ hold: true, queuedMs: 1 }));
    const res = await octokit.rest.actions.createWorkflowDispatch({
      ...REPO,
      workflow_id: "deploy.yml",
      ref: "main",
      inputs: { environment: "staging", gantry_deploy_id: "gd_etag" },
      return_run_details: true,
    });
    const runId = (res.data as { workflow_run_id: number }).workflow_run_id;
    await gh.waitForRun((r) => r.id === runId && r.status === "in_progress");
    const first = await octokit.rest.actions.getWorkflowRun({ ...REPO, run_id: runId });
    const etag = first.headers.etag ?? "";
    expect(etag).toMatch(/^(W\/)?".+"$/);
    const unchanged = await statusOf(
      octokit.rest.actions.getWorkflowRun({ ...REPO, run_id: runId, headers: { "if-none-match": etag } }),
    );
    expect(unchanged.status).toBe(304);
    gh.completeRun(runId, "success");
    const changed = await octokit.rest.actions.getWorkflowRun({
      ...REPO,
      run_id: runId,
      headers: { "if-none-match": etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.data.conclusion).toBe("success");
    expect(gh.calls.at(-2)?.responseHeaders["x-ratelimit-remaining"]).toBeDefined();
    gh.setRunScript(() => ({}));
    contractSince(mark);
  });

  it("cancels an in-progress run with 202, and refuses to cancel a completed one with 409", async () => {
    const mark = gh.calls.length;
    gh.setRunScript(() => ({ hold: true, queuedMs: 1 }));
    const res = await octokit.rest.actions.createWorkflowDispatch({
      ...REPO,
      workflow_id: "ci.yml",
      ref: "feature/pay",
      return_run_details: true,
    });
    const runId = (res.data as { workflow_run_id: number }).workflow_run_id;
    await gh.waitForRun((r) => r.id === runId && r.status === "in_progress");
    const cancel = await octokit.rest.actions.cancelWorkflowRun({ ...REPO, run_id: runId });
    expect(cancel.status).toBe(202);
    expect(gh.runs.find((r) => r.id === runId)).toMatchObject({
      status: "completed",
      conclusion: "cancelled",
      displayTitle: "Ci",
    });
    expect((await statusOf(octokit.rest.actions.cancelWorkflowRun({ ...REPO, run_id: runId }))).status).toBe(409);
    gh.setRunScript(() => ({}));
    contractSince(mark);
  });

  it("rejects a dispatch to an unknown ref with 422 and to an unknown workflow with 404", async () => {
    const mark = gh.calls.length;
    const badRef = await statusOf(
      octokit.rest.actions.createWorkflowDispatch({ ...REPO, workflow_id: "deploy.yml", ref: "no-such-branch" }),
    );
    expect(badRef).toMatchObject({ status: 422, data: { message: "No ref found for: no-such-branch" } });
    const badWorkflow = await statusOf(
      octokit.rest.actions.createWorkflowDispatch({ ...REPO, workflow_id: "nope.yml", ref: "main" }),
    );
    expect(badWorkflow.status).toBe(404);
    expect((await statusOf(octokit.rest.actions.getWorkflowRun({ ...REPO, run_id: 1 }))).status).toBe(404);
    contractSince(mark);
  });
});

describe("GitHub emulator: deployments", () => {
  it("refuses a deployment with 409 while checks fail, then creates one whose deployer posts statuses", async () => {
    const mark = gh.calls.length;
    const sha = gh.resolveRef(FULL, "main") ?? "";
    gh.setCommitChecks(FULL, sha, "failure");
    const refused = await statusOf(
      octokit.rest.repos.createDeployment({ ...REPO, ref: sha, environment: "staging", auto_merge: false }),
    );
    expect(refused).toMatchObject({
      status: 409,
      data: { message: `Conflict: Commit status checks failed for ${sha}.` },
    });

    gh.setCommitChecks(FULL, sha, "success");
    const done = new Promise<void>((resolve) => {
      gh.on("deployment_status", function onStatus({ status }) {
        if (status.state !== "success") return;
        gh.off("deployment_status", onStatus);
        resolve();
      });
    });
    const created = await octokit.rest.repos.createDeployment({
      ...REPO,
      ref: sha,
      environment: "staging",
      description: "Deploy gd_1",
      payload: { gantry_deploy_id: "gd_1" },
      auto_merge: false,
    });
    expect(created.status).toBe(201);
    const deployment = created.data as { id: number; sha: string; payload: unknown };
    expect(deployment).toMatchObject({ sha, payload: { gantry_deploy_id: "gd_1" } });
    await done;

    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      ...REPO,
      deployment_id: deployment.id,
      per_page: 1,
    });
    expect(statuses.data.map((s) => s.state)).toEqual(["success"]);
    const all = await octokit.rest.repos.listDeploymentStatuses({ ...REPO, deployment_id: deployment.id });
    expect(all.data.map((s) => s.state)).toEqual(["success", "in_progress", "queued"]);
    const unchanged = await statusOf(
      octokit.rest.repos.listDeploymentStatuses({
        ...REPO,
        deployment_id: deployment.id,
        per_page: 1,
        headers: { "if-none-match": statuses.headers.etag ?? "" },
      }),
    );
    expect(unchanged.status).toBe(304);

    const manual = await octokit.rest.repos.createDeploymentStatus({
      ...REPO,
      deployment_id: deployment.id,
      state: "inactive",
      description: "superseded",
    });
    expect(manual.status).toBe(201);
    expect((await octokit.rest.repos.getDeployment({ ...REPO, deployment_id: deployment.id })).data.id).toBe(
      deployment.id,
    );
    const listed = await octokit.rest.repos.listDeployments({ ...REPO, environment: "staging", sha });
    expect(listed.data[0]?.id).toBe(deployment.id);
    expect((await statusOf(octokit.rest.repos.getDeployment({ ...REPO, deployment_id: 42 }))).status).toBe(404);
    contractSince(mark);
  });

  it("skips checks with required_contexts: [], holds statuses on request, and auto-merges a branch that is behind", async () => {
    const mark = gh.calls.length;
    const sha = gh.resolveRef(FULL, "main") ?? "";
    gh.setCommitChecks(FULL, sha, "pending");
    gh.setDeploymentScript(() => ({ hold: true }));
    const created = await octokit.rest.repos.createDeployment({
      ...REPO,
      ref: "main",
      environment: "production",
      required_contexts: [],
      payload: '{"a":1}',
    });
    const id = (created.data as { id: number }).id;
    expect(created.data).toMatchObject({ payload: { a: 1 }, production_environment: true });
    gh.addDeploymentStatus(FULL, id, "failure", { description: "boom", logUrl: "https://deployer.example.com/1" });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...REPO, deployment_id: id });
    expect(statuses.data).toMatchObject([
      { state: "failure", log_url: "https://deployer.example.com/1", target_url: "https://deployer.example.com/1" },
    ]);

    gh.addCommit(FULL, { message: "Hotfix on main" });
    const merged = await octokit.rest.repos.createDeployment({
      ...REPO,
      ref: "feature/pay",
      environment: "qa",
      required_contexts: [],
    });
    expect(merged.status).toBe(202);
    expect(merged.data).toEqual({ message: "Auto-merged main into feature/pay on deployment." });
    gh.setDeploymentScript(() => ({}));
    contractSince(mark);
  });
});

describe("GitHub emulator: faults, auth and unknown routes", () => {
  it("injects a 503 once, drops a connection, adds latency, and flags unimplemented routes", async () => {
    const mark = gh.calls.length;
    gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}", status: 503, times: 1 });
    expect((await statusOf(octokit.rest.repos.get(REPO))).status).toBe(503);
    expect((await octokit.rest.repos.get(REPO)).status).toBe(200);

    gh.faults.add({ path: /\/commits\//, drop: true });
    await expect(octokit.rest.repos.getCommit({ ...REPO, ref: "main" })).rejects.toThrow();
    expect(gh.calls.at(-1)).toMatchObject({
      status: 0,
      fault: true,
      pathTemplate: "/repos/{owner}/{repo}/commits/{ref}",
    });

    gh.faults.add({ path: `/repos/${FULL}/branches`, delayMs: 30 });
    const slow = await octokit.rest.repos.listBranches(REPO);
    expect(slow.status).toBe(200);
    expect(gh.calls.at(-1)?.durationMs).toBeGreaterThanOrEqual(25);
    expect(gh.faults.pending()).toEqual([]);

    const pulls = await statusOf(octokit.rest.pulls.list(REPO));
    expect(pulls).toMatchObject({ status: 404, data: { message: "Not Found" } });
    expect(gh.unexpectedCalls().map((c) => `${c.method} ${c.path}`)).toEqual([`GET /repos/${FULL}/pulls`]);

    const stranger = new Octokit({ baseUrl: gh.url, auth: "wrong", log: silent });
    expect(await statusOf(stranger.rest.repos.get(REPO))).toMatchObject({
      status: 401,
      data: { message: "Bad credentials" },
    });
    const seen = await gh.waitForCall((c) => c.status === 401);
    expect(seen.headers.authorization).toBe("token wrong");
    await expect(gh.waitForCall((c) => c.path === "/never", 20)).rejects.toThrow(
      /waitForCall: no matching call within 20ms/,
    );
    contractSince(mark);
  });
});

describe("OpenAPI contract check", () => {
  it("accepts every call recorded above", () => {
    assertCallsMatchOpenApi(gh.calls);
    expect(gh.calls.length).toBeGreaterThan(40);
  });

  it("catches a response missing a required field, a wrong type, a bad request body and an undocumented route", () => {
    const run = gh.calls.find((c) => c.operationId === "actions/get-workflow-run" && c.status === 200);
    if (!run) throw new Error("no recorded run to tamper with");
    const { head_sha: _dropped, ...withoutSha } = run.response as Record<string, unknown>;
    expect(validateCall({ ...run, response: withoutSha }).join("\n")).toMatch(/must have required property 'head_sha'/);
    expect(validateCall({ ...run, response: { ...(run.response as object), run_number: "7" } }).join("\n")).toMatch(
      /\/run_number must be integer/,
    );

    const dispatch: RecordedCall = {
      ...run,
      method: "POST",
      path: `/repos/${FULL}/actions/workflows/deploy.yml/dispatches`,
      body: { inputs: {} },
      status: 204,
      response: undefined,
      operationId: undefined,
      pathTemplate: undefined,
    };
    expect(validateCall(dispatch).join("\n")).toMatch(/request body \(root\) must have required property 'ref'/);
    expect(validateCall({ method: "GET", path: "/definitely/not/github", status: 200, response: {} })[0]).toMatch(
      /no operation/,
    );
    expect(() => assertCallsMatchOpenApi([{ ...run, response: withoutSha }])).toThrow(/1 GitHub contract problem/);
  });
});
