/**
 * The HTTP side both emulators share: a node:http server on 127.0.0.1, fault application (latency, drops, injected
 * statuses), auth, routing, and recording every call. Subclasses supply what differs between the emulated services:
 * auth scheme, error bodies, response headers and encoding.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FaultRegistry } from "./faults.js";
import { flattenHeaders, parseJsonBody, readBody, type CallDraft, type RecordedCall } from "./recorder.js";
import type { RouteRequest, RouteResponse, TemplateRoute, TemplateRouter } from "./router.js";

export interface HttpFrontDeps<R extends TemplateRoute> {
  /** The emulator's class name, for errors and logs. */
  name: string;
  router: TemplateRouter<R>;
  faults: FaultRegistry;
  record: (call: RecordedCall) => void;
}

/** A response as it goes on the wire; `json` says whether `text` is JSON to parse back for the recorded call. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: boolean;
}

export interface RenderContext {
  draft: CallDraft;
  url: URL;
  fault: boolean;
}

export abstract class EmulatorHttpFront<R extends TemplateRoute> {
  /** Jira gives up on a request whose client hung up during injected latency; GitHub's front answers it anyway. */
  protected readonly hangUpIsDrop: boolean = false;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private baseUrl: string | undefined;

  constructor(protected readonly deps: HttpFrontDeps<R>) {}

  get url(): string | undefined {
    return this.baseUrl;
  }

  /** How repeated query parameters collapse: the services read them differently (last wins vs comma-joined). */
  protected abstract query(params: URLSearchParams): Record<string, string>;
  /** Injected latency runs on the emulator's own timers, so its stop() can cancel or wake it. */
  protected abstract sleep(ms: number): Promise<void>;
  /** The service's error body for a message; also the default body of an injected status. */
  protected abstract errorBody(status: number, message: string): unknown;
  protected abstract badJsonMessage(): string;
  protected abstract noRouteMessage(method: string, path: string): string;
  /** Undefined when the request may pass, else the service's answer to failed auth. */
  protected abstract authenticate(authorization: string | undefined, path: string): RouteResponse | undefined;
  /** Calls the route's handler; each service names the base-URL field of its requests differently. */
  protected abstract dispatch(route: R, req: RouteRequest, base: string): RouteResponse;
  /** The answer for an error a handler threw on purpose (the service's ApiError), else undefined. */
  protected abstract handlerError(err: unknown): RouteResponse | undefined;
  /** Headers and encoding are where the services differ most (ETags and rate limits vs request ids and text bodies). */
  protected abstract render(r: RouteResponse, ctx: RenderContext): WireResponse;

  /** How the service reads a request body: JSON here; Prometheus reads HTML forms. */
  protected parseBody(raw: string, _contentType: string | undefined): { body: unknown; badJson: boolean } {
    return parseJsonBody(raw);
  }

  /** An answer that preempts faults and routing (Jira's outage switch); none by default. */
  protected outage(): RouteResponse | undefined {
    return undefined;
  }

  async listen(port: number): Promise<string> {
    if (this.server) throw new Error(`${this.deps.name} already started`);
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        console.error(`${this.deps.name} request failed`, err);
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
    // Keep-alive sockets (Octokit's fetch, jira.js's axios) would otherwise hold close() open for seconds.
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", this.baseUrl);
    const headers = flattenHeaders(req);
    const { body, badJson } = this.parseBody(await readBody(req), headers["content-type"]);
    const match = this.deps.router.match(method, url.pathname);
    const draft: CallDraft = {
      method,
      path: url.pathname,
      query: this.query(url.searchParams),
      headers,
      body,
      operationId: match?.route.operationId,
      pathTemplate: match?.route.template,
      unexpected: !match,
    };
    const finish = (r: RouteResponse, fault = false): void => this.send(res, r, { draft, url, fault }, started);
    const error = (status: number, message: string): void => finish({ status, body: this.errorBody(status, message) });

    const down = this.outage();
    if (down) return finish(down, true);
    const fault = this.deps.faults.take(method, url.pathname, match?.route.template);
    if (fault?.delayMs) await this.latency(fault.delayMs, req.socket);
    if (!this.server) return;
    // With hangUpIsDrop, a client that gave up during the latency (its timeout) is recorded at once, unprocessed.
    if (fault?.drop || (this.hangUpIsDrop && req.socket.destroyed)) {
      req.socket.destroy();
      this.deps.record({
        ...draft,
        status: 0,
        response: undefined,
        responseHeaders: {},
        fault: true,
        durationMs: Date.now() - started,
      });
      return;
    }
    if (fault?.status !== undefined) {
      const faultBody = fault.body ?? this.errorBody(fault.status, STATUS_CODES[fault.status] ?? "Error");
      return finish({ status: fault.status, body: faultBody, headers: fault.headers }, true);
    }
    const denied = this.authenticate(draft.headers.authorization, url.pathname);
    if (denied) return finish(denied);
    if (badJson) return error(400, this.badJsonMessage());
    if (!match) return error(404, this.noRouteMessage(method, url.pathname));
    try {
      finish(
        this.dispatch(match.route, { method, params: match.params, query: draft.query, body }, this.baseUrl ?? ""),
      );
    } catch (err) {
      const known = this.handlerError(err);
      if (known) return finish(known);
      console.error(`${this.deps.name} handler error`, err);
      error(500, `Emulator error: ${String(err)}`);
    }
  }

  /** Waits out injected latency; with hangUpIsDrop, only until the client hangs up, whichever comes first. */
  private async latency(ms: number, socket: Socket): Promise<void> {
    if (!this.hangUpIsDrop) return this.sleep(ms);
    let onClose: (() => void) | undefined;
    const hungUp = new Promise<void>((resolve) => socket.once("close", (onClose = resolve)));
    await Promise.race([this.sleep(ms), hungUp]);
    if (onClose) socket.off("close", onClose);
  }

  private send(res: ServerResponse, r: RouteResponse, ctx: RenderContext, started: number): void {
    const wire = this.render(r, ctx);
    res.writeHead(wire.status, wire.headers);
    res.end(wire.text);
    const response: unknown = !wire.text ? undefined : wire.json ? JSON.parse(wire.text) : wire.text;
    const { draft, fault } = ctx;
    const unexpected = draft.unexpected || r.unexpected === true;
    this.deps.record({
      ...draft,
      unexpected,
      status: wire.status,
      response,
      responseHeaders: wire.headers,
      fault,
      durationMs: Date.now() - started,
    });
  }
}
