import type { ReplyTo } from "../domain/handoff.js";
import type { Deployment, Lock } from "../domain/deployment.js";
import type { DeployRefusal } from "./refusals.js";
import type { DeployView } from "./view-model.js";

/** Something Gantry tells people as a deploy or a lock moves, as data: the chat adapter words it. */
export type Notice =
  | { notice: "no_ticket"; id: number; error: string }
  | { notice: "approvals_reset"; id: number; ref: string; sha: string | null }
  | { notice: "did_not_start"; id: number; reason: string }
  | { notice: "message_not_taken"; id: number; service: string; error: string }
  | { notice: "unlocked"; lock: Lock; by: string }
  | { notice: "lock_ending"; lock: Lock; leftMs: number }
  | { notice: "rolling_back_past_lock"; id: number; requester: string; service: string; environment: string }
  /** `promoteTo`: a verified deploy's promotion was asked for on the requester's behalf (approvals still apply). */
  | { notice: "promotion_asked"; id: number; to: string; promotionId: number }
  /** `promoteTo`: the promotion could not be asked for, with the rule that said no. */
  | { notice: "promotion_not_asked"; id: number; to: string; refusal: DeployRefusal };

/**
 * A failed verification, for the people named in `alert:`. `rolling_back`: Gantry started rollback `rollbackId`;
 * `rollback_refused`: onFailure is rollback but the rules refused it (`refusal` says why); `waiting`: onFailure is
 * notify, a person decides.
 */
export interface VerificationAlert {
  people: string[];
  /** In plain words: "error rate 4.1% > 2% for 2 checks in a row". */
  reason: string;
  action: "rolling_back" | "rollback_refused" | "waiting";
  rollbackId: number | null;
  refusal?: DeployRefusal;
}

/**
 * Reaches the person who asked, where they asked. Never throws: trouble is logged and the work goes on. `replyTo`
 * says where, so that a worker replica can tell them when the work is handed over (GANTRY_ROLE=web).
 */
export type Tell = ((notice: Notice) => Promise<void>) & { readonly replyTo?: ReplyTo };

/** A production deployment someone made outside Gantry, for its team's channel. */
export interface OutsideDeployment {
  service: string;
  environment: string;
  deployment: { ref: string; sha: string; creator: string };
  /** The success status's log URL, as the CI has it: linked only when it is on the CI's host. */
  logUrl: string | null;
  commits: number;
}

/** Where a deploy's message landed. */
export interface MessagePlace {
  channel: string;
  ts: string;
}

/**
 * How deploy rules speak, without knowing the words or the chat: implemented in src/slack (SlackNotifier). Each
 * method throws what the chat threw; callers decide whether that matters.
 */
export interface Notifier {
  /** Posts a deploy's one message in its channel. */
  postDeploy(d: Deployment, view: DeployView): Promise<MessagePlace>;
  /** Redraws a deploy's message where it was posted. */
  updateDeploy(d: Deployment, view: DeployView): Promise<void>;
  /** The thread reply that tells the requester how a deploy ended. */
  deployEnded(d: Deployment): Promise<void>;
  /** The thread reply at the end of a verification (any outcome), with a chart of each check over the bake. */
  verificationEnded(d: Deployment): Promise<void>;
  /** Tells the people named in `alert:` at once: in the deploy's thread, mentioning them, and by the team's rules. */
  verificationAlert(d: Deployment, alert: VerificationAlert): Promise<void>;
  /** A note in the thread of a deploy's message. */
  inThread(d: Deployment, notice: Notice): Promise<void>;
  /** A direct message. */
  toUser(user: string, notice: Notice): Promise<void>;
  /** A link to a deploy's message, for the change ticket. */
  permalink(d: Deployment): Promise<string | undefined>;
  /** Whether a failed post means the channel will not take Gantry's messages (rather than the chat being down). */
  refusesPosting(err: unknown): boolean;
}

/** Who is in a user group (`@platform`), by handle without the `@`. */
export interface UserGroups {
  usergroupMembers(handle: string): Promise<string[]>;
}
