import pino, { type Logger } from "pino";
import { currentRequest } from "./request-context.js";

/** Paths that may hold secrets; pino replaces their values before anything is written. */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "request.headers.authorization",
  "err.request.headers.authorization",
  "err.response.headers.authorization",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "GITHUB_TOKEN",
  "JIRA_API_TOKEN",
  "GITHUB_APP_PRIVATE_KEY",
  "GITHUB_WEBHOOK_SECRET",
  "GANTRY_DATABASE_URL",
  "privateKey",
  "*.privateKey",
  "*.GITHUB_APP_PRIVATE_KEY",
  "*.GITHUB_WEBHOOK_SECRET",
  "*.SLACK_BOT_TOKEN",
  "*.SLACK_SIGNING_SECRET",
  "*.SLACK_APP_TOKEN",
  "*.GITHUB_TOKEN",
  "*.JIRA_API_TOKEN",
  "*.GANTRY_DATABASE_URL",
];

export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: "gantry",
      level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err },
      // The request id follows a command through every call it makes, without passing loggers around.
      mixin: () => currentRequest() ?? {},
    },
    destination,
  );
}

export type { Logger };
