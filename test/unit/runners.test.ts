/** The two GitHub runners over small in-memory GitHub APIs: the runner port's contract, without a server. */
import { describe, expect, it } from "vitest";
import { Service } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { deploymentFixture } from "../support/deployment-fixture.js";
import type {
  ActionsApi,
  DeploymentStatusView,
  DeploymentsApi,
  SourcePort,
  WorkflowRun,
} from "../../src/github/port.js";
import { GitHubDeploymentRunner } from "../../src/runners/github-deployment/runner.js";
import { GitHubWorkflowRunner } from "../../src/runners/github-workflow/runner.js";

const SHA = "a".repeat(40);
const service = Service.parse({ repo: "acme/api", workflow: "deploy.yml", environments: { staging: {} } });

function deploy(overrides: Partial<Deployment> = {}): Deployment {
  return deploymentFixture({
    id: 7,
    key: "gd_0123456789ab",
    service: "api",
    sha: SHA,
    state: "queued",
    ...overrides,
  });
}

const source = {
  defaultBranch: async () => "main",
  statusDescription: async () => "sha256:feed",
} as Partial<SourcePort> as SourcePort;

function run(over: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    id: 42,
    status: "completed",
    conclusion: "failure",
    htmlUrl: "https://github.test/acme/api/actions/runs/42",
    displayTitle: "Deploy staging gd_0123456789ab",
    createdAt: "2026-01-05T10:00:01Z",
    updatedAt: "2026-01-05T10:00:09Z",
    runStartedAt: null,
    ...over,
  };
}

describe("the workflow runner", () => {
  it("notes the deploy as sent before dispatching, and names the run GitHub returned", async () => {
    const order: string[] = [];
    const actions = {
      dispatchWorkflow: async () => (order.push("dispatch"), { runId: 42, htmlUrl: run().htmlUrl }),
    } as Partial<ActionsApi> as ActionsApi;
    const runner = new GitHubWorkflowRunner(actions, source);
    const link = await runner.start(service, deploy(), async () => void order.push("sending"));
    expect(order).toEqual(["sending", "dispatch"]);
    expect(link).toEqual({ runId: "42", runUrl: run().htmlUrl });
  });

  it("returns no link when GitHub's answer was lost, so the run is found by key later", async () => {
    const actions = { dispatchWorkflow: async () => undefined } as Partial<ActionsApi> as ActionsApi;
    const runner = new GitHubWorkflowRunner(actions, source);
    expect(await runner.start(service, deploy(), async () => {})).toEqual({});
  });

  it("reads a run in Gantry's words, with GitHub's conclusion as the reason", async () => {
    const actions = {
      getRun: async () => ({ changed: true as const, value: run(), etag: "e1" }),
    } as Partial<ActionsApi> as ActionsApi;
    const runner = new GitHubWorkflowRunner(actions, source);
    expect(await runner.read(service, deploy(), "42", null)).toEqual({
      changed: true,
      read: { progress: { phase: "failed", reason: "the workflow run ended with conclusion `failure`" }, link: {} },
      etag: "e1",
    });
  });

  it("confirms a webhook's run only when its title carries the deploy's key", async () => {
    const title = { displayTitle: "Deploy staging gd_ffffffffffff" };
    const actions = {
      getRun: async () => ({ changed: true as const, value: run(title), etag: null }),
    } as Partial<ActionsApi> as ActionsApi;
    const runner = new GitHubWorkflowRunner(actions, source);
    expect(await runner.confirm(service, deploy(), "42")).toBeUndefined();
    // Once tied to the deploy, the run's id is what counts.
    expect(await runner.confirm(service, deploy({ runId: "42" }), "42")).toMatchObject({ link: { runId: "42" } });
  });
});

describe("the deployment runner", () => {
  const status = (state: string, logUrl: string | null = null): DeploymentStatusView => ({
    state,
    description: null,
    logUrl,
    environmentUrl: null,
    createdAt: null,
  });

  it("creates the deployment with the key in its payload, after noting the deploy as sent", async () => {
    const order: string[] = [];
    let payload: Record<string, unknown> = {};
    const deployments = {
      createDeployment: async (input: { payload: Record<string, unknown> }) => {
        order.push("create");
        payload = input.payload;
        return { id: 9, url: "https://api.github.test/repos/acme/api/deployments/9" };
      },
    } as Partial<DeploymentsApi> as DeploymentsApi;
    const runner = new GitHubDeploymentRunner(deployments, source);
    const link = await runner.start(service, deploy({ runner: "deployment" }), async () => void order.push("sending"));
    expect(order).toEqual(["sending", "create"]);
    expect(payload).toMatchObject({ gantry_deploy_id: "gd_0123456789ab" });
    expect(link).toEqual({ runId: "9" });
  });

  it("reads the latest status, its log as the run's page, and takes inactive for no move", async () => {
    let latest = status("in_progress", "https://ci.test/log/9");
    const deployments = {
      latestDeploymentStatus: async () => ({ changed: true as const, value: latest, etag: null }),
    } as Partial<DeploymentsApi> as DeploymentsApi;
    const runner = new GitHubDeploymentRunner(deployments, source);
    expect(await runner.read(service, deploy(), "9", null)).toMatchObject({
      read: { progress: { phase: "running" }, link: { runUrl: "https://ci.test/log/9" } },
    });
    latest = status("inactive");
    expect(await runner.read(service, deploy(), "9", null)).toMatchObject({
      read: { progress: { phase: "inactive" } },
    });
  });

  it("confirms a webhook's deployment only when its payload carries the deploy's key", async () => {
    const deployments = {
      getDeployment: async () => ({
        id: 9,
        sha: SHA,
        ref: "main",
        environment: "staging",
        creator: "octocat",
        createdAt: "2026-01-05T10:00:01Z",
        payload: { gantry_deploy_id: "gd_ffffffffffff" },
        url: "https://api.github.test/repos/acme/api/deployments/9",
      }),
      latestDeploymentStatus: async () => ({ changed: true as const, value: status("success"), etag: null }),
    } as Partial<DeploymentsApi> as DeploymentsApi;
    const runner = new GitHubDeploymentRunner(deployments, source);
    expect(await runner.confirm(service, deploy({ runner: "deployment" }), "9")).toBeUndefined();
  });

  it("reads the artifact the workflow reported on the commit", async () => {
    const runner = new GitHubDeploymentRunner({} as DeploymentsApi, source);
    expect(await runner.artifact(service, deploy())).toBe("sha256:feed");
  });
});
