/** Turns jira.js failures into GantryErrors that carry Jira's own words, and reads rate-limit hints. */
import { z } from "zod";
import { GantryError } from "../errors.js";
import { JiraHttpError } from "./jira-transport.js";

/** Jira's error body: request-level messages plus messages keyed by field. */
const ErrorCollection = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
  message: z.string().optional(),
});

const MAX_WORDS = 400;

/** What Jira said, flattened to one line: "summary: You must specify a summary of the issue." */
export function jiraWords(data: unknown): string {
  if (typeof data === "string") return oneLine(data.replace(/<[^>]*>/g, " "));
  const parsed = ErrorCollection.safeParse(data);
  if (!parsed.success) return "";
  const { errorMessages = [], errors = {}, message } = parsed.data;
  const parts = [...errorMessages, ...Object.entries(errors).map(([field, text]) => `${field}: ${String(text)}`)];
  return oneLine(parts.length > 0 ? parts.join("; ") : (message ?? ""));
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > MAX_WORDS ? `${flat.slice(0, MAX_WORDS - 1)}…` : flat;
}

/** The HTTP answer behind a failed Jira request, when there was one. */
export function httpFailure(err: unknown): JiraHttpError | undefined {
  return err instanceof JiraHttpError ? err : undefined;
}

export function jiraError(err: unknown, action: string): GantryError {
  if (err instanceof GantryError) return err;
  const failure = httpFailure(err);
  if (failure) {
    const words = jiraWords(failure.data) || failure.statusText || "no details";
    return new GantryError("jira_error", `Jira answered ${failure.status} when ${action}: ${words}`, {
      status: failure.status,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GantryError("jira_error", `Jira could not be reached when ${action}: ${message}`);
}

/**
 * For a 429, how long Jira asked us to wait (Retry-After, in seconds or as an HTTP date; undefined when it did not say).
 * Undefined for every other failure: only rate limiting is worth retrying blindly.
 */
export function rateLimited(err: unknown, now = Date.now()): { retryAfterMs: number | undefined } | undefined {
  const failure = httpFailure(err);
  if (failure?.status !== 429) return undefined;
  const raw = failure.headers["retry-after"];
  const value = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : "";
  if (/^\d+(\.\d+)?$/.test(value)) return { retryAfterMs: Number(value) * 1000 };
  const date = Date.parse(value);
  return { retryAfterMs: Number.isNaN(date) ? undefined : Math.max(0, date - now) };
}

/** The status of one failed Jira request, for gantry_external_requests_total. */
export function jiraStatus(err: unknown): string {
  const failure = httpFailure(err);
  return failure ? String(failure.status) : "network";
}

/** jira.js hands back only the body of a success, so a successful Jira request is counted as `2xx`. */
export const JIRA_SUCCESS_STATUS = "2xx";
