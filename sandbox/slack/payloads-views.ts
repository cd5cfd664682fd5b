import type {
  BlockAction,
  BlockSuggestion,
  ButtonAction,
  EnvelopedEvent,
  ExternalSelectAction,
  StaticSelectAction,
  ViewOutput,
  ViewStateSelectedOption,
} from "@slack/bolt";
import type { AppHomeOpenedEvent } from "@slack/types";
import { listButtons } from "./buttons.js";
import type { SlackEmulator } from "./emulator.js";
import { userNameFor, VERIFICATION_TOKEN } from "./payload-common.js";
import type { EmulatedView } from "./types.js";
import { statefulElements, viewState, type ViewValues } from "./view-state.js";

/** A view named by id, or "home" / "modal" for the user's Home tab or the modal on their screen. */
export type ViewRef = string;

export interface ViewButtonClick {
  view: ViewRef;
  actionId: string;
  /** Picks among buttons sharing an action id (e.g. Approve on several pending deploys). */
  value?: string;
  blockId?: string;
}

export interface ViewSelect {
  view: ViewRef;
  actionId: string;
  blockId?: string;
  /** The option's value (static selects), or the option itself as the app suggested it (external selects). */
  option: string | ViewStateSelectedOption;
}

export interface SuggestionRequest {
  view: ViewRef;
  actionId: string;
  blockId?: string;
  /** What the person has typed so far. */
  value: string;
}

/**
 * A block_actions payload from a Home tab or a modal. Slack sends these with a `view` container and without
 * `channel`, `message` or `response_url`, which Bolt's type declares as always present, so it is left out here.
 */
export type ViewBlockAction<A extends ButtonAction | StaticSelectAction | ExternalSelectAction> = Omit<
  BlockAction<A>,
  "response_url"
>;

export interface PayloadContext {
  slack: SlackEmulator;
  teamId: string;
  /** The Enterprise Grid organization the payload names, if any. */
  enterpriseId?: string;
  nowMs: number;
  /** A unique action_ts for this moment. */
  actionTs: () => string;
}

export function resolveView(slack: SlackEmulator, user: string, ref: ViewRef): EmulatedView {
  const found = ref === "home" ? slack.homeView(user) : ref === "modal" ? slack.openModal(user) : slack.view(ref);
  if (!found || found.user !== user || found.closed)
    throw new Error(`${user} has no ${ref === "home" || ref === "modal" ? ref : `open view ${ref}`} on screen`);
  return found;
}

/** The view object Slack puts in interaction payloads: what the app sent, Slack's fields, and the live state. */
export function viewOutput(ctx: PayloadContext, stored: EmulatedView, values?: ViewValues): ViewOutput {
  const v = stored.view;
  const { appId, botId } = ctx.slack.identity;
  const blocks = (v.blocks ?? []) as ViewOutput["blocks"];
  return {
    id: stored.id,
    callback_id: typeof v.callback_id === "string" ? v.callback_id : "",
    team_id: ctx.teamId,
    app_id: appId,
    bot_id: botId,
    title: (v.title ?? { type: "plain_text", text: "" }) as ViewOutput["title"],
    type: stored.kind,
    blocks,
    close: (v.close ?? null) as ViewOutput["close"],
    submit: (v.submit ?? null) as ViewOutput["submit"],
    state: { values: values ?? viewState(blocks, stored.values) },
    hash: stored.hash,
    private_metadata: typeof v.private_metadata === "string" ? v.private_metadata : "",
    root_view_id: typeof v.root_view_id === "string" ? v.root_view_id : stored.id,
    previous_view_id: typeof v.previous_view_id === "string" ? v.previous_view_id : null,
    clear_on_close: v.clear_on_close === true,
    notify_on_close: v.notify_on_close === true,
    external_id: typeof v.external_id === "string" ? v.external_id : "",
  };
}

const ENTERPRISE_NAME = "Acme Grid";

/** The `team` of an interaction payload; in an Enterprise Grid it names the organization too. */
export function payloadTeam(ctx: PayloadContext) {
  return {
    id: ctx.teamId,
    domain: ctx.slack.identity.teamDomain,
    ...(ctx.enterpriseId ? { enterprise_id: ctx.enterpriseId, enterprise_name: ENTERPRISE_NAME } : {}),
  };
}

/** The `enterprise` an interaction payload carries in an Enterprise Grid (Slack leaves it out elsewhere). */
export function payloadEnterprise(ctx: PayloadContext) {
  return ctx.enterpriseId ? { enterprise: { id: ctx.enterpriseId, name: ENTERPRISE_NAME } } : {};
}

/** A slash command's organization fields, in an Enterprise Grid. */
export function commandEnterprise(ctx: PayloadContext) {
  return ctx.enterpriseId ? { enterprise_id: ctx.enterpriseId, enterprise_name: ENTERPRISE_NAME } : {};
}

function base(ctx: PayloadContext, user: string) {
  const name = userNameFor(ctx.slack, user);
  return {
    user: { id: user, username: name, name, team_id: ctx.teamId },
    api_app_id: ctx.slack.identity.appId,
    token: VERIFICATION_TOKEN,
    team: payloadTeam(ctx),
    ...payloadEnterprise(ctx),
    is_enterprise_install: false,
  };
}

/** The Events API envelope Slack posts when `user` opens the app's Home tab. */
export function appHomeOpened(
  ctx: PayloadContext,
  user: string,
  tab: "home" | "messages" = "home",
): EnvelopedEvent<AppHomeOpenedEvent> {
  const home = ctx.slack.homeView(user);
  const { appId, botUserId } = ctx.slack.identity;
  const seconds = Math.floor(ctx.nowMs / 1000);
  const event: AppHomeOpenedEvent = {
    type: "app_home_opened",
    user,
    channel: `D${user.slice(1)}`,
    tab,
    event_ts: ctx.actionTs(),
    // Slack includes the Home tab the app last published, so an app can skip an unchanged republish.
    ...(home && tab === "home"
      ? { view: viewOutput(ctx, home) as unknown as NonNullable<AppHomeOpenedEvent["view"]> }
      : {}),
  };
  return {
    token: VERIFICATION_TOKEN,
    team_id: ctx.teamId,
    ...(ctx.enterpriseId ? { enterprise_id: ctx.enterpriseId } : {}),
    api_app_id: appId,
    event,
    type: "event_callback",
    event_id: `Ev${ctx.slack.identity.teamId.slice(1)}${seconds.toString(36).toUpperCase()}${ctx.actionTs().replace(".", "").slice(-6)}`,
    event_time: seconds,
    authorizations: [
      {
        enterprise_id: ctx.enterpriseId ?? null,
        team_id: ctx.teamId,
        user_id: botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${event.type}-${ctx.teamId}-${user}`).toString("base64url")}`,
  };
}

/** What every block_actions payload from a view carries: who, which view, its state, and a fresh trigger. */
function fromView(ctx: PayloadContext, user: string, stored: ReturnType<typeof resolveView>) {
  return {
    type: "block_actions" as const,
    ...base(ctx, user),
    container: { type: "view", view_id: stored.id },
    trigger_id: ctx.slack.issueTriggerId(user),
    view: viewOutput(ctx, stored),
    state: { values: viewState(stored.view.blocks as unknown[], stored.values) },
  };
}

/** A button clicked in a Home tab or a modal. */
export function viewButtonAction(
  ctx: PayloadContext,
  user: string,
  click: ViewButtonClick,
): ViewBlockAction<ButtonAction> {
  const stored = resolveView(ctx.slack, user, click.view);
  const button = listButtons(stored.view.blocks as unknown[]).find(
    (b) =>
      b.actionId === click.actionId &&
      (click.value === undefined || b.value === click.value) &&
      (click.blockId === undefined || b.blockId === click.blockId),
  );
  if (!button)
    throw new Error(
      `${user}'s ${stored.kind} ${stored.id} has no button ${click.actionId}${click.value !== undefined ? `=${click.value}` : ""}`,
    );
  return {
    ...fromView(ctx, user, stored),
    actions: [
      {
        type: "button",
        action_id: button.actionId,
        block_id: button.blockId ?? "",
        text: { type: "plain_text", text: button.label, emoji: true },
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.style === "primary" || button.style === "danger" ? { style: button.style } : {}),
        action_ts: ctx.actionTs(),
      },
    ],
  };
}

/**
 * A select changed in a view: the emulator records the choice, and Slack tells the app with block_actions when
 * the select sits outside an input block or its input block has dispatch_action. Undefined when Slack stays quiet.
 */
export function viewSelectAction(
  ctx: PayloadContext,
  user: string,
  select: ViewSelect,
): ViewBlockAction<StaticSelectAction | ExternalSelectAction> | undefined {
  const stored = resolveView(ctx.slack, user, select.view);
  const el = ctx.slack.enter(stored.id, select.actionId, select.option, select.blockId);
  if (el.input && !el.input.dispatch) return undefined;
  const chosen = stored.values[el.blockId]?.[el.actionId]?.selected_option;
  const type = el.element.type;
  if (!chosen || (type !== "static_select" && type !== "external_select"))
    throw new Error(`${select.actionId} is not a select`);
  return {
    ...fromView(ctx, user, stored),
    actions: [
      { type, action_id: el.actionId, block_id: el.blockId, selected_option: chosen, action_ts: ctx.actionTs() },
    ],
  };
}

/** The options request Slack sends as someone types into an external_select. */
export function blockSuggestion(ctx: PayloadContext, user: string, ask: SuggestionRequest): BlockSuggestion {
  const stored = resolveView(ctx.slack, user, ask.view);
  const el = statefulElements(stored.view.blocks as unknown[]).find(
    (e) =>
      e.actionId === ask.actionId &&
      e.element.type === "external_select" &&
      (ask.blockId === undefined || e.blockId === ask.blockId),
  );
  if (!el) throw new Error(`view ${stored.id} has no external_select ${ask.actionId}`);
  return {
    type: "block_suggestion",
    ...base(ctx, user),
    container: { type: "view", view_id: stored.id },
    action_id: el.actionId,
    block_id: el.blockId,
    value: ask.value,
    view: viewOutput(ctx, stored),
  };
}
