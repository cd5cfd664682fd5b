/**
 * What the deploy's runner says about its run: read by the tracker's polls, and read again before a webhook may end a
 * deploy or tie it to a run (webhooks are hints; the runner's API decides). Only the runner port is spoken here.
 */
import type { RunProgress } from "../domain/deploy-state.js";
import type { Deployment, DeploymentPatch } from "../domain/deployment.js";
import type { Runner } from "../runners/port.js";
import type { Ports } from "./ports.js";
import { publish } from "./progress.js";

/** How long a started run may take to show up on its runner before Gantry concludes it never started. */
export const RUN_LOOKUP_GRACE_MS = 3 * 60_000;

/** The reason a deploy that Gantry stopped before starting its run ends with. */
export function leftBehind(vendor: string): string {
  return `Gantry stopped before it could start the run: nothing was sent to ${vendor} for this deploy. Ask again with the same command.`;
}

/** What a piece of news may tell about a deploy besides its progress, and how it came (for the audit log). */
export interface RemoteNews {
  runId?: string;
  runUrl?: string;
  via?: string;
}

/** A read of the run: its progress, and what it told about where the run lives. */
export interface RemoteRead {
  progress?: RunProgress;
  news: RemoteNews;
  /** For the next conditional read; undefined when the runner said nothing changed. */
  etag?: string | null;
}

const now = (ports: Pick<Ports, "clock">) => ports.clock.now().toISOString();

/** The runner the deploy was started with, and its service's config. */
export function runnerOf(ports: Pick<Ports, "config" | "runners">, d: Deployment) {
  return { runner: ports.runners[d.runner], service: ports.config.services[d.service]! };
}

/**
 * Reads the deploy's run, conditionally on `etag`. A deploy without a run id yet is looked up by its key first, and
 * adopted when found.
 */
export async function readRemote(ports: Ports, d: Deployment, etag: string | null): Promise<RemoteRead> {
  const { runner, service } = runnerOf(ports, d);
  let runId = d.runId;
  if (!runId) {
    const found = await runner.findByKey(service, d);
    if (!found) return { progress: noRunYet(ports, runner, d), news: {} };
    const adopted = await ports.store.patch(d.id, found, now(ports));
    // A link to show is worth a redraw; an id alone is not.
    if (found.runUrl) await publish(ports, adopted);
    runId = found.runId;
  }
  const res = await runner.read(service, d, runId, etag);
  if (!res.changed) return { news: {} };
  return { progress: res.read.progress, news: res.read.link, etag: res.etag };
}

/**
 * Reads what a webhook claims from the runner: the run it names (which must be this deploy's when the deploy has no
 * run id yet), and its progress now. Undefined when the webhook names a run that is not this deploy's, or that the
 * runner does not have.
 */
export async function confirmHint(
  ports: Ports,
  d: Deployment,
  hint: RemoteNews,
): Promise<{ progress: RunProgress; news: RemoteNews } | undefined> {
  const id = d.runId ?? hint.runId;
  if (!id) return undefined;
  const { runner, service } = runnerOf(ports, d);
  const confirmed = await runner.confirm(service, d, id);
  return confirmed && { progress: confirmed.progress, news: confirmed.link };
}

/**
 * A start whose answer was lost is never sent again (it may have started a run); the run is looked for by the
 * deploy's key. If the runner shows none after a grace period, it never started: say so rather than wait for the
 * timeout.
 */
function noRunYet(ports: Pick<Ports, "clock">, runner: Runner, d: Deployment): RunProgress | undefined {
  const sent = d.state === "queued" || (d.state === "requested" && d.dispatchedAt !== null);
  if (!sent) return undefined;
  const waited = Date.parse(now(ports)) - Date.parse(d.updatedAt);
  if (waited < RUN_LOOKUP_GRACE_MS) return undefined;
  return { phase: "failed", reason: runner.noRunReason };
}

/** What the run reported it shipped; a promotion already carries its artifact. */
export async function artifactOf(ports: Ports, d: Deployment): Promise<{ artifact?: string }> {
  if (d.artifact || !d.sha) return {};
  const { runner, service } = runnerOf(ports, d);
  try {
    const artifact = await runner.artifact(service, d);
    return artifact ? { artifact } : {};
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not read the reported artifact");
    return {};
  }
}

/** The fields of `news` the deploy does not have yet: the run id only where it has none, the URL where it differs. */
export function newFields(d: Deployment, news: RemoteNews): Omit<RemoteNews, "via"> & DeploymentPatch {
  const out: Omit<RemoteNews, "via"> = {};
  if (news.runId !== undefined && d.runId === null) out.runId = news.runId;
  if (news.runUrl && news.runUrl !== d.runUrl) out.runUrl = news.runUrl;
  return out;
}

/** Why a run's progress ended the deploy, when it did not succeed. */
export function failureReason(progress: RunProgress): string | undefined {
  return "reason" in progress ? progress.reason : undefined;
}
