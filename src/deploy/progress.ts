import { isFinal, statesBefore, type DeployState } from "../domain/deploy-state.js";
import type { Deployment, DeploymentPatch } from "../domain/deployment.js";
import { afterFinish } from "./after-finish.js";
import type { Ports } from "./ports.js";
import { buildView } from "./view.js";

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
  }: { patch?: DeploymentPatch; detail?: Record<string, unknown>; actor?: string },
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
    await announceEnd(ports, await publish(ports, moved, false));
    await afterFinish(ports, moved, moveTo);
    ports.events.emit("changed", moved);
  } else {
    await publish(ports, moved);
  }
  if (isFinal(to)) ports.events.emit("finished", moved);
  return moved;
}

/** Posts of deploy messages Slack has not taken yet, by deploy: one at a time, so a deploy never gets two. */
const posting = new Map<number, Promise<Deployment>>();

/**
 * Re-renders the deploy's Slack message from the store's record, then announces the change (unless the caller
 * will, once more has happened). A deploy whose message Slack did not take before is posted now. Slack trouble is
 * logged, never fatal. Returns the deploy as stored, with its message's place once it has one.
 */
export async function publish(ports: Ports, d: Deployment, announce = true): Promise<Deployment> {
  let shown = d;
  if (d.slackChannel && d.slackTs) {
    await updateMessage(ports, d);
  } else if (d.slackChannel) {
    shown = await postMissing(ports, d);
  }
  if (announce) ports.events.emit("changed", shown);
  return shown;
}

/** Each deploy's message updates, one at a time and in order: two in flight at once could land out of order. */
const updating = new Map<number, Promise<void>>();

/**
 * Redraws the deploy's message from the store's newest record, after any update of it still in flight, so the
 * message never ends on an older state than the deploy's (a "Queued" update landing after the "Succeeded" one).
 */
function updateMessage(ports: Ports, d: Deployment): Promise<void> {
  const next = (updating.get(d.id) ?? Promise.resolve()).then(async () => {
    try {
      const stored = await ports.store.getDeployment(d.id);
      const latest = stored ? { ...stored, slackChannel: d.slackChannel, slackTs: d.slackTs } : d;
      await ports.notifier.updateDeploy(latest, await buildView(ports, latest));
    } catch (err) {
      ports.log.warn({ deployId: d.id, err }, "could not update the deploy message");
    }
  });
  updating.set(d.id, next);
  void next.then(() => {
    if (updating.get(d.id) === next) updating.delete(d.id);
  });
  return next;
}

async function postMissing(ports: Ports, d: Deployment): Promise<Deployment> {
  const running = posting.get(d.id);
  // Someone is posting it already: once it is there, show this (newer) version in it.
  if (running) return publish(ports, { ...d, ...pick(await running) }, false);
  const work = (async () => {
    try {
      const posted = await ports.notifier.postDeploy(d, await buildView(ports, d));
      return await ports.store.patch(
        d.id,
        { slackChannel: posted.channel, slackTs: posted.ts },
        ports.clock.now().toISOString(),
      );
    } catch (err) {
      ports.log.warn({ deployId: d.id, err }, "could not post the deploy message; the next change tries again");
      return d;
    }
  })();
  posting.set(d.id, work);
  try {
    return await work;
  } finally {
    posting.delete(d.id);
  }
}

const pick = (d: Deployment) => ({ slackChannel: d.slackChannel, slackTs: d.slackTs });

async function announceEnd(ports: Ports, d: Deployment): Promise<void> {
  if (!d.slackChannel || !d.slackTs || d.state === "rolled_back") return;
  try {
    await ports.notifier.deployEnded(d);
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not post the deploy's thread reply");
  }
}
