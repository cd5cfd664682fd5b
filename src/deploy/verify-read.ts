/**
 * One reading of a deploy's checks on the metrics source: each check's query rendered for the deploy (and for the
 * compared environment), read at one instant, and judged. A read that fails, after the adapter's own retries, is no
 * data, with the source's words kept for the message; it never throws.
 */
import { describeError, isGantryError } from "../errors.js";
import type { Deployment } from "../domain/deployment.js";
import {
  baselineOf,
  baselineWindow,
  evaluateCheck,
  renderQuery,
  type CheckSpec,
  type CheckVerdict,
  type Reading,
  type VerifyPlan,
} from "../domain/verify/index.js";
import type { MetricsSource } from "../metrics-source/port.js";

export interface ChecksRead {
  verdicts: CheckVerdict[];
  /** Requests sent, retries included. */
  queries: number;
  /** What could not be read, in the source's words, one line per distinct trouble. */
  unseen: string[];
}

const NO_SOURCE = "no metrics source is configured (set PROMETHEUS_URL)";

class Session {
  queries = 0;
  readonly unseen = new Set<string>();
  constructor(private readonly source: MetricsSource | undefined) {}

  async instant(query: string, at: Date): Promise<Reading> {
    if (!this.source) return this.failed(NO_SOURCE, 0);
    try {
      const result = await this.source.query(query, at);
      this.queries++;
      return result;
    } catch (err) {
      return this.failed(describeError(err), attemptsOf(err));
    }
  }

  async baseline(query: string, window: ReturnType<typeof baselineWindow>): Promise<number | null> {
    if (!this.source) return null;
    try {
      const range = await this.source.queryRange(
        query,
        new Date(window.start),
        new Date(window.end),
        window.stepSeconds,
      );
      this.queries++;
      return baselineOf(range) ?? null;
    } catch (err) {
      this.failed(describeError(err), attemptsOf(err));
      return null;
    }
  }

  private failed(message: string, attempts: number): Reading {
    this.queries += attempts;
    this.unseen.add(message);
    return { kind: "error", message };
  }
}

function attemptsOf(err: unknown): number {
  const attempts = isGantryError(err) ? err.details.attempts : undefined;
  return typeof attempts === "number" ? attempts : 1;
}

function rendered(spec: CheckSpec, d: Deployment, environment: string): string | undefined {
  const out = renderQuery(spec.query, { service: d.service, environment, sha: d.sha ?? "", ref: d.ref });
  return out.ok ? out.query : undefined;
}

async function readOne(
  session: Session,
  spec: CheckSpec,
  d: Deployment,
  at: Date,
  baselines: Record<string, number | null>,
): Promise<CheckVerdict> {
  const query = rendered(spec, d, d.environment);
  if (query === undefined) return { status: "no_data", check: spec.name, missing: "current", error: "bad template" };
  const t = spec.threshold;
  if (t.kind === "maxRatio") {
    // Both sides at once: a reading stays well within the poll lease even when the source is slow to answer.
    const other = rendered(spec, d, t.compareTo);
    const [current, reference] = await Promise.all([
      session.instant(query, at),
      other === undefined ? undefined : session.instant(other, at),
    ]);
    return evaluateCheck(spec, { current, ...(reference ? { reference } : {}) });
  }
  const current = await session.instant(query, at);
  const baseline = baselines[spec.name];
  return evaluateCheck(spec, { current, ...(baseline !== null && baseline !== undefined ? { baseline } : {}) });
}

/** Reads every check of the plan at `at`. */
export async function readChecks(
  source: MetricsSource | undefined,
  plan: VerifyPlan,
  d: Deployment,
  at: Date,
  baselines: Record<string, number | null>,
): Promise<ChecksRead> {
  const session = new Session(source);
  const verdicts = await Promise.all(plan.checks.map((spec) => readOne(session, spec, d, at, baselines)));
  return { verdicts, queries: session.queries, unseen: [...session.unseen] };
}

/** The `maxIncrease` checks' baselines, read once as verification starts: each the mean before the deploy started. */
export async function readBaselines(
  source: MetricsSource | undefined,
  plan: VerifyPlan,
  d: Deployment,
): Promise<{ baselines: Record<string, number | null>; queries: number; unseen: string[] }> {
  const session = new Session(source);
  const startedAt = Date.parse(d.startedAt ?? d.dispatchedAt ?? d.createdAt);
  const window = baselineWindow(plan, startedAt);
  const baselines: Record<string, number | null> = {};
  for (const spec of plan.checks) {
    if (spec.threshold.kind !== "maxIncrease") continue;
    const query = rendered(spec, d, d.environment);
    baselines[spec.name] = query === undefined ? null : await session.baseline(query, window);
  }
  return { baselines, queries: session.queries, unseen: [...session.unseen] };
}
