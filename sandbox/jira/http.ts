/** Request/response shapes between the emulator's HTTP layer and its route handlers, and Jira's error bodies. */
import type { RouteRequest, RouteResponse } from "../http/router.js";

export interface ApiRequest extends RouteRequest {
  /** Base URL the emulator is reachable at; `self` links in bodies point here, like a Jira site's own URLs. */
  base: string;
}

export type ApiResponse = RouteResponse;

/** Jira's error body for every 4xx it explains: messages about the request, and messages keyed by field. */
export interface ErrorCollection {
  errorMessages: string[];
  errors: Record<string, string>;
}

/** Thrown by handlers to answer with a Jira-style error body. */
export class JiraApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorCollection,
  ) {
    super(body.errorMessages[0] ?? Object.values(body.errors)[0] ?? String(status));
  }
}

export function errorBody(errorMessages: string[], errors: Record<string, string> = {}): ErrorCollection {
  return { errorMessages, errors };
}

export function badRequest(errors: Record<string, string>, errorMessages: string[] = []): JiraApiError {
  return new JiraApiError(400, errorBody(errorMessages, errors));
}

export function badRequestMessage(message: string): JiraApiError {
  return new JiraApiError(400, errorBody([message]));
}

export function issueNotFound(): JiraApiError {
  return new JiraApiError(404, errorBody(["Issue does not exist or you do not have permission to see it."]));
}

export function objectBody(req: ApiRequest): Record<string, unknown> {
  const body = req.body;
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequestMessage("Can not deserialize instance of the request body out of a non-object JSON value");
  }
  return body as Record<string, unknown>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
