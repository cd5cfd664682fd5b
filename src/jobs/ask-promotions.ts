import { durationMs } from "../domain/duration.js";
import { askPromotion } from "../deploy/auto-promote.js";
import type { LaunchPorts } from "../deploy/launch.js";

/** Past this, a verified deploy nobody promoted is history: a `promoteTo` added later does not ship it. */
const RECENT_MS = 86_400_000;

/**
 * `promoteTo` with a target's `minBake`: asks for the promotions of verified deploys whose minBake was not reached when
 * they were verified, once it is. Safe to run twice and on any replica: askPromotion asks at most once per deploy.
 */
export async function askPromotions(ports: LaunchPorts): Promise<number> {
  const now = ports.clock.now().getTime();
  let asked = 0;
  for (const [service, svc] of Object.entries(ports.config.services)) {
    for (const [environment, env] of Object.entries(svc.environments)) {
      if (!env.promoteTo) continue;
      const d = await ports.store.lastSucceeded(service, environment);
      if (!d?.verifiedAt || now - Date.parse(d.verifiedAt) > RECENT_MS + minBakeOf(ports, service, env.promoteTo))
        continue;
      if ((await askPromotion(ports, d)) !== undefined) asked++;
    }
  }
  return asked;
}

function minBakeOf(ports: LaunchPorts, service: string, to: string): number {
  const minBake = ports.config.services[service]?.environments[to]?.minBake;
  return minBake ? durationMs(minBake) : 0;
}
