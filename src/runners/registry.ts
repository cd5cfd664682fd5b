/** The runners Gantry knows, keyed by the config's `mode`: a service's mode picks its runner once, when requested. */
import type { ActionsApi, DeploymentsApi, SourcePort } from "../github/port.js";
import { GitHubDeploymentRunner } from "./github-deployment/runner.js";
import { GitHubWorkflowRunner } from "./github-workflow/runner.js";
import type { Runners } from "./port.js";

export interface RunnerApis {
  source: SourcePort;
  githubActions: ActionsApi;
  githubDeployments: DeploymentsApi;
}

export function createRunners(apis: RunnerApis): Runners {
  return {
    workflow: new GitHubWorkflowRunner(apis.githubActions, apis.source),
    deployment: new GitHubDeploymentRunner(apis.githubDeployments, apis.source),
  };
}
