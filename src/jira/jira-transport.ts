/**
 * The transport jira.js 6 sends through. jira.js 6's own client has no timeout or abort signal, so a request Gantry
 * had given up on could still reach Jira later; this one aborts each request at its deadline, so it never lands late.
 */
import type { Client, SendRequestOptions } from "jira.js/core";

export interface JiraTransportOptions {
  /** Site URL, e.g. https://acme.atlassian.net (no trailing slash). */
  host: string;
  email: string;
  apiToken: string;
  /** Per request, from the first byte sent to the last byte read. */
  timeoutMs: number;
}

/** An HTTP answer outside 2xx: what Jira said, for the error words and the Retry-After of a 429. */
export class JiraHttpError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly data: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`Jira answered ${status} ${statusText}`);
    this.name = "JiraHttpError";
  }
}

export function createJiraTransport(opts: JiraTransportOptions): Client {
  const authorization = `Basic ${Buffer.from(`${opts.email}:${opts.apiToken}`, "utf8").toString("base64")}`;
  return {
    async sendRequest<T>(request: SendRequestOptions<T>): Promise<T> {
      const path = request.url.startsWith("/") ? request.url : `/${request.url}`;
      const hasBody = request.body !== undefined && request.body !== null;
      const headers: Record<string, string> = {
        Accept: "application/json",
        Authorization: authorization,
        ...(hasBody ? { "Content-Type": "application/json" } : {}),
        ...request.headers,
      };
      const response = await send(
        withQuery(`${opts.host}${path}`, request.searchParams),
        {
          method: request.method ?? "GET",
          headers,
          ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
          signal: AbortSignal.timeout(opts.timeoutMs),
        },
        opts.timeoutMs,
      );
      const data = await readBody(response);
      if (!response.ok)
        throw new JiraHttpError(response.status, response.statusText, data, Object.fromEntries(response.headers));
      if (response.status === 204 || data === undefined || !request.schema) return data as T;
      // Gantry checks the fields it uses with its own schemas; jira.js's are for the contract tests, so drift is no failure.
      const parsed = request.schema.safeParse(data);
      return (parsed.success ? parsed.data : data) as T;
    },
  };
}

async function send(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === "TimeoutError")
      throw new Error(`timeout of ${timeoutMs}ms exceeded`, { cause: err });
    // undici hides the socket's own words ("socket hang up", ECONNREFUSED) in the cause.
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    throw new Error(cause?.message || cause?.code || (err instanceof Error ? err.message : String(err)), {
      cause: err,
    });
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Query parameters as jira.js serialises them: arrays repeat the key, objects are JSON, empty values are left out. */
function withQuery(url: string, params: Record<string, unknown> | undefined): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      query.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
      continue;
    }
    for (const item of value) if (item !== undefined && item !== null) query.append(key, String(item));
  }
  const text = query.toString();
  return text ? `${url}?${text}` : url;
}
