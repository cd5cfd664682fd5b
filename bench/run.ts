/**
 * `npm run bench [-- --quick] [-- --only=ack,throughput,dora,backfill,memory,cost]`: Gantry's speed, scale and cost
 * on loopback against the emulators, side by side with a bare Bolt app. Prints a table, writes bench/results.json
 * and the figures in BENCHMARKS.md. Never part of `npm test`.
 */
import { join } from "node:path";
import { ackLatency } from "./ack-latency.js";
import { backfillBench } from "./backfill.js";
import { doraScale } from "./dora-scale.js";
import { throughput } from "./throughput.js";
import type { Section } from "./report.js";
import { formatNotes, formatTable } from "./table.js";
import { addRepos, deployTexts, liveWatcher, signingClient, spawnBenchApp, startEmulators, targetsConfig } from "./world.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const wanted = (name: string): boolean => !only || only.includes(name);

async function main(): Promise<void> {
  const started = performance.now();
  const sections: Section[] = [];
  const em = await startEmulators();
  try {
    if (wanted("ack") || wanted("throughput")) {
      const [services, envs] = quick ? [10, 30] : [40, 50];
      const config = targetsConfig(services, envs);
      addRepos(em, config);
      em.gh.setRunScript(() => ({ queuedMs: 10, runMs: 30 }));
      const db = join(em.dir, "ack.db");
      const [gantry, bare] = await Promise.all([spawnBenchApp("gantry", em, config, db), spawnBenchApp("bare", em, config, join(em.dir, "bare.db"))]);
      const watch = liveWatcher(db);
      try {
        const w = { em, gantry: watch, gantryClient: signingClient(em, gantry.url), bareClient: signingClient(em, bare.url), nextDeploy: deployTexts(services, envs) };
        if (wanted("ack")) sections.push(await ackLatency(w, quick ? { commands: 300, concurrencies: [1, 16, 64], chunks: 2, warmup: 100 } : { commands: 2000, concurrencies: [1, 16, 64], chunks: 4, warmup: 300 }));
        if (wanted("throughput")) sections.push(await throughput(w, quick ? { rates: [100, 400, 1600], seconds: 1, maxCommands: 300 } : { rates: [50, 100, 200, 400, 800, 1600, 3200], seconds: 2, maxCommands: 2000 }));
      } finally {
        watch.close();
        await bare.stop();
        await gantry.stop();
      }
    }
    if (wanted("dora")) sections.push(await doraScale(em, quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]));
    if (wanted("backfill")) sections.push(await backfillBench(em, quick ? 1000 : 10_000));
  } finally {
    await em.stop();
  }
  process.stdout.write(`${formatTable(sections)}\n`);
  process.stdout.write(`${formatNotes(sections)}\n`);
  process.stdout.write(`bench took ${Math.round((performance.now() - started) / 1000)} s\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
