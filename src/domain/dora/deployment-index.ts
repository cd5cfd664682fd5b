/** Deployments parsed and sorted once: globally and per service, by finishedAt (ties keep ledger order). */
import type { LedgerDeployment } from "./types.js";

export interface IndexedDeployment {
  readonly d: LedgerDeployment;
  /** finishedAt in ms. */
  readonly t: number;
  /** Position in the whole ledger after sorting (a total order for ties). */
  readonly seq: number;
}

export interface DeploymentIndex<D extends IndexedDeployment = IndexedDeployment> {
  readonly all: readonly D[];
  readonly byService: ReadonlyMap<string, readonly D[]>;
}

export function indexDeployments(deployments: readonly LedgerDeployment[]): DeploymentIndex {
  const parsed = deployments.map((d, i) => ({ d, t: Date.parse(d.finishedAt), i }));
  parsed.sort((a, b) => a.t - b.t || a.i - b.i);
  const all = parsed.map(({ d, t }, seq): IndexedDeployment => ({ d, t, seq }));
  return { all, byService: groupBy(all, (x) => x.d.service) };
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The first index whose key is ≥ x (keys ascending). */
export function lowerBound<T>(items: readonly T[], x: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid] as T) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Items with from ≤ key < to, from an array sorted by key. */
export function range<T>(items: readonly T[], from: number, to: number, key: (item: T) => number): readonly T[] {
  return items.slice(lowerBound(items, from, key), lowerBound(items, to, key));
}
