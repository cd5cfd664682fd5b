import type { GantryConfig } from "../config/schema.js";
import type { DoraInput } from "../domain/dora/report.js";
import { teamTargets, teamTimezone } from "../domain/dora/targets.js";
import type { Window } from "../domain/dora/types.js";
import type { Store } from "../store/types.js";

/** How far back before the window the ledger is read: the frequency level looks at 12 weeks, plus slack for DST. */
const HISTORY_MS = 13 * 7 * 86_400_000;

/** Reads the window's ledger (and the history the metrics need) for a team, or one of its services. */
export async function loadDoraInput(
  ports: { config: GantryConfig; store: Store },
  team: string,
  window: Window,
  service?: string,
): Promise<DoraInput> {
  const targets = teamTargets(ports.config, team, service);
  const since = new Date(Date.parse(window.from) - HISTORY_MS).toISOString();
  const services = targets.map((t) => t.service);
  const [deployments, incidents] = await Promise.all([
    ports.store.ledger(targets, since),
    ports.store.incidents(services, since),
  ]);
  const thresholds = ports.config.dora?.thresholds;
  return {
    deployments,
    incidents,
    window,
    timezone: teamTimezone(ports.config, team),
    scope: { team, services },
    ...(thresholds ? { thresholds } : {}),
  };
}
