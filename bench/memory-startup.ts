/**
 * (4) Memory and start-up. Start-up and idle RSS are taken on the production path, `npm start`'s `node --max-semi-space-size=2 dist/src/main.js` (built
 * first when dist/ is missing or older than src/), with a config file and an environment pointing at the emulators:
 * from spawn() to the first 200 from /readyz. RSS after 10k deploys is taken on the Gantry that served the load
 * measurements (bench/app-child.ts under tsx, which main.ts cannot be: it spaces GitHub writes 1 s apart).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { GantryConfig } from "../src/config/schema.js";
import { closedLoop, type TextFor } from "./load.js";
import { row, type Row, type Section } from "./report.js";
import { median, round } from "./stats.js";
import type { SlackSigningClient } from "../sandbox/slack/signing-client.js";
import { appEnv, benchNodeFlags, clearCalls, drained, rssMb, stopChild, type Emulators } from "./world.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "src", "main.js");
/** The Node flags `npm start` runs main with (the Dockerfile's CMD uses the same; test/unit/deploy-files.test.ts). */
const START_FLAGS: string[] = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }
).scripts.start
  .split(" ")
  .filter((word) => word.startsWith("--"));
const IDLE_TARGET_MB = 120;
const STARTUP_TARGET_MS = 1500;

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts"))
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** `npm run build` unless dist/src/main.js is newer than every source file; returns how long the build took. */
export function ensureBuilt(): number {
  const sources = newestMtime(join(ROOT, "src"));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs > sources) return 0;
  const t0 = performance.now();
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")],
      { stdio: "ignore" },
    );
  } catch (err) {
    // tsc still emits on a type error elsewhere; only a missing main.js stops the measurement.
    if (!existsSync(MAIN)) throw err;
  }
  return performance.now() - t0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function readyAfter(url: string, started: number, timeoutMs = 20_000): Promise<number> {
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Boot {
  startupMs: number;
  idleRssMb: number;
  idleHwmMb: number;
}

/** Starts `node dist/src/main.js`, waits for /readyz, lets it settle, reads its RSS, stops it. */
async function bootMain(em: Emulators, config: string, db: string, settleMs: number): Promise<Boot> {
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? "", ...appEnv(em, db, { PORT: String(port), GANTRY_CONFIG: config }) };
  const started = performance.now();
  const child = spawn(process.execPath, [...START_FLAGS, ...benchNodeFlags(), MAIN], { env, stdio: "ignore" });
  try {
    const startupMs = await readyAfter(`http://127.0.0.1:${port}/readyz`, started);
    await new Promise((r) => setTimeout(r, settleMs));
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    return { startupMs, idleRssMb: rssMb(child.pid!), idleHwmMb: hwm };
  } finally {
    await stopChild(child);
  }
}

export async function startupAndIdle(
  em: Emulators,
  config: GantryConfig,
  starts: number,
  settleMs: number,
  buildMs: number,
): Promise<{ rows: Row[]; details: Record<string, unknown>; notes: string[] }> {
  const configPath = join(em.dir, "main.yml");
  writeFileSync(configPath, JSON.stringify(config));
  const boots: Boot[] = [];
  for (let i = 0; i < starts; i++) boots.push(await bootMain(em, configPath, join(em.dir, "main.db"), settleMs));
  const startup = median(boots.map((b) => b.startupMs));
  const idle = median(boots.map((b) => b.idleRssMb));
  return {
    rows: [
      row(`start-up to /readyz OK, npm start (median of ${starts})`, round(startup), "ms", {
        text: `< ${STARTUP_TARGET_MS} ms`,
        ok: startup < STARTUP_TARGET_MS,
      }),
      row("idle RSS, npm start", round(idle), "MB", {
        text: `< ${IDLE_TARGET_MB} MB`,
        ok: idle < IDLE_TARGET_MB,
      }),
    ],
    details: { boots, buildMs },
    notes: [
      `Start-ups: ${boots.map((b) => round(b.startupMs)).join(", ")} ms (the first creates the database); idle RSS read ${settleMs} ms after /readyz.${buildMs ? ` Built dist/ first (${round(buildMs / 1000)} s, not counted).` : ""}`,
    ],
  };
}

export interface LoadedGantry {
  em: Emulators;
  pid: number;
  heapAfterGcMb(): Promise<number>;
  client: SlackSigningClient;
  watch: { live(): number; total(): number };
  nextDeploy: TextFor;
}

/** Tops the loaded Gantry up to `deploys` accepted deploys in all, waits for them to end, and reads its RSS. */
export async function rssAfterDeploys(
  g: LoadedGantry,
  deploys: number,
  idle: { rss: number; heap: number },
): Promise<Row[]> {
  while (g.watch.total() < deploys) {
    const batch = Math.min(1000, deploys - g.watch.total());
    await closedLoop(g.client, batch, 16, g.nextDeploy);
    await drained(g.watch);
    clearCalls(g.em);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const status = readFileSync(`/proc/${g.pid}/status`, "utf8");
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  const rss = rssMb(g.pid);
  const heap = await g.heapAfterGcMb();
  return [
    row(
      "idle RSS; heap after a full GC, Gantry under tsx (bench/app-child.ts)",
      `${round(idle.rss)}; ${round(idle.heap)}`,
      "MB",
    ),
    row(
      `RSS (peak); heap after a full GC, after ${g.watch.total()} deploys`,
      `${round(rss)} (${round(hwm)}); ${round(heap)}`,
      "MB",
    ),
  ];
}

export function memorySection(parts: { rows: Row[]; notes?: string[]; details?: Record<string, unknown> }[]): Section {
  return {
    title: "4. Memory and start-up",
    rows: parts.flatMap((p) => p.rows),
    notes: parts.flatMap((p) => p.notes ?? []),
    details: Object.assign({}, ...parts.map((p) => p.details ?? {})),
  };
}
