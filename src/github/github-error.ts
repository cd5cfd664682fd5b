import { RequestError } from "@octokit/request-error";
import { GantryError } from "../errors.js";

/** Turns an Octokit failure into a GantryError that carries GitHub's own words. */
export function githubError(err: unknown, action: string): GantryError {
  if (err instanceof RequestError) {
    const data = err.response?.data as { message?: string } | undefined;
    const words = data?.message ?? err.message;
    return new GantryError("github_error", `GitHub answered ${err.status} when ${action}: ${words}`, {
      status: err.status,
    });
  }
  if (err instanceof GantryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GantryError("github_error", `GitHub could not be reached when ${action}: ${message}`);
}

export function isNotModified(err: unknown): boolean {
  return err instanceof RequestError && err.status === 304;
}
