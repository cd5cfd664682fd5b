import { launchDeploy } from "../../deploy/launch.js";
import { lockEnvironment, unlockEnvironment } from "../../deploy/locks.js";
import { requestDeploy } from "../../deploy/request.js";
import { historyView, statusView } from "../messages/status-view.js";
import { helpText } from "./help.js";
import { boardsChanged } from "../home/boards.js";
import { openDeployForm } from "../forms/deploy-form-open.js";
import { parseDeploy, validateAgainstConfig, USAGE, type DeployCommand } from "./grammar.js";
import { needsMembers } from "../../domain/policy.js";
import {
  ephemeral,
  later,
  localOrLater,
  type CommandInput,
  type CommandPorts,
  type CommandReply,
  type SlashCommand,
} from "./types.js";
import { code, mrkdwn } from "../mrkdwn.js";
import { tellRequester } from "../tell.js";

/** Parse errors quote what the user typed, so all of it is escaped: no mention or link can slip through. */
export function usageError(error: string, usage: string): CommandReply {
  return ephemeral(mrkdwn`${error}\nTry: ${code(usage)} — or \`/deploy help\` for everything Gantry can do.`);
}

export async function handleDeploy(ports: CommandPorts, input: CommandInput): Promise<CommandReply> {
  // `/deploy` alone opens the form; `/deploy help` still lists every command.
  if (input.text.trim() === "")
    return later(() => openDeployForm(ports, { user: input.user, triggerId: input.triggerId, channel: input.channel }));
  const parsed = parseDeploy(input.text);
  if (!parsed.ok) return usageError(parsed.error, parsed.usage);
  return runDeployCommand(ports, parsed.command, input);
}

/**
 * A parsed `/deploy`, typed or built by a form: checked against the config, then done. What needs Slack's user
 * groups (deployers) or GitHub is decided after the acknowledgement.
 */
export async function runDeployCommand(
  ports: CommandPorts,
  cmd: DeployCommand,
  input: CommandInput,
): Promise<CommandReply> {
  const valid = validateAgainstConfig(cmd, ports.config);
  if (!valid.ok) return usageError(valid.error, valid.usage);
  // Deciding whether the user may deploy (or lock) there may take Slack's user groups: then after the acknowledgement.
  const remote =
    cmd.kind === "deploy" || cmd.kind === "lock" || cmd.kind === "unlock"
      ? needsMembers(ports.config.services[cmd.service]!.environments[cmd.environment]!.deployers, input.user)
      : false;
  switch (cmd.kind) {
    case "help":
      return ephemeral(helpText());
    case "status":
      return { ack: await statusView(ports, cmd.service) };
    case "history":
      return { ack: await historyView(ports, cmd.service, cmd.environment) };
    case "lock":
      return localOrLater(remote, async () => ({
        ack: await lockEnvironment(ports, { ...cmd, user: input.user }).finally(() => boardsChanged(ports)),
      }));
    case "unlock":
      return localOrLater(remote, async () => ({
        ack: await unlockEnvironment(ports, { ...cmd, user: input.user }).finally(() => boardsChanged(ports)),
      }));
    case "deploy":
      return localOrLater(remote, () => deploy(ports, cmd, input));
  }
}

async function deploy(
  ports: CommandPorts,
  cmd: Extract<DeployCommand, { kind: "deploy" }>,
  input: CommandInput,
): Promise<CommandReply> {
  const asked = await requestDeploy(ports, {
    service: cmd.service,
    environment: cmd.environment,
    ...(cmd.ref ? { ref: cmd.ref } : {}),
    requester: input.user,
    channel: input.channel,
    kind: "deploy",
    ...(cmd.flags.force ? { forceReason: cmd.flags.force } : {}),
    ...(cmd.flags.hotfix ? { hotfix: true } : {}),
  });
  if (!asked.ok) return { ack: asked.reply };
  return { after: () => launchDeploy(ports, asked.deployment, tellRequester(ports, input)) };
}

export const deployCommand: SlashCommand = {
  name: "/deploy",
  summary: "Deploy a service, and see what is deployed where",
  usage: [
    { syntax: USAGE.deploy, description: "deploy a branch, tag or commit (default: the default branch)" },
    { syntax: "/deploy <service>@<ref> to <env>", description: "the same, written the other way" },
    {
      syntax: '… --force "<reason>"',
      description: "break glass during a freeze (one break-glass approver must say go)",
    },
    { syntax: "… --hotfix", description: "mark a deploy as a fix for the one before (counts in DORA)" },
    { syntax: USAGE.status, description: "what is deployed where, what is running, and locks" },
    { syntax: USAGE.history, description: "the latest deploys of a service" },
    { syntax: USAGE.lock, description: "keep others from deploying there (default 8h)" },
    { syntax: USAGE.unlock, description: "release a lock; whoever was waiting is told" },
    { syntax: "/deploy", description: "a form: pick the service, environment and ref" },
    { syntax: "/deploy help", description: "this help" },
  ],
  handle: handleDeploy,
};
