import { approveAction } from "./approve.js";
import { cancelAction } from "./cancel.js";
import { notifyUnlockAction, promoteAction, rollbackAction } from "./deploy-again.js";
import { retryAction } from "./retry.js";
import { rejectAction, rejectSubmission } from "./reject.js";
import type { ButtonAction, ViewSubmission } from "./types.js";
import { deployFormServiceChange, openDeployFormAction } from "../forms/deploy-form-open.js";
import { deployFormSubmission, deployRefOptions } from "../forms/deploy-form-submit.js";
import { lockFormSubmission, openLockFormAction, unlockAction } from "../forms/lock-form.js";
import type { OptionsProvider, ViewChange } from "../forms/types.js";

/** Every button Gantry answers. */
export const BUTTONS: readonly ButtonAction[] = [
  approveAction,
  rejectAction,
  cancelAction,
  rollbackAction,
  promoteAction,
  retryAction,
  notifyUnlockAction,
  openDeployFormAction,
  openLockFormAction,
  unlockAction,
];

/** Every modal Gantry answers. */
export const VIEWS: readonly ViewSubmission[] = [rejectSubmission, deployFormSubmission, lockFormSubmission];

/** Every field in a modal that Gantry redraws the modal for when it changes. */
export const VIEW_CHANGES: readonly ViewChange[] = [deployFormServiceChange];

/** Every external_select Gantry suggests options for. */
export const OPTIONS: readonly OptionsProvider[] = [deployRefOptions];
