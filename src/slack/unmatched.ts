/**
 * Requests no listener of Gantry's takes (a click on a button Gantry never drew, a modal it never opened): Bolt would
 * leave them unanswered for three seconds, then answer 404, and an attacker could hold a connection each time.
 * This global middleware acknowledges them at once and goes no further.
 */
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Logger } from "../log.js";

/** What Gantry registered with Bolt, by kind. */
export interface Listeners {
  commands: readonly string[];
  /** Buttons and selects: exact ids, or patterns for ids that carry a suffix. */
  actions: readonly (string | RegExp)[];
  /** Modal callback ids. */
  views: readonly string[];
  /** external_select action ids. */
  options: readonly string[];
}

const matches = (ids: readonly (string | RegExp)[], value: unknown) =>
  typeof value === "string" && ids.some((i) => (typeof i === "string" ? i === value : i.test(value)));

/** Whether a listener will take `body` (shaped as payload-shapes.ts requires). Events are Bolt's to acknowledge. */
function taken(body: Record<string, unknown>, l: Listeners): boolean {
  if (body.type === "event_callback") return true;
  if (body.command !== undefined) return matches(l.commands, body.command);
  const actions = body.actions as { action_id?: unknown }[] | undefined;
  if (body.type === "block_actions") return matches(l.actions, actions?.[0]?.action_id);
  if (body.type === "block_suggestion") return matches(l.options, body.action_id);
  if (body.type === "view_submission")
    return matches(l.views, (body.view as { callback_id?: unknown } | undefined)?.callback_id);
  return false;
}

export function answerUnmatched(listeners: Listeners, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const ack = (args as { ack?: (answer?: unknown) => Promise<void> }).ack;
    if (!ack || taken(body, listeners)) return args.next();
    log.debug({ type: body.type ?? body.command }, "Slack request for no listener acknowledged");
    await (body.type === "block_suggestion" ? ack({ options: [] }) : ack());
  };
}
