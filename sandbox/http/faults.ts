/** Injected failures: error statuses, latency and dropped connections, matched by method and path. */

export interface FaultSpec {
  method?: string;
  /**
   * Exact request path (no query), an OpenAPI template (/repos/{owner}/{repo}/actions/runs/{run_id},
   * /rest/api/3/issue/{issueIdOrKey}), or a RegExp on the path.
   */
  path: string | RegExp;
  /** Answer with this status instead of the emulated service. Omit with delayMs alone to only add latency. */
  status?: number;
  /** Defaults to the emulated service's error shape naming the status. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** How many matching requests this fault applies to (default 1; Infinity allowed). */
  times?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0)) throw new Error(`fault times must be > 0, got ${times}`);
    this.faults.push({ ...spec, remaining: times });
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults not yet used up, for asserting a test consumed what it injected. */
  pending(): FaultSpec[] {
    return this.faults.map(({ remaining, ...spec }) => ({ ...spec, times: remaining }));
  }

  /** First matching fault, consumed once; faults apply in the order they were added. */
  take(method: string, path: string, template: string | undefined): FaultSpec | undefined {
    const fault = this.faults.find((f) => matches(f, method, path, template));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }
}

function matches(f: ActiveFault, method: string, path: string, template: string | undefined): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  if (f.path instanceof RegExp) {
    // A global/sticky RegExp keeps lastIndex between tests; reset it so every request is matched from the start.
    f.path.lastIndex = 0;
    return f.path.test(path);
  }
  return f.path === path || f.path === template;
}
