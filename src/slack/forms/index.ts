import type { ButtonAction, ViewSubmission } from "../actions/types.js";
import { deployFormServiceChange, openDeployFormAction } from "./deploy-form-open.js";
import { deployFormSubmission, deployRefOptions } from "./deploy-form-submit.js";
import { lockFormSubmission, openLockFormAction, unlockAction } from "./lock-form.js";
import type { OptionsProvider, ViewChange } from "./types.js";

/** The buttons that open or act for a form. */
export const FORM_ACTIONS: readonly ButtonAction[] = [openDeployFormAction, openLockFormAction, unlockAction];

/** Every modal submission. */
export const FORM_SUBMISSIONS: readonly ViewSubmission[] = [deployFormSubmission, lockFormSubmission];

/** Every field in a modal that Gantry redraws the modal for when it changes. */
export const FORM_CHANGES: readonly ViewChange[] = [deployFormServiceChange];

/** Every external_select Gantry suggests options for. */
export const FORM_OPTIONS: readonly OptionsProvider[] = [deployRefOptions];
