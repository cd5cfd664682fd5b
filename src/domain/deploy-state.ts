/**
 * The deployment state machine. Pure: no I/O, no clock.
 *
 * pending_approval ─▶ requested ─▶ queued ─▶ in_progress ─▶ succeeded ─▶ rolled_back
 *        │                │           │            │      └▶ failed | cancelled | timed_out
 *        └▶ rejected | expired | cancelled | failed   (GitHub may skip states; any live state may end)
 */
export const DEPLOY_STATES = [
  "pending_approval",
  "requested",
  "queued",
  "in_progress",
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
  requested: ["queued", "in_progress", "succeeded", "failed", "cancelled", "timed_out"],
  queued: ["in_progress", "succeeded", "failed", "cancelled", "timed_out"],
  in_progress: ["succeeded", "failed", "cancelled", "timed_out"],
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

/** What GitHub reports about a workflow run or deployment, in GitHub's own vocabulary. */
export type RemoteProgress =
  { kind: "run"; status: string; conclusion: string | null } | { kind: "deployment"; state: string | null };

/** Maps GitHub's view of a run or deployment onto our states. `undefined` means no change. */
export function stateFromRemote(progress: RemoteProgress): DeployState | undefined {
  if (progress.kind === "run") {
    if (progress.status !== "completed") {
      return ["in_progress"].includes(progress.status) ? "in_progress" : "queued";
    }
    switch (progress.conclusion) {
      case "success":
        return "succeeded";
      case "cancelled":
        return "cancelled";
      case "timed_out":
        return "timed_out";
      default:
        return "failed";
    }
  }
  switch (progress.state) {
    case null:
    case "pending":
    case "queued":
      return "queued";
    case "in_progress":
      return "in_progress";
    case "success":
      return "succeeded";
    case "inactive":
      return undefined;
    default:
      return "failed";
  }
}

/** Advances `current` toward `target`, or stays put when the move is not allowed (e.g. stale news). */
export function advance(current: DeployState, target: DeployState | undefined): DeployState {
  if (!target || target === current) return current;
  return canTransition(current, target) ? target : current;
}
