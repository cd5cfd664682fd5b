import { App, HTTPReceiver, SocketModeReceiver, LogLevel, type Receiver } from "@slack/bolt";
import type { Logger as SlackLogger } from "@slack/logger";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { CommandOutcome } from "../metrics/registry.js";
import { RecentKeys } from "./recent-keys.js";
import { withRequest } from "../request-context.js";
import type { CommandInput, CommandPorts, CommandReply, SlashCommand } from "./commands/types.js";
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
            await deployWork(ports, reply.after);
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

/** The deploy work an accepted command or form starts: held while Slack is being answered, when ports say so. */
export function deployWork(ports: Pick<CommandPorts, "ackFirst">, work: () => Promise<void>): Promise<void> {
  return ports.ackFirst ? ports.ackFirst.run(work) : work();
}

/** Runs what follows an acknowledgement as acknowledged work: shutdown waits for it (see InFlight). */
export function afterAck(ports: CommandPorts, work: () => Promise<void>): Promise<void> {
  const running = work();
  return ports.inFlight ? ports.inFlight.track(running) : running;
}
