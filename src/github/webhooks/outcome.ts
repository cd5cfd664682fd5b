import type { Ports } from "../../deploy/ports.js";
import type { AppPorts } from "../../ports.js";
import type { Tracker } from "../../deploy/tracker.js";

export type WebhookPorts = AppPorts & { tracker: Pick<Tracker, "hint"> };

/** What a delivery came to, for the response body and the log. */
export type Outcome =
  | "applied"
  | "unchanged"
  | "not-dispatched-yet"
  | "no-match"
  | "external-recorded"
  | "external-known"
  | "external-ignored"
  | "gantry-job"
  | "logged"
  | "ignored";

/** Whether the deploy's service is deployed from this repository (GitHub compares names case-insensitively). */
export function sameRepo(ports: Pick<Ports, "config">, service: string, fullName: string): boolean {
  return ports.config.services[service]?.repo.toLowerCase() === fullName.toLowerCase();
}
