/**
 * Counting requests to GitHub, Jira and Slack into `gantry_external_requests_total` and
 * `gantry_external_errors_total{vendor,status}`. The status is the HTTP status where there was an answer
 * (`200`, `304`, `404`, `429`…), `network` where there was none (refused, reset, timed out), and for Slack
 * `ok` or Slack's error code (its Web API answers errors with HTTP 200 and `ok: false`).
 */
import type { Octokit } from "@octokit/rest";
import { GantryError } from "../errors.js";
import type { SlackPort } from "../slack/port.js";
import type { GantryMetrics } from "./registry.js";

/** The constructor option `createOctokit` passes the metrics through, for `githubMetricsPlugin` to find. */
export const OCTOKIT_METRICS_OPTION = "gantryMetrics";

/**
 * An Octokit plugin that counts every HTTP attempt. Applied before the retry and throttling plugins, its hooks sit
 * innermost, so a request retried after a 429 or a 5xx counts each attempt with its own status. A `304` (an
 * unchanged run, answered to a conditional poll) is counted as a request, not as an error.
 */
export function githubMetricsPlugin(octokit: { hook: Octokit["hook"] }, options: Record<string, unknown>): void {
  const metrics = options[OCTOKIT_METRICS_OPTION] as GantryMetrics | undefined;
  if (metrics) observeOctokit(octokit.hook, metrics);
}

export function observeOctokit(hook: Octokit["hook"], metrics: GantryMetrics): void {
  hook.after("request", (response) => metrics.externalCall("github", String(response.status), false));
  hook.error("request", (error) => {
    const status = githubStatus(error);
    metrics.externalCall("github", status, status === "network" || Number(status) >= 400);
    throw error;
  });
}

/** Octokit reports a request that got no answer as status 500 without a response; that is `network` here. */
function githubStatus(error: unknown): string {
  const response = (error as { response?: { status?: unknown } }).response;
  return typeof response?.status === "number" ? String(response.status) : "network";
}

function slackStatus(err: unknown): string {
  if (err instanceof GantryError && typeof err.details.error === "string" && /^[a-z_]{1,64}$/.test(err.details.error))
    return err.details.error;
  return "error";
}

/**
 * Counts each SlackPort call as one request to Slack, but `usergroupMembers`: it is answered from WebSlack's
 * five-minute cache most of the time (warmed at start-up), and a cached answer is no request. WebSlack counts the
 * lookups that reach Slack instead, through slackLookupCounter.
 */
export function instrumentSlack(port: SlackPort, metrics: GantryMetrics): SlackPort {
  const observe = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      metrics.externalCall("slack", "ok", false);
      return result;
    } catch (err) {
      metrics.externalCall("slack", slackStatus(err), true);
      throw err;
    }
  };
  return {
    postMessage: (channel, message, threadTs) => observe(() => port.postMessage(channel, message, threadTs)),
    updateMessage: (at, message) => observe(() => port.updateMessage(at, message)),
    postEphemeral: (channel, user, message) => observe(() => port.postEphemeral(channel, user, message)),
    respond: (responseUrl, message) => observe(() => port.respond(responseUrl, message)),
    permalink: (at) => observe(() => port.permalink(at)),
    openModal: (triggerId, view) => observe(() => port.openModal(triggerId, view)),
    updateModal: (viewId, view, hash) => observe(() => port.updateModal(viewId, view, hash)),
    publishHome: (user, view) => observe(() => port.publishHome(user, view)),
    uploadFile: (channel, file, threadTs) => observe(() => port.uploadFile(channel, file, threadTs)),
    usergroupMembers: (handle) => port.usergroupMembers(handle),
  };
}

/** WebSlack's `countLookup`: each user group request that reaches Slack, as one request with its outcome. */
export function slackLookupCounter(metrics: GantryMetrics): (err?: unknown) => void {
  return (err) =>
    err === undefined
      ? metrics.externalCall("slack", "ok", false)
      : metrics.externalCall("slack", slackStatus(err), true);
}
