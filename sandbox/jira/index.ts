/** The Jira Cloud emulator's public surface, for tests and the demo. */
export { JiraEmulator, type JiraEmulatorEvents, type JiraEmulatorOptions } from "./emulator.js";
export type { FaultSpec } from "../http/faults.js";
export type {
  AddIssueOptions,
  AddProjectOptions,
  CommentRecord,
  IssueLinkSeed,
  IssueRecord,
  RecordedCall,
  RemoteLinkRecord,
  StatusCategoryKey,
  TransitionRecord,
  Workflow,
  WorkflowStatus,
  WorkflowTransition,
} from "./types.js";
export { defaultWorkflow } from "./workflow.js";
