/**
 * What Gantry does with each webhook event: news about its own deploys goes through the tracker (the same rules as
 * polling), and a production deployment someone made outside Gantry is recorded in the ledger and announced.
 */
import type { Ports } from "../../deploy/ports.js";
import type { Tracker } from "../../deploy/tracker.js";
import { doraEnvironment, teamOf } from "../../domain/dora/targets.js";
import { escapeMrkdwn, shortSha } from "../../domain/format.js";
import { importOne } from "../../jobs/backfill.js";
import type { Deployment } from "../../store/types.js";
import { parseRepo, type DeploymentStatusView, type DeploymentView } from "../port.js";
import type { DeploymentEvent, DeploymentStatusEvent, WorkflowRunEvent } from "./payloads.js";

export type WebhookPorts = Ports & { tracker: Pick<Tracker, "apply"> };

/** What a delivery came to, for the response body and the log. */
export type Outcome =
  | "applied"
  | "unchanged"
  | "not-dispatched-yet"
  | "no-match"
  | "external-recorded"
  | "external-known"
  | "external-ignored"
  | "gantry-job"
  | "logged"
  | "ignored";

/** The keys Gantry gives deploys (`gd_` and 12 hex digits), as a workflow's run-name carries them. */
const KEY = /\bgd_[0-9a-f]{12}\b/g;

export async function onWorkflowRun(ports: WebhookPorts, e: WorkflowRunEvent): Promise<Outcome> {
  const run = e.workflow_run;
  const d = await findRunDeploy(ports, e);
  if (!d) return "no-match";
  // Dispatch records the run and hands the deploy to the tracker in one move out of `requested`, whose first poll
  // follows at once; moving it first would take that move away from dispatch.
  if (d.state === "requested") return "not-dispatched-yet";
  const changed = await ports.tracker.apply(
    d,
    { kind: "run", status: run.status ?? "queued", conclusion: run.conclusion },
    { githubRunId: run.id, githubUrl: run.html_url, via: "webhook" },
  );
  return changed ? "applied" : "unchanged";
}

export async function onDeploymentStatus(ports: WebhookPorts, e: DeploymentStatusEvent): Promise<Outcome> {
  const d = await findDeploymentDeploy(ports, e);
  if (d) {
    if (d.state === "requested") return "not-dispatched-yet";
    const status = e.deployment_status;
    const logUrl = status.log_url || status.target_url || undefined;
    const changed = await ports.tracker.apply(
      d,
      { kind: "deployment", state: status.state },
      { githubDeploymentId: e.deployment.id, ...(logUrl ? { githubUrl: logUrl } : {}), via: "webhook" },
    );
    return changed ? "applied" : "unchanged";
  }
  return recordExternal(ports, e);
}

export async function onDeployment(ports: WebhookPorts, e: DeploymentEvent): Promise<Outcome> {
  const key = gantryKey(e.deployment.payload);
  const service = servicesOf(ports, e.repository.full_name)[0];
  if (key || !service) return "ignored";
  ports.log.info(
    { service, repo: e.repository.full_name, environment: e.deployment.environment, githubDeploymentId: e.deployment.id, creator: e.deployment.creator?.login },
    "deployment created outside Gantry",
  );
  return "logged";
}

/** The live deploy with this run id, else the deploy whose key the run's title carries; in the right repo and mode. */
async function findRunDeploy(ports: WebhookPorts, e: WorkflowRunEvent): Promise<Deployment | undefined> {
  const run = e.workflow_run;
  const fits = (d: Deployment): boolean =>
    d.mode === "workflow" && sameRepo(ports, d, e.repository.full_name) && (d.githubRunId === null || d.githubRunId === run.id);
  const live = (await ports.store.listLive()).find((d) => d.githubRunId === run.id && fits(d));
  if (live) return live;
  for (const key of new Set(run.display_title?.match(KEY) ?? [])) {
    const d = await ports.store.findByKey(key);
    if (d && fits(d)) return d;
  }
  return undefined;
}

/** The deploy whose key is in the deployment's payload, else the live deploy with this deployment id. */
async function findDeploymentDeploy(ports: WebhookPorts, e: DeploymentStatusEvent): Promise<Deployment | undefined> {
  const id = e.deployment.id;
  const fits = (d: Deployment): boolean =>
    d.mode === "deployment" && sameRepo(ports, d, e.repository.full_name) && (d.githubDeploymentId === null || d.githubDeploymentId === id);
  const key = gantryKey(e.deployment.payload);
  const byKey = key ? await ports.store.findByKey(key) : undefined;
  if (byKey && fits(byKey)) return byKey;
  return (await ports.store.listLive()).find((d) => d.githubDeploymentId === id && fits(d));
}

/**
 * A successful deployment to a configured service's DORA environment that Gantry did not make: recorded once (keyed
 * by GitHub's deployment id, like backfill) with its commits since the previous production SHA, then announced in
 * the owning team's channel.
 */
async function recordExternal(ports: WebhookPorts, e: DeploymentStatusEvent): Promise<Outcome> {
  const { deployment, deployment_status: status } = e;
  if (gantryKey(deployment.payload)) return "no-match"; // a Gantry deploy we no longer know (another database)
  const service = servicesOf(ports, e.repository.full_name).find((s) => doraEnvironment(ports.config, s) === deployment.environment);
  if (!service) return "external-ignored";
  if (status.state !== "success") {
    ports.log.debug({ service, githubDeploymentId: deployment.id, state: status.state }, "outside deployment not successful (yet)");
    return "external-ignored";
  }
  const environment = deployment.environment;
  const repo = parseRepo(ports.config.services[service]!.repo);
  const key = `gh:${repo.owner}/${repo.repo}:${deployment.id}`;
  if (await ports.store.findByKey(key)) return "external-known";
  // A workflow-mode deploy's job with `environment:` makes a deployment too; it succeeds before the run completes.
  const active = await ports.store.findActive(service, environment);
  if (active?.sha === deployment.sha) return "gantry-job";
  const previousSha = (await ports.store.lastSucceeded(service, environment))?.sha ?? undefined;
  const view: DeploymentView = {
    id: deployment.id,
    sha: deployment.sha,
    ref: deployment.ref,
    environment,
    creator: deployment.creator?.login ?? e.sender?.login ?? "unknown",
    createdAt: deployment.created_at,
    payload: deployment.payload,
    url: deployment.url ?? "",
  };
  const success: DeploymentStatusView = {
    state: status.state,
    description: status.description ?? null,
    logUrl: status.log_url || status.target_url || null,
    environmentUrl: status.environment_url ?? null,
    createdAt: status.created_at,
  };
  const outcome = await importOne(ports, service, environment, repo, view, previousSha, success);
  if (!outcome.imported) return "external-known";
  ports.log.info({ service, environment, githubDeploymentId: deployment.id, creator: view.creator, commits: outcome.commits }, "outside deployment recorded");
  await announce(ports, service, environment, view, success.logUrl, outcome.commits);
  return "external-recorded";
}

async function announce(ports: WebhookPorts, service: string, environment: string, d: DeploymentView, url: string | null, commits: number): Promise<void> {
  const team = teamOf(ports.config, service);
  const channel = team ? ports.config.teams[team]?.channel : undefined;
  if (!channel) return;
  const ref = d.ref === d.sha ? `\`${shortSha(d.sha)}\`` : `\`${escapeMrkdwn(d.ref)}\` (\`${shortSha(d.sha)}\`)`;
  const details = url?.startsWith("https://") || url?.startsWith("http://") ? ` · <${url}|details>` : "";
  const text =
    `:package: *${service}* was deployed to *${environment}* outside Gantry by ${escapeMrkdwn(d.creator)}: ${ref}, ` +
    `${commits} new commit${commits === 1 ? "" : "s"}. It counts in DORA.${details}`;
  try {
    await ports.slack.postMessage(channel, { text });
  } catch (err) {
    ports.log.warn({ service, channel, err }, "could not announce the outside deployment");
  }
}

function gantryKey(payload: Record<string, unknown>): string | undefined {
  return typeof payload.gantry_deploy_id === "string" && payload.gantry_deploy_id ? payload.gantry_deploy_id : undefined;
}

/** The configured services deployed from a repository (GitHub compares names case-insensitively). */
function servicesOf(ports: WebhookPorts, fullName: string): string[] {
  const wanted = fullName.toLowerCase();
  return Object.entries(ports.config.services)
    .filter(([, s]) => s.repo.toLowerCase() === wanted)
    .map(([name]) => name);
}

function sameRepo(ports: WebhookPorts, d: Deployment, fullName: string): boolean {
  return ports.config.services[d.service]?.repo.toLowerCase() === fullName.toLowerCase();
}
