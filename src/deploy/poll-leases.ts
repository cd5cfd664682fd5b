import type { Polling } from "../config/schema.js";
import { durationMs } from "../domain/duration.js";
import type { Deployment } from "../domain/deployment.js";

/**
 * How far apart a deploy's polls are: from `interval`, backing off to `maxInterval`, or to `withWebhooks` when
 * webhooks bring the news (then polling is a slow safety net).
 */
export function pollIntervals(polling: Polling, webhooks: boolean): { minMs: number; maxMs: number } {
  const minMs = durationMs(polling.interval);
  return { minMs, maxMs: Math.max(minMs, durationMs(webhooks ? polling.withWebhooks : polling.maxInterval)) };
}

/** Spreads polls over ±10% of their interval, so deploys started together are not polled together. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return ms <= 0 ? 0 : Math.round(ms * (0.9 + 0.2 * random()));
}

/** How the replicas share polling: each tick renews the deploy's `poll:<id>` lease, and a scan adopts orphans. */
export interface PollLeases {
  /** This replica's id, written on the leases it takes. */
  holder: string;
  /** Longer than the longest pause between two ticks (maxInterval plus a slow poll), or replicas take turns. */
  ttlMs: number;
  /** How often live deploys are looked through for ones nobody polls any more (their poller died). */
  scanMs: number;
  /** Whether GitHub webhooks are configured (GITHUB_WEBHOOK_SECRET): polls then back off to `withWebhooks`. */
  webhooks?: boolean;
  /** A web replica (GANTRY_ROLE=web) follows nothing: the workers' scans adopt what it moved. */
  passive?: boolean;
}

export interface TrackerEvents {
  /** This replica took a deploy's poll lease: it polls the deploy from now on. */
  polling: [number];
  /** This replica offered to follow a deploy, but another replica holds its poll lease. */
  yielded: [number];
}

/** What launching a deploy needs of the tracker (tracker.ts's Tracker), kept here so the use cases need not import it. */
export interface Follower {
  /** Follows a dispatched deploy on its runner until it ends. */
  follow(d: Deployment): void;
  /** Runs `work` (a deploy's launch) with the deploy marked as being launched here. */
  launching<T>(id: number, work: () => Promise<T>): Promise<T>;
  /** Takes the deploy's poll lease for this replica; false while another replica holds it. */
  claim(id: number): Promise<boolean>;
}
