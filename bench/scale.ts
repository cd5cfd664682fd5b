/**
 * (8) Tracking at scale (issue 18): 10, 50 and 200 deploys in flight at once, polling alone and with webhooks, on one
 * token. Clocks run SCALE times faster than production's, all of them alike (polling intervals, run durations, the
 * budget's window), so that an hour of tracking fits in a bench run: counts per scaled second are SCALE times the
 * production counts per second, and lateness measured here is 1/SCALE of production's. Counted at the emulator:
 * tracking requests (run reads: polls and webhook confirmations), those that cost budget (not 304), and all requests.
 */
import { join } from "node:path";
import { Writable } from "node:stream";
import { GantryConfig } from "../src/config/schema.js";
import { isFinal } from "../src/domain/deploy-state.js";
import type { Deployment } from "../src/domain/deployment.js";
import { readEnv } from "../src/env.js";
import { startGantry, type Gantry } from "../src/gantry.js";
import { createLogger } from "../src/log.js";
import type { RecordedCall } from "../sandbox/http/recorder.js";
import { row, type Row, type Section } from "./report.js";
import { percentile, round } from "./stats.js";
import {
  addRepos,
  appEnv,
  CHANNEL,
  clearCalls,
  deployTexts,
  signingClient,
  USER,
  type Emulators,
  UNLIMITED_GITHUB,
} from "./world.js";

/** Production's clocks divided by this. */
const SCALE = 20;
const SECRET = "bench-webhook-secret";
const TRACKING = new Set(["actions/get-workflow-run", "actions/list-workflow-runs"]);
const SERVICES = 20;
const ENVS = 10;

interface Measured {
  inFlight: number;
  webhooks: boolean;
  /** Production-equivalent requests per hour. */
  tracking: number;
  trackingCosted: number;
  all: number;
  allCosted: number;
  /** Production-equivalent seconds from the run's end on GitHub to the final state in Gantry. */
  worstLateS: number;
  /** ms from the run's completion webhook to the Slack update showing the final state (webhooks only). */
  slackP50?: number;
  slackP99?: number;
  finished: number;
}

/**
 * Runs of 2.5 to 7.5 minutes (production time): half of what production's deploys take (5 to 15), so that the six
 * measurements fit in the bench's 10 minutes at SCALE. Polling alone has backed off (×1.5 a poll) to its 30 s within
 * about a minute, well before the shortest run ends; with webhooks, backing off towards 5 m takes longer than these
 * runs, so a larger share of their polls are the early, closer ones: per hour, the figures err on the high side.
 */
const RUN_MS = { min: 150_000, max: 450_000 };

/** Production's polling (5s / 30s / 5m), SCALE times faster. */
function scaleConfig(): GantryConfig {
  const ms = (real: number) => `${Math.round(real / SCALE)}ms`;
  const polling = { interval: ms(5000), maxInterval: ms(30_000), withWebhooks: ms(300_000) };
  const environments = Object.fromEntries(
    Array.from({ length: ENVS }, (_, e) => [`e${String(e).padStart(3, "0")}`, {}]),
  );
  const input = {
    timezone: "UTC",
    polling,
    services: Object.fromEntries(
      Array.from({ length: SERVICES }, (_, s) => {
        const name = `svc-${String(s).padStart(3, "0")}`;
        return [name, { repo: `bench/${name}`, workflow: "deploy.yml", environments }];
      }),
    ),
  };
  // Before issue 18 (main) the schema had no withWebhooks: there polling with webhooks backed off to maxInterval.
  const parsed = GantryConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const { withWebhooks: _none, ...before } = polling;
  return GantryConfig.parse({ ...input, polling: before });
}

async function startScaleGantry(em: Emulators, config: GantryConfig, db: string, webhooks: boolean): Promise<Gantry> {
  const extra: Record<string, string> = webhooks ? { GITHUB_WEBHOOK_SECRET: SECRET } : {};
  const budget = { policy: { reserve: 0.1, windowMs: 3_600_000 / SCALE, burst: 0.05 } };
  return startGantry({
    env: readEnv(appEnv(em, db, extra)),
    config,
    log: createLogger("warn", new Writable({ write: (_chunk, _enc, done) => done() })),
    github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 10_000, budget },
    schedule: false,
  });
}

const costed = (c: RecordedCall) => c.status !== 304;

async function measure(em: Emulators, n: number, webhooks: boolean, dir: string): Promise<Measured> {
  const config = scaleConfig();
  addRepos(em, config);
  const ends = new Map<number, number>();
  const runMs = () => Math.round((RUN_MS.min + Math.random() * (RUN_MS.max - RUN_MS.min)) / SCALE);
  em.gh.setRunScript(() => ({ queuedMs: Math.round(2000 / SCALE), runMs: runMs() }));
  const onRun = (r: { id: number; status: string }) => {
    if (r.status === "completed") ends.set(r.id, Date.now());
  };
  em.gh.on("run", onRun);
  // GitHub's window, SCALE times shorter, as Gantry is told.
  em.gh.setRateLimit({ limit: 5000, windowMs: 3_600_000 / SCALE });
  const g = await startScaleGantry(em, config, join(dir, `scale-${n}-${webhooks}.db`), webhooks);
  if (webhooks) em.gh.setWebhook({ url: `${g.url}/github/webhooks`, secret: SECRET, events: ["workflow_run"] });
  const finals = new Map<number, number>();
  const ids = new Set<number>();
  g.events.on("changed", (d: Deployment) => {
    ids.add(d.id);
    if (isFinal(d.state) && !finals.has(d.id)) finals.set(d.id, Date.now());
  });
  const updates: { ts: string; at: number; text: string }[] = [];
  const onMessage = (e: { kind: string; message: { ts: string; text: string } }) => {
    if (e.kind === "updated") updates.push({ ts: e.message.ts, at: Date.now(), text: e.message.text });
  };
  em.slack.on("message", onMessage as never);
  const client = signingClient(em, g.url);
  try {
    clearCalls(em);
    const next = deployTexts(SERVICES, ENVS);
    for (let i = 0; i < n; i++) {
      const res = await client.command(USER, "/deploy", next(), { channel: CHANNEL });
      if (res.status !== 200) throw new Error(`deploy refused: ${res.status}`);
    }
    const t0 = Date.now();
    const deadline = t0 + (RUN_MS.max / SCALE) * 2;
    let live: Deployment[] = [];
    for (;;) {
      live = await g.store.listLive();
      if (live.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    const seconds = ((Date.now() - t0) / 1000) * SCALE;
    const perHour = (count: number) => Math.round((count / seconds) * 3600);
    const calls = em.gh.calls.filter((c) => !c.unexpected);
    const tracking = calls.filter((c) => TRACKING.has(c.operationId ?? ""));
    const done = (await Promise.all([...ids].map((id) => g.store.getDeployment(id)))).filter((d) => d !== undefined);
    const late: number[] = [];
    const slack: number[] = [];
    for (const d of done) {
      const end = d.runId ? ends.get(Number(d.runId)) : undefined;
      const fin = finals.get(d.id);
      if (end === undefined || fin === undefined) continue;
      late.push(Math.max(0, fin - end));
      const shown = updates.find((u) => u.ts === d.slackTs && u.at >= end && /^Succeeded|^Failed/.test(u.text));
      if (webhooks && shown) slack.push(shown.at - end);
    }
    return {
      inFlight: n,
      webhooks,
      tracking: perHour(tracking.length),
      trackingCosted: perHour(tracking.filter(costed).length),
      all: perHour(calls.length),
      allCosted: perHour(calls.filter(costed).length),
      worstLateS: round((Math.max(0, ...late) * SCALE) / 1000),
      ...(webhooks && slack.length
        ? { slackP50: round(percentile(slack, 50)), slackP99: round(percentile(slack, 99)) }
        : {}),
      finished: late.length,
    };
  } finally {
    em.gh.off("run", onRun);
    em.slack.off("message", onMessage as never);
    em.gh.setWebhook(undefined);
    await g.stop();
    clearCalls(em);
  }
}

export async function scaleBench(em: Emulators, quick: boolean): Promise<Section> {
  const sizes = quick ? [10, 50] : [10, 50, 200];
  const results: Measured[] = [];
  for (const n of sizes) for (const webhooks of [false, true]) results.push(await measure(em, n, webhooks, em.dir));
  em.gh.setRateLimit(UNLIMITED_GITHUB);
  const rows: Row[] = results.flatMap((m) => {
    const name = `${m.inFlight} in flight, ${m.webhooks ? "with webhooks" : "polling alone"}`;
    const out = [
      row(`${name}: GitHub requests/h costed (all)`, `${m.allCosted} (${m.all})`, "", {
        text: "≤ 5000 for tracking",
        ok: m.trackingCosted <= 5000,
      }),
      row(`${name}: tracking requests/h costed (all)`, `${m.trackingCosted} (${m.tracking})`),
    ];
    if (!m.webhooks)
      out.push(
        row(`${name}: worst final-state lateness`, m.worstLateS, "s", { text: "≤ 60 s", ok: m.worstLateS <= 60 }),
      );
    if (m.slackP99 !== undefined)
      out.push(
        row(`${name}: webhook → Slack p50 / p99`, `${m.slackP50} / ${m.slackP99}`, "ms", {
          text: "p99 < 250 ms",
          ok: m.slackP99 < 250,
        }),
      );
    return out;
  });
  return {
    title: "8. Tracking at scale (issue 18)",
    rows,
    notes: [
      `Clocks ${SCALE}× production's (polling 5s/30s, with webhooks up to 5m; runs queued 2 s then ${RUN_MS.min / 60_000}–${RUN_MS.max / 60_000} min, half production's 5–15; the token's 5,000/h window): requests/h and lateness are given in production time.`,
      "Costed: answered other than 304 (GitHub does not count 304s). Tracking: run reads (polls, webhook confirmations); all: every GitHub request, starting the deploys included.",
    ],
    details: { results },
  };
}
