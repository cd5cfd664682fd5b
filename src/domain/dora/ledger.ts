/**
 * The ledger prepared once for every metric: deployments sorted (globally and per service) with their linked
 * incidents, why they failed and when service was restored; restored failures sorted by restoration time.
 */
import { type DeploymentIndex, type IndexedDeployment, groupBy, indexDeployments, range } from "./deployment-index.js";
import { linkIndexed } from "./linking.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident } from "./types.js";

export type FailureReason = "rolled_back" | "failed_verification" | "incident" | "hotfix";
/** Why a deployment was an unplanned fix of production (DORA 2024's rework). */
export type ReworkKind = "rollback" | "hotfix" | "forward_fix";

export interface PreparedDeployment extends IndexedDeployment {
  /** The commits that first reached production with this deployment: a change has one lead time. */
  readonly commits: readonly LedgerCommit[];
  /** Empty unless the deployment failed. */
  readonly reasons: readonly FailureReason[];
  readonly incidents: readonly LedgerIncident[];
  /** Failed deployments only: when service was restored (ms, never before finishedAt); null if not (yet). */
  readonly restoredAt: number | null;
  readonly rework: ReworkKind | null;
}

export interface PreparedLedger extends DeploymentIndex<PreparedDeployment> {
  /** Restored failures, sorted by restoredAt. */
  readonly restored: DeploymentIndex<PreparedDeployment>;
}

export function prepareLedger(
  deployments: readonly LedgerDeployment[],
  incidents: readonly LedgerIncident[],
): PreparedLedger {
  const index = indexDeployments(deployments);
  const linked = new Map<IndexedDeployment, LedgerIncident[]>();
  for (const { incident, dep } of linkIndexed(index, incidents)) {
    if (!dep) continue;
    const list = linked.get(dep);
    if (list) list.push(incident);
    else linked.set(dep, [incident]);
  }
  const all = new Array<PreparedDeployment>(index.all.length);
  const byService = new Map<string, PreparedDeployment[]>();
  const rollbacks = rollbacksOf(index.all);
  for (const [service, list] of index.byService) {
    const reached = new Set<string>();
    let previous: PreparedDeployment | undefined;
    const prepared = list.map((x, i) => {
      const next = list[i + 1];
      const restoring = x.d.failedVerification ? (rollbacks.get(x.d.id) ?? next) : next;
      const p = prepare(x, firstReached(x.d.commits, reached), restoring, linked.get(x) ?? NONE, previous);
      previous = all[x.seq] = p;
      return p;
    });
    byService.set(service, prepared);
  }
  const restored = all
    .filter((x) => x.restoredAt !== null)
    .sort((a, b) => (a.restoredAt as number) - (b.restoredAt as number) || a.seq - b.seq);
  return { all, byService, restored: { all: restored, byService: groupBy(restored, (x) => x.d.service) } };
}

/** The first rollback that replaced each deployment, by the replaced one's id: it is what restored service. */
function rollbacksOf(all: readonly IndexedDeployment[]): Map<string, IndexedDeployment> {
  const out = new Map<string, IndexedDeployment>();
  for (const x of all) {
    const replaced = x.d.replacesId;
    if (x.d.kind === "rollback" && replaced && !x.d.failedVerification && !out.has(replaced)) out.set(replaced, x);
  }
  return out;
}

/**
 * `next` is what restores service when no incident says otherwise: the next deployment, or for a failed verification
 * the rollback that replaced it (automatic or a person's), else the next deployment.
 */
function prepare(
  x: IndexedDeployment,
  commits: readonly LedgerCommit[],
  next: IndexedDeployment | undefined,
  incidents: readonly LedgerIncident[],
  previous: PreparedDeployment | undefined,
): PreparedDeployment {
  const rework = reworkOf(x, previous);
  const hotfixNext = next?.d.hotfix === true;
  const verificationFailed = x.d.failedVerification === true;
  const failed = x.d.rolledBack || verificationFailed || incidents.length > 0 || hotfixNext;
  if (!failed) return { d: x.d, t: x.t, seq: x.seq, commits, reasons: NONE, incidents, restoredAt: null, rework };
  const reasons: FailureReason[] = [];
  if (x.d.rolledBack) reasons.push("rolled_back");
  if (verificationFailed) reasons.push("failed_verification");
  if (incidents.length > 0) reasons.push("incident");
  if (hotfixNext) reasons.push("hotfix");
  const raw = incidents.length > 0 ? resolution(incidents) : (next?.t ?? null);
  return {
    d: x.d,
    t: x.t,
    seq: x.seq,
    commits,
    reasons,
    incidents,
    restoredAt: raw === null ? null : Math.max(raw, x.t),
    rework,
  };
}

/**
 * A rollback, a hotfix, or a forward fix: the next deployment after one an incident made failed, while that incident
 * was still open (a rolled-back or hotfixed failure is fixed by the rollback or hotfix itself).
 */
function reworkOf(x: IndexedDeployment, previous: PreparedDeployment | undefined): ReworkKind | null {
  if (x.d.kind === "rollback") return "rollback";
  if (x.d.hotfix) return "hotfix";
  if (!previous?.reasons.includes("incident")) return null;
  return previous.restoredAt === null || x.t <= previous.restoredAt ? "forward_fix" : null;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The commits of a deployment not already shipped by an earlier one (`reached`, in finish order, updated here): after a
 * rollback, the next deploy's comparison lists the rolled-back commits again, but they reached production before.
 */
function firstReached(commits: readonly LedgerCommit[], reached: Set<string>): readonly LedgerCommit[] {
  if (commits.every((c) => !reached.has(c.sha))) {
    for (const c of commits) reached.add(c.sha);
    return commits;
  }
  const out = commits.filter((c) => !reached.has(c.sha));
  for (const c of out) reached.add(c.sha);
  return out;
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
