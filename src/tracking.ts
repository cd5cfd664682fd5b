/** Wires the tracker for one Gantry: how its polls are spaced (webhooks or not) and how replicas share them. */
import { pollIntervals } from "./deploy/poll-leases.js";
import type { Ports } from "./deploy/ports.js";
import { Tracker } from "./deploy/tracker.js";
import type { Env } from "./env.js";
import { replicaTuning, type ReplicaTuning } from "./replica.js";

/** With webhooks (GITHUB_WEBHOOK_SECRET set), polls back off to `polling.withWebhooks`: a slow safety net. */
export function createTracking(
  ports: Ports,
  opts: {
    replica: string;
    env: Pick<Env, "GITHUB_WEBHOOK_SECRET">;
    /** A web replica's tracker follows nothing (see PollLeases). */
    passive?: boolean;
    replicas?: Partial<ReplicaTuning> | undefined;
  },
): { tracker: Tracker; tuning: ReplicaTuning } {
  const webhooks = Boolean(opts.env.GITHUB_WEBHOOK_SECRET);
  const tuning = replicaTuning(pollIntervals(ports.config.polling, webhooks).maxMs, opts.replicas);
  const passive = opts.passive ?? false;
  const leases = { holder: opts.replica, ttlMs: tuning.pollTtlMs, scanMs: tuning.scanMs, webhooks, passive };
  return { tracker: new Tracker(ports, leases), tuning };
}
