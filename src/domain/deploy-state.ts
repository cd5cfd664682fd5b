/**
 * The deployment state machine. Pure: no I/O, no clock.
 *
 * pending_approval ─▶ requested ─▶ queued ─▶ in_progress ─▶ [verifying] ─▶ succeeded ─▶ rolled_back
 *        │                │           │            │             │        └▶ failed | cancelled | timed_out
 *        └▶ rejected | expired | cancelled | failed   (a runner may skip states; any live state may end)
 * `verifying`: the CI run succeeded and the environment has `verify:`; live metrics decide between succeeded
 * (verified, or accepted by a person) and failed.
 */
export const DEPLOY_STATES = [
  "pending_approval",
  "requested",
  "queued",
  "in_progress",
  "verifying",
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "rejected",
  "expired",
  "rolled_back",
] as const;
export type DeployState = (typeof DEPLOY_STATES)[number];

export const LIVE_STATES = [
  "pending_approval",
  "requested",
  "queued",
  "in_progress",
  "verifying",
] as const satisfies readonly DeployState[];
export const FINAL_STATES = [
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "rejected",
  "expired",
  "rolled_back",
] as const satisfies readonly DeployState[];
export type LiveState = (typeof LIVE_STATES)[number];
export type FinalState = (typeof FINAL_STATES)[number];

const NEXT: Record<DeployState, readonly DeployState[]> = {
  pending_approval: ["requested", "rejected", "expired", "cancelled", "failed"],
  requested: ["queued", "in_progress", "verifying", "succeeded", "failed", "cancelled", "timed_out"],
  queued: ["in_progress", "verifying", "succeeded", "failed", "cancelled", "timed_out"],
  in_progress: ["verifying", "succeeded", "failed", "cancelled", "timed_out"],
  // The run is over; only the metrics (or a person's Accept now / Roll back now) end it.
  verifying: ["succeeded", "failed"],
  // A deploy that ended well can later be marked as undone by a rollback; that is the only move out of an end.
  succeeded: ["rolled_back"],
  failed: [],
  cancelled: [],
  timed_out: [],
  rejected: [],
  expired: [],
  rolled_back: [],
};

export function isFinal(state: DeployState): state is FinalState {
  return (FINAL_STATES as readonly DeployState[]).includes(state);
}

export function canTransition(from: DeployState, to: DeployState): boolean {
  return NEXT[from].includes(to);
}

/** The states a deploy may be in for a move to `to` to be legal. */
export function statesBefore(to: DeployState): DeployState[] {
  return DEPLOY_STATES.filter((s) => NEXT[s].includes(to));
}

/**
 * What a runner reports about a deploy's run, in Gantry's words: each runner translates its vendor's (GitHub's
 * status/conclusion, a deployment's state, ...) into these. An end other than success says why, in the vendor's
 * words. `inactive`: the runner no longer counts this run (a GitHub deployment superseded by a newer one), no move.
 */
export type RunProgress =
  | { phase: "queued" | "running" | "succeeded" | "inactive" }
  | { phase: "failed" | "cancelled" | "timed_out"; reason: string };
export type RunPhase = RunProgress["phase"];

const STATE_OF: Record<RunPhase, DeployState | undefined> = {
  queued: "queued",
  running: "in_progress",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  timed_out: "timed_out",
  inactive: undefined,
};

/** The state a run's progress moves a deploy to. `undefined` means no change. */
export function stateFromProgress(progress: RunProgress): DeployState | undefined {
  return STATE_OF[progress.phase];
}

/** Advances `current` toward `target`, or stays put when the move is not allowed (e.g. stale news). */
export function advance(current: DeployState, target: DeployState | undefined): DeployState {
  if (!target || target === current) return current;
  return canTransition(current, target) ? target : current;
}
