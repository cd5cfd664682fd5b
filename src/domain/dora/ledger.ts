/**
 * The ledger prepared once for every metric: deployments sorted (globally and per service) with their linked
 * incidents, why they failed and when service was restored; restored failures sorted by restoration time.
 */
import { type DeploymentIndex, type IndexedDeployment, groupBy, indexDeployments, range } from "./deployment-index.js";
import { linkIndexed } from "./linking.js";
import type { LedgerDeployment, LedgerIncident } from "./types.js";

export type FailureReason = "rolled_back" | "incident" | "hotfix";

export interface PreparedDeployment extends IndexedDeployment {
  /** Empty unless the deployment failed. */
  readonly reasons: readonly FailureReason[];
  readonly incidents: readonly LedgerIncident[];
  /** Failed deployments only: when service was restored (ms, never before finishedAt); null if not (yet). */
  readonly restoredAt: number | null;
}

export interface PreparedLedger extends DeploymentIndex<PreparedDeployment> {
  /** Restored failures, sorted by restoredAt. */
  readonly restored: DeploymentIndex<PreparedDeployment>;
}

export function prepareLedger(deployments: readonly LedgerDeployment[], incidents: readonly LedgerIncident[]): PreparedLedger {
  const index = indexDeployments(deployments);
  const linked = new Map<IndexedDeployment, LedgerIncident[]>();
  for (const { incident, dep } of linkIndexed(index, incidents)) {
    if (!dep) continue;
    const list = linked.get(dep);
    if (list) list.push(incident);
    else linked.set(dep, [incident]);
  }
  const all: PreparedDeployment[] = new Array<PreparedDeployment>(index.all.length);
  for (const list of index.byService.values()) {
    list.forEach((x, i) => {
      const next = list[i + 1];
      const inc = linked.get(x) ?? [];
      const reasons: FailureReason[] = [];
      if (x.d.rolledBack) reasons.push("rolled_back");
      if (inc.length > 0) reasons.push("incident");
      if (next?.d.hotfix) reasons.push("hotfix");
      const raw = reasons.length === 0 ? null : inc.length > 0 ? resolution(inc) : (next?.t ?? null);
      all[x.seq] = { ...x, reasons, incidents: inc, restoredAt: raw === null ? null : Math.max(raw, x.t) };
    });
  }
  const restored = all
    .filter((x) => x.restoredAt !== null)
    .sort((a, b) => (a.restoredAt as number) - (b.restoredAt as number) || a.seq - b.seq);
  const byService = (xs: readonly PreparedDeployment[]) => groupBy(xs, (x) => x.d.service);
  return { all, byService: byService(all), restored: { all: restored, byService: byService(restored) } };
}

/** All linked incidents resolved: the latest resolution; any unresolved: null. */
function resolution(incidents: readonly LedgerIncident[]): number | null {
  let latest = -Infinity;
  for (const i of incidents) {
    const t = i.resolvedAt === null ? NaN : Date.parse(i.resolvedAt);
    if (Number.isNaN(t)) return null;
    latest = Math.max(latest, t);
  }
  return latest;
}

/** Entries with from ≤ key < to of the given services (null: all), sorted by key then ledger order. */
export function scoped(
  index: DeploymentIndex<PreparedDeployment>,
  services: readonly string[] | null,
  from: number,
  to: number,
  key: (x: PreparedDeployment) => number,
): readonly PreparedDeployment[] {
  if (services === null) return range(index.all, from, to, key);
  return [...new Set(services)]
    .flatMap((s) => range(index.byService.get(s) ?? [], from, to, key))
    .sort((a, b) => key(a) - key(b) || a.seq - b.seq);
}

export const finished = (x: PreparedDeployment): number => x.t;
export const restoredAt = (x: PreparedDeployment): number => x.restoredAt ?? NaN;
