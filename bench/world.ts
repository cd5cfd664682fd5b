/**
 * The bench's world: the emulators in this process, and the apps under load (Gantry on a real SQLite file under a
 * temp dir, and a bare Bolt app) each in a child process of its own, so neither shares an event loop with the
 * emulators or the load generator. Apps log at Gantry's production level (info) to a pipe this process drains.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { GantryConfig } from "../src/config/schema.js";
import { readEnv } from "../src/env.js";
import { startGantry, type Gantry } from "../src/gantry.js";
import { createLogger } from "../src/log.js";
import { LIVE_STATES } from "../src/domain/deploy-state.js";
import { GitHubEmulator } from "../sandbox/github/emulator.js";
import { SlackEmulator } from "../sandbox/slack/emulator.js";
import { SlackSigningClient } from "../sandbox/slack/signing-client.js";

export const SIGNING_SECRET = "bench-signing-secret-0123456789abcdef";
export const BOT_TOKEN = "xoxb-bench-bot-token";
export const GITHUB_TOKEN = "ghp_benchtoken0123456789";
export const CHANNEL = "C0BENCH";
export const USER = "U0BENCH";
export const APPROVERS = ["U0APPROVE1", "U0APPROVE2"] as const;

export interface Emulators {
  gh: GitHubEmulator;
  slack: SlackEmulator;
  dir: string;
  /** Repositories added so far. */
  repos: Set<string>;
  stop(): Promise<void>;
}

/** Both emulators on loopback, with the bench's channel, users and an approvers group; a temp dir for databases. */
/**
 * The measurements other than tracking at scale (bench/scale.ts sets a real one) are not about GitHub's budget: a
 * load run sends far more than 5,000 requests an hour, and Gantry would rightly slow down to stay inside them.
 */
export const UNLIMITED_GITHUB = { limit: 1_000_000_000, windowMs: 3_600_000 };

export async function startEmulators(): Promise<Emulators> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-bench-"));
  const gh = new GitHubEmulator({ token: GITHUB_TOKEN });
  const slack = new SlackEmulator({ botToken: BOT_TOKEN });
  await Promise.all([gh.start(), slack.start()]);
  gh.setRateLimit(UNLIMITED_GITHUB);
  slack.addChannel({ id: CHANNEL, name: "bench" });
  slack.addUser({ id: USER, name: "bench" });
  for (const [i, id] of APPROVERS.entries()) slack.addUser({ id, name: `approver${i + 1}` });
  slack.addUsergroup({ id: "S0APPROVERS", handle: "approvers", users: [...APPROVERS] });
  return {
    gh,
    slack,
    dir,
    repos: new Set(),
    async stop() {
      await Promise.all([gh.stop(), slack.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Forgets recorded calls, so memory stays flat across rounds and counts start from zero. */
export function clearCalls(em: Emulators): void {
  em.gh.reset();
  em.slack.calls.length = 0;
}

/** `services` workflow-mode services with `envs` environments each: one target per command, so none is refused as busy. */
export function targetsConfig(
  services: number,
  envs: number,
  polling = { interval: "200ms", maxInterval: "1s" },
): GantryConfig {
  const environments = Object.fromEntries(Array.from({ length: envs }, (_, e) => [envName(e), {}]));
  return GantryConfig.parse({
    timezone: "UTC",
    polling,
    services: Object.fromEntries(
      Array.from({ length: services }, (_, s) => [
        serviceName(s),
        { repo: `bench/${serviceName(s)}`, workflow: "deploy.yml", environments },
      ]),
    ),
  });
}

export const serviceName = (i: number): string => `svc-${String(i).padStart(3, "0")}`;
export const envName = (i: number): string => `e${String(i).padStart(3, "0")}`;

/** A new valid deploy on each call, round-robin over every target of a targetsConfig. */
export function deployTexts(services: number, envs: number): () => string {
  let k = 0;
  return () => {
    const t = k++ % (services * envs);
    return `${serviceName(Math.floor(t / envs))} main to ${envName(t % envs)}`;
  };
}

/** Every repository the config names, with its deploy workflow. */
export function addRepos(em: Emulators, config: GantryConfig): void {
  for (const repo of new Set(Object.values(config.services).map((s) => s.repo))) {
    if (!em.repos.has(repo)) em.gh.addRepo({ fullName: repo, workflows: ["deploy.yml"] });
    em.repos.add(repo);
  }
}

/** The environment Gantry reads (readEnv), pointed at the emulators. */
export function appEnv(em: Emulators, db: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: em.slack.apiUrl,
    GITHUB_TOKEN,
    GITHUB_API_URL: em.gh.url,
    GANTRY_CONFIG: join(em.dir, "unused.yml"),
    GANTRY_DB: db,
    PORT: "0",
    LOG_LEVEL: "info",
    ...extra,
  };
}

export interface App {
  url: string;
  pid: number;
  /** Resident set size now, from /proc (MB). */
  rssMb(): number;
  /** Heap in use after a full collection (MB); only for apps started with --expose-gc. */
  heapAfterGcMb(): Promise<number>;
  stop(): Promise<void>;
}

/** Spawns `node <args>` with `env` (plus PATH), and resolves once it prints `READY <url>`. */
export function spawnApp(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<App> {
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const errors: string[] = [];
  child.stderr!.on("data", (b: Buffer) => errors.push(b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => (child.kill("SIGKILL"), reject(new Error(`app did not start: ${errors.join("").slice(-2000)}`))),
      timeoutMs,
    );
    child.once(
      "exit",
      (code) => (clearTimeout(timer), reject(new Error(`app exited (${code}): ${errors.join("").slice(-2000)}`))),
    );
    const heaps: ((mb: number) => void)[] = [];
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const heap = /^HEAP (\d+)/.exec(line);
      if (heap) return heaps.shift()?.(Number(heap[1]) / 2 ** 20);
      const ready = /^READY (\S+)/.exec(line);
      if (!ready) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        url: ready[1]!,
        pid: child.pid!,
        rssMb: () => rssMb(child.pid!),
        heapAfterGcMb: () => new Promise((done) => (heaps.push(done), child.kill("SIGUSR2"))),
        stop: () => stopChild(child),
      });
    });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const CHILD = join(import.meta.dirname, "app-child.ts");

/** BENCH_NODE_FLAGS: Node flags the measured apps run with (e.g. --max-semi-space-size=1), as production may set. */
export function benchNodeFlags(): string[] {
  return process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
}

/** Gantry (or the bare Bolt app) in its own process on `db`, with `config`. */
export function spawnBenchApp(
  kind: "gantry" | "bare",
  em: Emulators,
  config: GantryConfig,
  db: string,
  env: Record<string, string> = {},
): Promise<App> {
  // BENCH_PROFILE=<dir> writes a CPU profile of each app (node --cpu-prof) there when it stops.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return spawnApp(
    [...profile, ...benchNodeFlags(), "--expose-gc", "--import", "tsx", CHILD, kind],
    appEnv(em, db, {
      BENCH_CONFIG: JSON.stringify(config),
      // GANTRY_ACK_FIRST=off in the bench's environment measures Gantry with deploy work started at once.
      ...(process.env.GANTRY_ACK_FIRST ? { GANTRY_ACK_FIRST: process.env.GANTRY_ACK_FIRST } : {}),
      // GANTRY_WORKER_THREAD=on measures Gantry with deploy work in a worker thread.
      ...(process.env.GANTRY_WORKER_THREAD ? { GANTRY_WORKER_THREAD: process.env.GANTRY_WORKER_THREAD } : {}),
      ...(process.env.BENCH_HOLD_MS ? { BENCH_HOLD_MS: process.env.BENCH_HOLD_MS } : {}),
      ...env,
    }),
  );
}

export function signingClient(em: Emulators, baseUrl: string): SlackSigningClient {
  return new SlackSigningClient({ botUrl: `${baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, slack: em.slack });
}

/** Watches a Gantry's database from outside (WAL lets a second process read): how many deploys are live, and in all. */
export function liveWatcher(db: string): { live(): number; total(): number; close(): void } {
  let conn: Database.Database | undefined;
  const count = (where: string) => {
    conn ??= new Database(db, { readonly: true, fileMustExist: true });
    return (conn.prepare(`SELECT count(*) AS n FROM deployments ${where}`).get() as { n: number }).n;
  };
  return {
    live: () => count(`WHERE state IN (${LIVE_STATES.map((s) => `'${s}'`).join(", ")})`),
    total: () => count(""),
    close: () => conn?.close(),
  };
}

/** Resolves once no deploy is live, or after `timeoutMs`; returns whether it drained. */
export async function drained(watch: { live(): number }, timeoutMs = 120_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (watch.live() === 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Gantry in this process, for measurements that call its functions on its real ports (no load on it). */
export function startInProcessGantry(em: Emulators, config: GantryConfig, db: string): Promise<Gantry> {
  return startGantry({
    env: readEnv(appEnv(em, db)),
    config,
    log: createLogger("warn", new Writable({ write: (_chunk, _enc, done) => done() })),
    github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 10_000 },
    schedule: false,
  });
}
