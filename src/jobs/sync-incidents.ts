import { durationMs } from "../config/schema.js";
import type { Ports } from "../deploy/ports.js";
import { adfText, fieldValues, incidentRefs, linkedKeys } from "../domain/dora/incident-refs.js";
import type { LedgerIncident } from "../domain/dora/types.js";

const MAX_PAGES = 200;

/**
 * Reads incidents from Jira (`incidents.jql`, paged with nextPageToken) and stores the ones that map to a
 * configured service. Runs every 15 minutes and before each digest; re-running only refreshes what is stored.
 */
export async function syncIncidents(
  ports: Ports,
  opts: { since?: string } = {},
): Promise<{ fetched: number; stored: number }> {
  const cfg = ports.config.incidents;
  if (!cfg || !ports.jira) return { fetched: 0, stored: 0 };
  const now = ports.clock.now();
  const since = opts.since ?? new Date(now.getTime() - durationMs(cfg.lookback)).toISOString();
  const day = since.slice(0, 10);
  const base = cfg.jql.replace(/\s+ORDER\s+BY\s+.*$/i, "");
  const jql = `(${base}) AND (created >= "${day}" OR resolutiondate >= "${day}" OR resolutiondate is EMPTY) ORDER BY created ASC`;
  const services = new Map(Object.keys(ports.config.services).map((s) => [s.toLowerCase(), s]));
  const found: LedgerIncident[] = [];
  let token: string | null = null;
  let fetched = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await ports.jira.port.search(jql, [cfg.serviceField, "description", "issuelinks"], token);
    fetched += result.issues.length;
    for (const issue of result.issues) {
      const service = fieldValues(issue.fields[cfg.serviceField])
        .map((v) => services.get(v.toLowerCase()))
        .find(Boolean);
      if (!service) continue;
      const text = `${issue.summary} ${adfText(issue.fields.description)}`;
      found.push({
        key: issue.key,
        service,
        createdAt: issue.created,
        resolvedAt: issue.resolutiondate,
        status: issue.status,
        refs: incidentRefs(text, linkedKeys(issue.fields.issuelinks)),
      });
    }
    token = result.nextPageToken;
    if (!token) break;
  }
  const stored = await ports.store.upsertIncidents(found, now.toISOString());
  ports.log.info({ fetched, stored }, "incidents synced");
  return { fetched, stored };
}
