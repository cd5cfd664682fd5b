/**
 * What GitHub's API says about a deploy's run or deployment: read by the tracker's polls, and read again before a
 * webhook may end a deploy or tie it to a run (webhooks are hints; the API decides).
 */
import type { RemoteProgress } from "../domain/deploy-state.js";
import { parseRepo } from "../github/port.js";
import type { Deployment, DeploymentPatch } from "../domain/deployment.js";
import type { Ports } from "./ports.js";
import { publish } from "./progress.js";

/** How long a dispatched run may take to show up on GitHub before Gantry concludes it never started. */
export const RUN_LOOKUP_GRACE_MS = 3 * 60_000;
/** Gantry's own word for "no run exists": not one of GitHub's conclusions, so it cannot be confused with one. */
const NO_RUN = "gantry_no_run";
/** Runs looked up by key may start a little before our clock says the dispatch happened. */
const CLOCK_SKEW_MS = 60_000;

/** The reason a deploy that Gantry stopped before dispatching ends with. */
export const LEFT_BEHIND =
  "Gantry stopped before it could start the run: nothing was sent to GitHub for this deploy. Ask again with the same command.";

/** What a piece of news may tell about a deploy besides its progress, and how it came (for the audit log). */
export interface RemoteNews {
  githubRunId?: number;
  githubDeploymentId?: number;
  githubUrl?: string;
  via?: string;
}

/** A read of the run or deployment: its progress, and what it told about where the deploy lives on GitHub. */
export interface RemoteRead {
  progress?: RemoteProgress;
  news: RemoteNews;
  /** For the next conditional read; undefined when GitHub answered 304 (nothing changed). */
  etag?: string | null;
}

const now = (ports: Pick<Ports, "clock">) => ports.clock.now().toISOString();

/**
 * Reads the deploy's run (workflow mode) or latest deployment status, conditionally on `etag`. A deploy without a
 * run or deployment id yet is looked up by its key first, and adopted when found.
 */
export async function readRemote(ports: Ports, d: Deployment, etag: string | null): Promise<RemoteRead> {
  const service = ports.config.services[d.service]!;
  const repo = parseRepo(service.repo);
  if (d.mode === "deployment") {
    let deploymentId = d.githubDeploymentId;
    if (!deploymentId) {
      const found = await ports.githubDeployments.findDeploymentByKey(repo, d.environment, d.key);
      if (!found) return { progress: noRunYet(ports, d), news: {} };
      await ports.store.patch(d.id, { githubDeploymentId: found.id }, now(ports));
      deploymentId = found.id;
    }
    const res = await ports.githubDeployments.latestDeploymentStatus(repo, deploymentId, etag);
    if (!res.changed) return { news: {} };
    return {
      progress: { kind: "deployment", state: res.value.state },
      news: res.value.logUrl ? { githubUrl: res.value.logUrl } : {},
      etag: res.etag,
    };
  }
  let runId = d.githubRunId;
  if (!runId) {
    const since = new Date(Date.parse(d.createdAt) - CLOCK_SKEW_MS).toISOString();
    const run = await ports.githubActions.findRunByKey(repo, service.workflow!, d.key, since);
    if (!run) return { progress: noRunYet(ports, d), news: {} };
    const adopted = await ports.store.patch(d.id, { githubRunId: run.id, githubUrl: run.htmlUrl }, now(ports));
    await publish(ports, adopted);
    runId = run.id;
  }
  const res = await ports.githubActions.getRun(repo, runId, etag);
  if (!res.changed) return { news: {} };
  return {
    progress: { kind: "run", status: res.value.status, conclusion: res.value.conclusion },
    news: {},
    etag: res.etag,
  };
}

/**
 * Reads what a webhook claims from the API: the run or deployment it names (which must carry this deploy's key when
 * the deploy has no id yet), and its state now. Undefined when the webhook names something that is not this
 * deploy's, or that GitHub does not have.
 */
export async function confirmHint(
  ports: Ports,
  d: Deployment,
  hint: RemoteNews,
): Promise<{ progress: RemoteProgress; news: RemoteNews } | undefined> {
  const repo = parseRepo(ports.config.services[d.service]!.repo);
  if (d.mode === "deployment") {
    const id = d.githubDeploymentId ?? hint.githubDeploymentId;
    if (!id) return undefined;
    if (d.githubDeploymentId === null) {
      const named = await ports.githubDeployments.getDeployment(repo, id);
      if (named?.payload.gantry_deploy_id !== d.key) return undefined;
    }
    const res = await ports.githubDeployments.latestDeploymentStatus(repo, id);
    if (!res.changed) return undefined;
    const url = res.value.logUrl ? { githubUrl: res.value.logUrl } : {};
    return { progress: { kind: "deployment", state: res.value.state }, news: { githubDeploymentId: id, ...url } };
  }
  const id = d.githubRunId ?? hint.githubRunId;
  if (!id) return undefined;
  const res = await ports.githubActions.getRun(repo, id);
  if (!res.changed) return undefined;
  if (d.githubRunId === null && !res.value.displayTitle.includes(d.key)) return undefined;
  return {
    progress: { kind: "run", status: res.value.status, conclusion: res.value.conclusion },
    news: { githubRunId: id, githubUrl: res.value.htmlUrl },
  };
}

/**
 * A dispatch whose answer was lost is never sent again (it may have started a run); the run is looked for by the
 * deploy's key. If GitHub shows none after a grace period, it never started: say so rather than wait for the timeout.
 */
function noRunYet(ports: Pick<Ports, "clock">, d: Deployment): RemoteProgress | undefined {
  const sent = d.state === "queued" || (d.state === "requested" && d.dispatchedAt !== null);
  if (!sent) return undefined;
  const waited = Date.parse(now(ports)) - Date.parse(d.updatedAt);
  if (waited < RUN_LOOKUP_GRACE_MS) return undefined;
  return d.mode === "deployment"
    ? { kind: "deployment", state: NO_RUN }
    : { kind: "run", status: "completed", conclusion: NO_RUN };
}

/** What the workflow reported it shipped (a commit status); a promotion already carries its artifact. */
export async function artifactOf(ports: Ports, d: Deployment): Promise<{ artifact?: string }> {
  if (d.artifact || !d.sha) return {};
  const service = ports.config.services[d.service]!;
  try {
    const artifact = await ports.source.statusDescription(parseRepo(service.repo), d.sha, service.artifactStatus);
    return artifact ? { artifact } : {};
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not read the reported artifact");
    return {};
  }
}

/** The fields of `news` the deploy does not have yet: ids only where it has none, the URL where it differs. */
export function newFields(d: Deployment, news: RemoteNews): Omit<RemoteNews, "via"> & DeploymentPatch {
  const out: Omit<RemoteNews, "via"> = {};
  if (news.githubRunId !== undefined && d.githubRunId === null) out.githubRunId = news.githubRunId;
  if (news.githubDeploymentId !== undefined && d.githubDeploymentId === null)
    out.githubDeploymentId = news.githubDeploymentId;
  if (news.githubUrl && news.githubUrl !== d.githubUrl) out.githubUrl = news.githubUrl;
  return out;
}

export function failureReason(progress: RemoteProgress | undefined): string {
  if (!progress) return "GitHub reported a failure";
  if ((progress.kind === "run" ? progress.conclusion : progress.state) === NO_RUN) {
    const what = progress.kind === "run" ? "workflow run" : "deployment";
    return `GitHub shows no ${what} for this deploy: the request never started one (nothing was sent twice). Try again.`;
  }
  if (progress.kind === "run") return `the workflow run ended with conclusion \`${progress.conclusion ?? "unknown"}\``;
  return `the deployment status is \`${progress.state ?? "unknown"}\``;
}
