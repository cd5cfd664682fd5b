import type { Deployment } from "../domain/deployment.js";

/** How the replicas share polling: each tick renews the deploy's `poll:<id>` lease, and a scan adopts orphans. */
export interface PollLeases {
  /** This replica's id, written on the leases it takes. */
  holder: string;
  /** Longer than the longest pause between two ticks (maxInterval plus a slow poll), or replicas take turns. */
  ttlMs: number;
  /** How often live deploys are looked through for ones nobody polls any more (their poller died). */
  scanMs: number;
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
