/** `teams.<team>.notify`: where a team's notices go, by event, environment and state. */
import { z } from "zod";
import { DEPLOY_STATES } from "../domain/deploy-state.js";
import { NOTICE_EVENTS } from "../domain/notify.js";
import { EnvironmentName, ServiceName } from "./primitives.js";

/** A channel id (C…/G…), a user (U…/W…), a user group handle (@oncall), or `requester` (a DM to whoever asked). */
export const NoticeTarget = z.string().regex(/^([CG][A-Z0-9]{2,}|[UW][A-Z0-9]{2,}|@[a-z0-9][a-z0-9._-]*|requester)$/, {
  message: "expected a channel id (C0OPS), a user id (U024BE7LH), a user group handle (@oncall) or requester",
});

export const NotifyRule = z
  .object({
    /** Which notices: Gantry's own deploys, deploys made outside Gantry, verification alerts, digests (default: all). */
    events: z.array(z.enum(NOTICE_EVENTS)).optional(),
    services: z.array(ServiceName).optional(),
    environments: z.array(EnvironmentName).optional(),
    /** Final states of a deploy; empty or absent: every state. */
    states: z
      .array(
        z.enum(DEPLOY_STATES, {
          message: `expected a deploy state: ${DEPLOY_STATES.join(", ")}`,
        }),
      )
      .optional(),
    /** Where it goes; empty: nowhere (a quiet rule). */
    to: z.array(NoticeTarget),
  })
  .strict();
export type NotifyRule = z.infer<typeof NotifyRule>;

/** Environments and services a team's rules name must exist; `requester` only means something for deploys. */
export function checkNotifyReferences(
  rules: readonly NotifyRule[],
  known: { services: Record<string, { environments: Record<string, unknown> }> },
  teamServices: readonly string[],
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const environments = new Set(teamServices.flatMap((s) => Object.keys(known.services[s]?.environments ?? {})));
  rules.forEach((rule, i) => {
    rule.services?.forEach((s, j) => {
      if (teamServices.includes(s)) return;
      ctx.addIssue({
        code: "custom",
        path: [...path, i, "services", j],
        message: `\`${s}\` is not one of this team's services (${teamServices.join(", ") || "none"}): add it to the team's services, or remove it here`,
      });
    });
    rule.environments?.forEach((e, j) => {
      if (environments.has(e)) return;
      ctx.addIssue({
        code: "custom",
        path: [...path, i, "environments", j],
        message: `no service of this team has an environment \`${e}\` (${[...environments].join(", ") || "none"})`,
      });
    });
  });
}
