/** Shapes shared by the GitHub emulator's modules and by tests that inspect it. */

/** One shape for both emulators' recorded calls, so tests and the contract checks read them alike. */
export type { RecordedCall } from "../http/recorder.js";

export type RunConclusion = "success" | "failure" | "cancelled" | "timed_out";

export interface RunScript {
  conclusion?: RunConclusion;
  /** ms from dispatch until the run is in_progress (default 20). */
  queuedMs?: number;
  /** ms in_progress until completed (default 50). */
  runMs?: number;
  /** Stay in_progress until completeRun() is called. */
  hold?: boolean;
  outputs?: Record<string, string>;
  /**
   * When the run completes with success, it reports this artifact (e.g. an image digest) the way a deploy workflow
   * step would: a commit status `{ state: "success", context: "gantry/artifact", description: artifact }` on the
   * deployed SHA, i.e. the dispatch input named `sha` (else the first input whose name ends in `sha`), or the run's
   * head SHA when there is no such input. Posted just before the run turns completed; at most 140 characters.
   */
  artifact?: string;
}

export interface RunScriptContext {
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export type RunScriptFn = (ctx: RunScriptContext) => RunScript;

export interface RunRecord {
  id: number;
  repo: string;
  /** Workflow file name, e.g. deploy.yml. */
  workflow: string;
  workflowId: number;
  runNumber: number;
  ref: string;
  headBranch: string;
  headSha: string;
  event: string;
  inputs: Record<string, string>;
  displayTitle: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  createdAt: number;
  updatedAt: number;
  /** Like GitHub: the start of the latest attempt, set when the run is created. */
  runStartedAt: number;
  outputs: Record<string, string>;
}

export type DeploymentState = "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";

export interface DeploymentStatusRecord {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
  creator: string;
  createdAt: number;
}

export interface DeploymentRecord {
  id: number;
  repo: string;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: Record<string, unknown> | string;
  description: string | null;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: string;
  createdAt: number;
  updatedAt: number;
  /** Oldest first. */
  statuses: DeploymentStatusRecord[];
}

export interface DeploymentScriptContext {
  repo: string;
  environment: string;
  sha: string;
  payload: Record<string, unknown> | string;
}

export interface DeploymentScript {
  states?: Array<{ state: Exclude<DeploymentState, "inactive" | "pending">; afterMs: number }>;
  /** Post no statuses by itself; the test drives them with addDeploymentStatus(). */
  hold?: boolean;
}

export type DeploymentScriptFn = (ctx: DeploymentScriptContext) => DeploymentScript;

export type CheckState = "success" | "failure" | "pending";

/** The states of GitHub's commit statuses API (a superset of CheckState). */
export type CommitStatusState = "error" | "failure" | "pending" | "success";

export interface CommitStatusRecord {
  id: number;
  sha: string;
  state: CommitStatusState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: number;
}

export interface CommitAuthor {
  name: string;
  email: string;
  login?: string;
}

export interface CommitRecord {
  sha: string;
  treeSha: string;
  message: string;
  author: CommitAuthor;
  date: number;
  parents: string[];
}

export interface RepoInfo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  createdAt: number;
  pushedAt: number;
}

export interface WorkflowInfo {
  id: number;
  file: string;
  name: string;
  createdAt: number;
}
