/** What the main thread and the work thread (GANTRY_WORKER_THREAD=on) say to each other. */
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { GantryConfig } from "./config/schema.js";
import type { Deployment } from "./domain/deployment.js";
import type { Env } from "./env.js";
import type { PacerTuning } from "./github/rate-wiring.js";
import type { ReplicaTuning } from "./replica.js";

/** Plain data only (structured clone): the thread builds its own clients, store connection and logger. */
export interface WorkThreadData {
  env: Env;
  config: GantryConfig;
  replica: string;
  github?: { writeSpacingMs?: number; retryBaseMs?: number; timeoutMs?: number; budget?: PacerTuning };
  replicas?: Partial<ReplicaTuning>;
  shutdownMs?: number;
  githubWeb?: string;
}

export type ToThread =
  { type: "handoff" } | { type: "drawn"; n: number } | { type: "metrics"; n: number } | { type: "stop" };

export type FromThread =
  | { type: "ready" }
  | { type: "failed"; error: string }
  | { type: "changed"; d: Deployment }
  | { type: "finished"; d: Deployment }
  | { type: "drawn"; n: number }
  | { type: "metrics"; n: number; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  | { type: "stopped"; abandoned: string[] };
