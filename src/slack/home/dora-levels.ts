import type { Ports } from "../../deploy/ports.js";
import { loadDoraInput } from "../../digest/dora-input.js";
import { computeDora } from "../../domain/dora/report.js";
import { teamTimezone } from "../../domain/dora/targets.js";
import { weekStart } from "../../domain/dora/time.js";
import type { Level } from "../../domain/dora/types.js";
import type { Store } from "../../store/types.js";

export interface TeamDora {
  team: string;
  deployments: number;
  levels: {
    frequency: Level | null;
    leadTime: Level | null;
    changeFailureRate: Level | null;
    recoveryTime: Level | null;
  };
}

/** The levels move slowly and the ledger can be large: boards reuse one computation for this long. */
const TTL_MS = 10 * 60_000;
const WEEKS = 4;

const cache = new WeakMap<Store, { at: number; levels: Promise<TeamDora[]> }>();

/** Each team's DORA levels over the last four weeks, as `/dora` computes them by default. */
async function compute(ports: Pick<Ports, "config" | "store" | "clock">): Promise<TeamDora[]> {
  const now = ports.clock.now();
  const teams: TeamDora[] = [];
  for (const team of Object.keys(ports.config.teams)) {
    const tz = teamTimezone(ports.config, team);
    const from = new Date(weekStart(now, tz).getTime() - (WEEKS - 1) * 7 * 86_400_000);
    const window = { from: weekStart(from.getTime() + 12 * 3_600_000, tz).toISOString(), to: now.toISOString() };
    const report = computeDora(await loadDoraInput(ports, team, window));
    teams.push({
      team,
      deployments: report.deployments,
      levels: {
        frequency: report.deploymentFrequency.level,
        leadTime: report.leadTime.level,
        changeFailureRate: report.changeFailureRate.level,
        recoveryTime: report.recoveryTime.level,
      },
    });
  }
  return teams;
}

export function teamLevels(ports: Pick<Ports, "config" | "store" | "clock">): Promise<TeamDora[]> {
  const now = ports.clock.now().getTime();
  const hit = cache.get(ports.store);
  if (hit && now - hit.at < TTL_MS) return hit.levels;
  const levels = compute(ports);
  cache.set(ports.store, { at: now, levels });
  // A failed computation is not kept: the next board asks again.
  levels.catch(() => cache.delete(ports.store));
  return levels;
}
