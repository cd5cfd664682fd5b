/**
 * (2) Throughput: commands per second each app sustains before p99 passes 1 s. Open loop at rising rates (latency
 * counted from when each command was due), Gantry and bare Bolt alternating at each rate; the figure is the highest
 * rate whose p99 stayed within 1 s with every command answered 200.
 */
import type { SlackSigningClient } from "../sandbox/slack/signing-client.js";
import { openLoop, type TextFor } from "./load.js";
import { row, type Section } from "./report.js";
import { percentile, round } from "./stats.js";
import { clearCalls, drained, type Emulators } from "./world.js";

export interface ThroughputWorld {
  em: Emulators;
  gantry: { live(): number };
  gantryClient: SlackSigningClient;
  bareClient: SlackSigningClient;
  nextDeploy: TextFor;
}

export interface ThroughputOptions {
  rates: number[];
  /** Seconds at each rate, bounded by maxCommands. */
  seconds: number;
  maxCommands: number;
}

const P99_LIMIT_MS = 1000;

interface Step {
  rate: number;
  count: number;
  p99: number;
  achieved: number;
  ok: boolean;
}

export async function throughput(w: ThroughputWorld, o: ThroughputOptions): Promise<Section> {
  const steps: Record<"gantry" | "bare", Step[]> = { gantry: [], bare: [] };
  const done = { gantry: false, bare: false };
  for (const rate of o.rates) {
    for (const who of ["gantry", "bare"] as const) {
      if (done[who]) continue;
      const count = Math.min(o.maxCommands, Math.round(rate * o.seconds));
      const { samples, achieved } = await openLoop(
        who === "gantry" ? w.gantryClient : w.bareClient,
        count,
        rate,
        w.nextDeploy,
      );
      if (who === "gantry") await drained(w.gantry);
      clearCalls(w.em);
      const p99 = percentile(
        samples.map((s) => s.ms),
        99,
      );
      const ok = p99 <= P99_LIMIT_MS && samples.every((s) => s.status === 200);
      steps[who].push({ rate, count, p99, achieved, ok });
      if (!ok) done[who] = true;
    }
    if (done.gantry && done.bare) break;
  }
  const best = (s: Step[]) => [...s].reverse().find((x) => x.ok);
  const g = best(steps.gantry);
  const b = best(steps.bare);
  const ceiling = (who: "gantry" | "bare") => (done[who] ? "" : " (did not pass 1 s at the highest rate tried)");
  const describe = (s: Step[]) => s.map((x) => `${x.rate}/s→p99 ${round(x.p99)} ms${x.ok ? "" : " ✗"}`).join(", ");
  return {
    title: "2. Throughput before p99 > 1 s",
    rows: [
      row("Gantry", `${g ? g.rate : "< " + o.rates[0]}${ceiling("gantry")}`, "commands/s"),
      row("bare Bolt", `${b ? b.rate : "< " + o.rates[0]}${ceiling("bare")}`, "commands/s"),
      row("ratio Gantry ÷ bare", g && b ? round(g.rate / b.rate) : "—"),
    ],
    notes: [
      `Open loop, ${o.seconds} s (at most ${o.maxCommands} commands) per rate; every command a valid deploy.`,
      `Gantry: ${describe(steps.gantry)}`,
      `bare Bolt: ${describe(steps.bare)}`,
    ],
    details: { steps },
  };
}
