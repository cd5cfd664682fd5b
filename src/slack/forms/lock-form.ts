import type { ModalView, PlainTextOption } from "@slack/types";
import { lock, unlock, type LockAsk } from "../../deploy/index.js";
import { boardsChanged } from "../home/boards.js";
import { usageError } from "../commands/usage.js";
import { checkNames, USAGE } from "../commands/grammar.js";
import type { Locks } from "../../config/schema.js";
import { checkLockDuration } from "../../domain/lock-duration.js";
import type { CommandPorts } from "../commands/types.js";
import { lockDurationFieldError, lockReply, unlockReply } from "../messages/locks.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import type { ButtonAction, ViewSubmission } from "../actions/types.js";
import { bold, mrkdwn, section } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";
import { FORM_BUTTONS } from "./action-ids.js";
import { stringField } from "./sealed-metadata.js";

export const LOCK_FORM = "lock_form";
export const LOCK_FIELDS = { duration: "lock_form_duration", reason: "lock_form_reason" } as const;
const DURATIONS = ["30m", "1h", "2h", "4h", "8h", "1d", "2d"];

interface LockTarget {
  service: string;
  environment: string;
  /** Where to answer: the channel the form came from, or "" for a direct message. */
  channel: string;
}

const plain = (text: string) => ({ type: "plain_text" as const, text });
const option = (value: string): PlainTextOption => ({ text: plain(value), value });

/** What the lock form was opened for, as Gantry sealed it for `user`; undefined for anything else. */
function openTarget(ports: Pick<CommandPorts, "seal">, user: string, text: string): LockTarget | undefined {
  const data = ports.seal.open(LOCK_FORM, user, text);
  const service = stringField(data, "service");
  const environment = stringField(data, "environment");
  if (service === undefined || environment === undefined) return undefined;
  return { service, environment, channel: stringField(data, "channel") ?? "" };
}

/**
 * The lock form: how long, and why (both as `/deploy lock … for <duration> <reason>` takes them).
 * `privateMetadata` carries the target to the submission, sealed by the caller.
 */
export function lockFormView(
  target: Omit<LockTarget, "channel">,
  locks: Pick<Locks, "defaultDuration" | "maxDuration">,
  privateMetadata: string,
): ModalView {
  const { defaultDuration } = locks;
  const allowed = DURATIONS.filter((d) => checkLockDuration(d, locks.maxDuration).ok);
  const durations = allowed.includes(defaultDuration) ? allowed : [...allowed, defaultDuration];
  return {
    type: "modal",
    callback_id: LOCK_FORM,
    private_metadata: privateMetadata,
    title: plain("Lock"),
    submit: plain("Lock"),
    close: plain("Cancel"),
    blocks: [
      section(
        mrkdwn`Keep others from deploying ${bold(target.service)} to ${bold(target.environment)}. Rollbacks still pass.`,
      ),
      {
        type: "input",
        block_id: "lock_duration",
        label: plain("For"),
        element: {
          type: "static_select",
          action_id: LOCK_FIELDS.duration,
          options: durations.map(option),
          initial_option: option(defaultDuration),
        },
      },
      {
        type: "input",
        block_id: "lock_reason",
        optional: true,
        label: plain("Reason"),
        element: {
          type: "plain_text_input",
          action_id: LOCK_FIELDS.reason,
          max_length: 200,
          placeholder: plain("load test, incident, release freeze…"),
        },
      },
    ],
  };
}

function splitTarget(value: string): { service: string; environment: string } | undefined {
  const [service, environment] = value.split(":");
  return service && environment ? { service, environment } : undefined;
}

/** Answers the person who used a form, where they are: in the channel it came from, else by direct message. */
export async function tellUser(
  ports: Pick<CommandPorts, "slack">,
  user: string,
  channel: string,
  message: SlackMessage,
): Promise<void> {
  if (channel) await ports.slack.postEphemeral(channel, user, message);
  else await ports.slack.postMessage(user, message);
}

/** Lock…: opens the lock form for a service and environment. */
export const openLockFormAction: ButtonAction = {
  actionId: FORM_BUTTONS.lock,
  async handle(ports, input) {
    const target = splitTarget(input.value);
    if (!target) return { reply: { text: mrkdwn`That button no longer names an environment.` } };
    const names = checkNames(ports.config, target.service, [target.environment], USAGE.lock);
    if (!names.ok) return { reply: usageError(names.error, names.usage).ack! };
    const sealed = ports.seal.seal(LOCK_FORM, input.user, { ...target, channel: input.channel ?? "" });
    await ports.slack.openModal(input.triggerId, lockFormView(target, ports.config.locks, sealed));
    return {};
  },
};

/** Unlock: what `/deploy unlock <service> <env>` does. */
export const unlockAction: ButtonAction = {
  actionId: FORM_BUTTONS.unlock,
  async handle(ports, input) {
    const target = splitTarget(input.value);
    if (!target) return { reply: { text: mrkdwn`That button no longer names an environment.` } };
    const names = checkNames(ports.config, target.service, [target.environment], USAGE.unlock);
    if (!names.ok) return { reply: usageError(names.error, names.usage).ack! };
    const outcome = await unlock(ports, { ...target, user: input.user }).finally(() => boardsChanged(ports));
    return { reply: { text: unlockReply(outcome) } };
  },
};

/** Submitting the lock form takes the path of `/deploy lock <service> <env> for <duration> <reason>`. */
export const lockFormSubmission: ViewSubmission = {
  callbackId: LOCK_FORM,
  async handle(ports, input) {
    const target = openTarget(ports, input.user, input.privateMetadata);
    if (!target) return { errors: { lock_duration: BUTTON_REFUSALS.formOutOfDate } };
    const duration = input.values[LOCK_FIELDS.duration];
    if (!duration || !/^\d+(m|h|d)$/.test(duration)) return { errors: { lock_duration: "Pick how long." } };
    const length = checkLockDuration(duration, ports.config.locks.maxDuration);
    if (!length.ok) return { errors: { lock_duration: lockDurationFieldError(length) } };
    const reason = input.values[LOCK_FIELDS.reason]?.trim();
    return {
      after: async () => {
        const text = `lock ${target.service} ${target.environment} for ${duration}${reason ? ` ${reason}` : ""}`;
        await ports.store.audit({
          actor: input.user,
          action: "form",
          detail: { form: LOCK_FORM, text },
          at: ports.clock.now().toISOString(),
        });
        const ask: LockAsk = {
          service: target.service,
          environment: target.environment,
          user: input.user,
          duration,
          ...(reason ? { reason } : {}),
        };
        const names = checkNames(ports.config, ask.service, [ask.environment], USAGE.lock);
        const reply = names.ok
          ? { text: lockReply(await lock(ports, ask).finally(() => boardsChanged(ports)), ports.clock.now()) }
          : usageError(names.error, names.usage).ack!;
        await tellUser(ports, input.user, target.channel, reply);
      },
    };
  },
};
