import { z } from "zod";
import { DoraThresholds } from "./dora-thresholds.js";
import { checkCron } from "../domain/freeze.js";
import { Approvals, BreakGlass, FreezeWindow, JiraChange, Locks, RollbackPolicy } from "./gates.js";
import { Duration, EnvironmentName, GitHubLogin, Principal, ServiceName, SlackUserId } from "./primitives.js";
import { checkNotifyReferences, NotifyRule } from "./notify-schema.js";
import { checkVerifyReferences } from "./verify-references.js";
import { VerifyEnvironmentFields } from "./verify-schema.js";

export * from "./primitives.js";
export * from "./gates.js";

export const Environment = z
  .object({
    /** Who may deploy here. Absent means everyone. */
    deployers: z.array(Principal).min(1).optional(),
    /** Overrides the service's deploy timeout for this environment. */
    timeout: Duration.optional(),
    /** The environment whose last good deploy `/promote` ships here; promotion becomes the only way in. */
    promoteFrom: EnvironmentName.optional(),
    approvals: Approvals.optional(),
    rollback: RollbackPolicy.default({ lock: true }),
    freeze: z.array(FreezeWindow).default([]),
    /** Who may approve a `--force` deploy during a freeze; default: the top-level breakGlass. */
    breakGlass: BreakGlass.optional(),
    jira: JiraChange.optional(),
    /** Verification on live metrics, and the automatic promotion that builds on it. */
    ...VerifyEnvironmentFields,
  })
  .strict();
export type Environment = z.infer<typeof Environment>;

export const WorkflowInputs = z
  .object({
    environment: z.string().min(1).default("environment"),
    sha: z.string().min(1).default("sha"),
    /**
     * The input that receives the ref as typed (a branch or tag name), or null to send the workflow only the resolved
     * SHA: a ref is a valid git name yet may hold `$(…)` or backticks, which a workflow must never put in a shell line.
     */
    ref: z.string().min(1).nullable().default("ref"),
    deployId: z.string().min(1).default("gantry_deploy_id"),
    /** Set it if the workflow takes the artifact to ship (promotions pass the one that passed before). */
    artifact: z.string().min(1).optional(),
  })
  .strict();
export type WorkflowInputs = z.infer<typeof WorkflowInputs>;

export const Service = z
  .object({
    repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "expected owner/name" }),
    mode: z.enum(["workflow", "deployment"]).default("workflow"),
    /** File name or id of a workflow_dispatch workflow in `repo`. Required in workflow mode. */
    workflow: z.string().min(1).optional(),
    /** The branch or tag whose workflow file runs. Default: the repository's default branch. */
    workflowRef: z.string().min(1).optional(),
    inputs: WorkflowInputs.default({
      environment: "environment",
      sha: "sha",
      ref: "ref",
      deployId: "gantry_deploy_id",
    }),
    /** The commit-status context through which the deploy workflow reports the artifact it shipped. */
    artifactStatus: z.string().min(1).default("gantry/artifact"),
    /** Deployment mode: the commit checks that must pass. Absent means all of them. */
    requiredContexts: z.array(z.string()).optional(),
    /** A deploy with no news for this long ends as timed_out. */
    timeout: Duration.default("60m"),
    /** Which environment DORA measures; default `production`, else the last one listed. */
    dora: z.object({ environment: EnvironmentName.optional() }).strict().optional(),
    environments: z.record(EnvironmentName, Environment).refine((envs) => Object.keys(envs).length > 0, {
      message: "list at least one environment, such as `staging: {}`",
    }),
  })
  .strict()
  .superRefine((svc, ctx) => {
    for (const [name, env] of Object.entries(svc.environments)) {
      if (!env.promoteFrom || (env.promoteFrom !== name && svc.environments[env.promoteFrom])) continue;
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "promoteFrom"],
        message: `must name another environment of this service (${Object.keys(svc.environments).join(", ")})`,
      });
    }
    if (svc.mode === "workflow" && !svc.workflow) {
      ctx.addIssue({
        code: "custom",
        path: ["workflow"],
        message: "required in workflow mode: name the workflow file, such as deploy.yml (or set mode: deployment)",
      });
    }
    checkVerifyReferences(svc.environments, ctx);
  });
export type Service = z.infer<typeof Service>;

export const Team = z
  .object({
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, { message: "expected a Slack channel id such as C0PAYMENTS" }),
    services: z.array(ServiceName).default([]),
    timezone: z.string().optional(),
    digest: z
      .object({
        /** When the weekly digest posts (cron, in `timezone`); default Monday 09:00. */
        schedule: z
          .string()
          .superRefine((expr, ctx) => {
            const problem = checkCron(expr);
            if (problem) ctx.addIssue({ code: "custom", message: `invalid cron: ${problem} (e.g. "0 9 * * 1")` });
          })
          .default("0 9 * * 1"),
        timezone: z.string().optional(),
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ schedule: "0 9 * * 1", enabled: true }),
    /** Where the team's notices go (deploys, outside deploys, verification alerts, digests); see NotifyRule. */
    notify: z.array(NotifyRule).default([]),
  })
  .strict();
export type Team = z.infer<typeof Team>;

/** Where incidents come from, for change failure rate and recovery time. */
export const Incidents = z
  .object({
    jql: z.string().min(1),
    /** `components`, `labels`, or a custom field id such as `customfield_10042`: maps an incident to a service. */
    serviceField: z
      .string()
      .regex(/^(components|labels|customfield_\d+)$/, { message: "expected components, labels or customfield_<id>" }),
    /** How far back the first sync looks. */
    lookback: Duration.default("90d"),
  })
  .strict();
export type Incidents = z.infer<typeof Incidents>;

export const Polling = z
  .object({
    interval: Duration.default("5s"),
    maxInterval: Duration.default("30s"),
    /**
     * The longest pause between two polls of a deploy when GITHUB_WEBHOOK_SECRET is set: webhooks carry the news, and
     * polling is a slow safety net for a lost delivery. Used in place of maxInterval.
     */
    withWebhooks: Duration.default("5m"),
  })
  .strict();
export type Polling = z.infer<typeof Polling>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().refine(isTimeZone, { message: "expected an IANA time zone such as Europe/Berlin" });

export const GantryConfig = z
  .object({
    $schema: z.string().optional(),
    timezone: TimeZone.default("UTC"),
    polling: Polling.default({ interval: "5s", maxInterval: "30s", withWebhooks: "5m" }),
    services: z.record(ServiceName, Service),
    breakGlass: BreakGlass.optional(),
    locks: Locks.default({ defaultDuration: "8h", warnBefore: "15m", maxDuration: "7d" }),
    incidents: Incidents.optional(),
    /** Level thresholds for the DORA metrics; default DORA 2023 as Apache DevLake codes it. */
    dora: z.object({ thresholds: DoraThresholds.optional() }).strict().optional(),
    teams: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "expected a lowercase team name such as payments" }),
        Team,
      )
      .default({}),
    /** Who is who: GitHub login → Slack user id, so Gantry knows which approvers wrote a change (`approvals.excludeAuthors`). */
    people: z.record(GitHubLogin, SlackUserId).default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    checkPeople(config, ctx);
    for (const [teamName, team] of Object.entries(config.teams)) {
      team.services.forEach((svc, i) => {
        if (config.services[svc]) return;
        ctx.addIssue({
          code: "custom",
          path: ["teams", teamName, "services", i],
          message: `unknown service \`${svc}\`: add it under services, or remove it here`,
        });
      });
      checkNotifyReferences(team.notify, config, team.services, ["teams", teamName, "notify"], ctx);
      if (team.timezone && !isTimeZone(team.timezone)) {
        ctx.addIssue({
          code: "custom",
          path: ["teams", teamName, "timezone"],
          message: "expected an IANA time zone such as Europe/Berlin",
        });
      }
    }
  });
export type GantryConfig = z.infer<typeof GantryConfig>;

/** `excludeAuthors` needs `people` to tell who wrote a commit; a login listed twice (in any case) is ambiguous. */
function checkPeople(
  config: { services: Record<string, Service>; people: Record<string, string> },
  ctx: z.RefinementCtx,
): void {
  const logins = Object.keys(config.people).map((l) => l.toLowerCase());
  const twice = logins.find((l, i) => logins.indexOf(l) !== i);
  if (twice)
    ctx.addIssue({
      code: "custom",
      path: ["people"],
      message: `\`${twice}\` is listed twice (GitHub logins ignore case)`,
    });
  if (logins.length > 0) return;
  for (const [service, svc] of Object.entries(config.services)) {
    for (const [env, e] of Object.entries(svc.environments)) {
      for (const [path, rule] of [
        [["approvals"], e.approvals],
        [["rollback", "approvals"], e.rollback.approvals],
      ] as const) {
        if (!rule?.excludeAuthors) continue;
        ctx.addIssue({
          code: "custom",
          path: ["services", service, "environments", env, ...path, "excludeAuthors"],
          message: "needs `people:` (GitHub login: Slack user id) to know who wrote a commit",
        });
      }
    }
  }
}
