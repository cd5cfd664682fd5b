import type { ChangeSummary } from "../domain/change.js";
import type { DeployState } from "../domain/deploy-state.js";
import type { VerificationRecord } from "../domain/verify/record.js";
import type { DeployKind, DeployMode, Deployment, DeploymentPatch, NewDeployment } from "../domain/deployment.js";
import type { AuditInput } from "./types.js";

/** A `deployments` row as the database returns it (snake_case). */
export interface DeploymentRow {
  id: number;
  key: string;
  service: string;
  environment: string;
  ref: string;
  sha: string | null;
  requester: string;
  runner: string;
  state: string;
  reason: string | null;
  run_id: string | null;
  run_url: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  kind: string;
  source_id: number | null;
  replaces_id: number | null;
  force_reason: string | null;
  hotfix: number;
  artifact: string | null;
  jira_key: string | null;
  expires_at: string | null;
  change_summary: string | null;
  dispatched_at: string | null;
  verification: string | null;
  verified_at: string | null;
}

export function toDeployment(row: DeploymentRow): Deployment {
  return {
    id: Number(row.id),
    key: row.key,
    service: row.service,
    environment: row.environment,
    ref: row.ref,
    sha: row.sha,
    requester: row.requester,
    runner: row.runner as DeployMode,
    state: row.state as DeployState,
    reason: row.reason,
    runId: row.run_id,
    runUrl: row.run_url,
    slackChannel: row.slack_channel,
    slackTs: row.slack_ts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    kind: row.kind as DeployKind,
    sourceId: row.source_id === null ? null : Number(row.source_id),
    replacesId: row.replaces_id === null ? null : Number(row.replaces_id),
    forceReason: row.force_reason,
    hotfix: Boolean(row.hotfix),
    artifact: row.artifact,
    jiraKey: row.jira_key,
    expiresAt: row.expires_at,
    changeSummary: row.change_summary ? (JSON.parse(row.change_summary) as ChangeSummary) : null,
    dispatchedAt: row.dispatched_at ?? null,
    verification: row.verification ? (JSON.parse(row.verification) as VerificationRecord) : null,
    verifiedAt: row.verified_at ?? null,
  };
}

const COLUMNS: Record<keyof DeploymentPatch, string> = {
  sha: "sha",
  ref: "ref",
  reason: "reason",
  runId: "run_id",
  runUrl: "run_url",
  slackChannel: "slack_channel",
  slackTs: "slack_ts",
  startedAt: "started_at",
  finishedAt: "finished_at",
  artifact: "artifact",
  jiraKey: "jira_key",
  changeSummary: "change_summary",
  dispatchedAt: "dispatched_at",
  verification: "verification",
  verifiedAt: "verified_at",
};

/** `, col = ?` fragments for the fields present in `patch`, with their values in order. */
export function patchColumns(patch: DeploymentPatch): { sets: string; values: unknown[] } {
  const keys = (Object.keys(patch) as (keyof DeploymentPatch)[]).filter((k) => patch[k] !== undefined);
  return {
    sets: keys.map((k) => `, ${COLUMNS[k]} = ?`).join(""),
    // Objects (the change summary) are stored as JSON text.
    values: keys.map((k) => (typeof patch[k] === "object" && patch[k] !== null ? JSON.stringify(patch[k]) : patch[k])),
  };
}

/** The columns a new deploy's row is written with, in the order of newDeploymentValues (created_at last). */
export const NEW_DEPLOYMENT_COLUMNS = `key, service, environment, ref, sha, requester, runner, kind, state, slack_channel,
  source_id, replaces_id, force_reason, hotfix, artifact, expires_at, created_at`;

/** A new deploy's values for NEW_DEPLOYMENT_COLUMNS, on either engine. */
export function newDeploymentValues(input: NewDeployment, kind: DeployKind, state: DeployState): unknown[] {
  return [
    input.key,
    input.service,
    input.environment,
    input.ref,
    input.sha ?? null,
    input.requester,
    input.runner,
    kind,
    state,
    input.slackChannel,
    input.sourceId ?? null,
    input.replacesId ?? null,
    input.forceReason ?? null,
    input.hotfix ? 1 : 0,
    input.artifact ?? null,
    input.expiresAt ?? null,
    input.at,
  ];
}

/** The audit event that records a new deploy, the same on either engine. */
export function creationAudit(input: NewDeployment, id: number, kind: DeployKind, state: DeployState): AuditInput {
  return {
    actor: input.requester,
    action: `${kind}.${state}`,
    deploymentId: id,
    service: input.service,
    environment: input.environment,
    detail: {
      ref: input.ref,
      // Named `mode` in the audit log since its first version.
      mode: input.runner,
      ...(input.sourceId ? { sourceId: input.sourceId } : {}),
      ...(input.replacesId ? { replacesId: input.replacesId } : {}),
      ...(input.forceReason ? { breakGlass: input.forceReason } : {}),
      ...(input.hotfix ? { hotfix: true } : {}),
    },
    at: input.at,
  };
}
