import type { ModalView, PlainTextOption } from "@slack/types";
import { runDeployCommand } from "../../../commands/deploy.js";
import type { LaunchPorts } from "../../deploy/launch.js";
import type { ButtonAction, ViewSubmission } from "../actions/types.js";
import { settle } from "../commands/types.js";
import { bold, mrkdwn, section } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";
import { FORM_BUTTONS } from "./action-ids.js";

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

function parseTarget(text: string): LockTarget | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockTarget>;
    if (typeof v.service !== "string" || typeof v.environment !== "string") return undefined;
    return { service: v.service, environment: v.environment, channel: typeof v.channel === "string" ? v.channel : "" };
  } catch {
    return undefined;
  }
}

/** The lock form: how long, and why (both as `/deploy lock … for <duration> <reason>` takes them). */
export function lockFormView(target: LockTarget, defaultDuration: string): ModalView {
  const durations = DURATIONS.includes(defaultDuration) ? DURATIONS : [...DURATIONS, defaultDuration];
  return {
    type: "modal",
    callback_id: LOCK_FORM,
    private_metadata: JSON.stringify(target),
    title: plain("Lock"),
    submit: plain("Lock"),
    close: plain("Cancel"),
    blocks: [
      section(mrkdwn`Keep others from deploying ${bold(target.service)} to ${bold(target.environment)}. Rollbacks still pass.`),
      {
        type: "input",
        block_id: "lock_duration",
        label: plain("For"),
        element: { type: "static_select", action_id: LOCK_FIELDS.duration, options: durations.map(option), initial_option: option(defaultDuration) },
      },
      {
        type: "input",
        block_id: "lock_reason",
        optional: true,
        label: plain("Reason"),
        element: { type: "plain_text_input", action_id: LOCK_FIELDS.reason, max_length: 200, placeholder: plain("load test, incident, release freeze…") },
      },
    ],
  };
}

function splitTarget(value: string): { service: string; environment: string } | undefined {
  const [service, environment] = value.split(":");
  return service && environment ? { service, environment } : undefined;
}

/** Answers the person who used a form, where they are: in the channel it came from, else by direct message. */
export async function tellUser(ports: LaunchPorts, user: string, channel: string, message: SlackMessage): Promise<void> {
  if (channel) await ports.slack.postEphemeral(channel, user, message);
  else await ports.slack.postMessage(user, message);
}

/** Lock…: opens the lock form for a service and environment. */
export const openLockFormAction: ButtonAction = {
  actionId: FORM_BUTTONS.lock,
  async handle(ports, input) {
    const target = splitTarget(input.value);
    if (!target || !ports.config.services[target.service]?.environments[target.environment]) return { reply: { text: mrkdwn`That environment is no longer in gantry.yml.` } };
    await ports.slack.openModal(input.triggerId, lockFormView({ ...target, channel: input.channel ?? "" }, ports.config.locks.defaultDuration));
    return {};
  },
};

/** Unlock: what `/deploy unlock <service> <env>` does. */
export const unlockAction: ButtonAction = {
  actionId: FORM_BUTTONS.unlock,
  async handle(ports, input) {
    const target = splitTarget(input.value);
    if (!target) return { reply: { text: mrkdwn`That button no longer names an environment.` } };
    const text = `unlock ${target.service} ${target.environment}`;
    const reply = await settle(await runDeployCommand(ports, { kind: "unlock", ...target }, { user: input.user, channel: input.channel ?? "", text, responseUrl: input.responseUrl, triggerId: input.triggerId }));
    return reply.ack ? { reply: reply.ack } : {};
  },
};

/** Submitting the lock form takes the path of `/deploy lock <service> <env> for <duration> <reason>`. */
export const lockFormSubmission: ViewSubmission = {
  callbackId: LOCK_FORM,
  async handle(ports, input) {
    const target = parseTarget(input.privateMetadata);
    if (!target) return { errors: { lock_duration: "This form is out of date: open it again." } };
    const duration = input.values[LOCK_FIELDS.duration];
    if (!duration || !/^\d+(m|h|d)$/.test(duration)) return { errors: { lock_duration: "Pick how long." } };
    const reason = input.values[LOCK_FIELDS.reason]?.trim();
    return {
      after: async () => {
        const text = `lock ${target.service} ${target.environment} for ${duration}${reason ? ` ${reason}` : ""}`;
        await ports.store.audit({ actor: input.user, action: "form", detail: { form: LOCK_FORM, text }, at: ports.clock.now().toISOString() });
        const cmd = { kind: "lock" as const, service: target.service, environment: target.environment, duration, ...(reason ? { reason } : {}) };
        const reply = await settle(await runDeployCommand(ports, cmd, { user: input.user, channel: target.channel, text, responseUrl: "", triggerId: "" }));
        if (reply.ack) await tellUser(ports, input.user, target.channel, reply.ack);
      },
    };
  },
};
