import { escapeMrkdwn, formatSince } from "../src/domain/format.js";
import { describePrincipals, groupHandles, isAllowed } from "../src/domain/policy.js";
import { launchDeploy, recordDeploy } from "../src/deploy/launch.js";
import { stateLabel } from "../src/slack/messages/deploy-message.js";
import { historyView, statusView } from "../src/slack/messages/status-view.js";
import { helpText } from "./help.js";
import { parseDeploy, validateAgainstConfig, USAGE, type DeployCommand } from "./grammar.js";
import { ephemeral, type CommandInput, type CommandPorts, type CommandReply, type SlashCommand } from "../src/slack/commands/types.js";

type DeployOnly = Extract<DeployCommand, { kind: "deploy" }>;

/** Parse errors quote what the user typed, so all of it is escaped: no mention or link can slip through. */
function usageError(error: string, usage: string): CommandReply {
  return ephemeral(`${escapeMrkdwn(error)}\nTry: \`${escapeMrkdwn(usage)}\` — or \`/deploy help\` for everything Gantry can do.`);
}

/** Whether `user` may do something reserved for `principals` (absent = everyone). */
export async function mayAct(
  ports: Pick<CommandPorts, "slack">,
  principals: readonly string[] | undefined,
  user: string,
): Promise<boolean> {
  if (!principals) return true;
  const members: Record<string, string[]> = {};
  for (const handle of groupHandles(principals)) members[handle] = await ports.slack.usergroupMembers(handle);
  return isAllowed(principals, user, members);
}

async function startDeploy(ports: CommandPorts, input: CommandInput, cmd: DeployOnly): Promise<CommandReply> {
  const env = ports.config.services[cmd.service]!.environments[cmd.environment]!;
  const at = ports.clock.now().toISOString();
  const where = { service: cmd.service, environment: cmd.environment };
  if (!(await mayAct(ports, env.deployers, input.user))) {
    await ports.store.audit({ actor: input.user, action: "deploy.refused", ...where, detail: { why: "not a deployer" }, at });
    return ephemeral(
      `:no_entry: You may not deploy *${cmd.service}* to *${cmd.environment}*. ` +
        `Deployers there: ${describePrincipals(env.deployers!)}. Ask one of them, or ask to be added in gantry.yml.`,
    );
  }
  const created = await recordDeploy(ports, {
    ...where,
    ...(cmd.ref ? { ref: cmd.ref } : {}),
    requester: input.user,
    channel: input.channel,
  });
  if (!created.ok) {
    const a = created.active;
    await ports.store.audit({ actor: input.user, action: "deploy.refused", ...where, detail: { why: "busy", activeId: a.id }, at });
    return ephemeral(
      `:construction: *${cmd.service}* is already deploying to *${cmd.environment}*: ` +
        `deploy #${a.id} of \`${a.ref || "the default branch"}\` by <@${a.requester}>, started ${formatSince(a.createdAt, at)} ago ` +
        `(${stateLabel(a.state)}). Try again when it ends: \`/deploy status ${cmd.service}\` shows progress.`,
    );
  }
  return { after: () => launchDeploy(ports, created.deployment) };
}

export async function handleDeploy(ports: CommandPorts, input: CommandInput): Promise<CommandReply> {
  const parsed = parseDeploy(input.text);
  if (!parsed.ok) return usageError(parsed.error, parsed.usage);
  const cmd = parsed.command;
  const valid = validateAgainstConfig(cmd, ports.config);
  if (!valid.ok) return usageError(valid.error, valid.usage);
  switch (cmd.kind) {
    case "help":
      return ephemeral(helpText());
    case "status":
      return { ack: await statusView(ports, cmd.service) };
    case "history":
      return { ack: await historyView(ports, cmd.service, cmd.environment) };
    case "deploy":
      return startDeploy(ports, input, cmd);
  }
}

export const deployCommand: SlashCommand = {
  name: "/deploy",
  summary: "Deploy a service, and see what is deployed where",
  usage: [
    { syntax: USAGE.deploy, description: "deploy a branch, tag or commit (default: the default branch)" },
    { syntax: "/deploy <service>@<ref> to <env>", description: "the same, written the other way" },
    { syntax: USAGE.status, description: "what is deployed where, and what is running" },
    { syntax: USAGE.history, description: "the latest deploys of a service" },
    { syntax: "/deploy help", description: "this help" },
  ],
  handle: handleDeploy,
};
