/**
 * The checks every resilience test ends with: whatever went wrong on the way, the database, the Slack message, the
 * audit log and GitHub's record of dispatches tell the same story.
 */
import { DEPLOY_STATES, isFinal, type DeployState } from "../../src/domain/deploy-state.js";
import { stateLabel } from "../../src/slack/messages/deploy-message.js";
import type { RecordedCall } from "../../sandbox/http/recorder.js";
import type { SlackEmulator } from "../../sandbox/slack/emulator.js";
import type { Deployment } from "../../src/domain/deployment.js";
import type { Store } from "../../src/store/types.js";
import type { Harness } from "./harness.js";

export interface InvariantOptions {
  /** Deploys (by id) that may still be waiting for approval; every other deploy must be final. */
  pending?: readonly number[];
  /**
   * Deploys (by id) whose Slack message may lag behind the database because Slack never answered the last update;
   * for these only the audit log is checked (the database and the audit log must still agree), and they may have none.
   */
  slackMayLag?: readonly number[];
}

/** What the invariants read: the parts of the harness (or of a hand-made setup around a child process) they need. */
export interface InvariantSubject {
  config: Harness["config"];
  store: Store;
  slack: SlackEmulator;
  githubCalls: readonly RecordedCall[];
}

export function subjectOf(h: Harness): InvariantSubject {
  return { config: h.config, store: h.gantry.store, slack: h.slack, githubCalls: h.gh.calls };
}

/** Every deploy in the store, oldest first. */
export async function allDeploys(store: Store, services: readonly string[]): Promise<Deployment[]> {
  const all = (await Promise.all(services.map((s) => store.history(s, undefined, 1_000_000)))).flat();
  return all.sort((a, b) => a.id - b.id);
}

/** The label the deploy message shows for a state, without its emoji ("Succeeded", "Timed out"). */
export function labelOf(state: DeployState): string {
  return stateLabel(state).replace(/^:[a-z_]+: /, "");
}

/** Successful dispatches (2xx) per `gantry_deploy_id`, from the GitHub emulator's record. */
export function dispatchesByKey(calls: readonly RecordedCall[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    if (c.method !== "POST" || !c.path.endsWith("/dispatches") || c.status < 200 || c.status >= 300) continue;
    const key = (c.body as { inputs?: Record<string, string> } | undefined)?.inputs?.gantry_deploy_id;
    if (!key) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Throws (with every broken rule listed) unless: every deploy is final (or an expected pending approval); its Slack
 * message shows its state; the audit log's last `<kind>.<state>` event for it names its state; and no deploy key was
 * dispatched to GitHub more than once. Returns the deploys checked.
 */
export async function assertInvariants(
  h: Harness | InvariantSubject,
  opts: InvariantOptions = {},
): Promise<Deployment[]> {
  const s = "gantry" in h ? subjectOf(h) : h;
  const deploys = await allDeploys(s.store, Object.keys(s.config.services));
  const problems: string[] = [];
  const pending = new Set(opts.pending ?? []);
  const lagging = new Set(opts.slackMayLag ?? []);
  const audit = await s.store.listAudit();
  const stateEvent = (d: Deployment) => new RegExp(`^${d.kind}\\.(${DEPLOY_STATES.join("|")})$`);

  for (const d of deploys) {
    const name = `deploy #${d.id} (${d.service}/${d.environment}, ${d.state})`;
    if (!isFinal(d.state) && !(pending.has(d.id) && d.state === "pending_approval"))
      problems.push(`${name} is not in a final state`);

    const events = audit.filter((a) => a.deploymentId === d.id && stateEvent(d).test(a.action));
    const last = events.at(-1);
    if (last?.action !== `${d.kind}.${d.state}`)
      problems.push(`${name}: last audit state event is ${last?.action ?? "none"}`);

    if (!d.slackChannel || !d.slackTs) {
      // A deploy that could not even post its message has nothing in Slack to agree with: it must have failed, or
      // Slack never took a post (then only the audit log tells).
      if (d.state !== "failed" && !lagging.has(d.id)) problems.push(`${name} has no Slack message`);
    } else if (!lagging.has(d.id)) {
      const m = s.slack.findMessage(d.slackChannel, d.slackTs);
      const label = labelOf(d.state);
      if (!m) problems.push(`${name}: Slack message ${d.slackTs} not found`);
      else {
        if (!m.text.startsWith(`${label}:`))
          problems.push(`${name}: Slack message says "${m.text}", expected "${label}: …"`);
        if (!JSON.stringify(m.blocks).includes(stateLabel(d.state)))
          problems.push(`${name}: Slack blocks do not show "${stateLabel(d.state)}"`);
      }
    }
  }

  for (const [key, n] of dispatchesByKey(s.githubCalls)) {
    if (n > 1) problems.push(`deploy key ${key} was dispatched ${n} times`);
  }
  const keys = new Set(deploys.map((d) => d.key));
  for (const key of dispatchesByKey(s.githubCalls).keys()) {
    if (!keys.has(key)) problems.push(`GitHub got a dispatch for ${key}, which no deploy in the store has`);
  }
  if (problems.length) throw new Error(`invariants broken:\n  ${problems.join("\n  ")}`);
  return deploys;
}
