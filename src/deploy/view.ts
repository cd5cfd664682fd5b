import { authorsOf, tally } from "../domain/approval.js";
import { retryRefusal, type RetryFacts } from "../domain/retry.js";
import type { Deployment } from "../domain/deployment.js";
import { approvalPolicyOf, envOf, serviceOf } from "../config/lookup.js";
import { verifyPlan } from "../config/verify-schema.js";
import type { Ports } from "./ports.js";
import type { DeployView } from "./view-model.js";

export type { DeployView, PromotionSource } from "./view-model.js";

/** Gathers what a deploy's message shows besides the deploy: approvals, promote targets, ticket, lock, the verify plan. */
export async function buildView(
  ports: Pick<Ports, "config" | "store" | "clock" | "jira" | "runners">,
  d: Deployment,
): Promise<DeployView> {
  const service = serviceOf(ports.config, d);
  const view: DeployView = { repo: service?.repo ?? d.service, now: ports.clock.now() };
  const runNoun = ports.runners[d.runner]?.noun;
  if (runNoun) view.runNoun = runNoun;
  const policy = approvalPolicyOf(ports.config, d);
  if (policy && d.sha) {
    const authors = policy.excludeAuthors ? authorsOf(d.changeSummary, ports.config.people) : undefined;
    view.approval = {
      policy,
      tally: tally(await ports.store.votes(d.id), d.sha, policy.required),
      ...(authors ? { authors } : {}),
    };
  }
  if (service && d.state === "succeeded") {
    view.promoteTo = Object.entries(service.environments)
      .filter(([, e]) => e.promoteFrom === d.environment)
      .map(([name]) => name);
  }
  if (d.kind === "promote" && d.sourceId) {
    const source = await ports.store.getDeployment(d.sourceId);
    if (source) view.source = { id: source.id, environment: source.environment, sha: source.sha };
  }
  if (d.state === "failed" && d.sha && d.runId === null)
    view.retryable = retryRefusal(await retryFacts(ports, d)) === undefined;
  if (d.jiraKey && ports.jira && /^[A-Z][A-Z0-9_]+-\d+$/.test(d.jiraKey))
    view.ticket = { key: d.jiraKey, url: `${ports.jira.host.replace(/\/$/, "")}/browse/${d.jiraKey}` };
  const verify = envOf(ports.config, d)?.verify;
  if (verify && (d.verification || d.state === "verifying")) view.verify = verifyPlan(verify);
  const lock = await ports.store.getLock(d.service, d.environment);
  if (lock && (d.kind === "rollback" || lock.holder !== d.requester)) view.lock = lock;
  return view;
}

/** What the retry rule needs, as the store knows it now (a click gathers it again). */
export async function retryFacts(ports: Pick<Ports, "store">, d: Deployment): Promise<RetryFacts> {
  const [transitions, [latest], live] = await Promise.all([
    ports.store.transitions(d.id),
    ports.store.history(d.service, d.environment, 1),
    ports.store.lastSucceeded(d.service, d.environment),
  ]);
  return { d, states: transitions.map((t) => t.state), latestId: latest?.id, liveId: live?.id };
}
