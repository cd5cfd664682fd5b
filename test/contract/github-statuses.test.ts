import { Octokit } from "@octokit/rest";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GantryError } from "../../src/errors.js";
import { createOctokit } from "../../src/github/octokit.js";
import { OctokitSource } from "../../src/github/octokit-source.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import type { RunRecord } from "../../sandbox/github/types.js";
import { assertCallsMatchOpenApi, validateCall } from "../support/openapi.js";

const TOKEN = "test-token";
const REPO = { owner: "acme", repo: "ledger" };
const FULL = "acme/ledger";
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const DIGEST = `sha256:${"ab12".repeat(16)}`;

let gh: GitHubEmulator;
let octokit: Octokit;
let github: OctokitSource;
let firstSha: string;
let mainSha: string;

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

async function dispatch(inputs: Record<string, string>): Promise<number> {
  const res = await octokit.rest.actions.createWorkflowDispatch({
    ...REPO,
    workflow_id: "deploy.yml",
    ref: "main",
    inputs,
    return_run_details: true,
  });
  return (res.data as { workflow_run_id: number }).workflow_run_id;
}

beforeAll(async () => {
  gh = new GitHubEmulator({ token: TOKEN });
  const url = await gh.start();
  octokit = new Octokit({ baseUrl: url, auth: TOKEN, log: silent });
  github = new OctokitSource(
    createOctokit({ baseUrl: url, token: TOKEN, log: pino({ level: "silent" }), writeSpacingMs: 0 }),
  );
  gh.addRepo({ fullName: FULL });
  firstSha = gh.addCommit(FULL, { message: "Ledger v1" });
  gh.setTag(FULL, "v1.0.0", firstSha);
  mainSha = gh.addCommit(FULL, { message: "Ledger v2" });
});

afterAll(async () => {
  await gh.stop();
});

describe("GitHub emulator: commit statuses", () => {
  it("creates statuses and lists them newest first by sha, branch or tag, with setCommitChecks among them", async () => {
    const mark = gh.calls.length;
    const pending = await octokit.rest.repos.createCommitStatus({
      ...REPO,
      sha: firstSha,
      state: "pending",
      context: "build",
    });
    expect(pending.status).toBe(201);
    expect(pending.data).toMatchObject({
      state: "pending",
      context: "build",
      description: null,
      target_url: null,
      creator: { login: "gantry-bot[bot]" },
    });
    expect(pending.headers.location).toBe(`${gh.url}/repos/${FULL}/statuses/${firstSha}`);
    const built = await octokit.rest.repos.createCommitStatus({
      ...REPO,
      sha: firstSha,
      state: "success",
      context: "build",
      description: "Built in 42s",
      target_url: "https://ci.example.com/builds/7",
    });
    expect(built.data).toMatchObject({
      state: "success",
      description: "Built in 42s",
      target_url: "https://ci.example.com/builds/7",
    });
    const unnamed = await octokit.rest.repos.createCommitStatus({ ...REPO, sha: firstSha, state: "error" });
    expect(unnamed.data.context).toBe("default");
    gh.setCommitChecks(FULL, firstSha, "success", "ci");
    gh.addCommitStatus(FULL, "v1.0.0", {
      state: "success",
      context: "gantry/artifact",
      description: DIGEST,
      targetUrl: "https://ci.example.com/runs/1",
    });

    const bySha = await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: firstSha });
    expect(bySha.data.map((s) => `${s.context}:${s.state}`)).toEqual([
      "gantry/artifact:success",
      "ci:success",
      "default:error",
      "build:success",
      "build:pending",
    ]);
    expect(bySha.data.map((s) => s.id)).toEqual([...bySha.data.map((s) => s.id)].sort((a, b) => b - a));
    expect(bySha.data[1]?.creator?.login).toBe("github-actions[bot]");
    expect(gh.commitStatuses(FULL, firstSha).map((s) => s.id)).toEqual(bySha.data.map((s) => s.id));
    for (const ref of ["v1.0.0", "tags/v1.0.0", firstSha.slice(0, 9)]) {
      expect((await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref })).data.map((s) => s.id)).toEqual(
        bySha.data.map((s) => s.id),
      );
    }
    expect((await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: "main" })).data).toEqual([]);

    const page2 = await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: firstSha, per_page: 2, page: 2 });
    expect(page2.data.map((s) => s.context)).toEqual(["default", "build"]);
    expect(page2.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.repos.listCommitStatusesForRef, {
      ...REPO,
      ref: firstSha,
      per_page: 2,
    });
    expect(all).toHaveLength(5);
    const unchanged = await statusOf(
      octokit.rest.repos.listCommitStatusesForRef({
        ...REPO,
        ref: firstSha,
        headers: { "if-none-match": bySha.headers.etag ?? "" },
      }),
    );
    expect(unchanged.status).toBe(304);
    contractSince(mark);
  });

  it("combines the newest status of each context: failure beats pending beats success", async () => {
    const mark = gh.calls.length;
    const combined = await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: "v1.0.0" });
    expect(combined.data).toMatchObject({
      state: "failure",
      sha: firstSha,
      total_count: 4,
      commit_url: `${gh.url}/repos/${FULL}/commits/${firstSha}`,
    });
    expect(combined.data.statuses.map((s) => `${s.context}:${s.state}`)).toEqual([
      "gantry/artifact:success",
      "ci:success",
      "default:error",
      "build:success",
    ]);

    const sha = gh.addCommit(FULL, { message: "Status playground", branch: "statuses" });
    expect((await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: "statuses" })).data).toMatchObject({
      state: "pending",
      total_count: 0,
      statuses: [],
    });
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: "pending", context: "lint" });
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: "success", context: "test" });
    expect((await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: "heads/statuses" })).data.state).toBe(
      "pending",
    );
    // Contexts are case-insensitive: "LINT" supersedes "lint".
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: "success", context: "LINT" });
    const green = await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: sha, per_page: 1 });
    expect(green.data).toMatchObject({ state: "success", total_count: 2, statuses: [{ context: "LINT" }] });
    contractSince(mark);
  });

  it("answers 422 for an unknown sha, a branch name, a bad state or a long description, and 404 for an unknown ref", async () => {
    const mark = gh.calls.length;
    const ghost = "0".repeat(40);
    expect(
      await statusOf(octokit.rest.repos.createCommitStatus({ ...REPO, sha: ghost, state: "success" })),
    ).toMatchObject({
      status: 422,
      data: { message: `No commit found for SHA: ${ghost}` },
    });
    expect(
      await statusOf(octokit.rest.repos.createCommitStatus({ ...REPO, sha: "main", state: "success" })),
    ).toMatchObject({
      status: 422,
      data: { message: "No commit found for SHA: main" },
    });
    const long = await statusOf(
      octokit.rest.repos.createCommitStatus({ ...REPO, sha: mainSha, state: "success", description: "x".repeat(141) }),
    );
    expect(long).toMatchObject({
      status: 422,
      data: {
        message: "Validation Failed",
        errors: [{ field: "description", message: "description is too long (maximum is 140 characters)" }],
      },
    });
    expect((await statusOf(octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: "nope" }))).status).toBe(404);
    expect((await statusOf(octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: "nope" }))).status).toBe(404);
    expect(gh.commitStatuses(FULL, mainSha)).toEqual([]);
    contractSince(mark);

    // A bad state breaks GitHub's request schema, which the contract check must notice; the emulator refuses it as GitHub does.
    const badMark = gh.calls.length;
    const bad = await statusOf(
      octokit.rest.repos.createCommitStatus({ ...REPO, sha: mainSha, state: "bogus" as never }),
    );
    expect(bad).toMatchObject({
      status: 422,
      data: { message: "Validation Failed", errors: [{ resource: "Status", field: "state" }] },
    });
    const [badCall] = gh.calls.slice(badMark);
    if (!badCall) throw new Error("the bad-state call was not recorded");
    expect(validateCall(badCall)).toEqual([
      expect.stringMatching(/request body \/state must be equal to one of the allowed values/),
    ]);
    expect(() => gh.addCommitStatus(FULL, mainSha, { state: "success", description: "y".repeat(141) })).toThrow(
      /description is too long/,
    );
  });

  it("counts a status posted through the API as a check context when creating a deployment", async () => {
    const mark = gh.calls.length;
    gh.setDeploymentScript(() => ({ hold: true }));
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha: mainSha, state: "failure", context: "security" });
    const refused = await statusOf(
      octokit.rest.repos.createDeployment({
        ...REPO,
        ref: mainSha,
        environment: "staging",
        required_contexts: ["security"],
        auto_merge: false,
      }),
    );
    expect(refused).toMatchObject({
      status: 409,
      data: { errors: [{ contexts: [{ context: "security", state: "failure" }] }] },
    });
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha: mainSha, state: "success", context: "security" });
    const created = await octokit.rest.repos.createDeployment({
      ...REPO,
      ref: mainSha,
      environment: "staging",
      required_contexts: ["security"],
      auto_merge: false,
    });
    expect(created.status).toBe(201);
    gh.setDeploymentScript(() => ({}));
    contractSince(mark);
  });
});

describe("GitHub emulator: run scripts report their artifact", () => {
  it("posts gantry/artifact on inputs.sha when a run succeeds, before the run reads completed", async () => {
    const mark = gh.calls.length;
    const digest = `sha256:${"cd34".repeat(16)}`;
    gh.setRunScript(() => ({ artifact: digest, queuedMs: 1, runMs: 1 }));
    // As with a real workflow step, the status is there by the moment the run reads completed.
    const atCompletion: string[] = [];
    const onRun = (r: RunRecord): void => {
      if (r.status === "completed")
        atCompletion.push(...gh.commitStatuses(FULL, firstSha).map((s) => s.description ?? ""));
    };
    gh.on("run", onRun);
    const runId = await dispatch({ environment: "staging", sha: firstSha, gantry_deploy_id: "gd_art1" });
    const done = await gh.waitForRun((r) => r.id === runId && r.status === "completed");
    gh.off("run", onRun);
    expect(done.conclusion).toBe("success");
    expect(atCompletion[0]).toBe(digest);
    const statuses = await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: firstSha });
    expect(statuses.data[0]).toMatchObject({
      state: "success",
      context: "gantry/artifact",
      description: digest,
      target_url: `https://github.com/${FULL}/actions/runs/${runId}`,
      creator: { login: "github-actions[bot]" },
    });
    expect(await github.statusDescription(REPO, firstSha, "gantry/artifact")).toBe(digest);
    gh.setRunScript(() => ({}));
    contractSince(mark);
  });

  it("uses an input whose name ends in sha, falls back to the head sha, and reports nothing for a failed run", async () => {
    const mark = gh.calls.length;
    const sha = gh.addCommit(FULL, { message: "Ledger v3", branch: "release" });
    gh.setRunScript(({ inputs }) => ({
      artifact: `sha256:${inputs.gantry_deploy_id}`,
      queuedMs: 1,
      runMs: 1,
      conclusion: inputs.environment === "broken" ? "failure" : "success",
    }));
    const named = await dispatch({ environment: "qa", deploy_sha: sha, gantry_deploy_id: "named" });
    const head = await dispatch({ environment: "qa", gantry_deploy_id: "head" });
    const failed = await dispatch({ environment: "broken", sha, gantry_deploy_id: "failed" });
    for (const id of [named, head, failed]) await gh.waitForRun((r) => r.id === id && r.status === "completed");
    const headSha = gh.runs.find((r) => r.id === head)?.headSha ?? "";
    expect(headSha).toBe(gh.resolveRef(FULL, "main"));

    expect(await github.statusDescription(REPO, sha, "gantry/artifact")).toBe("sha256:named");
    expect(await github.statusDescription(REPO, headSha, "gantry/artifact")).toBe("sha256:head");
    expect(gh.commitStatuses(FULL, sha).map((s) => s.description)).toEqual(["sha256:named"]);
    gh.setRunScript(() => ({}));
    contractSince(mark);
  });

  it("reports the artifact of a held run completed with success, and not of one cancelled", async () => {
    const mark = gh.calls.length;
    const sha = gh.addCommit(FULL, { message: "Ledger v4", branch: "held" });
    gh.setRunScript(({ inputs }) => ({ artifact: `sha256:${inputs.gantry_deploy_id}`, hold: true, queuedMs: 1 }));
    const kept = await dispatch({ sha, gantry_deploy_id: "kept" });
    const cancelled = await dispatch({ sha, gantry_deploy_id: "cancelled" });
    await gh.waitForRun((r) => r.id === cancelled && r.status === "in_progress");
    await octokit.rest.actions.cancelWorkflowRun({ ...REPO, run_id: cancelled });
    await gh.waitForRun((r) => r.id === kept && r.status === "in_progress");
    expect(await github.statusDescription(REPO, sha, "gantry/artifact")).toBeUndefined();
    gh.completeRun(kept, "success");
    expect(await github.statusDescription(REPO, sha, "gantry/artifact")).toBe("sha256:kept");
    gh.setRunScript(() => ({}));
    contractSince(mark);
  });
});

describe("OctokitGitHub.statusDescription", () => {
  it("reads the newest status of the context, case-insensitively, and nothing when it is absent or blank", async () => {
    const mark = gh.calls.length;
    const sha = gh.addCommit(FULL, { message: "Ledger v5", branch: "adapter" });
    expect(await github.statusDescription(REPO, sha, "gantry/artifact")).toBeUndefined();
    gh.addCommitStatus(FULL, sha, { state: "success", context: "gantry/artifact", description: "sha256:old" });
    gh.addCommitStatus(FULL, sha, { state: "success", context: "Gantry/Artifact", description: "sha256:new" });
    gh.addCommitStatus(FULL, sha, { state: "success", context: "ci", description: "All green" });
    expect(await github.statusDescription(REPO, sha, "gantry/artifact")).toBe("sha256:new");
    expect(await github.statusDescription(REPO, sha, "deploy/image")).toBeUndefined();
    gh.addCommitStatus(FULL, sha, { state: "pending", context: "gantry/artifact" });
    expect(await github.statusDescription(REPO, sha, "gantry/artifact")).toBeUndefined();
    const call = gh.calls.at(-1);
    expect(call).toMatchObject({ operationId: "repos/list-commit-statuses-for-ref", query: { per_page: "100" } });
    contractSince(mark);
  });

  it("turns a GitHub failure into a GantryError naming the commit", async () => {
    const mark = gh.calls.length;
    const err = await github.statusDescription(REPO, "f".repeat(40), "gantry/artifact").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GantryError);
    expect(err).toMatchObject({
      code: "github_error",
      message: expect.stringMatching(/GitHub answered 404 when reading the commit statuses of fffffff/),
    });
    contractSince(mark);
  });
});
