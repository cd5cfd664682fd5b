import type { DeployState } from "../domain/deploy-state.js";

export type DeployMode = "workflow" | "deployment";

export interface Deployment {
  id: number;
  /** Random key passed to GitHub (workflow input / deployment payload) to find the run again. */
  key: string;
  service: string;
  environment: string;
  ref: string;
  sha: string | null;
  requester: string;
  mode: DeployMode;
  state: DeployState;
  /** Why it failed, in the vendor's words; null while all is well. */
  reason: string | null;
  githubRunId: number | null;
  githubDeploymentId: number | null;
  githubUrl: string | null;
  slackChannel: string | null;
  slackTs: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface NewDeployment {
  key: string;
  service: string;
  environment: string;
  ref: string;
  requester: string;
  mode: DeployMode;
  slackChannel: string | null;
  at: string;
}

/** Fields that may change along with (or without) a state change. */
export type DeploymentPatch = Partial<
  Pick<
    Deployment,
    "sha" | "ref" | "reason" | "githubRunId" | "githubDeploymentId" | "githubUrl" | "slackChannel" | "slackTs" | "startedAt" | "finishedAt"
  >
>;

export interface AuditInput {
  actor: string;
  action: string;
  deploymentId?: number | null;
  service?: string | null;
  environment?: string | null;
  detail?: Record<string, unknown>;
  at: string;
}

export interface AuditEvent extends Required<Omit<AuditInput, "detail">> {
  id: number;
  detail: Record<string, unknown>;
}

export interface Transition {
  state: DeployState;
  at: string;
}

export type CreateResult = { ok: true; deployment: Deployment } | { ok: false; active: Deployment };

export interface AuditFilter {
  since?: string;
  service?: string;
  deploymentId?: number;
}

/**
 * The repository Gantry keeps its state in. Async so that a PostgreSQL backend fits behind it unchanged.
 * Every state change is written in one transaction with its audit event.
 */
export interface Store {
  /** Records a new deploy in `requested`, unless one is already live for that service and environment. */
  createDeployment(input: NewDeployment): Promise<CreateResult>;
  getDeployment(id: number): Promise<Deployment | undefined>;
  findActive(service: string, environment: string): Promise<Deployment | undefined>;
  /** Every deploy not yet in a final state, oldest first. */
  listLive(): Promise<Deployment[]>;
  /**
   * Moves a deploy to `to` if it is in one of `from` (a conditional update), applying `patch` and writing `audit`
   * in the same transaction. Returns the updated deploy, or undefined if it was not in `from`.
   */
  transition(
    id: number,
    from: readonly DeployState[],
    to: DeployState,
    patch: DeploymentPatch,
    audit: Omit<AuditInput, "deploymentId" | "service" | "environment">,
  ): Promise<Deployment | undefined>;
  /** Changes fields that are not the state (message ts, run id). */
  patch(id: number, patch: DeploymentPatch, at: string): Promise<Deployment>;
  /** Newest first. */
  history(service: string, environment?: string, limit?: number): Promise<Deployment[]>;
  /** The latest succeeded deploy of each service and environment. */
  currentlyDeployed(service?: string): Promise<Deployment[]>;
  transitions(id: number): Promise<Transition[]>;
  audit(event: AuditInput): Promise<void>;
  listAudit(filter?: AuditFilter): Promise<AuditEvent[]>;
  close(): Promise<void>;
}
