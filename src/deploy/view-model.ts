import type { ApprovalPolicy, Tally } from "../domain/approval.js";
import type { Lock } from "../domain/deployment.js";
import type { VerifyPlan } from "../domain/verify/types.js";

/** Where a promotion comes from, for the deploy message (approvers judge it by this). */
export interface PromotionSource {
  id: number;
  environment: string;
  sha: string | null;
}

/** Everything a deploy message shows besides the deploy itself; gathered here, so rendering stays pure. */
export interface DeployView {
  repo: string;
  now: Date;
  approval?: { policy: ApprovalPolicy; tally: Tally; authors?: string[] };
  /** Environments that promote from this one (for a Promote button on success). */
  promoteTo?: string[];
  ticket?: { key: string; url: string };
  /** A lock that a rollback passed, or that now holds the environment. */
  lock?: Lock;
  /** A promotion's source deploy, so approvers see where it comes from. */
  source?: PromotionSource;
  /** A failed deploy that never reached the CI, and is still the latest here: it may be retried. */
  retryable?: boolean;
  /** What the deploy's runner calls a run ("workflow run", "deployment"): the words on its link. */
  runNoun?: string;
  /** The environment's `verify:` plan, for a deploy that verifies (or did): the bake's length, failAfter, noData. */
  verify?: VerifyPlan;
}
