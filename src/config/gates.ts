import { z } from "zod";
import { checkCron, checkTimezone } from "../domain/freeze.js";
import { Duration, durationMs, Principal } from "./primitives.js";

/** Go/no-go: how many of whom must approve before a deploy starts. */
export const Approvals = z
  .object({
    required: z.number().int().min(1).default(1),
    approvers: z.array(Principal).min(1),
    allowSelfApproval: z.boolean().default(false),
    /** Refuse approvals from people whose commits are in the change (GitHub logins mapped through `people`). */
    excludeAuthors: z.boolean().default(false),
    expiresAfter: Duration.default("1h"),
    /** Where the approval message goes; default: the channel where the deploy was requested. */
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, { message: "expected a Slack channel id such as C0RELEASES" })
      .optional(),
  })
  .strict();
export type Approvals = z.infer<typeof Approvals>;

/** A recurring window when deploys stay out: it starts at each `cron` time and lasts `duration`. */
export const FreezeWindow = z
  .object({
    cron: z.string().superRefine((expr, ctx) => {
      const problem = checkCron(expr);
      if (problem) ctx.addIssue({ code: "custom", message: `invalid cron: ${problem} (e.g. "0 16 * * FRI")` });
    }),
    duration: Duration,
    /** Default: the config's timezone. */
    timezone: z
      .string()
      .superRefine((tz, ctx) => {
        const problem = checkTimezone(tz);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    reason: z.string().min(1).default("deploy freeze"),
  })
  .strict();
export type FreezeWindow = z.infer<typeof FreezeWindow>;

export const BreakGlass = z.object({ approvers: z.array(Principal).min(1) }).strict();
export type BreakGlass = z.infer<typeof BreakGlass>;

export const RollbackPolicy = z
  .object({
    /** Rollbacks restore service, so they need no approval unless this says so. */
    approvals: Approvals.optional(),
    /** Lock the environment after a rollback so nobody redeploys the bad change by accident. */
    lock: z.boolean().default(true),
  })
  .strict();
export type RollbackPolicy = z.infer<typeof RollbackPolicy>;

export const JiraTransitions = z
  .object({
    approved: z.string().min(1).optional(),
    succeeded: z.string().min(1).optional(),
    failed: z.string().min(1).optional(),
    rolledBack: z.string().min(1).optional(),
  })
  .strict();

/** A Jira change ticket that follows each deploy to the environment. */
export const JiraChange = z
  .object({
    project: z.string().regex(/^[A-Z][A-Z0-9_]+$/, { message: "expected a Jira project key such as CHG" }),
    issueType: z.string().min(1).default("Change"),
    transitions: JiraTransitions.default({}),
    /** Fail closed: no ticket, no deploy. */
    required: z.boolean().default(true),
  })
  .strict();
export type JiraChange = z.infer<typeof JiraChange>;

export const Locks = z
  .object({
    defaultDuration: Duration.default("8h"),
    /** The holder gets a direct message this long before the lock expires. */
    warnBefore: Duration.default("15m"),
    /** The longest lock anyone may take, by command or form. */
    maxDuration: Duration.default("7d"),
  })
  .strict()
  .superRefine((locks, ctx) => {
    if (durationMs(locks.defaultDuration) <= durationMs(locks.maxDuration)) return;
    ctx.addIssue({
      code: "custom",
      path: ["defaultDuration"],
      message: `must not be longer than maxDuration (${locks.maxDuration})`,
    });
  });
export type Locks = z.infer<typeof Locks>;
