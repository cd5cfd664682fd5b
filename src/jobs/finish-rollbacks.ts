import type { LaunchPorts } from "../deploy/launch.js";
import { actOnFailure } from "../deploy/verify-outcome.js";

/** How long after a failed verification its rollback or alert is still worth starting. */
const RECENT_MS = 15 * 60_000;

/**
 * Finishes what a replica that died between failing a verification and acting on it left undone: the automatic
 * rollback (or the alert) of a deploy that failed its verification moments ago. Safe to run twice and alongside the
 * replica that moved the deploy: actOnFailure acts at most once per deploy.
 */
export async function finishRollbacks(ports: LaunchPorts): Promise<number> {
  const now = ports.clock.now().getTime();
  let acted = 0;
  for (const [service, svc] of Object.entries(ports.config.services)) {
    for (const [environment, env] of Object.entries(svc.environments)) {
      if (!env.verify) continue;
      for (const d of await ports.store.history(service, environment, 3)) {
        const v = d.verification;
        if (d.state !== "failed" || v?.outcome?.kind !== "failed" || v.rollbackId !== null) continue;
        if (!d.finishedAt || now - Date.parse(d.finishedAt) > RECENT_MS) continue;
        if (await actOnFailure(ports, d)) acted++;
      }
    }
  }
  return acted;
}
