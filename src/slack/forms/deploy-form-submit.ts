import { askToDeploy } from "../../deploy/index.js";
import { checkNames, deployAsk, USAGE, validateAgainstConfig, type DeployCommand } from "../commands/grammar.js";
import { deployRefusalMessage } from "../messages/refusals.js";
import { tellRequester } from "../tell.js";
import { environmentOf, serviceOf } from "../../config/lookup.js";
import type { AppPorts as Ports } from "../../ports.js";
import { teamOf } from "../../domain/dora/targets.js";
import { needsMembers } from "../../domain/policy.js";
import { isGantryError, describeError } from "../../errors.js";
import { parseRepo } from "../../github/port.js";
import type { ViewReply, ViewSubmission } from "../actions/types.js";
import type { CommandPorts } from "../commands/types.js";
import { DEPLOY_BLOCKS, DEPLOY_FIELDS, DEPLOY_FORM, deployFormView } from "./deploy-form.js";
import { deployableEnvironments, deployFormChannel, deployFormMetadata, deployFormModel } from "./deploy-form-open.js";
import { acceptedView, checkingView, formRefusedText } from "./deploy-form-status.js";
import { tellUser } from "./lock-form.js";
import { mrkdwnToPlain } from "./plain-text.js";

export { deployRefOptions } from "./deploy-ref-options.js";

type Deploy = Extract<DeployCommand, { kind: "deploy" }>;
type Problem = { block: string; text: string };

/** `/deploy <service> [<ref>] to <env> [--force "<reason>"]`, as the form's fields say it. */
function commandOf(values: Record<string, string | undefined>): Extract<DeployCommand, { kind: "deploy" }> {
  const reason = values[DEPLOY_FIELDS.reason]?.trim();
  const ref = values[DEPLOY_FIELDS.ref]?.trim();
  return {
    kind: "deploy",
    service: values[DEPLOY_FIELDS.service] ?? "",
    environment: values[DEPLOY_FIELDS.environment] ?? "",
    ...(ref ? { ref } : {}),
    flags: reason ? { force: reason } : {},
  };
}

export function commandText(cmd: Extract<DeployCommand, { kind: "deploy" }>): string {
  const force = cmd.flags.force ? ` --force "${cmd.flags.force.replace(/"/g, "'")}"` : "";
  return `${cmd.service}${cmd.ref ? ` ${cmd.ref}` : ""} to ${cmd.environment}${force}`;
}

/**
 * The checks the config alone decides, made before the acknowledgement and shown on their fields. Environments a
 * user group decides are taken as open here; the check after the acknowledgement asks Slack.
 */
async function localErrors(ports: Ports, user: string, cmd: Deploy): Promise<Record<string, string> | undefined> {
  const service = checkNames(ports.config, cmd.service, [], USAGE.deploy);
  if (!service.ok) return { [DEPLOY_BLOCKS.service]: mrkdwnToPlain(service.error) };
  const envBlock = DEPLOY_BLOCKS.environment(cmd.service);
  const allowed = await deployableEnvironments(ports, cmd.service, user, false);
  if (allowed.environments.length === 0)
    return {
      [DEPLOY_BLOCKS.service]: `You may not deploy ${cmd.service} anywhere with /deploy. Pick another service.`,
    };
  if (!cmd.environment) return { [envBlock]: "Pick an environment." };
  const env = checkNames(ports.config, cmd.service, [cmd.environment], USAGE.deploy);
  if (!env.ok) return { [envBlock]: mrkdwnToPlain(env.error) };
  const all = validateAgainstConfig(cmd, ports.config);
  if (!all.ok) return { [DEPLOY_BLOCKS.ref(cmd.service)]: mrkdwnToPlain(all.error) };
  return undefined;
}

/** What needs Slack (the deployers' groups) or GitHub (whether the ref exists), asked after the acknowledgement. */
async function remoteProblem(ports: Ports, user: string, cmd: Deploy): Promise<Problem | undefined> {
  // Whether this person may deploy there at all is the deploy's own check (askToDeploy), worded as for a typed one.
  if ((await deployableEnvironments(ports, cmd.service, user)).environments.length === 0)
    return {
      block: DEPLOY_BLOCKS.service,
      text: `You may not deploy ${cmd.service} anywhere with /deploy. Pick another service.`,
    };
  if (!cmd.ref) return undefined;
  try {
    await ports.source.resolveRef(parseRepo(serviceOf(ports.config, cmd)!.repo), cmd.ref);
    return undefined;
  } catch (err) {
    const words = isGantryError(err, "github_ref_not_found")
      ? err.message
      : `GitHub could not check it: ${describeError(err)}`;
    return { block: DEPLOY_BLOCKS.ref(cmd.service), text: mrkdwnToPlain(words) };
  }
}

interface Submitted {
  user: string;
  cmd: Deploy;
  channel: string;
}

/** Records the deploy (or the refusal) and says so on the form's field; `launch` runs once the form is redrawn. */
async function decide(
  ports: CommandPorts,
  s: Submitted,
): Promise<{ problem: Problem } | { launch: () => Promise<void>; id: number }> {
  const tell = tellRequester(ports, { user: s.user, channel: s.channel, responseUrl: "" });
  const asked = await askToDeploy(ports, deployAsk(s.cmd, { requester: s.user, channel: s.channel }), tell);
  if (asked.ok) return { launch: asked.launch, id: asked.deployment.id };
  const refusal = deployRefusalMessage(asked.refusal, ports.clock.now());
  return { problem: { block: DEPLOY_BLOCKS.environment(s.cmd.service), text: mrkdwnToPlain(refusal.text.mrkdwn) } };
}

/**
 * After the acknowledgement: the checks that ask Slack or GitHub, then the deploy. The modal is redrawn with what
 * was decided: the form again, as entered, with the problem under its field; or where the deploy's message will be.
 * A modal closed meanwhile cannot be redrawn: the requester is then told where they asked.
 */
async function checkThenDeploy(ports: CommandPorts, s: Submitted, viewId: string): Promise<void> {
  const problem = await remoteProblem(ports, s.user, s.cmd);
  const outcome = problem ? { problem } : await decide(ports, s);
  const what = commandText(s.cmd);
  const view =
    "problem" in outcome
      ? deployFormView(
          {
            ...(await deployFormModel(ports, s.user, s.cmd.service)),
            entered: {
              environment: s.cmd.environment,
              ...(s.cmd.ref ? { ref: s.cmd.ref } : {}),
              ...(s.cmd.flags.force ? { reason: s.cmd.flags.force } : {}),
            },
            problem: outcome.problem,
          },
          deployFormMetadata(ports, s.user, s.channel),
        )
      : acceptedView(what, outcome.id, s.channel);
  const drawn = await ports.slack.updateModal(viewId, view).then(
    () => true,
    (err: unknown) => (ports.log.warn({ err }, "could not redraw the deploy form"), false),
  );
  if (!drawn && "problem" in outcome)
    await tellUser(ports, s.user, s.channel, { text: formRefusedText(what, outcome.problem.text) }).catch(
      (err: unknown) => ports.log.warn({ err }, "could not tell the requester"),
    );
  if ("launch" in outcome) await outcome.launch();
}

/**
 * Submitting the deploy form does what the typed command does: the same parsed request goes through the same
 * `/deploy` code. What the config decides is answered on the fields at once; what needs Slack or GitHub is checked
 * after the acknowledgement, with the modal saying so meanwhile. Nothing is started for a refused form.
 */
export const deployFormSubmission: ViewSubmission = {
  callbackId: DEPLOY_FORM,
  async handle(ports, input): Promise<ViewReply> {
    const cmd = commandOf(input.values);
    const errors = await localErrors(ports, input.user, cmd);
    if (errors) return { errors };
    const from = deployFormChannel(ports, input.user, input.privateMetadata);
    const team = teamOf(ports.config, cmd.service);
    // From the App Home there is no channel: the deploy message goes to the service's team, else to the requester.
    const channel = from || (team ? ports.config.teams[team]!.channel : input.user);
    await ports.store.audit({
      actor: input.user,
      action: "form",
      detail: { form: DEPLOY_FORM, text: commandText(cmd), channel },
      at: ports.clock.now().toISOString(),
    });
    const submitted = { user: input.user, cmd, channel };
    const remote =
      !!cmd.ref || needsMembers(environmentOf(ports.config, cmd.service, cmd.environment)!.deployers, input.user);
    if (remote)
      return {
        checking: { view: checkingView(commandText(cmd)), then: (viewId) => checkThenDeploy(ports, submitted, viewId) },
      };
    // Nothing to ask Slack or GitHub: decided before the acknowledgement, refusals on the field as for a typed check.
    const outcome = await decide(ports, submitted);
    if ("launch" in outcome) return { after: outcome.launch };
    return { errors: { [outcome.problem.block]: outcome.problem.text } };
  },
};
