import { escapeMrkdwn } from "../../domain/format.js";

/** For a name that reached the deploy path unchecked (entry points answer with suggestions first). */
export function unknownTarget(service: string, environment: string): string {
  return `:no_entry: gantry.yml has no environment *${escapeMrkdwn(environment)}* for service *${escapeMrkdwn(service)}*.`;
}

/** Answers to clicks whose button no longer fits what is true now. A button's value is a hint, never an order. */
export const BUTTON_REFUSALS = {
  noSuchDeploy: "That deploy no longer exists.",
  /** A modal whose private_metadata is not what Gantry sealed for this person and form. */
  formOutOfDate: "This form is out of date: open it again.",
  notLiveAnyMore: (id: number, environment: string, live: number | undefined, service: string) =>
    `:no_entry: #${id} is no longer what runs in *${escapeMrkdwn(environment)}*` +
    `${live ? ` (#${live} is)` : ""}, so this button would roll back something else. ` +
    `Type \`/rollback ${escapeMrkdwn(service)} ${escapeMrkdwn(environment)}\` to roll back from what runs now, or \`… to #<id>\` to choose.`,
  notLocked: (service: string, environment: string) => `*${escapeMrkdwn(service)}* in *${escapeMrkdwn(environment)}* is not locked any more: go ahead.`,
  willNotify: (service: string, environment: string) => `:bell: I'll send you a message when *${escapeMrkdwn(service)}* in *${escapeMrkdwn(environment)}* is unlocked.`,
} as const;
