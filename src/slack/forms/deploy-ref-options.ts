import { serviceNamed } from "../../config/lookup.js";
import { parseRepo, type SourcePort } from "../../github/port.js";
import { DEPLOY_FIELDS } from "./deploy-form.js";
import { deployableEnvironments } from "./deploy-form-open.js";
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
