import type { Deployment, Lock } from "../domain/deployment.js";
import type { ActiveFreeze } from "../domain/freeze.js";
import type { RetryRefusal } from "../domain/retry.js";

/** Why a promotion cannot go ahead, with what the words need. */
export type PromotionRefusal =
  | { why: "unknown_target"; service: string; to: string }
  | { why: "no_source"; service: string; to: string }
  | { why: "same_environment"; to: string }
  | { why: "wrong_source"; service: string; to: string; from: string; promoteFrom: string }
  | { why: "source_not_good"; from: string; sourceId: number; sha: string | null }
  | { why: "nothing_in_source"; from: string }
  /** requireVerified: the source deploy was not verified where it ran. */
  | { why: "not_verified"; from: string; sourceId: number }
  /** minBake: the source deploy has not been live long enough; allowed from `allowedAt` (ISO). */
  | { why: "baking"; from: string; sourceId: number; minBake: string; allowedAt: string };

/** Why there is nothing to roll back to, with what the words need. */
export type RollbackRefusal =
  | { why: "nothing_live"; environment: string }
  | { why: "not_here"; id: number; service: string; environment: string }
  | { why: "not_good"; id: number }
  | { why: "is_live"; id: number }
  | { why: "ref_never_good"; ref: string; environment: string }
  | { why: "none_before"; current: Deployment; environment: string };

/** The rules that keep deploys out of an environment: promotion-only environments, locks and freezes. */
export type GateRefusal =
  | { refused: "promotion_only"; service: string; environment: string; promoteFrom: string }
  | { refused: "locked"; service: string; environment: string; lock: Lock }
  | { refused: "frozen"; environment: string; freeze: ActiveFreeze }
  | { refused: "no_break_glass"; environment: string };

/** Why an ask to deploy (typed, clicked, from a form or a job) was refused, with the data its words need. */
export type DeployRefusal =
  | { refused: "unknown_target"; service: string; environment: string }
  | { refused: "not_deployer"; service: string; environment: string; deployers: string[] }
  | GateRefusal
  | { refused: "busy"; service: string; environment: string; active: Deployment }
  | { refused: "promotion"; promotion: PromotionRefusal }
  | { refused: "rollback"; rollback: RollbackRefusal }
  | { refused: "retry"; retry: RetryRefusal; d: Deployment };
