import { askToDeploy } from "../../deploy/index.js";
import { checkNames, deployAsk, USAGE, validateAgainstConfig, type DeployCommand } from "../commands/grammar.js";
import { deployRefusalMessage } from "../messages/refusals.js";
import { tellRequester } from "../tell.js";
import { serviceNamed, serviceOf } from "../../config/lookup.js";
import type { AppPorts as Ports } from "../../ports.js";
import { teamOf } from "../../domain/dora/targets.js";
import { isGantryError, describeError } from "../../errors.js";
import { parseRepo, type SourcePort } from "../../github/port.js";
import type { ViewReply, ViewSubmission } from "../actions/types.js";
import { DEPLOY_BLOCKS, DEPLOY_FIELDS, DEPLOY_FORM } from "./deploy-form.js";
import { deployableEnvironments, deployFormChannel } from "./deploy-form-open.js";
import { mrkdwnToPlain } from "./plain-text.js";
import type { OptionGroup, OptionsProvider } from "./types.js";

const BRANCHES = 100;
const TAGS = 30;
const SHOWN = 50;
/** Slack asks again at every keystroke; GitHub's lists are kept this long per repository. */
const REFS_TTL_MS = 30_000;

const refCache = new WeakMap<SourcePort, Map<string, { at: number; branches: string[]; tags: string[] }>>();

async function refsOf(github: SourcePort, repoName: string): Promise<{ branches: string[]; tags: string[] }> {
  const cache = refCache.get(github) ?? new Map<string, { at: number; branches: string[]; tags: string[] }>();
  refCache.set(github, cache);
  const hit = cache.get(repoName);
  if (hit && Date.now() - hit.at < REFS_TTL_MS) return hit;
  const repo = parseRepo(repoName);
  const [branches, tags] = await Promise.all([github.listBranches(repo, BRANCHES), github.listTags(repo, TAGS)]);
  const entry = { at: Date.now(), branches, tags };
  cache.set(repoName, entry);
  return entry;
}

/**
 * Ref suggestions: the service's recent tags and its branches that contain what was typed (or what was typed, as is).
 * Only for someone the form would let deploy the service somewhere: a repository's branches are not for everyone.
 */
export const deployRefOptions: OptionsProvider = {
  actionId: DEPLOY_FIELDS.ref,
  async options(ports, input) {
    const name = input.values[DEPLOY_FIELDS.service] ?? "";
    const service = serviceNamed(ports.config, name);
    if (!service) return [];
    if ((await deployableEnvironments(ports, name, input.user)).environments.length === 0) return [];
    // Without GitHub's lists the person can still type a ref; the submission checks it.
    const { branches, tags } = await refsOf(ports.source, service.repo).catch((err: unknown) => {
      ports.log.warn({ repo: service.repo, err }, "could not list refs for suggestions");
      return { branches: [] as string[], tags: [] as string[] };
    });
    const query = input.query.trim();
    const matches = (name: string) => name.toLowerCase().includes(query.toLowerCase());
    const option = (name: string) => ({ text: name, value: name });
    const groups: OptionGroup[] = [
      { label: "Recent tags", options: tags.filter(matches).slice(0, SHOWN).map(option) },
      { label: "Branches", options: branches.filter(matches).slice(0, SHOWN).map(option) },
    ];
    const listed = groups.filter((g) => g.options.length > 0);
    // A commit SHA, or a ref GitHub did not list, can still be deployed as typed; the submission checks it.
    const sha = /^[0-9a-f]{7,40}$/i.test(query);
    if (query && ![...branches, ...tags].includes(query) && (sha || listed.length === 0))
      listed.push({ label: "As typed", options: [option(query)] });
    return listed;
  },
};

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

/** Checks the form field by field, as the grammar and the config would, and asks GitHub whether the ref exists. */
async function fieldErrors(
  ports: Ports,
  user: string,
  cmd: Extract<DeployCommand, { kind: "deploy" }>,
): Promise<Record<string, string> | undefined> {
  const service = checkNames(ports.config, cmd.service, [], USAGE.deploy);
  if (!service.ok) return { [DEPLOY_BLOCKS.service]: mrkdwnToPlain(service.error) };
  const envBlock = DEPLOY_BLOCKS.environment(cmd.service);
  const allowed = await deployableEnvironments(ports, cmd.service, user);
  if (allowed.environments.length === 0)
    return {
      [DEPLOY_BLOCKS.service]: `You may not deploy ${cmd.service} anywhere with /deploy. Pick another service.`,
    };
  if (!cmd.environment) return { [envBlock]: "Pick an environment." };
  const env = checkNames(ports.config, cmd.service, [cmd.environment], USAGE.deploy);
  if (!env.ok) return { [envBlock]: mrkdwnToPlain(env.error) };
  const all = validateAgainstConfig(cmd, ports.config);
  if (!all.ok) return { [DEPLOY_BLOCKS.ref(cmd.service)]: mrkdwnToPlain(all.error) };
  if (!cmd.ref) return undefined;
  try {
    await ports.source.resolveRef(parseRepo(serviceOf(ports.config, cmd)!.repo), cmd.ref);
    return undefined;
  } catch (err) {
    const words = isGantryError(err, "github_ref_not_found")
      ? err.message
      : `GitHub could not check it: ${describeError(err)}`;
    return { [DEPLOY_BLOCKS.ref(cmd.service)]: mrkdwnToPlain(words) };
  }
}

/**
 * Submitting the deploy form does what the typed command does: the same parsed request goes through the same
 * `/deploy` code. Bad input and refusals are shown on the field; nothing is started then.
 */
export const deployFormSubmission: ViewSubmission = {
  callbackId: DEPLOY_FORM,
  async handle(ports, input): Promise<ViewReply> {
    const cmd = commandOf(input.values);
    const errors = await fieldErrors(ports, input.user, cmd);
    if (errors) return { errors };
    const from = deployFormChannel(ports, input.user, input.privateMetadata);
    const team = teamOf(ports.config, cmd.service);
    // From the App Home there is no channel: the deploy message goes to the service's team, else to the requester.
    const channel = from || (team ? ports.config.teams[team]!.channel : input.user);
    const text = commandText(cmd);
    await ports.store.audit({
      actor: input.user,
      action: "form",
      detail: { form: DEPLOY_FORM, text, channel },
      at: ports.clock.now().toISOString(),
    });
    // A modal shows refusals on its fields, so the submission is answered once decided (the checks above have asked
    // Slack and GitHub already; their answers are cached).
    const tell = tellRequester(ports, { user: input.user, channel, responseUrl: "" });
    const asked = await askToDeploy(ports, deployAsk(cmd, { requester: input.user, channel }), tell);
    if (asked.ok) return { after: asked.launch };
    const refusal = deployRefusalMessage(asked.refusal, ports.clock.now());
    return { errors: { [DEPLOY_BLOCKS.environment(cmd.service)]: mrkdwnToPlain(refusal.text.mrkdwn) } };
  },
};
