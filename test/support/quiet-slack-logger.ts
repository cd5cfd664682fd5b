import { LogLevel, type Logger } from "@slack/web-api";

/** The WebClient logs Slack's response_metadata errors itself; contract tests assert on them instead. */
export const quietSlackLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
