import { parseRepo } from "../github/port.js";
import type { Ports } from "./ports.js";

/**
 * Looks up the user groups the config names, in the background at start-up: the first vote or deploy that needs one
 * then finds it in the groups' cache (WebSlack keeps them a few minutes) instead of asking Slack while someone waits.
 * One group at a time, since Slack allows about 20 of these a minute; a failure is logged and the lookup waits for use.
 */
export async function warmGroups(ports: Pick<Ports, "groups" | "log">, handles: readonly string[]): Promise<void> {
  for (const handle of handles) {
    try {
      await ports.groups.usergroupMembers(handle);
    } catch (err) {
      ports.log.warn({ group: handle, err }, "could not look up a user group at start-up");
    }
  }
}

/** Enough at once to warm a large config quickly, few enough not to trip GitHub's secondary rate limit. */
const AT_ONCE = 4;

/**
 * Reads the default branch of every configured repository at start-up (the source keeps it for an hour): a deploy
 * without a ref, and a workflow dispatched from the default branch, then cost no extra GitHub read. A failure is
 * logged and the read waits for use.
 */
export async function warmDefaultBranches(ports: Pick<Ports, "config" | "source" | "log">): Promise<void> {
  const repos = [...new Set(Object.values(ports.config.services).map((s) => s.repo))];
  const next = async (): Promise<void> => {
    for (let repo = repos.shift(); repo; repo = repos.shift()) {
      try {
        await ports.source.defaultBranch(parseRepo(repo));
      } catch (err) {
        ports.log.warn({ repo, err }, "could not read a repository's default branch at start-up");
      }
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, next));
}

/** Both of the above, at once; never rejects. */
export async function warmUp(ports: Pick<Ports, "config" | "source" | "groups" | "log">, groups: readonly string[]) {
  await Promise.all([warmGroups(ports, groups), warmDefaultBranches(ports)]);
}
