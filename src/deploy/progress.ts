import { isFinal, statesBefore, type DeployState } from "../domain/deploy-state.js";
import { deployMessage, finishedReply } from "../slack/messages/deploy-message.js";
import type { Deployment, DeploymentPatch } from "../store/types.js";
import type { Ports } from "./ports.js";

type ProgressPorts = Pick<Ports, "config" | "slack" | "store" | "clock" | "log" | "events">;

/**
 * Moves a deploy to `to` (if the state machine allows it from where it is now), then brings Slack up to date.
 * The store's conditional update makes this safe to call twice: the second call finds nothing to move.
 */
export async function moveTo(
  ports: ProgressPorts,
  d: Deployment,
  to: DeployState,
  patch: DeploymentPatch = {},
  detail: Record<string, unknown> = {},
): Promise<Deployment | undefined> {
  const at = ports.clock.now().toISOString();
  const finalPatch: DeploymentPatch = { ...patch };
  if (to === "in_progress" && !d.startedAt) finalPatch.startedAt = at;
  if (isFinal(to)) finalPatch.finishedAt = at;
  const moved = await ports.store.transition(d.id, statesBefore(to), to, finalPatch, {
    actor: "gantry",
    action: `deploy.${to}`,
    detail: { from: d.state, ...detail, ...(patch.reason ? { reason: patch.reason } : {}) },
    at,
  });
  if (!moved) return undefined;
  ports.log.info({ deployId: moved.id, service: moved.service, environment: moved.environment, state: to }, "deploy state changed");
  await publish(ports, moved);
  if (isFinal(to)) await announceEnd(ports, moved);
  ports.events.emit("changed", moved);
  if (isFinal(to)) ports.events.emit("finished", moved);
  return moved;
}

/** Re-renders the deploy's Slack message from the store's record. Slack trouble is logged, never fatal. */
export async function publish(ports: ProgressPorts, d: Deployment): Promise<void> {
  if (!d.slackChannel || !d.slackTs) return;
  const repo = ports.config.services[d.service]?.repo ?? d.service;
  try {
    await ports.slack.updateMessage({ channel: d.slackChannel, ts: d.slackTs }, deployMessage(d, repo, ports.clock.now()));
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not update the deploy message");
  }
}

async function announceEnd(ports: ProgressPorts, d: Deployment): Promise<void> {
  if (!d.slackChannel || !d.slackTs) return;
  try {
    await ports.slack.postMessage(d.slackChannel, finishedReply(d, ports.clock.now()), d.slackTs);
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the deploy's thread reply");
  }
}
