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
  const n = deployments.length;
  const ts = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const t = Date.parse((deployments[i] as LedgerDeployment).finishedAt);
    ts[i] = Number.isNaN(t) ? Infinity : t;
    if (i > 0 && (ts[i] as number) < (ts[i - 1] as number)) sorted = false;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // A ledger usually arrives in finishedAt order already: then there is nothing to sort.
  if (!sorted) order.sort((a, b) => (ts[a] as number) - (ts[b] as number) || a - b);
  const all = new Array<IndexedDeployment>(n);
  for (let seq = 0; seq < n; seq++) {
    const i = order[seq] as number;
    all[seq] = { d: deployments[i] as LedgerDeployment, t: ts[i] as number, seq };
  }
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
