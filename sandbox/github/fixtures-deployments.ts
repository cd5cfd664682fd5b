/** Builders for deployment and deployment-status objects, complete per the published schema. */
import { user } from "./fixtures.js";
import type { DeploymentRecord, DeploymentStatusRecord, RepoInfo } from "./types.js";
import { iso, nodeId } from "./util.js";

export function deployment(api: string, r: RepoInfo, d: DeploymentRecord): Record<string, unknown> {
  const u = `${api}/repos/${r.fullName}/deployments/${d.id}`;
  return {
    url: u,
    id: d.id,
    node_id: nodeId("Deployment", d.id),
    task: d.task,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    statuses_url: `${u}/statuses`,
    repository_url: `${api}/repos/${r.fullName}`,
    creator: user(api, d.creator, "Bot"),
    sha: d.sha,
    ref: d.ref,
    payload: d.payload,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: null,
  };
}

export function deploymentStatus(
  api: string,
  r: RepoInfo,
  d: DeploymentRecord,
  s: DeploymentStatusRecord,
): Record<string, unknown> {
  const u = `${api}/repos/${r.fullName}/deployments/${d.id}`;
  return {
    url: `${u}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DeploymentStatus", s.id),
    state: s.state,
    creator: user(api, s.creator, "Bot"),
    description: s.description,
    environment: s.environment,
    target_url: s.logUrl,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
    deployment_url: u,
    repository_url: `${api}/repos/${r.fullName}`,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
    performed_via_github_app: null,
  };
}
