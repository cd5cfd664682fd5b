/** Request/response shapes between the emulator's HTTP layer and its route handlers, and GitHub's error bodies. */
import type { RouteRequest, RouteResponse } from "../http/router.js";

export interface ApiRequest extends RouteRequest {
  /** Base URL the emulator is reachable at; API URLs in bodies point here, like GHES's self-referencing URLs. */
  api: string;
}

export interface ApiResponse extends RouteResponse {
  /** Total items of a paginated list; the HTTP layer turns it into a Link header. */
  total?: number;
}

export const DOCS = "https://docs.github.com/rest";

/** Thrown by handlers to answer with a GitHub-style error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? status));
  }
}

export function notFound(documentationUrl = DOCS): ApiError {
  return new ApiError(404, { message: "Not Found", documentation_url: documentationUrl, status: "404" });
}

export function unprocessable(message: string, documentationUrl = DOCS): ApiError {
  return new ApiError(422, { message, documentation_url: documentationUrl, status: "422" });
}

export function conflict(message: string, documentationUrl = DOCS, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(409, { message, ...extra, documentation_url: documentationUrl, status: "409" });
}

export function objectBody(req: ApiRequest): Record<string, unknown> {
  const body = req.body;
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" });
  }
  return body as Record<string, unknown>;
}
