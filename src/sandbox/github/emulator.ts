/** A GitHub REST API emulator over real HTTP, for Gantry's Octokit client in tests and the demo. */
import { EventEmitter } from "node:events";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { DeploymentEngine, type StatusOptions } from "./deployments.js";
import { FaultRegistry } from "./faults.js";
import { ApiError, DOCS, type ApiResponse } from "./http.js";
import { repoRoutes } from "./repo-routes.js";
import { RepoStore, type AddCommitOptions, type AddRepoOptions } from "./repos.js";
import { Router } from "./router.js";
import { RunEngine } from "./runs.js";
import { Scheduler } from "./scheduler.js";
import type {
  CheckState, DeploymentRecord, DeploymentScriptFn, DeploymentState, DeploymentStatusRecord, RecordedCall, RunRecord, RunScriptFn,
} from "./types.js";
import { baseHeaders, etagMatches, etagOf, linkHeader, RateLimit } from "./wire.js";

export interface GitHubEmulatorOptions {
  /** When set, requests must carry `Authorization: token <token>` or `Bearer <token>`. */
  token?: string;
}

export interface GitHubEmulatorEvents {
  call: [RecordedCall];
  run: [RunRecord];
  deployment_status: [{ deployment: DeploymentRecord; status: DeploymentStatusRecord }];
}

type CallDraft = Omit<RecordedCall, "status" | "response" | "responseHeaders" | "fault" | "durationMs">;

export class GitHubEmulator extends EventEmitter<GitHubEmulatorEvents> {
  readonly faults = new FaultRegistry();
  calls: RecordedCall[] = [];
  private readonly store = new RepoStore();
  private readonly scheduler = new Scheduler();
  private readonly rateLimit = new RateLimit();
  private readonly runEngine = new RunEngine(this.store, this.scheduler, (run) => this.emit("run", run));
  private readonly deploymentEngine = new DeploymentEngine(this.store, this.scheduler, (deployment, status) =>
    this.emit("deployment_status", { deployment, status }),
  );
  private readonly router = new Router([...repoRoutes(this.store), ...this.runEngine.routes(), ...this.deploymentEngine.routes()]);
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private baseUrl: string | undefined;

  constructor(private readonly options: GitHubEmulatorOptions = {}) {
    super();
  }

  get url(): string {
    if (!this.baseUrl) throw new Error("GitHubEmulator not started; await start() first");
    return this.baseUrl;
  }

  get runs(): readonly RunRecord[] {
    return this.runEngine.runs;
  }

  get deployments(): readonly DeploymentRecord[] {
    return this.deploymentEngine.deployments;
  }

  get returnRunDetails(): boolean {
    return this.runEngine.returnRunDetails;
  }

  set returnRunDetails(value: boolean) {
    this.runEngine.returnRunDetails = value;
  }

  async start(port = 0): Promise<string> {
    if (this.server) throw new Error("GitHubEmulator already started");
    const server = createServer((req, res) => void this.handle(req, res));
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

  async stop(): Promise<void> {
    this.scheduler.clearAll();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  addRepo(opts: AddRepoOptions): void {
    this.store.add(opts);
  }

  addCommit(repo: string, opts: AddCommitOptions): string {
    return this.store.addCommit(repo, opts);
  }

  setBranch(repo: string, name: string, sha: string): void {
    this.store.setBranch(repo, name, sha);
  }

  setTag(repo: string, name: string, sha: string): void {
    this.store.setTag(repo, name, sha);
  }

  /** The combined state of the commit's status checks; deployments without required_contexts need "success". */
  setCommitChecks(repo: string, sha: string, state: CheckState): void {
    this.store.setChecks(repo, sha, state);
  }

  /** Resolves a branch, tag or (short) sha to the full sha, for test setup. */
  resolveRef(repo: string, ref: string): string | undefined {
    return this.store.resolve(this.store.get(repo), ref);
  }

  setRunScript(fn: RunScriptFn): void {
    this.runEngine.setScript(fn);
  }

  completeRun(runId: number, conclusion: string): void {
    this.runEngine.complete(runId, conclusion);
  }

  setDeploymentScript(fn: DeploymentScriptFn): void {
    this.deploymentEngine.setScript(fn);
  }

  addDeploymentStatus(repo: string, deploymentId: number, state: DeploymentState, opts?: StatusOptions): DeploymentStatusRecord {
    return this.deploymentEngine.addStatus(repo, deploymentId, state, opts);
  }

  unexpectedCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.unexpected);
  }

  /** Clears recorded calls and faults; repos, runs and deployments stay. */
  reset(): void {
    this.calls = [];
    this.faults.clear();
    this.rateLimit.reset();
  }

  waitForCall(predicate: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return this.waitFor("call", () => this.calls.find(predicate), predicate, timeoutMs, () =>
      `waitForCall: no matching call within ${timeoutMs}ms; recorded: ${this.calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(", ") || "none"}`,
    );
  }

  /** Resolves with the run (a snapshot) once it satisfies predicate, checking current state first. */
  waitForRun(predicate: (r: RunRecord) => boolean, timeoutMs = 5000): Promise<RunRecord> {
    return this.waitFor("run", () => this.runs.find(predicate), predicate, timeoutMs, () =>
      `waitForRun: no matching run within ${timeoutMs}ms; runs: ${this.runs.map((r) => `${r.id} ${r.status}/${r.conclusion}`).join(", ") || "none"}`,
    );
  }

  private waitFor<E extends "call" | "run", T extends GitHubEmulatorEvents[E][0]>(
    event: E, current: () => T | undefined, predicate: (v: T) => boolean, timeoutMs: number, describe: () => string,
  ): Promise<T> {
    const existing = current();
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const listener = (value: T): void => {
        if (!predicate(value)) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describe()));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off(event, listener as never);
      };
      this.on(event, listener as never);
    });
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
    const match = this.router.match(method, url.pathname);
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

    const fault = this.faults.take(method, url.pathname, match?.route.template);
    if (fault?.delayMs) await new Promise<void>((resolve) => this.scheduler.after(fault.delayMs ?? 0, resolve));
    if (!this.server) return;
    if (fault?.drop) {
      req.socket.destroy();
      this.record({ ...draft, status: 0, response: undefined, responseHeaders: {}, fault: true, durationMs: Date.now() - started });
      return;
    }
    if (fault?.status !== undefined) {
      const errorBody = fault.body ?? { message: STATUS_CODES[fault.status] ?? "Error", documentation_url: DOCS, status: String(fault.status) };
      return finish({ status: fault.status, body: errorBody, headers: fault.headers }, true);
    }
    const authError = this.checkAuth(draft.headers.authorization);
    if (authError) return finish({ status: 401, body: { message: authError, documentation_url: DOCS, status: "401" } });
    if (badJson) return finish({ status: 400, body: { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" } });
    if (!match) return finish({ status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } });
    try {
      finish(match.route.handle({ method, params: match.params, query: draft.query, body, api: this.url }));
    } catch (err) {
      if (err instanceof ApiError) return finish({ status: err.status, body: err.body });
      console.error("GitHubEmulator handler error", err);
      finish({ status: 500, body: { message: `Emulator error: ${String(err)}`, documentation_url: DOCS, status: "500" } });
    }
  }

  private checkAuth(header: string | undefined): string | undefined {
    if (this.options.token === undefined) return undefined;
    if (!header) return "Requires authentication";
    const [scheme = "", value] = header.split(/\s+/, 2);
    const ok = /^(token|bearer)$/i.test(scheme) && value === this.options.token;
    return ok ? undefined : "Bad credentials";
  }

  private send(res: ServerResponse, url: URL, draft: CallDraft, r: ApiResponse, fault: boolean, started: number): void {
    let status = r.status;
    let text = r.body === undefined || status === 204 ? "" : JSON.stringify(r.body);
    const headers: Record<string, string> = { ...baseHeaders() };
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
      const link = linkHeader(new URL(url.pathname + url.search, this.url), r.total);
      if (link) headers.link = link;
    }
    Object.assign(headers, this.rateLimit.headers(status !== 304), r.headers ?? {});
    res.writeHead(status, headers);
    res.end(text);
    const response: unknown = text ? JSON.parse(text) : undefined;
    this.record({ ...draft, status, response, responseHeaders: headers, fault, durationMs: Date.now() - started });
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.emit("call", call);
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
