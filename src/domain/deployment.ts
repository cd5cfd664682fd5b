import type { ChangeSummary } from "./change.js";
import type { DeployState } from "./deploy-state.js";
import type { VerificationRecord } from "./verify/record.js";

/** The deploy and its kin: what Gantry asks for, records and decides on. Stores persist it; nothing here knows how. */
/** Which runner starts and follows a deploy: the service's configured `mode`, kept with the deploy when requested. */
export type DeployMode = "workflow" | "deployment";
export type DeployKind = "deploy" | "promote" | "rollback";

export interface Deployment {
  id: number;
  /** Random key passed to GitHub (workflow input / deployment payload) to find the run again. */
  key: string;
  service: string;
  environment: string;
  ref: string;
  sha: string | null;
  requester: string;
  /** The runner that runs it (the registry's key; the service's `mode` when it was requested). */
  runner: DeployMode;
  kind: DeployKind;
  state: DeployState;
  /** promote: the deploy whose commit is shipped; rollback: the deploy restored. */
  sourceId: number | null;
  /** rollback: the deploy it undoes. */
  replacesId: number | null;
  /** Break glass: why this deploy may pass a freeze. */
  forceReason: string | null;
  hotfix: boolean;
  /** What the deploy workflow reported it shipped (e.g. an image digest); promoted along with the commit. */
  artifact: string | null;
  jiraKey: string | null;
  /** When a pending approval expires. */
  expiresAt: string | null;
  /** The commits between what was live and this deploy, fetched when it was requested. */
  changeSummary: ChangeSummary | null;
  /** Why it failed, in the vendor's words; null while all is well. */
  reason: string | null;
  /**
   * The run's id on its runner, null until the runner named it: a string so that any runner's id fits (a GitHub
   * workflow run id or deployment id is its decimal number).
   */
  runId: string | null;
  /** The run's page, for people to open. */
  runUrl: string | null;
  slackChannel: string | null;
  slackTs: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When Gantry sent the dispatch (or the deployment's creation) to GitHub; null while nothing was sent. */
  dispatchedAt: string | null;
  /** The bake on live metrics, from the CI run's success on; null where the environment verifies nothing. */
  verification: VerificationRecord | null;
  /** When it was verified (or a person accepted it); null otherwise. `requireVerified` promotions need it. */
  verifiedAt: string | null;
}

export interface NewDeployment {
  key: string;
  service: string;
  environment: string;
  ref: string;
  requester: string;
  runner: DeployMode;
  slackChannel: string | null;
  at: string;
  kind?: DeployKind;
  /** `pending_approval` for gated environments; default `requested`. */
  state?: "requested" | "pending_approval";
  sha?: string | null;
  sourceId?: number | null;
  replacesId?: number | null;
  forceReason?: string | null;
  hotfix?: boolean;
  artifact?: string | null;
  expiresAt?: string | null;
}

/** Fields that may change along with (or without) a state change. */
export type DeploymentPatch = Partial<
  Pick<
    Deployment,
    | "sha"
    | "ref"
    | "reason"
    | "runId"
    | "runUrl"
    | "slackChannel"
    | "slackTs"
    | "startedAt"
    | "finishedAt"
    | "artifact"
    | "jiraKey"
    | "changeSummary"
    | "dispatchedAt"
    | "verification"
    | "verifiedAt"
  >
>;

export interface Transition {
  state: DeployState;
  at: string;
}

export type VoteKind = "approve" | "reject";

export interface Vote {
  voter: string;
  vote: VoteKind;
  sha: string;
  at: string;
}

export interface Lock {
  service: string;
  environment: string;
  holder: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
  warned: boolean;
}
