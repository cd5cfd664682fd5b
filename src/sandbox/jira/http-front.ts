/** The emulator's HTTP side: node:http server, Basic auth, outage switch, faults, and recording every call. */
import { randomBytes } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FaultRegistry, Timers } from "./faults.js";
import { errorBody, JiraApiError, type ApiResponse } from "./http.js";
import type { Router } from "./router.js";
import type { RecordedCall } from "./types.js";

export interface HttpFrontDeps {
  router: Router;
  faults: FaultRegistry;
  timers: Timers;
  credentials: { email: string | undefined; apiToken: string } | undefined;
  isDown: () => boolean;
  record: (call: RecordedCall) => void;
}

type CallDraft = Omit<RecordedCall, "status" | "response" | "responseHeaders" | "fault" | "durationMs">;

/** Jira Cloud answers failed Basic auth in plain text, not with its JSON error body. */
const UNAUTHENTICATED = "Client must be authenticated to access this resource.";
/** Endpoints Jira serves to anonymous callers. */
const ANONYMOUS = new Set(["/rest/api/3/serverInfo"]);

export class HttpFront {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private baseUrl: string | undefined;

  constructor(private readonly deps: HttpFrontDeps) {}

  get url(): string | undefined {
    return this.baseUrl;
  }

  async listen(port: number): Promise<string> {
    if (this.server) throw new Error("JiraEmulator already started");
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        console.error("JiraEmulator request failed", err);
        res.destroy();
      });
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("unexpected server address");
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets (axios, fetch) would otherwise hold close() open.
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", this.baseUrl);
    const raw = await readBody(req);
    let body: unknown = undefined;
    let badJson = false;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
      badJson = true;
    }
    const match = this.deps.router.match(method, url.pathname);
    const draft: CallDraft = {
      method,
      path: url.pathname,
      query: flattenQuery(url.searchParams),
      headers: flattenHeaders(req),
      body,
      operationId: match?.route.operationId,
      pathTemplate: match?.route.template,
      unexpected: !match,
    };
    const finish = (r: ApiResponse, fault = false): void => this.send(res, draft, r, fault, started);

    if (this.deps.isDown()) return finish({ status: 503, body: "Service Unavailable" }, true);
    const fault = this.deps.faults.take(method, url.pathname, match?.route.template);
    if (fault?.delayMs) await this.latency(fault.delayMs, req.socket);
    if (!this.server) return;
    // A client that gave up during the latency (its timeout) is recorded at once, and its request is not processed.
    if (fault?.drop || req.socket.destroyed) {
      req.socket.destroy();
      this.deps.record({ ...draft, status: 0, response: undefined, responseHeaders: {}, fault: true, durationMs: Date.now() - started });
      return;
    }
    if (fault?.status !== undefined) {
      const faultBody = fault.body ?? errorBody([STATUS_CODES[fault.status] ?? "Error"]);
      return finish({ status: fault.status, body: faultBody, headers: fault.headers }, true);
    }
    const authError = this.checkAuth(draft.headers.authorization, url.pathname);
    if (authError) return finish({ status: 401, body: UNAUTHENTICATED, headers: { "x-seraph-loginreason": authError } });
    if (badJson) return finish({ status: 400, body: errorBody(["Unexpected character in the request body: it is not valid JSON."]) });
    if (!match) return finish({ status: 404, body: errorBody([`The emulated Jira has no route for ${method} ${url.pathname}.`]) });
    try {
      finish(match.route.handle({ method, params: match.params, query: draft.query, body, base: this.baseUrl ?? "" }));
    } catch (err) {
      if (err instanceof JiraApiError) return finish({ status: err.status, body: err.body });
      console.error("JiraEmulator handler error", err);
      finish({ status: 500, body: errorBody([`Emulator error: ${String(err)}`]) });
    }
  }

  /** Waits out injected latency, or until the client hangs up, whichever comes first. */
  private async latency(ms: number, socket: Socket): Promise<void> {
    let onClose: (() => void) | undefined;
    const hungUp = new Promise<void>((resolve) => socket.once("close", (onClose = resolve)));
    await Promise.race([this.deps.timers.sleep(ms), hungUp]);
    if (onClose) socket.off("close", onClose);
  }

  /** Undefined when the request may pass; otherwise the reason Jira puts in X-Seraph-LoginReason. */
  private checkAuth(header: string | undefined, path: string): string | undefined {
    const creds = this.deps.credentials;
    if (!creds) return undefined;
    if (!header) return ANONYMOUS.has(path) ? undefined : "AUTHENTICATION_DENIED";
    const [scheme = "", value = ""] = header.split(/\s+/, 2);
    if (scheme.toLowerCase() !== "basic") return "AUTHENTICATED_FAILED";
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const email = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    const ok = colon > 0 && token === creds.apiToken && (creds.email === undefined || email.toLowerCase() === creds.email.toLowerCase());
    return ok ? undefined : "AUTHENTICATED_FAILED";
  }

  private send(res: ServerResponse, draft: CallDraft, r: ApiResponse, fault: boolean, started: number): void {
    const isText = typeof r.body === "string";
    const text = r.body === undefined || r.status === 204 ? "" : isText ? (r.body as string) : JSON.stringify(r.body);
    const headers: Record<string, string> = {
      "x-arequestid": randomBytes(8).toString("hex"),
      "cache-control": "no-cache, no-store, no-transform",
      "x-content-type-options": "nosniff",
    };
    if (text) headers["content-type"] = isText ? "text/plain;charset=UTF-8" : "application/json;charset=UTF-8";
    Object.assign(headers, r.headers ?? {});
    res.writeHead(r.status, headers);
    res.end(text);
    const response: unknown = text ? (isText ? text : JSON.parse(text)) : undefined;
    this.deps.record({ ...draft, status: r.status, response, responseHeaders: headers, fault, durationMs: Date.now() - started });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

/** Repeated parameters (Jira allows `fields=a&fields=b`) mean the same as one comma-separated value. */
function flattenQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(params.keys())) out[key] = params.getAll(key).join(",");
  return out;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
