import type { GantryConfig } from "../config/schema.js";
import type { DoraInput } from "../domain/dora/report.js";
import { teamTargets, teamTimezone } from "../domain/dora/targets.js";
import type { Window } from "../domain/dora/types.js";
import type { LedgerTarget, Store } from "../store/types.js";

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
  const { upstream, promotesTo } = promotionPath(ports.config, targets);
  const [deployments, incidents, before] = await Promise.all([
    ports.store.ledger(targets, since),
    ports.store.incidents(services, since),
    upstream.length > 0 ? ports.store.ledger(upstream, since) : Promise.resolve([]),
  ]);
  const thresholds = ports.config.dora?.thresholds;
  return {
    deployments,
    incidents,
    window,
    timezone: teamTimezone(ports.config, team),
    scope: { team, services },
    path: { deployments: [...deployments, ...before], promotesTo },
    ...(thresholds ? { thresholds } : {}),
  };
}

/**
 * The environments that promote into each measured one, and theirs in turn (staging → canary → production), with
 * where each promotes: a change caught in one of them never reached the measured environment.
 */
export function promotionPath(
  config: Pick<GantryConfig, "services">,
  targets: readonly LedgerTarget[],
): { upstream: LedgerTarget[]; promotesTo: Record<string, Record<string, string>> } {
  const upstream: LedgerTarget[] = [];
  const promotesTo: Record<string, Record<string, string>> = {};
  for (const t of targets) {
    const envs = config.services[t.service]?.environments ?? {};
    const into = (promotesTo[t.service] ??= {});
    const queue = [t.environment];
    for (let later = queue.shift(); later !== undefined; later = queue.shift()) {
      for (const [name, env] of Object.entries(envs)) {
        const feeds = env.promoteTo === later || envs[later]?.promoteFrom === name;
        if (!feeds || name === t.environment || into[name] !== undefined) continue;
        into[name] = later;
        upstream.push({ service: t.service, environment: name });
        queue.push(name);
      }
    }
  }
  return { upstream, promotesTo };
}
