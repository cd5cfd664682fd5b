/** The operator's endpoints: `/metrics` for Prometheus, `/healthz` for liveness, `/readyz` for readiness. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store } from "../store/types.js";
import type { GantryMetrics } from "./registry.js";

export interface Readiness {
  ok: boolean;
  /** Each probe by name: `running`, `database`, `slack`. */
  checks: Record<string, boolean>;
}

export type OpsPath = "/metrics" | "/healthz" | "/readyz";

export interface OpsRoutesOptions {
  metrics: GantryMetrics;
  ready: () => Promise<Readiness>;
  /** Which of the endpoints this server answers; all three by default (`/metrics` may live on a port of its own). */
  paths?: readonly OpsPath[];
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`; the probes stay open (kubelets send none). */
  metricsToken?: string;
}

const ALL_PATHS: readonly OpsPath[] = ["/metrics", "/healthz", "/readyz"];

/**
 * Answers `GET` (and `HEAD`) on `/metrics`, `/healthz` and `/readyz`, and returns true when it took the request;
 * anything else is left to the next listener (Bolt's receiver).
 * - `/metrics`: the Prometheus text exposition of `metrics.registry`.
 * - `/healthz`: 200 while the process runs.
 * - `/readyz`: 200 with the checks when `ready()` says ok, else 503 with the checks.
 */
export function opsRoutes(opts: OpsRoutesOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const paths = new Set<string>(opts.paths ?? ALL_PATHS);
  const authorized = opts.metricsToken === undefined ? () => true : bearer(opts.metricsToken);
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (!paths.has(path)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" })
        .end(JSON.stringify({ error: "method not allowed" }));
      return true;
    }
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const json = (status: number, body: unknown) => send(status, "application/json", JSON.stringify(body));
    switch (path) {
      case "/healthz":
        json(200, { ok: true });
        break;
      case "/metrics":
        if (!authorized(req.headers.authorization)) {
          res
            .writeHead(401, { "www-authenticate": 'Bearer realm="gantry metrics"', "content-type": "application/json" })
            .end(JSON.stringify({ error: "metrics need a bearer token" }));
          break;
        }
        opts.metrics.text().then(
          (text) => send(200, opts.metrics.contentType, text),
          (err: unknown) =>
            send(
              500,
              "text/plain; charset=utf-8",
              `# metrics could not be collected: ${err instanceof Error ? err.message : String(err)}\n`,
            ),
        );
        break;
      case "/readyz":
        opts.ready().then(
          (r) => json(r.ok ? 200 : 503, { ok: r.ok, checks: r.checks }),
          () => json(503, { ok: false, checks: {} }),
        );
        break;
    }
    return true;
  };
}

/** Compares an Authorization header with `Bearer <token>` in constant time (both hashed, so lengths leak nothing). */
function bearer(token: string): (header: string | undefined) => boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  const expected = digest(`Bearer ${token}`);
  return (header) => header !== undefined && timingSafeEqual(digest(header), expected);
}

export interface ReadinessDeps {
  /**
   * Writes one trivial row. A database that still reads but cannot write (read-only, full) must fail readiness:
   * a probe that only read would send traffic to a Gantry that cannot record a deploy.
   */
  databaseWrite: () => Promise<unknown>;
  /** Slack's `auth.test`: true when the token works. A throw counts as false. */
  slackAuthTest: () => Promise<boolean>;
  /** True once shutdown has begun (or before start-up is done): Gantry is then not ready, whatever else holds. */
  shuttingDown: () => boolean;
  /** How long a successful auth.test is trusted. Default 60 s. */
  slackTtlMs?: number;
  /** A probe that takes longer than this fails. Default 2 s. */
  probeTimeoutMs?: number;
  now?: () => number;
}

/**
 * Ready when Gantry is not shutting down, the database takes a write and Slack accepted the token (a success is
 * cached for `slackTtlMs`; a failure is not, so recovery shows at the next probe). Concurrent probes share
 * one auth.test.
 */
export function readiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const ttl = deps.slackTtlMs ?? 60_000;
  const timeoutMs = deps.probeTimeoutMs ?? 2_000;
  const now = deps.now ?? Date.now;
  let slackOkAt: number | undefined;
  let slackInFlight: Promise<boolean> | undefined;

  const database = () => probe(async () => (await deps.databaseWrite(), true), timeoutMs);
  const slack = (): Promise<boolean> => {
    if (slackOkAt !== undefined && now() - slackOkAt < ttl) return Promise.resolve(true);
    slackInFlight ??= probe(deps.slackAuthTest, timeoutMs)
      .then((ok) => {
        if (ok) slackOkAt = now();
        return ok;
      })
      .finally(() => (slackInFlight = undefined));
    return slackInFlight;
  };

  return async () => {
    if (deps.shuttingDown()) return { ok: false, checks: { running: false } };
    const [db, sl] = await Promise.all([database(), slack()]);
    // Shutdown may have begun while the probes ran.
    const checks = { running: !deps.shuttingDown(), database: db, slack: sl };
    return { ok: checks.running && db && sl, checks };
  };
}

/** Readiness's write: a lease of this replica's own that nobody waits on, taken and given back (no row stays). */
export function leaseWrite(
  store: Pick<Store, "acquireLease" | "releaseLease">,
  holder: string,
  now: () => Date,
): () => Promise<void> {
  const name = `readyz:${holder}`;
  return async () => {
    await store.acquireLease(name, holder, now().toISOString(), 60_000);
    await store.releaseLease(name, holder);
  };
}

/** Runs a probe: false when it throws, answers false, or takes longer than `timeoutMs`. */
async function probe(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          (ok) => ok === true,
          () => false,
        ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
