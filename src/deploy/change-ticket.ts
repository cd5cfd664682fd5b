import type { JiraChange } from "../config/schema.js";
import { describeError } from "../errors.js";
import { shortSha } from "../domain/format.js";
import type { Deployment } from "../domain/deployment.js";
import type { Ports } from "./ports.js";

export type TicketStep = keyof JiraChange["transitions"];

function jiraConfig(ports: Pick<Ports, "config">, d: Deployment): JiraChange | undefined {
  return ports.config.services[d.service]?.environments[d.environment]?.jira;
}

function description(d: Deployment, approvers: string, slackLink: string | undefined): string {
  const change = d.changeSummary;
  const commits =
    change?.commits.map((c) => `- ${shortSha(c.sha)} ${c.message} (${c.author})`).join("\n") ?? "- (unknown)";
  return [
    `Gantry ${d.kind} #${d.id} of ${d.service} ${d.ref} (${d.sha}) to ${d.environment}.`,
    `Requested by: ${d.requester}\nApprovers: ${approvers}`,
    d.forceReason ? `BREAK GLASS during a freeze: ${d.forceReason}` : "",
    `Commits (${change?.total ?? 0}):\n${commits}`,
    `Linked issues: ${change?.jiraKeys.join(", ") || "none"}`,
    slackLink ? `Slack: ${slackLink}` : "",
  ]
    .filter(Boolean)
    .join("\n\n");
}

/**
 * Opens the change ticket for a deploy to an environment with `jira:` configured.
 * Returns an error text when it could not; whether that stops the deploy is the caller's call (`required`).
 */
export async function openTicket(
  ports: Ports,
  d: Deployment,
  approvers: string,
): Promise<{ deployment: Deployment; error?: string }> {
  const cfg = jiraConfig(ports, d);
  if (!cfg || d.jiraKey) return { deployment: d };
  if (!ports.jira)
    return { deployment: d, error: "Jira is not configured (set JIRA_HOST, JIRA_EMAIL and JIRA_API_TOKEN)" };
  try {
    const slackLink = d.slackChannel && d.slackTs ? await ports.notifier.permalink(d) : undefined;
    const created = await ports.jira.port.createIssue({
      project: cfg.project,
      issueType: cfg.issueType,
      summary: `${d.kind === "rollback" ? "Roll back" : "Deploy"} ${d.service} ${shortSha(d.sha)} to ${d.environment}`,
      description: description(d, approvers, slackLink),
      labels: ["gantry", ...(d.forceReason ? ["break-glass"] : [])],
    });
    if (slackLink) await ports.jira.port.remoteLink(created.key, slackLink, `Slack: Gantry ${d.kind} #${d.id}`);
    const deployment = await ports.store.patch(d.id, { jiraKey: created.key }, ports.clock.now().toISOString());
    await ports.store.audit({
      actor: "gantry",
      action: "jira.ticket_created",
      deploymentId: d.id,
      service: d.service,
      environment: d.environment,
      detail: { key: created.key },
      at: ports.clock.now().toISOString(),
    });
    return { deployment };
  } catch (err) {
    ports.log.warn({ deployId: d.id, err }, "could not create the change ticket");
    return { deployment: d, error: describeError(err) };
  }
}

/** Moves the ticket along (when a transition is configured for the step) and comments. Never fatal. */
export async function ticketStep(ports: Ports, d: Deployment, step: TicketStep, comment: string): Promise<void> {
  const cfg = jiraConfig(ports, d);
  if (!cfg || !d.jiraKey || !ports.jira) return;
  try {
    const name = cfg.transitions[step];
    if (name) await ports.jira.port.transition(d.jiraKey, name);
    await ports.jira.port.comment(d.jiraKey, comment);
    const runner = ports.runners[d.runner];
    if (d.runUrl) await ports.jira.port.remoteLink(d.jiraKey, d.runUrl, `${runner.vendor}: ${runner.noun}`);
  } catch (err) {
    ports.log.warn({ deployId: d.id, jiraKey: d.jiraKey, step, err }, "could not update the change ticket");
  }
}

/** A comment on the deploy's change ticket, without moving it. Never fatal. */
export async function ticketComment(ports: Ports, d: Deployment, comment: string): Promise<void> {
  if (!jiraConfig(ports, d) || !d.jiraKey || !ports.jira) return;
  try {
    await ports.jira.port.comment(d.jiraKey, comment);
  } catch (err) {
    ports.log.warn({ deployId: d.id, jiraKey: d.jiraKey, err }, "could not comment on the change ticket");
  }
}

/** Tells each Jira issue named in the deployed commits that it is live. Once per issue per deploy. */
export async function commentReferencedIssues(ports: Ports, d: Deployment): Promise<void> {
  if (!ports.jira || !d.changeSummary) return;
  for (const key of d.changeSummary.jiraKeys) {
    try {
      const text = d.changeSummary.undo
        ? `Taken out of ${d.environment} again by Gantry rollback #${d.id} (${d.service} back to ${shortSha(d.sha)}).`
        : `Deployed to ${d.environment} in Gantry ${d.kind} #${d.id} (${d.service} ${shortSha(d.sha)}).`;
      await ports.jira.port.comment(key, text);
    } catch (err) {
      ports.log.warn({ deployId: d.id, jiraKey: key, err }, "could not comment on a referenced issue");
    }
  }
}
