import type { UsergroupShare } from "../domain/usergroup-share.js";
import type { Logger } from "../log.js";
import { instrumentSlack, slackLookupCounter, type GantryMetrics } from "../metrics/index.js";
import { boltLogger } from "./bolt-app.js";
import type { SlackPort } from "./port.js";
import { boundedWebClient, WebSlack } from "./web-slack.js";

/**
 * The Web API client Gantry posts, updates and looks up with, each call counted in Gantry's metrics; user group
 * members shared with the other replicas through `share`.
 */
export function measuredSlack(
  token: string,
  apiUrl: string | undefined,
  log: Logger,
  metrics: GantryMetrics,
  share?: UsergroupShare,
): SlackPort {
  const client = boundedWebClient(token, { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), logger: boltLogger(log) });
  return instrumentSlack(
    new WebSlack(client, { countLookup: slackLookupCounter(metrics), ...(share ? { share } : {}) }),
    metrics,
  );
}
