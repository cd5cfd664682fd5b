/**
 * `npm run bench [-- --quick] [-- --only=load,load-pg,dora,backfill,memory,cost,verify,scale]`: Gantry's speed, scale
 * and cost on loopback against the emulators, side by side with a bare Bolt app. Prints a table, writes
 * bench/results.json and the figures in BENCHMARKS.md. Never part of `npm test`. BENCH_PROFILE=<dir> writes CPU
 * profiles of the apps. `--only=load-thread,load-roles` measures the other places deploy work can run (a worker
 * thread; web and worker processes on PostgreSQL), which the full run leaves out.
 */
import { join } from "node:path";
import { ackLatency } from "./ack-latency.js";
import { apiCost } from "./api-cost.js";
import { backfillBench } from "./backfill.js";
import { doraScale } from "./dora-scale.js";
import { benchPostgres, pgWatcher } from "./postgres.js";
import { LIVE_STATES } from "../src/domain/deploy-state.js";
import { ensureBuilt, memorySection, rssAfterDeploys, startupAndIdle } from "./memory-startup.js";
import type { Row, Section } from "./report.js";
import { writeResults } from "./results.js";
import { formatNotes, formatTable } from "./table.js";
import { scaleBench } from "./scale.js";
import { throughput } from "./throughput.js";
import { verificationBench } from "./verification.js";
import {
  addRepos,
  deployTexts,
  liveWatcher,
  signingClient,
  spawnBenchApp,
  startEmulators,
  targetsConfig,
  type Emulators,
} from "./world.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
/** Where deploy work runs besides the default: measured when named in --only, not in the full run (its 10 minutes). */
const OPT_IN = ["load-thread", "load-roles"];
const wanted = (name: string): boolean => (only ? only.includes(name) : !OPT_IN.includes(name));

const SIZES = quick
  ? {
      services: 10,
      envs: 30,
      ack: { commands: 300, concurrencies: [1, 16, 64], chunks: 2, warmup: 100 },
      // Gantry on PostgreSQL takes its deploys about half as fast: a third of the commands keeps --quick short.
      pgCommands: 100,
      rates: { rates: [100, 400, 1600], seconds: 1, maxCommands: 300 },
      deploys: 1000,
      ledgers: [10_000, 100_000],
      backfill: 300,
      starts: 2,
      polling: { interval: "1s", maxInterval: "5s" },
    }
  : // Sized to fit the 10 minutes on 2 cores: 1,000 commands per app and concurrency put ten samples above each
    // p99; Gantry takes 10,000 deploys in all whatever the rounds (the RSS figure tops up to `deploys`), so the
    // load's time is mostly Gantry's own work on them; a backfill of 2,000 shows the rate and the calls per
    // deployment as well as a longer one.
    {
      services: 40,
      envs: 50,
      ack: { commands: 1000, concurrencies: [1, 16, 64], chunks: 4, warmup: 300 },
      pgCommands: 1000,
      rates: { rates: [100, 200, 400, 800, 1600], seconds: 1, maxCommands: 1500 },
      deploys: 10_000,
      ledgers: [10_000, 100_000, 1_000_000],
      backfill: 2000,
      starts: 3,
      polling: { interval: "1s", maxInterval: "5s" },
    };

/**
 * (1), (2) and the RSS after many deploys, on one Gantry process and one bare Bolt process; on PostgreSQL (`pgUrl`),
 * (1) and (2) only, titled so.
 */
async function underLoad(
  em: Emulators,
  pgUrl?: string,
  variant: Variant = PLAIN,
): Promise<{ sections: Section[]; memory: Row[] }> {
  const config = targetsConfig(SIZES.services, SIZES.envs, SIZES.polling);
  addRepos(em, config);
  em.gh.setRunScript(() => ({ queuedMs: 10, runMs: 30 }));
  const db = join(em.dir, pgUrl ? "unused.db" : `load${variant.suffix}.db`);
  const pgEnv: Record<string, string> = pgUrl ? { GANTRY_DATABASE_URL: pgUrl } : {};
  const [gantry, bare, worker] = await Promise.all([
    spawnBenchApp("gantry", em, config, db, { ...pgEnv, ...variant.env }),
    spawnBenchApp("bare", em, config, join(em.dir, pgUrl ? `bare-pg${variant.suffix}.db` : `bare${variant.suffix}.db`)),
    ...(variant.worker ? [spawnBenchApp("gantry", em, config, db, { ...pgEnv, ...variant.worker })] : []),
  ]);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = { rss: gantry.rssMb(), heap: await gantry.heapAfterGcMb() };
  const watch = pgUrl ? pgWatcher(pgUrl, LIVE_STATES) : liveWatcher(db);
  try {
    const nextDeploy = deployTexts(SIZES.services, SIZES.envs);
    const w = {
      em,
      gantry: watch,
      gantryClient: signingClient(em, gantry.url),
      bareClient: signingClient(em, bare.url),
      nextDeploy,
    };
    const ack = pgUrl ? { ...SIZES.ack, commands: SIZES.pgCommands } : SIZES.ack;
    const sections = [await ackLatency(w, ack), await throughput(w, SIZES.rates)];
    const where = `${pgUrl ? ", on PostgreSQL" : ""}${variant.title}`;
    if (pgUrl || variant !== PLAIN)
      return { sections: sections.map((s) => ({ ...s, title: `${s.title}${where}` })), memory: [] };
    const memory = await rssAfterDeploys(
      { em, pid: gantry.pid, heapAfterGcMb: gantry.heapAfterGcMb, client: w.gantryClient, watch, nextDeploy },
      SIZES.deploys,
      idle,
    );
    return { sections, memory };
  } finally {
    watch.close();
    await Promise.all([bare.stop(), gantry.stop(), worker?.stop()]);
  }
}

/** How Gantry is split for a load measurement: one process doing everything, a work thread, or web and worker. */
interface Variant {
  title: string;
  suffix: string;
  env: Record<string, string>;
  /** A second Gantry process (GANTRY_ROLE=worker) beside the measured one. */
  worker?: Record<string, string>;
}
const PLAIN: Variant = { title: "", suffix: "", env: {} };
const THREAD: Variant = { title: ", work thread", suffix: "-thread", env: { GANTRY_WORKER_THREAD: "on" } };
const ROLES: Variant = {
  title: ", web and worker processes",
  suffix: "-roles",
  env: { GANTRY_ROLE: "web", GANTRY_REPLICA_ID: "bench-web" },
  worker: { GANTRY_ROLE: "worker", GANTRY_REPLICA_ID: "bench-worker" },
};

/** Runs one measurement, saying how long it took (a run must fit in 10 minutes, --quick in one). */
async function clocked(measure: () => Promise<Section>): Promise<Section> {
  const t0 = performance.now();
  const section = await measure();
  const seconds = Math.round((performance.now() - t0) / 1000);
  process.stdout.write(`${section.title} took ${seconds} s\n`);
  return { ...section, details: { ...section.details, seconds } };
}

async function clockedAll(measure: () => Promise<{ sections: Section[] }>): Promise<Section[]> {
  const t0 = performance.now();
  const { sections } = await measure();
  process.stdout.write(
    `${sections[0]?.title ?? "measurement"} took ${Math.round((performance.now() - t0) / 1000)} s\n`,
  );
  return sections;
}

async function main(): Promise<void> {
  // dist/ is built first when it is missing or stale (a fresh clone): not part of the bench's own time.
  const buildMs = wanted("memory") ? ensureBuilt() : 0;
  const started = performance.now();
  const sections: Section[] = [];
  const em = await startEmulators();
  try {
    let memory: Row[] = [];
    if (wanted("load")) {
      const t0 = performance.now();
      const loaded = await underLoad(em);
      process.stdout.write(`load measurements took ${Math.round((performance.now() - t0) / 1000)} s\n`);
      sections.push(...loaded.sections);
      memory = loaded.memory;
    }
    if (wanted("load-pg")) {
      const t0 = performance.now();
      const server = await benchPostgres();
      try {
        sections.push(...(await underLoad(em, await server.database("load"))).sections);
      } finally {
        await server.stop();
      }
      process.stdout.write(`load measurements on PostgreSQL took ${Math.round((performance.now() - t0) / 1000)} s\n`);
    }
    if (wanted("load-thread")) sections.push(...(await clockedAll(() => underLoad(em, undefined, THREAD))));
    if (wanted("load-roles")) {
      const server = await benchPostgres();
      try {
        const url = await server.database("roles");
        sections.push(...(await clockedAll(() => underLoad(em, url, ROLES))));
      } finally {
        await server.stop();
      }
    }
    if (wanted("dora")) sections.push(await clocked(() => doraScale(em, SIZES.ledgers)));
    if (wanted("backfill")) sections.push(await clocked(() => backfillBench(em, SIZES.backfill)));
    if (wanted("memory") || memory.length) {
      const t0 = performance.now();
      const boot = wanted("memory") ? [await startupAndIdle(em, targetsConfig(2, 2), SIZES.starts, 1000, buildMs)] : [];
      sections.push(memorySection([...boot, { rows: memory }]));
      if (boot.length)
        process.stdout.write(`start-up and idle RSS took ${Math.round((performance.now() - t0) / 1000)} s\n`);
    }
    if (wanted("cost")) sections.push(await clocked(() => apiCost(em, quick)));
    if (wanted("verify")) sections.push(await clocked(() => verificationBench(em, quick)));
    if (wanted("scale")) sections.push(await clocked(() => scaleBench(em, quick)));
  } finally {
    await em.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${formatTable(sections)}\n\n${formatNotes(sections)}\n`);
  const written = writeResults(sections, { quick, args, seconds });
  const build = buildMs ? ` (after ${Math.round(buildMs / 1000)} s building dist/)` : "";
  process.stdout.write(`bench took ${Math.round(seconds)} s${build}; wrote ${written.join(" and ")}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
