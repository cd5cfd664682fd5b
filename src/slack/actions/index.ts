import { approveAction } from "./approve.js";
import { cancelAction } from "./cancel.js";
import { notifyUnlockAction, promoteAction, rollbackAction } from "./deploy-again.js";
import { retryAction } from "./retry.js";
import { rejectAction, rejectSubmission } from "./reject.js";
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
];

/** The modals those buttons open. */
export const ACTION_VIEWS: readonly ViewSubmission[] = [rejectSubmission];
