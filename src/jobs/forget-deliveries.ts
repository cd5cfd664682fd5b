import type { Ports } from "../deploy/ports.js";

/** Slack gives up retrying a delivery within minutes; a day of keys is plenty to recognise every repeat. */
const KEEP_MS = 86_400_000;

/** Forgets delivery keys older than a day, so the table stays small. Safe to run twice or on two replicas. */
export async function forgetDeliveries(ports: Pick<Ports, "store" | "clock">): Promise<number> {
  return ports.store.forgetDeliveries(new Date(ports.clock.now().getTime() - KEEP_MS).toISOString());
}
