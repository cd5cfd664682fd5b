/**
 * (3) DORA at scale: one team's weekly digest computation and one `/dora 12w`, on synthetic ledgers of growing size,
 * through the code Gantry runs (loadDoraInput, digestData and digestMessage as postWeeklyDigest calls them; handleDora
 * on a started Gantry's ports), with the query plans of what they read.
 */
import { join } from "node:path";
import { handleDora } from "../src/slack/commands/dora.js";
import { chartInput } from "../src/digest/chart-input.js";
import { renderTrendChart } from "../src/digest/chart.js";
import { digestData, digestMessage } from "../src/digest/digest-message.js";
import { loadDoraInput } from "../src/digest/dora-input.js";
import { teamTimezone } from "../src/domain/dora/targets.js";
import { weekWindow } from "../src/domain/dora/time.js";
import type { Gantry } from "../src/gantry.js";
import { createLedgerDb, growLedger, ledgerConfig, teamName } from "./ledger-seed.js";
import { catchQueries, explain } from "./query-plans.js";
import { row, type Row, type Section } from "./report.js";
import { median, round, timed } from "./stats.js";
import { startInProcessGantry, type Emulators } from "./world.js";
import { MetadataSeal } from "../src/slack/forms/sealed-metadata.js";

const TARGET_MS = 50;

/** Everything postWeeklyDigest computes before it posts: the window's ledger, the figures, the message. */
async function digest(gantry: Gantry, team: string): Promise<number> {
  const { ports } = gantry;
  const tz = teamTimezone(ports.config, team);
  const window = weekWindow(ports.clock.now(), tz, 1);
  const input = await loadDoraInput(ports, team, window);
  digestMessage(team, digestData(input), () => undefined, tz);
  return input.deployments.length;
}

function dora(gantry: Gantry, team: string): Promise<unknown> {
  return handleDora(
    { ...gantry.ports, tracker: gantry.tracker, seal: new MetadataSeal("bench") },
    { user: "U0BENCH", channel: "C0BENCH", text: `${team} 12w`, responseUrl: "", triggerId: "bench" },
  );
}

async function medianOf(times: number, work: () => Promise<unknown>): Promise<{ first: number; median: number }> {
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push((await timed(work)).ms);
  return { first: runs[0]!, median: median(runs.slice(1)) };
}

export async function doraScale(em: Emulators, sizes: number[], repeats = 11): Promise<Section> {
  const db = join(em.dir, "ledger.db");
  const config = ledgerConfig();
  const team = teamName(7);
  const now = Date.now();
  createLedgerDb(db);
  const rows: Row[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  let have = 0;
  for (const size of sizes) {
    const seeded = await timed(() => growLedger(db, now, have, size));
    have = size;
    const gantry = await startInProcessGantry(em, config, db);
    try {
      const read = await digest(gantry, team);
      const d = await medianOf(repeats, () => digest(gantry, team));
      const q = await medianOf(repeats, () => dora(gantry, team));
      const tz = teamTimezone(config, team);
      const data = digestData(await loadDoraInput(gantry.ports, team, weekWindow(gantry.ports.clock.now(), tz, 1)));
      const chart = await timed(() => renderTrendChart(chartInput(team, data, tz)));
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
      const last = size === sizes.at(-1);
      rows.push(
        row(
          `${label}: weekly digest (median; first)`,
          `${round(d.median)}; ${round(d.first)}`,
          "ms",
          last ? { text: `< ${TARGET_MS} ms, flat`, ok: d.median < TARGET_MS } : undefined,
        ),
        row(`${label}: /dora 12w (median; first)`, `${round(q.median)}; ${round(q.first)}`, "ms"),
      );
      details[label] = {
        deployments: size,
        seedMs: seeded.ms,
        digest: d,
        dora12w: q,
        chartMs: chart.ms,
        deploymentsRead: read,
      };
      notes.push(
        `${label}: seeded in ${round(seeded.ms / 1000)} s; the digest read ${read} deployments of ${team}; its chart (PNG, posted after the message) took ${round(chart.ms)} ms.`,
      );
      if (last) {
        const queries = await catchQueries(() => digest(gantry, team));
        notes.push(`Query plans of the digest's reads (EXPLAIN QUERY PLAN at ${label}):`, ...explain(db, queries));
        details.plans = queries.map((x) => x.sql.replace(/\s+/g, " ").trim());
      }
    } finally {
      await gantry.stop();
    }
  }
  return { title: "3. DORA at scale", rows, notes, details };
}
