import type { Ports } from "../deploy/ports.js";
import { moveTo, publish } from "../deploy/progress.js";

/**
 * Ends every approval request nobody answered in time, and posts the ones Slack did not take when they were asked
 * for (approvers need the message to vote). Safe to run twice: an expired request stays expired.
 */
export async function expireApprovals(ports: Ports): Promise<number> {
  const due = await ports.store.expiredApprovals(ports.clock.now().toISOString());
  let expired = 0;
  for (const d of due) {
    const moved = await moveTo(ports, d, "expired", { reason: "nobody approved it in time" });
    if (moved) expired++;
  }
  for (const d of await ports.store.listPendingApprovals())
    if (d.slackChannel && !d.slackTs) await publish(ports, d, false);
  return expired;
}
