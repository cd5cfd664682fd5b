import { randomBytes } from "node:crypto";
import { durationMs } from "../config/schema.js";
import { approvalPolicy } from "../domain/approval.js";
import { formatSince } from "../domain/format.js";
import { groupHandles, isAllowed } from "../domain/policy.js";
import { stateLabel } from "../slack/messages/deploy-message.js";
import { bold, code, mrkdwn, principals, user } from "../slack/mrkdwn.js";
import type { SlackMessage } from "../slack/port.js";
import type { DeployKind, Deployment } from "../domain/deployment.js";
import { environmentOf, serviceNamed } from "../config/lookup.js";
import { unknownTarget } from "../slack/messages/button-refusals.js";
import { checkGates } from "./gates.js";
import type { Ports } from "./ports.js";

/** What someone asked for, by command or by button. */
export interface DeployAsk {
  service: string;
  environment: string;
  /** Absent means the repository's default branch. */
  ref?: string;
  /** Known up front for promotions and rollbacks: exactly this commit. */
  sha?: string;
  requester: string;
  channel: string;
  kind: DeployKind;
  sourceId?: number;
  replacesId?: number;
  forceReason?: string;
  hotfix?: boolean;
  artifact?: string | null;
}

export type AskResult = { ok: true; deployment: Deployment } | { ok: false; reply: SlackMessage };

/** A key GitHub carries for us (workflow input, deployment payload) so we can find the run again. */
export function newDeployKey(): string {
  return `gd_${randomBytes(6).toString("hex")}`;
}

/** Whether `user` is among `principals` (absent = everyone), resolving user groups through Slack. */
export async function mayAct(
  ports: Pick<Ports, "slack">,
  principals: readonly string[] | undefined,
  user: string,
): Promise<boolean> {
  if (!principals) return true;
  const members: Record<string, string[]> = {};
  for (const handle of groupHandles(principals)) members[handle] = await ports.slack.usergroupMembers(handle);
  return isAllowed(principals, user, members);
}

/**
 * Checks who asks and what stands in the way, then records the deploy — as `pending_approval` where approvals
 * are needed. Every refusal is audited and explained; nothing is recorded for a refused ask.
 */
export async function requestDeploy(ports: Ports, ask: DeployAsk): Promise<AskResult> {
  const now = ports.clock.now();
  const where = { service: ask.service, environment: ask.environment };
  const refuse = async (why: string, reply: SlackMessage): Promise<AskResult> => {
    await ports.store.audit({
      actor: ask.requester,
      action: `${ask.kind}.refused`,
      ...where,
      detail: { why },
      at: now.toISOString(),
    });
    return { ok: false, reply };
  };
  // Entry points check names with suggestions first; this keeps any other path from indexing Object's prototype.
  const service = serviceNamed(ports.config, ask.service);
  const env = environmentOf(ports.config, ask.service, ask.environment);
  if (!service || !env) return refuse("unknown", { text: unknownTarget(ask.service, ask.environment) });
  if (!(await mayAct(ports, env.deployers, ask.requester))) {
    return refuse("not a deployer", {
      text: mrkdwn`:no_entry: You may not deploy ${bold(ask.service)} to ${bold(ask.environment)}. Deployers there: ${principals(env.deployers!)}. Ask one of them, or ask to be added in gantry.yml.`,
    });
  }
  const gates = await checkGates(ports, {
    ...where,
    requester: ask.requester,
    kind: ask.kind,
    forceReason: ask.forceReason ?? null,
  });
  if (gates.refusal) return refuse("gated", gates.refusal);
  const forceReason = gates.breakGlass ? ask.forceReason! : null;
  const policy = approvalPolicy({ kind: ask.kind, forceReason }, env, ports.config);
  const created = await ports.store.createDeployment({
    key: newDeployKey(),
    ...where,
    ref: ask.ref ?? "",
    sha: ask.sha ?? null,
    requester: ask.requester,
    runner: service.mode,
    kind: ask.kind,
    state: policy ? "pending_approval" : "requested",
    slackChannel: policy?.channel ?? ask.channel,
    sourceId: ask.sourceId ?? null,
    replacesId: ask.replacesId ?? null,
    forceReason,
    hotfix: ask.hotfix ?? false,
    artifact: ask.artifact ?? null,
    expiresAt: policy ? new Date(now.getTime() + durationMs(policy.expiresAfter)).toISOString() : null,
    at: now.toISOString(),
  });
  if (created.ok) return created;
  const a = created.active;
  return refuse("busy", {
    text: mrkdwn`:construction: ${bold(ask.service)} is already deploying to ${bold(ask.environment)}: ${a.kind} #${a.id} of ${code(a.ref || "the default branch")} by ${user(a.requester)}, started ${formatSince(a.createdAt, now.toISOString())} ago (${stateLabel(a.state)}). Try again when it ends: ${code(`/deploy status ${ask.service}`)} shows progress.`,
  });
}
