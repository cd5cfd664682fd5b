/**
 * Who may use the playground's API: only the page it served. The API signs whatever it is asked as any demo user,
 * so another web page the developer has open must not reach it:
 * - the Host must be a loopback name, so a DNS-rebound hostname (evil.example resolving to 127.0.0.1) is refused;
 * - an Origin, when the browser sends one, must be this server's own;
 * - the API needs a token minted into each page as it is served, which another origin cannot read.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** Pages open at once (tabs, reloads); the oldest token goes first. */
const KEEP_TOKENS = 64;

export const TOKEN_HEADER = "x-playground-token";

export class PageGuard {
  private readonly tokens: string[] = [];

  /** A new token for a page being served. */
  issue(): string {
    const token = randomBytes(24).toString("base64url");
    this.tokens.push(token);
    if (this.tokens.length > KEEP_TOKENS) this.tokens.shift();
    return token;
  }

  /** Why `req` is refused, or undefined. `api` routes need the page's token as well. */
  refusal(req: IncomingMessage, api: boolean): string | undefined {
    const host = req.headers.host ?? "";
    if (!LOOPBACK.has(hostname(host)))
      return "the playground answers only on a loopback address (127.0.0.1 or localhost)";
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) return "cross-origin requests are not accepted";
    if (!api) return undefined;
    const header = req.headers[TOKEN_HEADER];
    const token = typeof header === "string" ? header : new URL(req.url ?? "", "http://x").searchParams.get("token");
    return token && this.tokens.includes(token)
      ? undefined
      : "missing or unknown page token: reload the playground page";
  }
}

function hostname(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return "";
  }
}
