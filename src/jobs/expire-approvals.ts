import type { Ports } from "../deploy/ports.js";
import { moveTo } from "../deploy/progress.js";

/** Ends every approval request nobody answered in time. Safe to run twice: an expired request stays expired. */
export async function expireApprovals(ports: Ports): Promise<number> {
  const due = await ports.store.expiredApprovals(ports.clock.now().toISOString());
  let expired = 0;
  for (const d of due) {
    const moved = await moveTo(ports, d, "expired", { reason: "nobody approved it in time" });
    if (moved) expired++;
  }
  return expired;
}
