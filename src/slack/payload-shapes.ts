/**
 * What a signed Slack body must look like before Bolt sees it. Bolt classifies a body by which fields it has
 * (`event`, `command`, `name`, `actions`, `type`) and then reads the fields of that kind without checking them;
 * Gantry's listeners read a few more. A field of the wrong type there was a TypeError, answered with a 500 or, before
 * any handler ran, the end of the process. Each kind Gantry serves is checked here in Bolt's order, for the fields
 * Bolt and Gantry read (others pass through); a body of any other kind is refused, as Gantry has no listener for it.
 */
import { z } from "zod";

const id = z.string().max(255);
const text = z.string().max(100_000);
const optionalObject = <T extends z.ZodType>(schema: T) => schema.optional().nullable();

/** A modal's state: every field an object, its `value` or `selected_option.value` a string when there. */
const ViewState = z.looseObject({
  values: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        value: text.nullable().optional(),
        selected_option: optionalObject(z.looseObject({ value: text })),
      }),
    ),
  ),
});
const View = z.looseObject({
  id: id.optional(),
  hash: z.string().optional(),
  callback_id: z.string().max(255),
  private_metadata: z.string().max(3000).optional(),
  state: ViewState,
});
const User = z.looseObject({ id });
/** Bolt reads `channel.id` whenever `channel` is not undefined: null is not allowed. */
const Channel = z.looseObject({ id }).optional();

const Event = z.looseObject({
  type: z.literal("event_callback"),
  authorizations: z
    .array(z.looseObject({ team_id: id.nullable().optional(), enterprise_id: id.nullable().optional() }))
    .optional(),
  event: z.looseObject({
    type: z.string(),
    user: id.optional(),
    tab: z.string().optional(),
    channel: z.union([z.string(), z.looseObject({})]).optional(),
    item: z.looseObject({}).optional(),
  }),
});
const Command = z.looseObject({
  command: z.string().max(255),
  text: text.optional(),
  user_id: id,
  channel_id: id,
  trigger_id: z.string(),
  response_url: z.string(),
});
const Suggestion = z.looseObject({
  type: z.literal("block_suggestion"),
  action_id: z.string(),
  value: text,
  user: User,
  channel: Channel,
  view: View.partial({ callback_id: true }).optional(),
});
const Action = z.looseObject({
  type: z.literal("block_actions"),
  user: User,
  actions: z
    .array(
      z.looseObject({
        action_id: z.string(),
        action_ts: z.string(),
        value: text.optional(),
        selected_option: optionalObject(z.looseObject({ value: text })),
      }),
    )
    .min(1),
  trigger_id: z.string().optional(),
  response_url: z.string().optional(),
  channel: Channel,
  container: optionalObject(z.looseObject({ channel_id: id.optional(), message_ts: z.string().optional() })),
  message: optionalObject(z.looseObject({ ts: z.string() })),
  view: View.optional(),
});
const ViewAction = z.looseObject({ type: z.enum(["view_submission", "view_closed"]), user: User, view: View });

/** Slack's own messages to the endpoint, which Bolt answers itself. */
const UrlVerification = z.looseObject({ type: z.literal("url_verification"), challenge: z.string().max(1000) });
const RateLimited = z.looseObject({ type: z.literal("app_rate_limited") });

/** The kind Bolt will take `body` for, and the shape Gantry requires of it. */
function kindOf(body: Record<string, unknown>): { kind: string; schema: z.ZodType } | undefined {
  if (body.event !== undefined) return { kind: "event", schema: Event };
  if (body.command !== undefined) return { kind: "command", schema: Command };
  if (body.name !== undefined || body.type === "block_suggestion")
    return { kind: "block_suggestion", schema: Suggestion };
  if (body.actions !== undefined || body.type === "dialog_submission") return { kind: "block_actions", schema: Action };
  if (body.type === "view_submission" || body.type === "view_closed")
    return { kind: String(body.type), schema: ViewAction };
  if (body.type === "url_verification") return { kind: "url_verification", schema: UrlVerification };
  if (body.type === "app_rate_limited") return { kind: "app_rate_limited", schema: RateLimited };
  return undefined;
}

/** Why Gantry will not hand `body` to Bolt, or undefined when it will. */
export function payloadProblem(body: Record<string, unknown>): string | undefined {
  const kind = kindOf(body);
  if (!kind) return "not a kind of request Gantry handles";
  const parsed = kind.schema.safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `malformed ${kind.kind}: ${issue?.path.join(".") || "body"} ${issue?.message ?? "is invalid"}`;
}
