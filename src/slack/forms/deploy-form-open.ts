import { serviceNamed } from "../../config/lookup.js";
import type { AppPorts as Ports } from "../../ports.js";
import { mayAct } from "../../deploy/request.js";
import type { CommandPorts, CommandReply } from "../commands/types.js";
import { bold, code, mrkdwn, principals, type SlackText } from "../mrkdwn.js";
import { deployFormView, DEPLOY_FIELDS, DEPLOY_FORM, type DeployFormModel } from "./deploy-form.js";
import { stringField } from "./sealed-metadata.js";
import type { ButtonAction } from "../actions/types.js";
import { FORM_BUTTONS } from "./action-ids.js";
import type { ViewChange } from "./types.js";

/**
 * The environments of a service that `user` may `/deploy` to, and why the others are left out. With `lookup` false
 * no user group is asked for, and an environment only a group's membership decides is offered for now (the
 * submission checks it like a typed command).
 */
export async function deployableEnvironments(
  ports: Pick<Ports, "config" | "groups">,
  service: string,
  user: string,
  lookup = true,
): Promise<{ environments: string[]; notes: SlackText[] }> {
  const environments: string[] = [];
  const notes: SlackText[] = [];
  for (const [name, env] of Object.entries(serviceNamed(ports.config, service)?.environments ?? {})) {
    const groups = env.deployers?.some((p) => p.startsWith("@")) ?? false;
    const allowed = lookup
      ? await mayAct(ports, env.deployers, user)
      : !env.deployers || env.deployers.includes(user) || groups;
    if (env.promoteFrom)
      notes.push(mrkdwn`${bold(name)} takes only promotions: ${code(`/promote ${service} to ${name}`)}`);
    else if (allowed) environments.push(name);
    else notes.push(mrkdwn`${bold(name)}: only ${principals(env.deployers ?? [])} may deploy there`);
  }
  return { environments, notes };
}

export async function deployFormModel(
  ports: Pick<Ports, "config" | "groups">,
  user: string,
  service?: string,
  lookup = true,
): Promise<DeployFormModel> {
  const services = Object.keys(ports.config.services);
  const chosen = service && services.includes(service) ? service : (services[0] ?? "");
  return { services, service: chosen, ...(await deployableEnvironments(ports, chosen, user, lookup)) };
}

/** What the deploy form carries to its submission: where it was opened ("" from the App Home), sealed for `user`. */
export function deployFormMetadata(ports: Pick<CommandPorts, "seal">, user: string, channel: string): string {
  return ports.seal.seal(DEPLOY_FORM, user, { channel });
}

/** The channel the form was opened from, as Gantry sealed it; "" when the metadata is not Gantry's for this person. */
export function deployFormChannel(ports: Pick<CommandPorts, "seal">, user: string, privateMetadata: string): string {
  return stringField(ports.seal.open(DEPLOY_FORM, user, privateMetadata), "channel") ?? "";
}

/**
 * `/deploy` alone, or the App Home's Deploy… button: the deploy form opens. Slack's trigger lasts 3 seconds, and a
 * user-group lookup may take longer: the form opens at once, and is redrawn if the groups, once Slack has answered,
 * close an environment it offered.
 */
export async function openDeployForm(
  ports: Pick<CommandPorts, "config" | "slack" | "groups" | "seal">,
  at: { user: string; triggerId: string; channel: string; service?: string },
): Promise<CommandReply> {
  // Drawn at once from what the config says; redrawn when user-group lookups change which environments are open.
  const metadata = deployFormMetadata(ports, at.user, at.channel);
  const quick = await deployFormModel(ports, at.user, at.service, false);
  const viewId = await ports.slack.openModal(at.triggerId, deployFormView(quick, metadata));
  const full = await deployFormModel(ports, at.user, at.service);
  if (viewId && JSON.stringify(full) !== JSON.stringify(quick))
    await ports.slack.updateModal(viewId, deployFormView(full, metadata));
  return {};
}

/** Picking another service redraws the form with that service's environments. */
export const deployFormServiceChange: ViewChange = {
  actionId: DEPLOY_FIELDS.service,
  async handle(ports, input) {
    const channel = deployFormChannel(ports, input.user, input.privateMetadata);
    const model = await deployFormModel(ports, input.user, input.value);
    await ports.slack.updateModal(
      input.viewId,
      deployFormView(model, deployFormMetadata(ports, input.user, channel)),
      input.hash,
    );
  },
};

/** Deploy… (on the App Home): opens the deploy form, for the service the button names if any. */
export const openDeployFormAction: ButtonAction = {
  actionId: FORM_BUTTONS.deploy,
  async handle(ports, input) {
    await openDeployForm(ports, {
      user: input.user,
      triggerId: input.triggerId,
      channel: input.channel ?? "",
      ...(input.value ? { service: input.value } : {}),
    });
    return {};
  },
};
