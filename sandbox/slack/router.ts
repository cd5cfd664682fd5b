import type { IncomingMessage, ServerResponse } from "node:http";
import { faultOutcome, type FaultList } from "./faults.js";
import { chatMethods } from "./methods-chat.js";
import { directoryMethods } from "./methods-directory.js";
import { fileMethods, handleUpload, serveFile } from "./methods-files.js";
import { viewMethods } from "./methods-views.js";
import type { MethodContext, MethodSpec } from "./methods.js";
import { BadRequest, parseArgs, readRawBody, redactToken, requestToken, type Args } from "./request-body.js";
import { handleResponseUrl } from "./response-url.js";
import type { SocketModeServer } from "./socket.js";
import type { EmulatedCall } from "./types.js";
import type { Workspace } from "./workspace.js";

const METHODS: Record<string, MethodSpec> = { ...chatMethods, ...directoryMethods, ...viewMethods, ...fileMethods };

export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

export interface RouterDeps {
  workspace: Workspace;
  faults: FaultList;
  socket: SocketModeServer;
  tokens: { botToken?: string | undefined; appToken?: string | undefined };
  baseUrl: () => string;
  record: (call: Omit<EmulatedCall, "at">) => void;
}

/**
 * The emulator's HTTP side: Web API methods under /api/, response_urls under /response/, file upload URLs under
 * /upload/ (method "upload_url" for faults and calls), uploaded files under /files-pri/, faults and auth.
 */
export class Router {
  private readonly delays = new Set<() => void>();

  constructor(private readonly deps: RouterDeps) {}

  /** Lets requests held by a delay fault finish, so stop() never waits on them. */
  releaseDelays(): void {
    for (const release of this.delays) release();
    this.delays.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://emulator").pathname;
    const bytes = await readRawBody(req);
    if (req.method === "GET" && path.startsWith("/files-pri/")) {
      const file = serveFile(this.deps.workspace, path);
      this.deps.record({
        method: "GET /files-pri",
        args: { path },
        response: { bytes: file.body.length },
        status: file.status,
        unexpected: false,
        faulted: false,
      });
      return this.reply(res, file);
    }
    const raw = bytes.toString("utf8");
    const route = path.startsWith("/api/")
      ? "api"
      : path.startsWith("/response/")
        ? "response"
        : path.startsWith("/upload/")
          ? "upload"
          : undefined;
    const method =
      route === "api"
        ? decodeURIComponent(path.slice(5))
        : route === "response"
          ? "response_url"
          : route === "upload"
            ? "upload_url"
            : `${req.method} ${path}`;
    let parsed: Args;
    if (route === "upload") {
      parsed = { url: path, bytes: bytes.length };
    } else {
      try {
        parsed = parseArgs(req, raw);
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err;
        return this.answer(
          res,
          method,
          { raw },
          { status: route === "api" ? 200 : 400, body: { ok: false, error: err.error } },
        );
      }
    }
    const token = requestToken(req, parsed);
    const args = redactToken(parsed);

    const fault = route ? this.deps.faults.take(method) : undefined;
    if (fault?.delayMs) await new Promise<void>((resolve) => this.delay(fault.delayMs ?? 0, resolve));
    if (fault?.drop) {
      this.deps.record({ method, args, response: null, status: 0, unexpected: false, faulted: true });
      res.socket?.destroy();
      return;
    }
    const faulted = fault ? faultOutcome(fault) : undefined;
    if (faulted) return this.answer(res, method, args, faulted, { faulted: true });

    if (route === "upload") {
      const secret = path.slice("/upload/".length).replace(/^v1\//, "");
      return this.answer(
        res,
        method,
        args,
        handleUpload(this.deps.workspace, secret, req.headers["content-type"], bytes),
      );
    }
    if (route === "response") {
      return this.answer(
        res,
        method,
        args,
        handleResponseUrl(this.deps.workspace, path.slice("/response/".length), args),
      );
    }
    const spec = route === "api" ? METHODS[method] : undefined;
    if (!spec) {
      const reply =
        route === "api"
          ? { status: 200, body: { ok: false, error: "unknown_method" } }
          : { status: 404, body: { ok: false, error: "not_found" } };
      return this.answer(res, method, args, reply, { unexpected: true });
    }
    const authError = this.checkAuth(spec.token, token);
    if (authError) return this.answer(res, method, args, { status: 200, body: { ok: false, error: authError } });
    const ctx: MethodContext = {
      ws: this.deps.workspace,
      baseUrl: this.deps.baseUrl(),
      socketUrl: () => this.deps.socket.issueUrl(this.deps.baseUrl()),
    };
    this.answer(res, method, args, { status: 200, body: spec.run(args, ctx) });
  }

  private checkAuth(kind: MethodSpec["token"], token: string | undefined): string | undefined {
    if (!token) return "not_authed";
    const isApp = token.startsWith("xapp-");
    if (kind === "app") {
      if (!isApp) return "not_allowed_token_type";
      return this.deps.tokens.appToken !== undefined && token !== this.deps.tokens.appToken
        ? "invalid_auth"
        : undefined;
    }
    if (isApp) return "not_allowed_token_type";
    return this.deps.tokens.botToken !== undefined && token !== this.deps.tokens.botToken ? "invalid_auth" : undefined;
  }

  /** Records before replying, so a caller whose request resolved always finds its call in `calls`. */
  private answer(
    res: ServerResponse,
    method: string,
    args: Args,
    reply: Reply,
    flags: { unexpected?: boolean; faulted?: boolean } = {},
  ): void {
    this.deps.record({
      method,
      args,
      response: reply.body,
      status: reply.status,
      unexpected: flags.unexpected ?? false,
      faulted: flags.faulted ?? false,
    });
    this.reply(res, reply);
  }

  reply(res: ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    // Upload URLs answer plain text and files-pri serves bytes; everything else is JSON.
    if (typeof reply.body === "string" || Buffer.isBuffer(reply.body)) {
      res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8", ...reply.headers });
      res.end(reply.body);
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  /** Delays are released early by stop(), so an injected delay never keeps the process alive. */
  private delay(ms: number, resolve: () => void): void {
    const release = () => {
      clearTimeout(timer);
      this.delays.delete(release);
      resolve();
    };
    const timer = setTimeout(release, ms);
    this.delays.add(release);
  }
}
