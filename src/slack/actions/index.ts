import { approveAction } from "./approve.js";
import { cancelAction } from "./cancel.js";
import { notifyUnlockAction, promoteAction, rollbackAction } from "./deploy-again.js";
import { retryAction } from "./retry.js";
import { rejectAction, rejectSubmission } from "./reject.js";
import { verifyAcceptAction } from "./verify-accept.js";
import { verifyRollbackAction } from "./verify-rollback.js";
import type { ButtonAction, ViewSubmission } from "./types.js";

/** Every button on a deploy message (and its refusals). */
export const ACTION_BUTTONS: readonly ButtonAction[] = [
  approveAction,
  rejectAction,
  cancelAction,
  rollbackAction,
  promoteAction,
  retryAction,
  notifyUnlockAction,
  verifyRollbackAction,
  verifyAcceptAction,
];

/** The modals those buttons open. */
export const ACTION_VIEWS: readonly ViewSubmission[] = [rejectSubmission];
