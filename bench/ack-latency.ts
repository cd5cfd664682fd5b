/**
 * (1) Acknowledgement latency: signed /deploy commands at fixed concurrency to Gantry (parse, authorize, persist,
 * acknowledge; the deploy then runs against the emulators) and to a bare Bolt app that only acknowledges, in
 * interleaved chunks of one run; each app in a process of its own. Gantry drains (every deploy final) before each bare chunk, so its background work
 * never lands on the bare app's figures.
 */
import type { SlackSigningClient } from "../sandbox/slack/signing-client.js";
import { closedLoop, type Sample, type TextFor } from "./load.js";
import { row, type Section } from "./report.js";
import { percentile, round } from "./stats.js";
import { clearCalls, drained, type Emulators } from "./world.js";

export interface AckWorld {
  em: Emulators;
  /** How many of Gantry's deploys are live (read from its database). */
  gantry: { live(): number };
  gantryClient: SlackSigningClient;
  bareClient: SlackSigningClient;
  /** A valid deploy to a free target, a new one each call. */
  nextDeploy: TextFor;
}

export interface AckOptions {
  commands: number;
  concurrencies: number[];
  chunks: number;
  warmup: number;
}

interface Tally {
  gantry: Sample[];
  bare: Sample[];
}

export async function ackLatency(w: AckWorld, o: AckOptions): Promise<Section> {
  await closedLoop(w.gantryClient, o.warmup, 16, w.nextDeploy);
  await drained(w.gantry);
  await closedLoop(w.bareClient, o.warmup, 16, w.nextDeploy);
  clearCalls(w.em);
  const rows = [];
  const details: Record<string, unknown> = {};
  const chunk = Math.ceil(o.commands / o.chunks);
  for (const c of o.concurrencies) {
    const tally: Tally = { gantry: [], bare: [] };
    for (let k = 0; k < o.chunks; k++) {
      // Alternate who goes first, so a drift in machine load falls on both alike.
      const order: (keyof Tally)[] = k % 2 === 0 ? ["gantry", "bare"] : ["bare", "gantry"];
      for (const who of order) {
        const client = who === "gantry" ? w.gantryClient : w.bareClient;
        tally[who].push(...(await closedLoop(client, chunk, c, w.nextDeploy)));
        if (who === "gantry") await drained(w.gantry);
        clearCalls(w.em);
      }
    }
    const ms = (s: Sample[]) => s.filter((x) => x.status === 200).map((x) => x.ms);
    const g = { p50: percentile(ms(tally.gantry), 50), p99: percentile(ms(tally.gantry), 99) };
    const b = { p50: percentile(ms(tally.bare), 50), p99: percentile(ms(tally.bare), 99) };
    const accepted = tally.gantry.filter((s) => s.accepted).length;
    const errors =
      tally.gantry.filter((s) => s.status !== 200).length + tally.bare.filter((s) => s.status !== 200).length;
    const ratio = g.p99 / b.p99;
    rows.push(
      row(
        `c=${c} Gantry p50 / p99`,
        `${round(g.p50)} / ${round(g.p99)}`,
        "ms",
        c === 16 ? { text: "p99 < 50 ms", ok: g.p99 < 50 } : undefined,
      ),
      row(`c=${c} bare Bolt p50 / p99`, `${round(b.p50)} / ${round(b.p99)}`, "ms"),
      row(`c=${c} ratio Gantry ÷ bare, p50 / p99`, `${round(g.p50 / b.p50)} / ${round(ratio)}`, "", {
        text: "p99 ≤ 1.25",
        ok: ratio <= 1.25,
      }),
      row(`c=${c} Gantry deploys accepted / sent (errors)`, `${accepted} / ${tally.gantry.length} (${errors})`),
    );
    details[`c${c}`] = {
      gantry: g,
      bare: b,
      ratioP50: g.p50 / b.p50,
      ratioP99: ratio,
      accepted,
      sent: tally.gantry.length,
      errors,
    };
  }
  return {
    title: "1. Acknowledgement latency",
    rows,
    notes: [
      `${o.commands} signed /deploy commands per app and concurrency, in ${o.chunks} interleaved chunks; every Gantry command a valid deploy to a free target (accepted: acknowledged with an empty body).`,
    ],
    details,
  };
}
