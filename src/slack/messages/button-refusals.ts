import { bold, code, mrkdwn, type SlackText } from "../mrkdwn.js";

/** For a name that reached the deploy path unchecked (entry points answer with suggestions first). */
export function unknownTarget(service: string, environment: string): SlackText {
  return mrkdwn`:no_entry: gantry.yml has no environment ${bold(environment)} for service ${bold(service)}.`;
}

/** Answers to clicks whose button no longer fits what is true now. A button's value is a hint, never an order. */
export const BUTTON_REFUSALS = {
  noSuchDeploy: mrkdwn`That deploy no longer exists.`,
  /** A modal whose private_metadata is not what Gantry sealed for this person and form (a plain-text field error). */
  formOutOfDate: "This form is out of date: open it again.",
  notLiveAnyMore: (id: number, environment: string, live: number | undefined, service: string): SlackText =>
    mrkdwn`:no_entry: #${id} is no longer what runs in ${bold(environment)}${live ? mrkdwn` (#${live} is)` : ""}, so this button would roll back something else. Type ${code(`/rollback ${service} ${environment}`)} to roll back from what runs now, or \`… to #<id>\` to choose.`,
  notLocked: (service: string, environment: string): SlackText =>
    mrkdwn`${bold(service)} in ${bold(environment)} is not locked any more: go ahead.`,
  willNotify: (service: string, environment: string): SlackText =>
    mrkdwn`:bell: I'll send you a message when ${bold(service)} in ${bold(environment)} is unlocked.`,
} as const;
