import { createHash } from "node:crypto";
import {
  App,
  HTTPReceiver,
  SocketModeReceiver,
  LogLevel,
  type BlockAction,
  type ButtonAction as BoltButtonAction,
  type Receiver,
  type StaticSelectAction,
  type ViewOutput,
  type ViewStateValue,
} from "@slack/bolt";
import type { Logger as SlackLogger } from "@slack/logger";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { CommandOutcome } from "../metrics/registry.js";
import type { ActionInput, ButtonAction, ViewSubmission } from "./actions/types.js";
import type { EventHandler, OptionsProvider, ViewChange } from "./forms/types.js";
import { RecentKeys } from "./recent-keys.js";
import { withRequest } from "../request-context.js";
import type { CommandInput, CommandPorts, CommandReply, SlashCommand } from "./commands/types.js";
import type { SlackMessage } from "./port.js";
import { mrkdwn, wire } from "./mrkdwn.js";

export interface BoltOptions {
  botToken: string;
  signingSecret?: string;
  /** Set for Socket Mode. */
  appToken?: string;
  /** Base URL of Slack's Web API, ending in `/api/`. */
  slackApiUrl?: string;
  log: Logger;
}

/** Bolt (and Slack's Web API client) log through pino, so one log stream carries everything. */
export function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ component: "bolt" });
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => child.debug({ detail: msg.map(String).join(" ") }, "bolt debug"),
    info: (...msg) => child.info({ detail: msg.map(String).join(" ") }, "bolt info"),
    warn: (...msg) => child.warn({ detail: msg.map(String).join(" ") }, "bolt warning"),
    error: (...msg) => child.error({ detail: msg.map(String).join(" ") }, "bolt error"),
    setLevel: (l) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export function createBolt(opts: BoltOptions): { app: App; receiver: Receiver; http?: HTTPReceiver } {
  const logger = boltLogger(opts.log);
  const clientOptions = opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {};
  if (opts.appToken) {
    const receiver = new SocketModeReceiver({ appToken: opts.appToken, logger, installerOptions: { clientOptions } });
    const app = new App({ token: opts.botToken, receiver, logger, clientOptions });
    return { app, receiver };
  }
  // Acknowledge as soon as a handler calls ack(); the handler's remaining work runs after the response.
  const http = new HTTPReceiver({
    signingSecret: opts.signingSecret!,
    endpoints: "/slack/events",
    processBeforeResponse: false,
    logger,
  });
  const app = new App({ token: opts.botToken, receiver: http, logger, clientOptions });
  return { app, receiver: http, http };
}

/** Slack escapes &, < and > in command text; the grammar wants what the user typed. */
export function decodeSlackEscapes(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Runs a handler; an unexpected error becomes an ephemeral apology instead of Slack's timeout. */
export async function runCommand(cmd: SlashCommand, ports: CommandPorts, input: CommandInput): Promise<CommandReply> {
  return (await handleCommand(cmd, ports, input)).reply;
}

/** `runCommand`, telling also whether the handler threw (the apology is then the reply). */
async function handleCommand(
  cmd: SlashCommand,
  ports: CommandPorts,
  input: CommandInput,
  work: () => Promise<CommandReply> = () => cmd.handle(ports, input),
): Promise<{ reply: CommandReply; threw: boolean }> {
  try {
    return { reply: await work(), threw: false };
  } catch (err) {
    ports.log.error({ command: cmd.name, err }, "command failed");
    return { reply: { ack: { text: mrkdwn`:warning: Gantry could not do that: ${describeError(err)}` } }, threw: true };
  }
}

export function registerCommands(app: App, commands: readonly SlashCommand[], ports: CommandPorts): void {
  const deliveries = new RecentKeys(ports.store, (err) => ports.log.warn({ err }, "could not check a delivery key"));
  for (const cmd of commands) {
    app.command(cmd.name, ({ command, ack }) =>
      withRequest(async () => {
        // Slack retries a command it thinks timed out with the same trigger_id: the first delivery does the work.
        if (!(await deliveries.firstTime(`command:${command.trigger_id}`))) {
          ports.log.info({ command: cmd.name, triggerId: command.trigger_id }, "repeated command delivery ignored");
          return void (await ack());
        }
        const input: CommandInput = {
          user: command.user_id,
          channel: command.channel_id,
          text: decodeSlackEscapes(command.text ?? ""),
          responseUrl: command.response_url,
          triggerId: command.trigger_id,
        };
        const started = performance.now();
        const first = await handleCommand(cmd, ports, input);
        const ackReply = (reply: CommandReply) =>
          reply.ack
            ? { response_type: reply.visibleToAll ? "in_channel" : "ephemeral", ...wire(reply.ack) }
            : undefined;
        // The decision is counted as pending before Slack has the acknowledgement, and starts once it has.
        let acked!: () => void;
        const deciding = new Promise<void>((resolve) => (acked = resolve)).then(() => decide(cmd, ports, input, first));
        ports.decisions?.track(deciding);
        await ack(ackReply(first.reply) as Parameters<typeof ack>[0]).finally(acked);
        ports.metrics?.ackSent(cmd.name, (performance.now() - started) / 1000);
        // Everything after the acknowledgement is in flight at once, so a shutdown that starts now still waits for it.
        await afterAck(ports, async () => {
          const { reply, threw } = await deciding;
          // Counted once the command's work is done; see CommandOutcome for the rule.
          const outcome = (o: CommandOutcome) => ports.metrics?.commandHandled(cmd.name, o);
          if (!reply.after) return void outcome(threw ? "error" : "answered");
          try {
            await reply.after();
            outcome("accepted");
          } catch (err) {
            outcome("error");
            ports.log.error({ command: cmd.name, err }, "command follow-up failed");
            await ports.slack
              .respond(input.responseUrl, { text: mrkdwn`:warning: ${describeError(err)}` })
              .catch((e: unknown) => ports.log.warn({ err: e }, "could not tell the user about a failure"));
          }
        });
      }),
    );
  }
}

/**
 * Decides what the acknowledgement left open (the deferred part, which may ask Slack or GitHub), answers it by
 * response_url, and audits the command. Returns the reply whose `after` is to be carried out.
 */
async function decide(
  cmd: SlashCommand,
  ports: CommandPorts,
  input: CommandInput,
  first: { reply: CommandReply; threw: boolean },
): Promise<{ reply: CommandReply; threw: boolean }> {
  const decided = first.reply.defer ? await handleCommand(cmd, ports, input, first.reply.defer) : first;
  const { reply } = decided;
  // Every command is in the audit log, after the acknowledgement so it never slows it.
  await ports.store
    .audit({
      actor: input.user,
      action: "command",
      detail: { command: cmd.name, text: input.text, channel: input.channel, accepted: Boolean(reply.after) },
      at: ports.clock.now().toISOString(),
    })
    .catch((err: unknown) => ports.log.warn({ err }, "could not audit a command"));
  if (first.reply.defer && reply.ack) {
    await ports.slack
      .respond(input.responseUrl, { ...reply.ack, ...(reply.visibleToAll ? { inChannel: true } : {}) })
      .catch((err: unknown) => ports.log.warn({ err }, "could not answer a command by response_url"));
  }
  return decided;
}

/** Runs what follows an acknowledgement as acknowledged work: shutdown waits for it (see InFlight). */
function afterAck(ports: CommandPorts, work: () => Promise<void>): Promise<void> {
  const running = work();
  return ports.inFlight ? ports.inFlight.track(running) : running;
}

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
        await ack();
        const after = reply.after;
        if (after)
          await afterAck(ports, async () => void (await guarded(ports, v.callbackId, async () => (await after(), {}))));
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
