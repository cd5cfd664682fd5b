/**
 * Gantry in a process of its own, for the restart and replica tests to SIGKILL: `node --import tsx test/support/gantry-child.ts`.
 * Reads the emulators' URLs, the store (GANTRY_DATABASE_URL, else the SQLite file GANTRY_DB) and the config (JSON)
 * from the environment, tuned like the harness. Optional: GANTRY_REPLICA_ID; GITHUB_WEBHOOK_SECRET; GANTRY_METRICS_TOKEN and
 * GANTRY_METRICS_PORT; PROMETHEUS_URL; GANTRY_CHILD_SCHEDULE=1 to run the
 * scheduler (leader lease, jobs, digest catch-up); GANTRY_CHILD_SCHEDULER_TTL_MS, GANTRY_CHILD_SCHEDULER_RENEW_MS,
 * GANTRY_CHILD_POLL_TTL_MS and GANTRY_CHILD_SCAN_MS to shorten how replicas share work; GANTRY_CHILD_HEADERS_TIMEOUT_MS
 * and GANTRY_CHILD_REQUEST_TIMEOUT_MS to shorten the HTTP server's limits on slow clients; GANTRY_CHILD_SHUTDOWN_MS for
 * the shutdown deadline. Signals and the last resort are handled as main.ts handles them (ProcessGuard).
 * Prints one line each on stdout: `READY <url>` once listening, `CHANGED <id> <state>` for every deploy change,
 * `LEADER` on becoming the scheduler's leader, `POLLING <id>` on taking a deploy's poll lease, `YIELDED <id>` when
 * refused one (another replica polls it), `CAUGHT <kind>` for each error the last resort caught. Logs go to stderr.
 */
import { GantryConfig } from "../../src/config/schema.js";
import type { Env } from "../../src/env.js";
import { startGantry } from "../../src/gantry.js";
import { describeError } from "../../src/errors.js";
import { createLogger } from "../../src/log.js";
import { ProcessGuard } from "../../src/process-guard.js";
import type { HttpLimits } from "../../src/http-server.js";
import type { ReplicaTuning } from "../../src/replica.js";

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`gantry-child: ${name} is not set`);
  return value;
};

const TUNING: Record<keyof ReplicaTuning, string> = {
  schedulerTtlMs: "GANTRY_CHILD_SCHEDULER_TTL_MS",
  schedulerRenewMs: "GANTRY_CHILD_SCHEDULER_RENEW_MS",
  pollTtlMs: "GANTRY_CHILD_POLL_TTL_MS",
  scanMs: "GANTRY_CHILD_SCAN_MS",
};
const replicas: Partial<ReplicaTuning> = {};
for (const [key, name] of Object.entries(TUNING) as [keyof ReplicaTuning, string][]) {
  if (process.env[name]) replicas[key] = Number(process.env[name]);
}

const http: Partial<HttpLimits> = {
  ...(process.env.GANTRY_CHILD_HEADERS_TIMEOUT_MS
    ? { headersTimeoutMs: Number(process.env.GANTRY_CHILD_HEADERS_TIMEOUT_MS) }
    : {}),
  ...(process.env.GANTRY_CHILD_REQUEST_TIMEOUT_MS
    ? { requestTimeoutMs: Number(process.env.GANTRY_CHILD_REQUEST_TIMEOUT_MS) }
    : {}),
};

const env = {
  SLACK_BOT_TOKEN: need("SLACK_BOT_TOKEN"),
  SLACK_SIGNING_SECRET: need("SLACK_SIGNING_SECRET"),
  SLACK_API_URL: need("SLACK_API_URL"),
  GITHUB_TOKEN: need("GITHUB_TOKEN"),
  GITHUB_API_URL: need("GITHUB_API_URL"),
  GANTRY_CONFIG: "unused.yml",
  GANTRY_DB: process.env.GANTRY_DB ?? "unused.db",
  ...(process.env.GANTRY_DATABASE_URL ? { GANTRY_DATABASE_URL: process.env.GANTRY_DATABASE_URL } : {}),
  ...(process.env.GITHUB_WEBHOOK_SECRET ? { GITHUB_WEBHOOK_SECRET: process.env.GITHUB_WEBHOOK_SECRET } : {}),
  ...(process.env.GANTRY_METRICS_TOKEN ? { GANTRY_METRICS_TOKEN: process.env.GANTRY_METRICS_TOKEN } : {}),
  ...(process.env.GANTRY_METRICS_PORT ? { GANTRY_METRICS_PORT: Number(process.env.GANTRY_METRICS_PORT) } : {}),
  ...(process.env.PROMETHEUS_URL ? { PROMETHEUS_URL: process.env.PROMETHEUS_URL } : {}),
  GANTRY_ROLE: (process.env.GANTRY_ROLE ?? "all") as Env["GANTRY_ROLE"],
  PORT: 0,
  LOG_LEVEL: "debug",
} as Env;
if (!process.env.GANTRY_DB && !process.env.GANTRY_DATABASE_URL)
  throw new Error("gantry-child: set GANTRY_DATABASE_URL or GANTRY_DB");

const log = createLogger("debug", process.stderr);
// The unwritable-store test limits this process's file size: a write past it must fail (EFBIG) as on a full disk,
// not end the process, which is what SIGXFSZ does by default.
process.on("SIGXFSZ", () => undefined);
const shutdownMs = process.env.GANTRY_CHILD_SHUTDOWN_MS ? Number(process.env.GANTRY_CHILD_SHUTDOWN_MS) : undefined;
// As main.ts does, except that whatever the last resort catches is printed for the tests to see.
const guard = new ProcessGuard(log, {
  ...(shutdownMs ? { deadlineMs: shutdownMs } : {}),
  onCaught: (kind) => process.stdout.write(`CAUGHT ${kind}\n`),
});
const gantry = await startGantry({
  env,
  config: GantryConfig.parse(JSON.parse(need("GANTRY_CHILD_CONFIG"))),
  log,
  github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 2_000 },
  prometheus: { timeoutMs: 1_000, retries: 1, retryBaseMs: 5, retryMaxWaitMs: 20 },
  // The GitHub emulator plays github.com: its runs' and commits' pages are there.
  githubWeb: "https://github.com",
  schedule: process.env.GANTRY_CHILD_SCHEDULE === "1",
  ...(process.env.GANTRY_REPLICA_ID ? { replicaId: process.env.GANTRY_REPLICA_ID } : {}),
  replicas,
  http,
  ...(shutdownMs ? { shutdownMs } : {}),
}).catch((err: unknown) => {
  // A refusal to start names its fix: print it as main.ts does, and exit.
  console.error(describeError(err));
  process.exit(1);
});
gantry.events.on("changed", (d) => process.stdout.write(`CHANGED ${d.id} ${d.state}\n`));
gantry.leader.on("gained", () => process.stdout.write("LEADER\n"));
gantry.tracker.events.on("polling", (id) => process.stdout.write(`POLLING ${id}\n`));
gantry.tracker.events.on("yielded", (id) => process.stdout.write(`YIELDED ${id}\n`));
// The first leader gains the lead while starting, before these listeners exist.
if (gantry.leader.isLeader()) process.stdout.write("LEADER\n");
process.stdout.write(`READY ${gantry.url}\n`);
guard.serve(gantry);
