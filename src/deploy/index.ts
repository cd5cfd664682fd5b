/**
 * The deploy use cases, by name: what typed commands, buttons, forms, jobs and webhooks ask for. Each decides by the
 * rules and returns why when it refuses (see refusals.ts); words are the caller's, and progress goes out through
 * the Notifier port (notifier.ts).
 */
export { askToDeploy, type Asked } from "./ask.js";
export { lock, releaseLock, unlock, type LockAsk, type LockOutcome, type UnlockOutcome } from "./locks.js";
export { promote, type PromotionAsk } from "./promote.js";
export { mayAct, type DeployAsk } from "./request.js";
export { warmUp } from "./warm.js";
export { drawn } from "./publisher.js";
export { retry } from "./retry.js";
export { acceptNow, rollBackNow, type VerificationActionResult } from "./verification-actions.js";
export { rollBack, type RollbackTarget, type RollbackWhere } from "./rollback.js";
export { approve, cancelRequest, reject, vote, type Ballot, type VoteOutcome, type VoteResult } from "./votes.js";
export type { DeployRefusal, GateRefusal, PromotionRefusal, RollbackRefusal } from "./refusals.js";
export type { Notice, Notifier, Tell, UserGroups } from "./notifier.js";
export type { Ports } from "./ports.js";
