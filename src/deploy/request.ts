import { randomBytes } from "node:crypto";
import { durationMs } from "../domain/duration.js";
import { groupHandles, isAllowed } from "../domain/policy.js";
import type { DeployKind, Deployment, NewDeployment } from "../domain/deployment.js";
import { approvalPolicyOf, environmentOf, serviceNamed } from "../config/lookup.js";
import { checkGates, gatesGiven } from "./gates.js";
import type { Ports } from "./ports.js";
import type { DeployRefusal } from "./refusals.js";

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
  /** Gantry's own ask (a failed verification's rollback): no person to check against `deployers`. */
  automatic?: boolean;
}

export type AskResult = { ok: true; deployment: Deployment } | { ok: false; refusal: DeployRefusal };

/** A key GitHub carries for us (workflow input, deployment payload) so we can find the run again. */
export function newDeployKey(): string {
  return `gd_${randomBytes(6).toString("hex")}`;
}

/** Whether `user` is among `principals` (absent = everyone), resolving user groups through the chat. */
export async function mayAct(
  ports: Pick<Ports, "groups">,
  principals: readonly string[] | undefined,
  user: string,
): Promise<boolean> {
  if (!principals) return true;
  const members: Record<string, string[]> = {};
  for (const handle of groupHandles(principals)) members[handle] = await ports.groups.usergroupMembers(handle);
  return isAllowed(principals, user, members);
}

/**
 * Checks who asks and what stands in the way, then records the deploy — as `pending_approval` where approvals
 * are needed. Every refusal is audited and explained; nothing is recorded for a refused ask.
 */
export async function requestDeploy(ports: Ports, ask: DeployAsk): Promise<AskResult> {
  const now = ports.clock.now();
  const where = { service: ask.service, environment: ask.environment };
  const refuse = async (why: string, refusal: DeployRefusal): Promise<AskResult> => {
    await ports.store.audit({
      actor: ask.requester,
      action: `${ask.kind}.refused`,
      ...where,
      detail: { why },
      at: now.toISOString(),
    });
    return { ok: false, refusal };
  };
  // Entry points check names with suggestions first; this keeps any other path from indexing Object's prototype.
  const service = serviceNamed(ports.config, ask.service);
  const env = environmentOf(ports.config, ask.service, ask.environment);
  if (!service || !env) return refuse("unknown", { refused: "unknown_target", ...where });
  if (!ask.automatic && !(await mayAct(ports, env.deployers, ask.requester)))
    return refuse("not a deployer", { refused: "not_deployer", ...where, deployers: env.deployers! });
  const gate = { ...where, requester: ask.requester, kind: ask.kind, forceReason: ask.forceReason ?? null };
  // The gates as they stand if no lock is in the way. When they let the deploy through, the create looks at the lock
  // itself (one round trip on PostgreSQL for both); when they refuse, the lock is read first, as a lock's refusal
  // comes before a freeze's. Rollbacks pass locks.
  const unlocked = gatesGiven(ports, gate, undefined, now);
  const gates = unlocked.refusal ? await checkGates(ports, gate) : unlocked;
  if (gates.refusal) return refuse("gated", gates.refusal);
  const forceReason = gates.breakGlass ? ask.forceReason! : null;
  const policy = approvalPolicyOf(ports.config, { ...where, kind: ask.kind, forceReason });
  const input: NewDeployment = {
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
  };
  const guarded =
    ask.kind === "rollback"
      ? await ports.store.createDeployment(input)
      : await ports.store.createUnlessLocked(input, ask.requester);
  if ("lock" in guarded) {
    const locked = gatesGiven(ports, gate, guarded.lock, now).refusal;
    if (locked) return refuse("gated", locked);
  }
  // An expired lock nobody has released yet keeps nothing out: the deploy is recorded regardless of it.
  const created = "lock" in guarded ? await ports.store.createDeployment(input) : guarded;
  if (created.ok) return created;
  return refuse("busy", { refused: "busy", ...where, active: created.active });
}
