/**
 * Incident → deployment links. (1) An explicit reference wins: a deploy id, the deployment's SHA (full or a
 * prefix of ≥ 7 characters) or its change ticket. Several explicit matches: those of the incident's own service
 * if any, then the latest finishing at or before the incident's creation, else the earliest. (2) Otherwise the
 * latest deployment of the same service that finished strictly before the incident was created. (3) Else none.
 */
import { type DeploymentIndex, type IndexedDeployment, indexDeployments, lowerBound } from "./deployment-index.js";
import type { LedgerDeployment, LedgerIncident } from "./types.js";

export const MIN_SHA_PREFIX = 7;

export interface IncidentLink {
  incident: LedgerIncident;
  /** The deployment it links to, or null (e.g. an incident before the service's first deployment). */
  deployment: LedgerDeployment | null;
  via: "explicit" | "time" | null;
}

/** Links each incident (in the given order) to at most one deployment. */
export function linkIncidents(
  deployments: readonly LedgerDeployment[],
  incidents: readonly LedgerIncident[],
): IncidentLink[] {
  return linkIndexed(indexDeployments(deployments), incidents).map(({ incident, dep, via }) => ({
    incident,
    deployment: dep?.d ?? null,
    via,
  }));
}

export interface IndexedLink<D> {
  incident: LedgerIncident;
  dep: D | null;
  via: IncidentLink["via"];
}

export function linkIndexed<D extends IndexedDeployment>(
  index: DeploymentIndex<D>,
  incidents: readonly LedgerIncident[],
): IndexedLink<D>[] {
  const explicitMatches = explicitLookup(index.all, incidents);
  return incidents.map((incident): IndexedLink<D> => {
    const created = Date.parse(incident.createdAt);
    const candidates = explicitMatches(incident);
    if (candidates.length > 0)
      return { incident, dep: pickExplicit(candidates, incident.service, created), via: "explicit" };
    const svc = index.byService.get(incident.service) ?? [];
    const dep = svc[lowerBound(svc, created, (x) => x.t) - 1] ?? null;
    return { incident, dep, via: dep ? "time" : null };
  });
}

/**
 * Explicit references, found in one pass over the deployments for just the ids, tickets and SHA prefixes that
 * incidents mention (incidents are few; deployments may be a million).
 */
function explicitLookup<D extends IndexedDeployment>(
  all: readonly D[],
  incidents: readonly LedgerIncident[],
): (incident: LedgerIncident) => D[] {
  const ids = new Map<string, D[]>();
  const tickets = new Map<string, D[]>();
  const shas = new Map<string, D[]>();
  const shasByHead = new Map<string, string[]>();
  for (const { refs } of incidents) {
    for (const id of refs.deployIds) ids.set(id, []);
    for (const key of refs.issueKeys) tickets.set(key.toUpperCase(), []);
    for (const sha of refs.shas.map(normalSha).filter((s) => s.length >= MIN_SHA_PREFIX)) {
      shas.set(sha, []);
      const head = sha.slice(0, MIN_SHA_PREFIX);
      shasByHead.set(head, [...(shasByHead.get(head) ?? []), sha]);
    }
  }
  if (ids.size + tickets.size + shas.size > 0) {
    for (const x of all) {
      if (ids.size > 0) ids.get(x.d.id)?.push(x);
      if (tickets.size > 0 && x.d.changeTicket) tickets.get(x.d.changeTicket.toUpperCase())?.push(x);
      const refs = shasByHead.size > 0 ? shasByHead.get(x.d.sha.slice(0, MIN_SHA_PREFIX).toLowerCase()) : undefined;
      for (const ref of refs ?? []) if (normalSha(x.d.sha).startsWith(ref)) shas.get(ref)?.push(x);
    }
  }
  return ({ refs }) => {
    const found = new Set<D>();
    const add = (xs: readonly D[] | undefined): void => {
      for (const x of xs ?? []) found.add(x);
    };
    for (const id of refs.deployIds) add(ids.get(id));
    for (const key of refs.issueKeys) add(tickets.get(key.toUpperCase()));
    for (const sha of refs.shas) add(shas.get(normalSha(sha)));
    return [...found];
  };
}

const normalSha = (sha: string): string => sha.trim().toLowerCase();

function pickExplicit<D extends IndexedDeployment>(candidates: readonly D[], service: string, created: number): D {
  const own = candidates.filter((x) => x.d.service === service);
  const pool = own.length > 0 ? own : candidates;
  const before = pool.filter((x) => x.t <= created);
  const later = (a: D, b: D): boolean => a.t > b.t || (a.t === b.t && a.seq > b.seq);
  if (before.length > 0) return before.reduce((best, x) => (later(x, best) ? x : best));
  return pool.reduce((best, x) => (later(best, x) ? x : best));
}
