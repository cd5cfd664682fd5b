/** The emulator's HTTP side: node:http server, auth, faults, ETags and headers, and recording every call. */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FaultRegistry } from "./faults.js";
import { ApiError, DOCS, type ApiResponse } from "./http.js";
import type { Router } from "./router.js";
import type { Scheduler } from "./scheduler.js";
import type { RecordedCall } from "./types.js";
import { baseHeaders, etagMatches, etagOf, linkHeader, RateLimit } from "./wire.js";

export interface HttpFrontDeps {
  router: Router;
  faults: FaultRegistry;
  scheduler: Scheduler;
  token: string | undefined;
  record: (call: RecordedCall) => void;
}

type CallDraft = Omit<RecordedCall, "status" | "response" | "responseHeaders" | "fault" | "durationMs">;

export class HttpFront {
  readonly rateLimit = new RateLimit();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private baseUrl: string | undefined;

  constructor(private readonly deps: HttpFrontDeps) {}

  get url(): string | undefined {
    return this.baseUrl;
  }

  async listen(port: number): Promise<string> {
    if (this.server) throw new Error("GitHubEmulator already started");
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        console.error("GitHubEmulator request failed", err);
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
    // Keep-alive sockets from fetch would otherwise hold close() open for seconds.
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
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req),
      body,
      operationId: match?.route.operationId,
      pathTemplate: match?.route.template,
      unexpected: !match,
    };
    const finish = (r: ApiResponse, fault = false): void => this.send(res, url, draft, r, fault, started);
    const error = (status: number, message: string): void => finish({ status, body: { message, documentation_url: DOCS, status: String(status) } });

    const fault = this.deps.faults.take(method, url.pathname, match?.route.template);
    if (fault?.delayMs) await new Promise<void>((resolve) => this.deps.scheduler.after(fault.delayMs ?? 0, resolve));
    if (!this.server) return;
    if (fault?.drop) {
      req.socket.destroy();
      this.deps.record({ ...draft, status: 0, response: undefined, responseHeaders: {}, fault: true, durationMs: Date.now() - started });
      return;
    }
    if (fault?.status !== undefined) {
      const faultBody = fault.body ?? { message: STATUS_CODES[fault.status] ?? "Error", documentation_url: DOCS, status: String(fault.status) };
      return finish({ status: fault.status, body: faultBody, headers: fault.headers }, true);
    }
    const authError = this.checkAuth(draft.headers.authorization);
    if (authError) return error(401, authError);
    if (badJson) return error(400, "Problems parsing JSON");
    if (!match) return error(404, "Not Found");
    try {
      finish(match.route.handle({ method, params: match.params, query: draft.query, body, api: this.baseUrl ?? "" }));
    } catch (err) {
      if (err instanceof ApiError) return finish({ status: err.status, body: err.body });
      console.error("GitHubEmulator handler error", err);
      error(500, `Emulator error: ${String(err)}`);
    }
  }

  private checkAuth(header: string | undefined): string | undefined {
    if (this.deps.token === undefined) return undefined;
    if (!header) return "Requires authentication";
    const [scheme = "", value] = header.split(/\s+/, 2);
    return /^(token|bearer)$/i.test(scheme) && value === this.deps.token ? undefined : "Bad credentials";
  }

  private send(res: ServerResponse, url: URL, draft: CallDraft, r: ApiResponse, fault: boolean, started: number): void {
    let status = r.status;
    let text = r.body === undefined || status === 204 ? "" : JSON.stringify(r.body);
    const headers: Record<string, string> = baseHeaders();
    if (text) headers["content-type"] = "application/json; charset=utf-8";
    if (draft.method === "GET" && status === 200 && !fault) {
      headers.etag = etagOf(text);
      headers["cache-control"] = "private, max-age=60, s-maxage=60";
      headers.vary = "Accept, Authorization, Cookie, X-GitHub-OTP";
      if (etagMatches(draft.headers["if-none-match"], headers.etag)) {
        status = 304;
        text = "";
        delete headers["content-type"];
      }
    }
    if (r.total !== undefined && status === 200) {
      const link = linkHeader(url, r.total);
      if (link) headers.link = link;
    }
    Object.assign(headers, this.rateLimit.headers(status !== 304), r.headers ?? {});
    res.writeHead(status, headers);
    res.end(text);
    const response: unknown = text ? JSON.parse(text) : undefined;
    this.deps.record({ ...draft, status, response, responseHeaders: headers, fault, durationMs: Date.now() - started });
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

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
