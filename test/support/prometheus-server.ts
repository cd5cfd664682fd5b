/**
 * A real Prometheus for the live contract suite: Debian's `prometheus` binary (or PROMETHEUS_BIN) with a temporary
 * config and data folder, on a free loopback port, scraping the given targets every second. Missing, it fails
 * the suite with what to install; it never skips.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RealPrometheus {
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** host:port of each target to scrape at /metrics, as job `job`. */
  targets: string[];
  job: string;
  /** Turns on Prometheus's own basic auth (web.config.file); the hash is bcrypt, as Prometheus wants. */
  basicAuth?: { username: string; bcryptHash: string; password: string };
}

export function prometheusBinary(): string {
  const bin = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      `Prometheus is not installed at ${bin}: run \`apt-get install -y prometheus\` (Debian), or set PROMETHEUS_BIN to its path`,
    );
  }
  return bin;
}

/** A loopback port nothing listens on (at the moment of asking). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrometheus(opts: StartOptions): Promise<RealPrometheus> {
  const bin = prometheusBinary();
  const dir = mkdtempSync(join(tmpdir(), "gantry-prometheus-"));
  const targets = opts.targets.map((t) => JSON.stringify(t)).join(", ");
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: ${opts.job}\n    static_configs:\n      - targets: [${targets}]\n`,
  );
  const args = [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    "--log.level=warn",
  ];
  if (opts.basicAuth) {
    writeFileSync(
      join(dir, "web.yml"),
      `basic_auth_users:\n  ${opts.basicAuth.username}: ${JSON.stringify(opts.basicAuth.bcryptHash)}\n`,
    );
    args.push(`--web.config.file=${join(dir, "web.yml")}`);
  }
  const port = await freePort();
  args.push(`--web.listen-address=127.0.0.1:${port}`);
  const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr, opts.basicAuth);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

async function waitReady(
  url: string,
  child: ChildProcess,
  stderr: () => string,
  auth: StartOptions["basicAuth"],
): Promise<void> {
  const headers: Record<string, string> = auth
    ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` }
    : {};
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`Prometheus exited (${code}) before it was ready:\n${stderr()}`))),
  );
  const ready = (async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${url}/-/ready`, { headers }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Prometheus was not ready within 30 s:\n${stderr()}`);
  })();
  await Promise.race([ready, exited]);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(killer);
}

/** Polls `read` until `done` holds for what it returns (Prometheus has no event for "this scrape landed"). */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}
