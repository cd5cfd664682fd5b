/**
 * `promoteTo`: once a deploy is verified (or accepted) where it ran, Gantry asks for its promotion on the original
 * requester's behalf, in the same channel, through the promote use case (so the target's deployers, approvals,
 * locks, freezes, requireVerified and minBake all apply). A target whose minBake is not reached yet is asked for
 * by the ask-promotions job once it is. At most once per deploy: a lease decides who asks.
 */
import { randomUUID } from "node:crypto";
import { envOf, environmentOf } from "../config/lookup.js";
import type { Deployment } from "../domain/deployment.js";
import type { LaunchPorts } from "./launch.js";
import type { Notice } from "./notifier.js";
import type { Ports } from "./ports.js";
import { publish } from "./progress.js";
import { bakedAt, promote } from "./promote.js";

/** Long enough that no job run asks again for a deploy whose promotion was asked for (or refused). */
const ASKED_TTL_MS = 30 * 86_400_000;

/** Whether Gantry still has to ask for this deploy's promotion, and where to. */
export function promotionDue(ports: Pick<Ports, "config" | "clock">, d: Deployment): string | undefined {
  const to = envOf(ports.config, d)?.promoteTo;
  if (!to || d.state !== "succeeded" || !d.verifiedAt || !d.verification) return undefined;
  if (d.verification.promotionId !== undefined && d.verification.promotionId !== null) return undefined;
  const minBake = environmentOf(ports.config, d.service, to)?.minBake;
  const allowedAt = minBake ? bakedAt(d, minBake) : undefined;
  if (allowedAt !== undefined && allowedAt > ports.clock.now().getTime()) return undefined;
  return to;
}

async function inThread(ports: Ports, d: Deployment, notice: Notice): Promise<void> {
  if (!d.slackChannel || !d.slackTs) return;
  await ports.notifier
    .inThread(d, notice)
    .catch((err: unknown) => ports.log.warn({ deployId: d.id, err }, "could not tell the thread about the promotion"));
}

/** Asks for the deploy's promotion when it is due; returns the promotion's id when one was asked for. */
export async function askPromotion(ports: LaunchPorts, d: Deployment): Promise<number | undefined> {
  const to = promotionDue(ports, d);
  if (!to) return undefined;
  const at = ports.clock.now().toISOString();
  if (!(await ports.store.acquireLease(`promote:${d.id}`, randomUUID(), at, ASKED_TTL_MS))) return undefined;
  const ask = { service: d.service, to, sourceId: d.id, requester: d.requester, channel: d.slackChannel ?? "" };
  const asked = await promote(ports, ask);
  if (!asked.ok) {
    await inThread(ports, d, { notice: "promotion_not_asked", id: d.id, to, refusal: asked.refusal });
    return undefined;
  }
  const promotionId = asked.deployment.id;
  const stored = await ports.store.getDeployment(d.id);
  const record = stored?.verification ?? d.verification!;
  // Redrawn so the message names the promotion it led to.
  await publish(ports, await ports.store.patch(d.id, { verification: { ...record, promotionId } }, at), false);
  await inThread(ports, d, { notice: "promotion_asked", id: d.id, to, promotionId });
  await asked.launch();
  return promotionId;
}
