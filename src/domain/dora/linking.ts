/**
 * Incident → deployment links. (1) An explicit reference wins: a deploy id, the deployment's SHA (full or a
 * prefix of ≥ 7 characters) or its change ticket. Several explicit matches: those of the incident's own service
 * if any, then the latest finishing at or before the incident's creation, else the earliest. (2) Otherwise the
 * latest deployment of the same service that finished strictly before the incident was created. (3) Else none.
 */
import { type DeploymentIndex, type IndexedDeployment, groupBy, indexDeployments, lowerBound } from "./deployment-index.js";
import type { LedgerDeployment, LedgerIncident } from "./types.js";

export const MIN_SHA_PREFIX = 7;

export interface IncidentLink {
  incident: LedgerIncident;
  /** The deployment it links to, or null (e.g. an incident before the service's first deployment). */
  deployment: LedgerDeployment | null;
  via: "explicit" | "time" | null;
}

/** Links each incident (in the given order) to at most one deployment. */
export function linkIncidents(deployments: readonly LedgerDeployment[], incidents: readonly LedgerIncident[]): IncidentLink[] {
  return linkIndexed(indexDeployments(deployments), incidents).map(({ incident, dep, via }) => ({
    incident, deployment: dep?.d ?? null, via,
  }));
}

export interface IndexedLink<D> {
  incident: LedgerIncident;
  dep: D | null;
  via: IncidentLink["via"];
}

export function linkIndexed<D extends IndexedDeployment>(index: DeploymentIndex<D>, incidents: readonly LedgerIncident[]): IndexedLink<D>[] {
  const explicitMatches = explicitLookup(index.all);
  return incidents.map((incident): IndexedLink<D> => {
    const created = Date.parse(incident.createdAt);
    const candidates = explicitMatches(incident);
    if (candidates.length > 0) return { incident, dep: pickExplicit(candidates, incident.service, created), via: "explicit" };
    const svc = index.byService.get(incident.service) ?? [];
    const dep = svc[lowerBound(svc, created, (x) => x.t) - 1] ?? null;
    return { incident, dep, via: dep ? "time" : null };
  });
}

function explicitLookup<D extends IndexedDeployment>(all: readonly D[]): (incident: LedgerIncident) => D[] {
  const byId = groupBy(all, (x) => x.d.id);
  const byTicket = groupBy(all.filter((x) => x.d.changeTicket), (x) => (x.d.changeTicket ?? "").toUpperCase());
  const bySha = shaLookup(all);
  return ({ refs }) => {
    const found = new Set<D>();
    const add = (xs: readonly D[] | undefined): void => {
      for (const x of xs ?? []) found.add(x);
    };
    for (const id of refs.deployIds) add(byId.get(id));
    for (const key of refs.issueKeys) add(byTicket.get(key.toUpperCase()));
    for (const raw of refs.shas) {
      const sha = raw.trim().toLowerCase();
      if (sha.length < MIN_SHA_PREFIX) continue;
      add(bySha(sha));
    }
    return [...found];
  };
}

/** Deployments whose SHA starts with a (lower-case) prefix: binary search over the SHAs sorted once. */
function shaLookup<D extends IndexedDeployment>(all: readonly D[]): (prefix: string) => D[] {
  const sorted = all.map((x) => ({ sha: x.d.sha.toLowerCase(), x })).sort((a, b) => (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0));
  return (prefix) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as { sha: string }).sha < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: D[] = [];
    for (let e = sorted[lo]; e?.sha.startsWith(prefix); e = sorted[++lo]) out.push(e.x);
    return out;
  };
}

function pickExplicit<D extends IndexedDeployment>(candidates: readonly D[], service: string, created: number): D {
  const own = candidates.filter((x) => x.d.service === service);
  const pool = own.length > 0 ? own : candidates;
  const before = pool.filter((x) => x.t <= created);
  const later = (a: D, b: D): boolean => a.t > b.t || (a.t === b.t && a.seq > b.seq);
  if (before.length > 0) return before.reduce((best, x) => (later(x, best) ? x : best));
  return pool.reduce((best, x) => (later(best, x) ? x : best));
}
