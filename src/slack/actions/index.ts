import { approveAction } from "./approve.js";
import { cancelAction } from "./cancel.js";
import { notifyUnlockAction, promoteAction, retryAction, rollbackAction } from "./deploy-again.js";
import { rejectAction, rejectSubmission } from "./reject.js";
import type { ButtonAction, ViewSubmission } from "./types.js";

/** Every button Gantry answers. */
export const BUTTONS: readonly ButtonAction[] = [
  approveAction,
  rejectAction,
  cancelAction,
  rollbackAction,
  promoteAction,
  retryAction,
  notifyUnlockAction,
];

/** Every modal Gantry answers. */
export const VIEWS: readonly ViewSubmission[] = [rejectSubmission];
