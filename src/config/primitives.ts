import { z } from "zod";
import { durationMs } from "../domain/duration.js";

export { durationMs };

/** A duration such as `90s`, `15m`, `1h`, `2d`. Parsed to milliseconds with `durationMs`. */
export const Duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, { message: "expected a duration such as 30s, 15m, 1h or 2d" });
export type Duration = z.infer<typeof Duration>;

/** A Slack user id (`U024BE7LH`, `W…`) or a user group handle (`@platform`). */
export const Principal = z.string().regex(/^(@[a-z0-9][a-z0-9._-]*|[UW][A-Z0-9]{2,})$/, {
  message: "expected a Slack user id (U024BE7LH) or a user group handle (@platform)",
});
export type Principal = z.infer<typeof Principal>;

/** A Slack user id alone (no group handles): `U024BE7LH`. */
export const SlackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { message: "expected a Slack user id such as U024BE7LH" });

/** A GitHub login as GitHub allows them: letters, digits and single inner hyphens, at most 39 characters. */
export const GitHubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, { message: "expected a GitHub login such as octocat" });

export const EnvironmentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "expected a lowercase name such as staging" });

/** Words `/deploy` reads as subcommands cannot also be service names. */
export const RESERVED_SERVICE_NAMES = ["help", "status", "history", "lock", "unlock"] as const;

export const ServiceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: "expected a lowercase name such as checkout-api" })
  .refine((name) => !(RESERVED_SERVICE_NAMES as readonly string[]).includes(name), {
    message: `this word is a /deploy subcommand; choose another name (reserved: ${RESERVED_SERVICE_NAMES.join(", ")})`,
  });
