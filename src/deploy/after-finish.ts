import { durationMs } from "../config/schema.js";
import type { Deployment } from "../domain/deployment.js";
import { commentReferencedIssues, ticketStep, type TicketStep } from "./change-ticket.js";
import { recordCommits } from "./record-commits.js";
import type { Ports } from "./ports.js";

const STEP: Partial<Record<Deployment["state"], TicketStep>> = {
  succeeded: "succeeded",
  failed: "failed",
  timed_out: "failed",
  cancelled: "failed",
  rejected: "failed",
  expired: "failed",
  rolled_back: "rolledBack",
};

/** Moves another deploy on (progress.ts's moveFrom, handed in so the two modules do not import each other). */
export type MoveDeploy = (
  ports: Ports,
  d: Deployment,
  to: "rolled_back",
  opts: { detail: Record<string, unknown>; actor: string; redraw: boolean },
) => Promise<unknown>;

/** What hangs on the end of a deploy: the change ticket, referenced issues, and a rollback's consequences. */
export async function afterFinish(ports: Ports, d: Deployment, moveTo: MoveDeploy): Promise<void> {
  const step = STEP[d.state];
  if (step)
    await ticketStep(
      ports,
      d,
      step,
      `Gantry ${d.kind} #${d.id} ${d.state.replace("_", " ")}${d.reason ? `: ${d.reason}` : "."}`,
    );
  if (d.state !== "succeeded") return;
  await recordCommits(ports, d);
  await commentReferencedIssues(ports, d);
  if (d.kind === "rollback" && d.replacesId) await undo(ports, d, moveTo);
}

async function undo(ports: Ports, rollback: Deployment, moveTo: MoveDeploy): Promise<void> {
  const replaced = await ports.store.getDeployment(rollback.replacesId!);
  // In the rollback's own channel its message (just after the replaced one, "undoes #n") says so: the replaced
  // message is not redrawn as well, which keeps a rollback at four Slack calls (issue 18). Elsewhere it is.
  const redraw = replaced?.slackChannel !== rollback.slackChannel;
  if (replaced)
    await moveTo(ports, replaced, "rolled_back", { detail: { by: rollback.id }, actor: rollback.requester, redraw });
  const env = ports.config.services[rollback.service]?.environments[rollback.environment];
  if (!env?.rollback.lock) return;
  const now = ports.clock.now();
  const lock = {
    service: rollback.service,
    environment: rollback.environment,
    holder: rollback.requester,
    reason: `rolled back #${rollback.replacesId} (${replaced?.ref ?? "?"}) — find out why before deploying again`,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + durationMs(ports.config.locks.defaultDuration)).toISOString(),
  };
  const taken = await ports.store.acquireLock(lock);
  await ports.store.audit({
    actor: rollback.requester,
    action: taken.ok ? "lock.acquired" : "lock.kept",
    service: rollback.service,
    environment: rollback.environment,
    deploymentId: rollback.id,
    detail: { reason: lock.reason, after: "rollback" },
    at: lock.createdAt,
  });
}
