import { askToDeploy, lock, unlock } from "../../deploy/index.js";
import { envOf } from "../../config/lookup.js";
import { lockReply, unlockReply } from "../messages/locks.js";
import { askedReply } from "./asked.js";
import { historyView, statusView } from "../messages/status-view.js";
import { helpText } from "./help.js";
import { HELP } from "./help-registry.js";
import { usageError } from "./usage.js";
import { boardsChanged } from "../home/boards.js";
import { openDeployForm } from "../forms/deploy-form-open.js";
import { deployAsk, parseDeploy, validateAgainstConfig, type DeployCommand } from "./grammar.js";
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
import { tellRequester } from "../tell.js";

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
      ? needsMembers(envOf(ports.config, cmd)!.deployers, input.user)
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
        ack: {
          text: lockReply(
            await lock(ports, { ...cmd, user: input.user }).finally(() => boardsChanged(ports)),
            ports.clock.now(),
          ),
        },
      }));
    case "unlock":
      return localOrLater(remote, async () => ({
        ack: {
          text: unlockReply(await unlock(ports, { ...cmd, user: input.user }).finally(() => boardsChanged(ports))),
        },
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
  const ask = deployAsk(cmd, { requester: input.user, channel: input.channel });
  const asked = await askToDeploy(ports, ask, tellRequester(ports, input));
  return askedReply(ports, asked);
}

export const deployCommand: SlashCommand = { ...HELP.deploy, handle: handleDeploy };
