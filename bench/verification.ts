/**
 * (7) What verification on live metrics costs, end to end on the emulators: Gantry in this process with PROMETHEUS_URL
 * on the Prometheus emulator, a canary with a `verify:` block (an error-rate `max` check and a p99 latency check
 * `compareTo: production`), the demo's metrics (sandbox/demo/metrics.ts: a `bad-*` ref's error rate climbs once its
 * run succeeds). A good deploy is verified after the bake; a bad one fails and is rolled back by Gantry. Measured:
 * Prometheus queries per deploy (each), and the time from the Prometheus answer that completed the breach (the
 * `failAfter`-th breaching reading in a row) to the rollback's workflow dispatch at GitHub. Target: under one interval.
 * Talks only HTTP (signed Slack requests, the emulators) and reads the store.
 */
import { join } from "node:path";
import { Writable } from "node:stream";
import { GantryConfig } from "../src/config/schema.js";
import { isFinal } from "../src/domain/deploy-state.js";
import type { Deployment } from "../src/domain/deployment.js";
import { readEnv } from "../src/env.js";
import { startGantry, type Gantry } from "../src/gantry.js";
import { createLogger } from "../src/log.js";
import { scriptDemoMetrics } from "../sandbox/demo/metrics.js";
import type { RecordedCall } from "../sandbox/http/recorder.js";
import { PrometheusEmulator } from "../sandbox/prometheus/emulator.js";
import { row, type Section } from "./report.js";
import { round } from "./stats.js";
import { addRepos, appEnv, clearCalls, signingClient, USER, type Emulators } from "./world.js";

const SERVICE = "verify-a";
const REPO = `bench/${SERVICE}`;
const CHANNEL = "C0VERIFY";
const MAX_ERROR_RATE = 0.02;
const ERROR_RATE =
  'sum(rate(http_requests_total{service="{{service}}",env="{{environment}}",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="{{service}}",env="{{environment}}"}[2m]))';
const LATENCY =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{service}}",env="{{environment}}"}[5m])))';

interface Timing {
  bakeMs: number;
  intervalMs: number;
  failAfter: number;
}

function verifyConfig(t: Timing): GantryConfig {
  return GantryConfig.parse({
    timezone: "UTC",
    polling: { interval: "200ms", maxInterval: "1s" },
    services: {
      [SERVICE]: {
        repo: REPO,
        workflow: "deploy.yml",
        environments: {
          canary: {
            verify: {
              bake: `${t.bakeMs}ms`,
              interval: `${t.intervalMs}ms`,
              failAfter: t.failAfter,
              checks: [
                { name: "error rate", query: ERROR_RATE, max: MAX_ERROR_RATE },
                { name: "p99 latency vs production", query: LATENCY, compareTo: "production", maxRatio: 1.5 },
              ],
              noData: "hold",
              onFailure: "rollback",
            },
          },
          production: {},
        },
      },
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(g: Gantry, find: () => Promise<Deployment | undefined>, what: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await find();
    if (d) return d;
    if (Date.now() > end) throw new Error(`verification bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A call with the moment its answer was recorded (performance.now()). */
interface Stamped {
  call: RecordedCall;
  at: number;
}

function stamp(target: { on(event: "call", fn: (c: RecordedCall) => void): unknown }): Stamped[] {
  const out: Stamped[] = [];
  target.on("call", (call) => out.push({ call, at: performance.now() }));
  return out;
}

/** The number an instant query answered, or undefined (an error, no data). */
function answered(c: RecordedCall): number | undefined {
  const body = c.response as { data?: { result?: Array<{ value?: [number, string] }> } } | undefined;
  const text = body?.data?.result?.[0]?.value?.[1];
  return text === undefined ? undefined : Number(text);
}

const queryOf = (c: RecordedCall): string | undefined => {
  const form = c.body !== null && typeof c.body === "object" ? (c.body as Record<string, string>) : {};
  return form.query ?? c.query.query;
};

/** The answer that completed the breach: the failAfter-th breaching error-rate reading in a row. */
function decisiveBreach(calls: readonly Stamped[], errorQuery: string, failAfter: number): Stamped | undefined {
  let streak = 0;
  for (const s of calls) {
    if (s.call.operationId !== "query" || queryOf(s.call) !== errorQuery) continue;
    const value = answered(s.call);
    streak = value !== undefined && value > MAX_ERROR_RATE ? streak + 1 : 0;
    if (streak >= failAfter) return s;
  }
  return undefined;
}

async function deploy(g: Gantry, client: ReturnType<typeof signingClient>, ref: string): Promise<Deployment> {
  const before = (await g.store.history(SERVICE, "canary", 1))[0]?.id ?? 0;
  const res = await client.command(USER, "/deploy", `${SERVICE} ${ref} to canary`, { channel: CHANNEL });
  if (res.status !== 200 || res.body !== "") throw new Error(`/deploy ${ref} refused: ${res.body}`);
  return until(
    g,
    async () => (await g.store.history(SERVICE, "canary", 5)).find((d) => d.id > before && d.ref === ref),
    `the ${ref} deploy`,
    10_000,
  );
}

function needsEngine(d: Deployment): never {
  throw new Error(
    `verification bench: deploy #${d.id} ended ${d.state} without a verification record: this needs Gantry's verification engine (PROMETHEUS_URL wired, the verifying state)`,
  );
}

export async function verificationBench(em: Emulators, quick: boolean): Promise<Section> {
  // A full run's bake: 10 readings show one query per check per interval as well as 15 did, in 10 s less of the
  // bench's 10 minutes.
  const timing: Timing = quick
    ? { bakeMs: 6000, intervalMs: 1000, failAfter: 2 }
    : { bakeMs: 20_000, intervalMs: 2000, failAfter: 2 };
  const config = verifyConfig(timing);
  addRepos(em, config);
  em.slack.addChannel({ id: CHANNEL, name: "verify" });
  const bad = em.gh.addCommit(REPO, { message: "breaks the error rate", branch: "main" });
  em.gh.setBranch(REPO, "bad-bench", bad);
  em.gh.addCommit(REPO, { message: "fine", branch: "main" });
  em.gh.setRunScript(() => ({ queuedMs: 20, runMs: 100 }));
  const prom = new PrometheusEmulator();
  await prom.start();
  scriptDemoMetrics(prom, em.gh, config, { delayMs: 0, rampMs: 1 });
  const errorQuery = `sum(rate(http_requests_total{service="${SERVICE}",env="canary",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="${SERVICE}",env="canary"}[2m]))`;
  const g = await startGantry({
    env: readEnv(appEnv(em, join(em.dir, "verify.db"), { PROMETHEUS_URL: prom.url })),
    config,
    log: createLogger("warn", new Writable({ write: (_chunk, _enc, done) => done() })),
    github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 10_000 },
    schedule: false,
  });
  const client = signingClient(em, g.url);
  const promCalls = stamp(prom);
  const ghCalls = stamp(em.gh);
  const waitMs = 2 * timing.bakeMs + 30_000;
  try {
    // A good release: verified after the bake.
    const good = await deploy(g, client, "main");
    const verified = await until(
      g,
      async () => {
        const d = await g.store.getDeployment(good.id);
        return d && isFinal(d.state) ? d : undefined;
      },
      "the good deploy to end",
      waitMs,
    );
    if (verified.verification?.outcome?.kind !== "verified") needsEngine(verified);
    const goodQueries = prom.askedQueries().length;

    // A bad release: fails, and Gantry rolls back to the good one.
    prom.reset();
    clearCalls(em);
    promCalls.length = 0;
    ghCalls.length = 0;
    const badDeploy = await deploy(g, client, "bad-bench");
    const failed = await until(
      g,
      async () => {
        const d = await g.store.getDeployment(badDeploy.id);
        return d && isFinal(d.state) ? d : undefined;
      },
      "the bad deploy to fail",
      waitMs,
    );
    if (failed.verification?.outcome?.kind !== "failed") needsEngine(failed);
    const badQueries = prom.askedQueries().length;
    const rollbackId = failed.verification.rollbackId;
    const rollback = await until(
      g,
      async () => {
        const id =
          rollbackId ?? (await g.store.history(SERVICE, "canary", 5)).find((d) => d.replacesId === failed.id)?.id;
        const d = id === undefined ? undefined : await g.store.getDeployment(id);
        return d?.dispatchedAt ? d : undefined;
      },
      "the automatic rollback's dispatch",
      30_000,
    );
    const breach = decisiveBreach(promCalls, errorQuery, timing.failAfter);
    if (!breach) throw new Error("verification bench: the failed deploy's breaching readings were not seen");
    // The store may record the dispatch a moment before GitHub has answered it: wait for the call itself.
    const isDispatch = (s: Stamped) => s.call.operationId === "actions/create-workflow-dispatch" && s.at >= breach.at;
    for (const end = Date.now() + 10_000; !ghCalls.some(isDispatch); await sleep(10)) {
      if (Date.now() > end) throw new Error("verification bench: no rollback dispatch reached GitHub after the breach");
    }
    const dispatch = ghCalls.find(isDispatch)!;
    const breachToDispatch = dispatch.at - breach.at;
    return {
      title: "7. Verification on live metrics",
      rows: [
        row("Prometheus queries, verified deploy (whole bake)", goodQueries),
        row("Prometheus queries, failed deploy (until the breach)", badQueries),
        row("breach reading → rollback dispatch", round(breachToDispatch), "ms", {
          text: `< ${timing.intervalMs} ms (one interval)`,
          ok: breachToDispatch < timing.intervalMs,
        }),
      ],
      notes: [
        `bake ${timing.bakeMs} ms, interval ${timing.intervalMs} ms, failAfter ${timing.failAfter}; checks: error rate (max ${MAX_ERROR_RATE}) and p99 latency compareTo production (3 queries a reading, retries included).`,
        `the failed deploy's record counted ${failed.verification.queries} queries; rollback #${rollback.id} (requester ${rollback.requester}) replaced #${failed.id}.`,
      ],
      details: {
        timing,
        goodQueries,
        badQueries,
        breachToDispatchMs: breachToDispatch,
        recordQueries: failed.verification.queries,
      },
    };
  } finally {
    clearCalls(em);
    await g.stop();
    await prom.stop();
  }
}
