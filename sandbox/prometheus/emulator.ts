/**
 * A Prometheus HTTP API emulator (`/api/v1/query`, `/api/v1/query_range`) over real HTTP, answering from series a test
 * or the demo registers per exact query string. Anything that speaks Prometheus's API is read by Gantry's adapter
 * the same way, so this stands in for Thanos, Mimir or VictoriaMetrics too.
 */
import { HttpEmulator } from "../http/emulator.js";
import type { RecordedCall } from "../http/recorder.js";
import { TemplateRouter } from "../http/router.js";
import { Timers } from "../http/timers.js";
import { PrometheusHttpFront, type PrometheusCredentials } from "./http-front.js";
import { queryRoutes, type Route } from "./routes.js";
import type { QuerySeed, SeriesSeed, ValueAt } from "./series.js";

export interface PrometheusEmulatorOptions extends PrometheusCredentials {
  /** The server's clock, for queries without `time`. Defaults to the real time. */
  now?: () => Date;
}

export interface PrometheusEmulatorEvents {
  call: [RecordedCall];
}

/** One query as Prometheus read it: the endpoint and its parameters, form body and URL merged. */
export interface AskedQuery {
  endpoint: "query" | "query_range";
  params: Record<string, string>;
  status: number;
}

/** Faults, recorded calls, url, start/stop, unexpectedCalls and waitForCall come from HttpEmulator. */
export class PrometheusEmulator extends HttpEmulator<PrometheusEmulatorEvents> {
  /** While true, every request answers 503 as a Prometheus that is not ready does, recorded as a fault. */
  down = false;
  private readonly timers = new Timers();
  private readonly seeds = new Map<string, QuerySeed>();
  private readonly clock: () => Date;
  protected readonly front: PrometheusHttpFront;

  constructor(options: PrometheusEmulatorOptions = {}) {
    super("PrometheusEmulator");
    this.clock = options.now ?? (() => new Date());
    const router = new TemplateRouter<Route>(queryRoutes({ seed: (q) => this.seeds.get(q), now: () => this.clock() }));
    this.front = new PrometheusHttpFront({
      router,
      faults: this.faults,
      timers: this.timers,
      credentials: { bearerToken: options.bearerToken, basicAuth: options.basicAuth },
      isDown: () => this.down,
      record: (call) => this.record(call),
    });
  }

  /**
   * Registers (or replaces) the answer to one exact query string, as the client sends it after templating. The seed is
   * read at every request, so a script may append samples to it later.
   */
  addQuery(query: string, seed: QuerySeed): void {
    if (seed.type === "matrix" && seed.series.some((s) => !s.samples))
      throw new Error("a range-vector query needs samples for each series");
    this.seeds.set(query, seed);
  }

  /** An instant vector: each series' value over time (a constant, a function of time, or samples). */
  addSeries(query: string, ...series: SeriesSeed[]): void {
    this.addQuery(query, { series });
  }

  addScalar(query: string, value: number | ValueAt): void {
    this.addQuery(query, { type: "scalar", value });
  }

  removeQuery(query: string): void {
    this.seeds.delete(query);
  }

  clearQueries(): void {
    this.seeds.clear();
  }

  /** Every query call answered so far (faults and drops included), in order: what a bench counts. */
  askedQueries(): AskedQuery[] {
    return this.calls.flatMap((c) => {
      if (c.operationId !== "query" && c.operationId !== "query_range") return [];
      const form = c.body !== null && typeof c.body === "object" ? (c.body as Record<string, string>) : {};
      return [{ endpoint: c.operationId, params: { ...c.query, ...form }, status: c.status }];
    });
  }

  /** Clears recorded calls and faults and brings the server back up; registered queries stay. */
  override reset(): void {
    super.reset();
    this.down = false;
  }

  protected clearTimers(): void {
    this.timers.clearAll();
  }
}
