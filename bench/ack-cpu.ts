/**
 * CPU per acknowledgement, on its own: `npx tsx bench/ack-cpu.ts [commands] [rounds]`. Gantry (with its deploy work
 * held until each round ends: BENCH_HOLD_MS) and the bare Bolt app, each in its own process as in `npm run bench`,
 * take `commands` signed /deploy commands one at a time per round; the CPU time each process used meanwhile (from
 * /proc, user + system) is divided by the commands. CPU time hardly moves with the machine's load, unlike latency,
 * and it is the floor under Gantry's acknowledgement however its deploy work is placed (BENCHMARKS.md, issue 18).
 * Not part of `npm run bench`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { closedLoop } from "./load.js";
import { percentile, round } from "./stats.js";
import {
  addRepos,
  clearCalls,
  deployTexts,
  drained,
  liveWatcher,
  signingClient,
  spawnBenchApp,
  startEmulators,
  targetsConfig,
} from "./world.js";

const commands = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 3);

/** User + system CPU of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

process.env.BENCH_HOLD_MS = "600000";
const em = await startEmulators();
const config = targetsConfig(10, 30, { interval: "1s", maxInterval: "5s" });
addRepos(em, config);
em.gh.setRunScript(() => ({ queuedMs: 10, runMs: 30 }));
const db = join(em.dir, "ack-cpu.db");
const [gantry, bare] = await Promise.all([
  spawnBenchApp("gantry", em, config, db),
  spawnBenchApp("bare", em, config, join(em.dir, "bare.db")),
]);
const watch = liveWatcher(db);
const next = deployTexts(10, 30);
const apps = {
  gantry: { app: gantry, client: signingClient(em, gantry.url) },
  bare: { app: bare, client: signingClient(em, bare.url) },
};
const figures: Record<string, { cpu: number[]; p50: number[] }> = {
  gantry: { cpu: [], p50: [] },
  bare: { cpu: [], p50: [] },
};
try {
  for (const { client } of Object.values(apps)) await closedLoop(client, 100, 1, next);
  await drained(watch);
  for (let r = 0; r < rounds; r++) {
    for (const [name, { app, client }] of Object.entries(apps)) {
      const before = cpuMs(app.pid);
      const samples = await closedLoop(client, commands, 1, next);
      figures[name]!.cpu.push((cpuMs(app.pid) - before) / commands);
      figures[name]!.p50.push(
        percentile(
          samples.map((s) => s.ms),
          50,
        ),
      );
      await drained(watch);
      clearCalls(em);
    }
  }
  for (const [name, f] of Object.entries(figures))
    process.stdout.write(
      `${name}: CPU per acknowledgement ${f.cpu.map((x) => round(x)).join(", ")} ms; p50 ${f.p50.map((x) => round(x)).join(", ")} ms\n`,
    );
} finally {
  watch.close();
  await Promise.all([gantry.stop(), bare.stop()]);
  await em.stop();
}
process.exit(0);
