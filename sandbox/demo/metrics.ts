import type { GantryConfig } from "../../src/config/schema.js";
import { renderQuery } from "../../src/domain/verify/template.js";
import type { GitHubEmulator } from "../github/emulator.js";
import type { RunRecord } from "../github/types.js";
import type { PrometheusEmulator } from "../prometheus/emulator.js";

/** A healthy service's error rate, and what a `bad-*` release climbs to. */
export const HEALTHY_ERROR_RATE = 0.003;
export const BAD_ERROR_RATE = 0.08;
/** p99 latency in seconds per environment: the canary a little slower than production, well inside a 1.5 ratio. */
const LATENCY: Record<string, number> = { production: 0.21, canary: 0.22 };
const DEFAULT_LATENCY = 0.2;

export interface DemoMetricsOptions {
  /** How long after a bad release's run succeeds its errors start to climb, and how long the climb takes (ms). */
  delayMs?: number;
  rampMs?: number;
}

/** What each environment of each repository runs: the ref of its last successful run, and when it finished. */
interface Live {
  ref: string;
  since: number;
}

/**
 * A little noise that is the same for the same second, so a query and its retry agree, and charts are not flat.
 * Between -1 and 1.
 */
function wobble(at: number, salt: number): number {
  const x = Math.sin(Math.floor(at / 1000) * 12.9898 + salt * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/**
 * The demo's live metrics: for every `verify` check in the config, the exact query Gantry will send for each
 * environment (and the environment a `compareTo` reads), answered from what the GitHub emulator last deployed there.
 * A ref named `bad-*` deploys fine, then its environment's error rate climbs to 8% (and its latency a little);
 * otherwise it stays about 0.3%. A rollback's successful run puts the good ref back, and the rate falls again.
 * The emulator refuses any query not registered here, so a config change that adds a check must be mirrored here
 * (it is, automatically, as long as the check uses only {{service}} and {{environment}}).
 */
export function scriptDemoMetrics(
  prom: PrometheusEmulator,
  gh: GitHubEmulator,
  config: GantryConfig,
  opts: DemoMetricsOptions = {},
): { queries: string[] } {
  const delayMs = opts.delayMs ?? 4000;
  const rampMs = opts.rampMs ?? 6000;
  const live = new Map<string, Live>();
  const key = (repo: string, env: string) => `${repo}\u0000${env}`;
  gh.on("run", (run: RunRecord) => {
    const env = run.inputs.environment;
    if (run.status !== "completed" || run.conclusion !== "success" || !env) return;
    live.set(key(run.repo, env), { ref: run.inputs.ref ?? run.ref, since: run.updatedAt });
  });
  /** 0 while healthy, rising to 1 once a bad release has been live a while. */
  const badness = (repo: string, env: string, at: number): number => {
    const now = live.get(key(repo, env));
    if (!now?.ref.startsWith("bad-")) return 0;
    return Math.min(1, Math.max(0, (at - now.since - delayMs) / rampMs));
  };
  const queries: string[] = [];
  for (const [service, svc] of Object.entries(config.services)) {
    for (const [env, e] of Object.entries(svc.environments)) {
      for (const check of e.verify?.checks ?? []) {
        const envs = check.compareTo ? [env, check.compareTo] : [env];
        for (const environment of envs) {
          const rendered = renderQuery(check.query, { service, environment, sha: "", ref: "" });
          if (!rendered.ok) throw new Error(`demo metrics: ${service}/${env} ${check.name}: ${rendered.problems[0]}`);
          const salt = queries.length + 1;
          const latency = /latency|duration/i.test(`${check.name} ${check.query}`);
          const base = latency ? (LATENCY[environment] ?? DEFAULT_LATENCY) : HEALTHY_ERROR_RATE;
          // A bad release is a little slower too, but within compareTo's 1.5: the error rate is what fails it.
          const worst = latency ? base * 1.2 : BAD_ERROR_RATE;
          const noise = latency ? 0.05 : 0.25;
          prom.addSeries(rendered.query, {
            labels: {},
            value: (at) => {
              const t = at.getTime();
              const healthy = base * (1 + noise * wobble(t, salt));
              return healthy + (worst - healthy) * badness(svc.repo, environment, t);
            },
          });
          queries.push(rendered.query);
        }
      }
    }
  }
  return { queries: [...new Set(queries)] };
}
