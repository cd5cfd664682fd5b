/** The Prometheus adapter's settings from the environment, which readEnv has checked: secrets come from nowhere else. */
import type { Env } from "../env.js";
import type { MetricsSource } from "./port.js";
import { createPrometheusSource, type PrometheusSourceOptions } from "./prometheus.js";

type PrometheusEnv = Pick<Env, "PROMETHEUS_URL" | "PROMETHEUS_TOKEN" | "PROMETHEUS_USERNAME" | "PROMETHEUS_PASSWORD">;

/** Undefined when PROMETHEUS_URL is unset: then Gantry reads no metrics. */
export function prometheusOptions(env: PrometheusEnv): PrometheusSourceOptions | undefined {
  if (!env.PROMETHEUS_URL) return undefined;
  if (env.PROMETHEUS_TOKEN) return { url: env.PROMETHEUS_URL, auth: { kind: "bearer", token: env.PROMETHEUS_TOKEN } };
  if (env.PROMETHEUS_USERNAME && env.PROMETHEUS_PASSWORD) {
    return {
      url: env.PROMETHEUS_URL,
      auth: { kind: "basic", username: env.PROMETHEUS_USERNAME, password: env.PROMETHEUS_PASSWORD },
    };
  }
  return { url: env.PROMETHEUS_URL };
}

/** The metrics source Gantry reads, from the environment; undefined when PROMETHEUS_URL is unset. */
export function metricsSourceFromEnv(
  env: PrometheusEnv,
  tuning: Omit<PrometheusSourceOptions, "url" | "auth"> = {},
): MetricsSource | undefined {
  const options = prometheusOptions(env);
  return options && createPrometheusSource({ ...options, ...tuning });
}
