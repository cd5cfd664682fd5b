import { isFinal, statesBefore, type DeployState } from "../domain/deploy-state.js";
import type { Deployment, DeploymentPatch } from "../domain/deployment.js";
import { afterFinish } from "./after-finish.js";
import type { Ports } from "./ports.js";
import { show } from "./publisher.js";

/**
 * Moves a deploy to `to` (if the state machine allows it from where it is now), then brings Slack, Jira and
 * everything that hangs on the end of a deploy up to date. The store's conditional update makes this safe to
 * call twice: the second call finds nothing to move.
 */
export function moveTo(
  ports: Ports,
  d: Deployment,
  to: DeployState,
  patch: DeploymentPatch = {},
  detail: Record<string, unknown> = {},
  actor = "gantry",
): Promise<Deployment | undefined> {
  return moveFrom(ports, d, statesBefore(to), to, { patch, detail, actor });
}

/** moveTo, but only from the states in `from` (a subset of those the state machine allows). */
export async function moveFrom(
  ports: Ports,
  d: Deployment,
  from: readonly DeployState[],
  to: DeployState,
  {
    patch = {},
    detail = {},
    actor = "gantry",
    showWithinMs = 0,
    redraw = true,
  }: {
    patch?: DeploymentPatch;
    detail?: Record<string, unknown>;
    actor?: string;
    showWithinMs?: number;
    /** false: the message is left as it is (a rolled-back deploy whose rollback's message, just after it, names it). */
    redraw?: boolean;
  },
): Promise<Deployment | undefined> {
  const at = ports.clock.now().toISOString();
  const finalPatch: DeploymentPatch = { ...patch };
  if (to === "in_progress" && !d.startedAt) finalPatch.startedAt = at;
  // Being rolled back later does not change when the deploy finished.
  if (isFinal(to) && to !== "rolled_back") finalPatch.finishedAt = at;
  const allowed = statesBefore(to).filter((s) => from.includes(s));
  const moved = await ports.store.transition(d.id, allowed, to, finalPatch, {
    actor,
    action: `${d.kind}.${to}`,
    detail: { from: d.state, ...detail, ...(patch.reason ? { reason: patch.reason } : {}) },
    at,
  });
  if (!moved) return undefined;
  if (isFinal(to)) ports.metrics?.deployEnded(moved);
  ports.log.info(
    { deployId: moved.id, service: moved.service, environment: moved.environment, state: to },
    "deploy state changed",
  );
  if (isFinal(to)) {
    if (redraw) await announceEnd(ports, await publish(ports, moved, false));
    await afterFinish(ports, moved, (p, x, state, opts) => moveFrom(p, x, statesBefore(state), state, opts));
    ports.events.emit("changed", moved);
  } else {
    await publish(ports, moved, true, showWithinMs);
  }
  if (isFinal(to)) ports.events.emit("finished", moved);
  return moved;
}

/**
 * Re-renders the deploy's Slack message from the store's record (see publisher.ts: changes that land while one
 * render is in flight fold into the next), then announces the change (unless the caller will, once more has
 * happened). A deploy whose message Slack did not take before is posted now. Slack trouble is logged, never fatal.
 * Returns the deploy as stored, with its message's place once it has one. `withinMs`: another change is expected
 * that soon (a dispatch), so the message may wait for it instead of showing this one on its own (the caller does not).
 */
export async function publish(ports: Ports, d: Deployment, announce = true, withinMs = 0): Promise<Deployment> {
  let shown = d;
  if (d.slackChannel && withinMs > 0) void show(ports, d.id, withinMs);
  else if (d.slackChannel) shown = (await show(ports, d.id)).d ?? d;
  if (announce) ports.events.emit("changed", shown);
  return shown;
}

async function announceEnd(ports: Ports, d: Deployment): Promise<void> {
  if (!d.slackChannel || !d.slackTs || d.state === "rolled_back") return;
  try {
    await ports.notifier.deployEnded(d);
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the deploy's thread reply");
  }
}
