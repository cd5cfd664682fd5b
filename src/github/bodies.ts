/** The parts of GitHub's answers that Gantry relies on, checked with zod where they enter, and their mapping to the port's types. */
import { z } from "zod";
import type { CompareResult, DeploymentView, WorkflowRun } from "./port.js";

export const RunBody = z.object({
  id: z.number(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  html_url: z.string(),
  display_title: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  run_started_at: z.string().nullish(),
});
export type RunBody = z.infer<typeof RunBody>;
export const RunList = z.object({ workflow_runs: z.array(RunBody) });
export const DispatchDetails = z.object({ workflow_run_id: z.number(), html_url: z.string() });
export const CommitBody = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/) });
export const CommitDetail = z.object({
  sha: z.string(),
  commit: z.object({
    message: z.string(),
    author: z.object({ name: z.string().optional(), date: z.string().optional() }).nullable(),
    committer: z.object({ date: z.string().optional() }).nullable(),
  }),
  author: z.object({ login: z.string() }).nullable(),
});
export type CommitDetail = z.infer<typeof CommitDetail>;
export const Comparison = z.object({ total_commits: z.number(), commits: z.array(CommitDetail) });

export function toCommit(c: CommitDetail): CompareResult["commits"][number] {
  return {
    sha: c.sha,
    message: c.commit.message,
    author: c.author?.login ?? c.commit.author?.name ?? "unknown",
    date: c.commit.committer?.date ?? c.commit.author?.date ?? null,
  };
}
export const RepoBody = z.object({ default_branch: z.string() });
export const DeploymentBody = z.object({ id: z.number(), url: z.string() });
export const DeploymentDetail = z.object({
  id: z.number(),
  sha: z.string(),
  ref: z.string(),
  environment: z.string(),
  created_at: z.string(),
  payload: z.union([z.record(z.string(), z.unknown()), z.string()]),
  creator: z.object({ login: z.string() }).nullable(),
  url: z.string(),
});
export const DeploymentList = z.array(DeploymentDetail);

export function toDeploymentView(d: z.infer<typeof DeploymentDetail>): DeploymentView {
  return {
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    environment: d.environment,
    creator: d.creator?.login ?? "unknown",
    createdAt: d.created_at,
    payload: typeof d.payload === "string" ? parsePayload(d.payload) : d.payload,
    url: d.url,
  };
}
export const StatusList = z.array(
  z.object({
    state: z.string(),
    description: z.string().nullish(),
    log_url: z.string().nullish(),
    target_url: z.string().nullish(),
    environment_url: z.string().nullish(),
    created_at: z.string(),
  }),
);
/** Commit statuses, newest first as GitHub lists them. */
export const CommitStatusList = z.array(
  z.object({
    context: z.string(),
    description: z.string().nullable(),
  }),
);

export const NamedList = z.array(z.object({ name: z.string() }));

export function toRun(body: RunBody): WorkflowRun {
  return {
    id: body.id,
    status: body.status ?? "queued",
    conclusion: body.conclusion,
    htmlUrl: body.html_url,
    displayTitle: body.display_title,
    createdAt: body.created_at,
    updatedAt: body.updated_at,
    runStartedAt: body.run_started_at ?? null,
  };
}

export function parsePayload(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
