import { createHash } from "node:crypto";
import type {
  App,
  BlockAction,
  ButtonAction as BoltButtonAction,
  StaticSelectAction,
  ViewOutput,
  ViewStateValue,
} from "@slack/bolt";
import { describeError } from "../errors.js";
import { withRequest } from "../request-context.js";
import type { ActionInput, ButtonAction, ViewSubmission } from "./actions/types.js";
import { afterAck, deployWork } from "./bolt-app.js";
import type { CommandPorts } from "./commands/types.js";
import type { EventHandler, OptionsProvider, ViewChange } from "./forms/types.js";
import { mrkdwn, wire } from "./mrkdwn.js";
import type { SlackMessage } from "./port.js";
import { RecentKeys } from "./recent-keys.js";

// Buttons, modals, App Home events, external selects: every interaction but slash commands (see bolt-app.ts).

/** Runs `work`, turning an unexpected error into words for the person who clicked. */
async function guarded<T extends { reply?: SlackMessage; after?: () => Promise<void> }>(
  ports: CommandPorts,
  what: string,
  work: () => Promise<T>,
): Promise<T | { reply: SlackMessage }> {
  try {
    return await work();
  } catch (err) {
    ports.log.error({ what, err }, "interaction failed");
    return { reply: { text: mrkdwn`:warning: Gantry could not do that: ${describeError(err)}` } };
  }
}

export function registerActions(app: App, buttons: readonly ButtonAction[], ports: CommandPorts): void {
  const deliveries = new RecentKeys(ports.store, (err) => ports.log.warn({ err }, "could not check a delivery key"));
  for (const button of buttons) {
    app.action<BlockAction<BoltButtonAction>>(button.actionId, ({ ack, body, action, respond }) =>
      withRequest(async () => {
        // The same click delivered twice carries the same action_ts; a second click is a new one.
        const repeated = !(await deliveries.firstTime(`click:${body.user.id}:${action.action_id}:${action.action_ts}`));
        await ack();
        if (repeated)
          return void ports.log.info(
            { action: action.action_id, actionTs: action.action_ts },
            "repeated click delivery ignored",
          );
        const input: ActionInput = {
          user: body.user.id,
          value: action.value ?? "",
          actionId: action.action_id,
          triggerId: body.trigger_id,
          responseUrl: body.response_url,
          channel: body.channel?.id ?? body.container?.channel_id,
          messageTs: body.message?.ts ?? body.container?.message_ts,
        };
        await afterAck(ports, async () => {
          const outcome = await guarded(ports, action.action_id, () => button.handle(ports, input));
          if (outcome.reply) {
            // A click in the App Home or in a modal comes without a response_url: the answer goes by direct message.
            const answer = body.response_url
              ? respond({ response_type: "ephemeral", replace_original: false, ...wire(outcome.reply) })
              : ports.slack.postMessage(body.user.id, outcome.reply);
            await answer.catch((err: unknown) => ports.log.warn({ err }, "could not answer a click"));
          }
          if ("after" in outcome && outcome.after)
            await guarded(ports, action.action_id, async () => (await outcome.after!(), {}));
        });
      }),
    );
  }
}

export function registerViews(app: App, views: readonly ViewSubmission[], ports: CommandPorts): void {
  const deliveries = new RecentKeys(ports.store, (err) => ports.log.warn({ err }, "could not check a delivery key"));
  for (const v of views) {
    app.view(v.callbackId, ({ ack, body, view }) =>
      withRequest(async () => {
        // Each submission Slack sends carries a fresh trigger_id; the same body again is a replay, and does nothing.
        if (!(await deliveries.firstTime(submissionKey(view, "trigger_id" in body ? body.trigger_id : undefined)))) {
          ports.log.info({ callbackId: view.callback_id, viewId: view.id }, "repeated view submission ignored");
          return void (await ack());
        }
        const values = fieldValues(view.state.values);
        const reply = await v.handle(ports, {
          user: body.user.id,
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata ?? "",
          values,
        });
        if (reply.errors) return void (await ack({ response_action: "errors", errors: reply.errors }));
        const checking = reply.checking;
        if (checking) {
          await ack({ response_action: "update", view: checking.view });
          const then = () => checking.then(view.id);
          return void (await afterAck(
            ports,
            async () => void (await guarded(ports, v.callbackId, async () => (await then(), {}))),
          ));
        }
        await ack();
        const after = reply.after;
        if (after)
          await afterAck(
            ports,
            async () => void (await guarded(ports, v.callbackId, async () => (await deployWork(ports, after), {}))),
          );
      }),
    );
  }
}

/** One submission of one view: its id, the version submitted, the delivery's trigger and what was entered. */
function submissionKey(view: ViewOutput, triggerId: string | undefined): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([view.hash, triggerId ?? "", view.state.values]))
    .digest("base64url");
  return `view:${view.id}:${digest}`;
}

/** A view's state as handlers read it: each field's value (typed text or the chosen option) by action id. */
function fieldValues(state: Record<string, Record<string, ViewStateValue>>): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const block of Object.values(state)) {
    for (const [actionId, field] of Object.entries(block))
      values[actionId] = field.value ?? field.selected_option?.value ?? undefined;
  }
  return values;
}

/** Events API events (Bolt acknowledges them at once; the handler's work follows). */
export function registerEvents(app: App, handlers: readonly EventHandler[], ports: CommandPorts): void {
  for (const h of handlers) {
    app.event(h.event, ({ event }) =>
      withRequest(async () => {
        await guarded(ports, h.event, async () => (await h.handle(ports, { user: event.user, tab: event.tab }), {}));
      }),
    );
  }
}

/** external_select suggestions; a failure answers no options rather than leaving Slack waiting. */
export function registerOptions(app: App, providers: readonly OptionsProvider[], ports: CommandPorts): void {
  for (const p of providers) {
    app.options<"block_suggestion">({ type: "block_suggestion", action_id: p.actionId }, ({ ack, body }) =>
      withRequest(async () => {
        const input = {
          user: body.user.id,
          query: body.value,
          privateMetadata: body.view?.private_metadata ?? "",
          values: fieldValues(body.view?.state.values ?? {}),
        };
        const groups = await p
          .options(ports, input)
          .catch((err: unknown) => (ports.log.warn({ action: p.actionId, err }, "could not list options"), []));
        const text = (t: string) => ({ type: "plain_text" as const, text: t.length > 75 ? `${t.slice(0, 74)}…` : t });
        if (groups.length === 0) return void (await ack({ options: [] }));
        await ack({
          option_groups: groups.map((g) => ({
            label: text(g.label),
            options: g.options.map((o) => ({ text: text(o.text), value: o.value })),
          })),
        });
      }),
    );
  }
}

/** A select with dispatch_action changed in an open modal. */
export function registerViewChanges(app: App, changes: readonly ViewChange[], ports: CommandPorts): void {
  for (const c of changes) {
    app.action<BlockAction<StaticSelectAction>>(c.actionId, ({ ack, body, action }) =>
      withRequest(async () => {
        await ack();
        if (!body.view) return;
        const input = {
          user: body.user.id,
          viewId: body.view.id,
          hash: body.view.hash,
          privateMetadata: body.view.private_metadata ?? "",
          value: action.selected_option?.value,
          values: fieldValues(body.view.state.values),
        };
        await guarded(ports, c.actionId, async () => (await c.handle(ports, input), {}));
      }),
    );
  }
}
