import type { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import type { DeployEvents } from "./deploy/ports.js";
import { GantryError } from "./errors.js";
import type { Logger } from "./log.js";
import type { FromThread, ToThread, WorkThreadData } from "./work-thread-protocol.js";

/** Run from source (tsx, the tests), the entry is TypeScript and the thread needs the same loader. */
const ENTRY = new URL(`./work-thread-entry${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
const RESPAWN_MS = 1_000;

type MetricList = Extract<FromThread, { type: "metrics" }>["metrics"];

/**
 * The main thread's side of the work thread (GANTRY_WORKER_THREAD=on): starts it, wakes it when work is handed over,
 * passes its deploy events on to the main thread's listeners, and starts it again should it die. Handed-over work
 * is in the store, so a thread that dies loses none of what it had not taken yet.
 */
export class WorkThread {
  private worker: Worker | undefined;
  private stopping = false;
  private asked = 0;
  private readonly drawnWaiters = new Map<number, () => void>();
  private readonly metricsWaiters = new Map<number, (m: MetricList) => void>();
  private stopped: ((abandoned: string[]) => void) | undefined;

  constructor(
    private readonly data: WorkThreadData,
    private readonly events: EventEmitter<DeployEvents>,
    private readonly log: Logger,
  ) {}

  /** Settles once the thread's Gantry has started; rejects with why it could not. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(ENTRY, {
        workerData: this.data,
        execArgv: ENTRY.pathname.endsWith(".ts") ? ["--import", "tsx"] : [],
      });
      this.worker = worker;
      let ready = false;
      worker.on("message", (m: FromThread) => {
        if (m.type === "ready") return ((ready = true), resolve());
        if (m.type === "failed") return reject(new GantryError("work_thread_failed", m.error));
        this.heard(m);
      });
      worker.on("error", (err) => this.log.error({ err }, "the work thread failed"));
      worker.on("exit", (code) => {
        this.worker = undefined;
        for (const w of this.drawnWaiters.values()) w();
        for (const w of this.metricsWaiters.values()) w([]);
        this.drawnWaiters.clear();
        this.metricsWaiters.clear();
        this.stopped?.([]);
        if (!ready) return reject(new GantryError("work_thread_failed", `the work thread exited (${code})`));
        if (this.stopping) return;
        this.log.error({ code }, "the work thread ended; starting it again");
        setTimeout(() => this.respawn(), RESPAWN_MS).unref();
      });
    });
  }

  /** Work was handed over: the thread takes it now rather than at its next read. */
  poke(): void {
    this.send({ type: "handoff" });
  }

  /** Settles once every message change the thread was asked for is drawn. */
  drawn(): Promise<void> {
    if (!this.worker) return Promise.resolve();
    const n = ++this.asked;
    return new Promise((resolve) => {
      this.drawnWaiters.set(n, resolve);
      this.send({ type: "drawn", n });
    });
  }

  /** The thread's metrics, for the main thread's /metrics; none while it is down. */
  metrics(): Promise<MetricList> {
    if (!this.worker) return Promise.resolve([]);
    const n = ++this.asked;
    return new Promise((resolve) => {
      this.metricsWaiters.set(n, resolve);
      this.send({ type: "metrics", n });
    });
  }

  /** Stops the thread's Gantry (within its shutdown deadline) and the thread. */
  async stop(): Promise<{ abandoned: string[] }> {
    this.stopping = true;
    if (!this.worker) return { abandoned: [] };
    const abandoned = new Promise<string[]>((resolve) => (this.stopped = resolve));
    this.send({ type: "stop" });
    return { abandoned: await abandoned };
  }

  private heard(m: Exclude<FromThread, { type: "ready" | "failed" }>): void {
    if (m.type === "changed") this.events.emit("changed", m.d);
    else if (m.type === "finished") this.events.emit("finished", m.d);
    else if (m.type === "drawn") {
      this.drawnWaiters.get(m.n)?.();
      this.drawnWaiters.delete(m.n);
    } else if (m.type === "metrics") {
      this.metricsWaiters.get(m.n)?.(m.metrics);
      this.metricsWaiters.delete(m.n);
    } else if (m.type === "stopped") this.stopped?.(m.abandoned);
  }

  private respawn(): void {
    if (this.stopping) return;
    this.start().catch((err: unknown) => {
      this.log.error({ err }, "the work thread could not start again");
      setTimeout(() => this.respawn(), RESPAWN_MS).unref();
    });
  }

  private send(m: ToThread): void {
    this.worker?.postMessage(m);
  }
}
