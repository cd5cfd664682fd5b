import type { DeployState } from "./deploy-state.js";
import type { DeployKind } from "./deployment.js";

/** What the retry rule looks at: the deploy, the states it went through, and what is true of its environment now. */
export interface RetryFacts {
  d: {
    id: number;
    kind: DeployKind;
    state: DeployState;
    runId: string | null;
    replacesId: number | null;
  };
  /** Every state the deploy entered, oldest first. */
  states: readonly DeployState[];
  /** The newest deploy of the same service and environment. */
  latestId: number | undefined;
  /** The deploy that runs there now (the last that succeeded), if any. */
  liveId: number | undefined;
}

export type RetryRefusal =
  | { why: "not_failed"; state: DeployState }
  | { why: "reached_ci" }
  | { why: "superseded"; by: number }
  | { why: "live_changed"; replaces: number; live: number | undefined };

/** States only a deploy that GitHub accepted can have reached. */
const ACCEPTED: readonly DeployState[] = ["queued", "in_progress", "verifying", "succeeded"];

/** Whether nothing of the deploy reached the CI: no run or deployment id, and GitHub never took the request. */
export function neverReachedCi(f: Pick<RetryFacts, "d" | "states">): boolean {
  return f.d.runId === null && !f.states.some((s) => ACCEPTED.includes(s));
}

/**
 * Retry asks again for what a deploy asked for, so it exists only where asking again changes nothing else: the
 * deploy failed before anything reached the CI, nothing was asked for there since, and (for a rollback) what it
 * undid still runs. Anything else is a fresh request, planned from what is true now.
 */
export function retryRefusal(f: RetryFacts): RetryRefusal | undefined {
  if (f.d.state !== "failed") return { why: "not_failed", state: f.d.state };
  if (!neverReachedCi(f)) return { why: "reached_ci" };
  if (f.latestId !== undefined && f.latestId !== f.d.id) return { why: "superseded", by: f.latestId };
  if (f.d.kind === "rollback" && f.d.replacesId !== null && f.liveId !== f.d.replacesId) {
    return { why: "live_changed", replaces: f.d.replacesId, live: f.liveId };
  }
  return undefined;
}
