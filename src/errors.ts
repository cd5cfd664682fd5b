/** Every failure Gantry reports carries one of these codes; `describeError` is the one place they become words. */
export type ErrorCode =
  | "config_invalid"
  | "env_invalid"
  | "github_error"
  | "github_ref_not_found"
  | "slack_error"
  | "store_conflict"
  | "store_in_use"
  | "jira_error"
  | "metrics_error"
  | "not_found"
  | "port_in_use"
  | "work_thread_failed"
  | "internal";

export class GantryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "GantryError";
  }
}

export function isGantryError(err: unknown, code?: ErrorCode): err is GantryError {
  return err instanceof GantryError && (code === undefined || err.code === code);
}

/** A short, user-facing explanation of any error, in the vendor's words where there are some. */
export function describeError(err: unknown): string {
  if (err instanceof GantryError) return err.message;
  if (err instanceof Error) return `internal error: ${err.message}`;
  return "internal error";
}
