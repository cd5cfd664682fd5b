import fc from "fast-check";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Ports } from "../../src/deploy/ports.js";
import { prepareLedger } from "../../src/domain/dora/ledger.js";
import { computeDora } from "../../src/domain/dora/report.js";
import { recordOutsideDeployment, type OutsideNews } from "../../src/deploy/record-outside-deployment.js";
import type {
  CompareResult,
  DeploymentStatusView,
  DeploymentView,
  DeploymentsApi,
  SourcePort,
} from "../../src/github/port.js";
import { backfill } from "../../src/jobs/backfill.js";
import { fillPullRequests } from "../../src/jobs/fill-pulls.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

/**
 * The same history must give the same ledger whichever way it arrived: through `gantry backfill` (which lists
 * GitHub's deployments newest first by creation) or one deployment_status webhook at a time, as they succeeded.
 * GitHub here is a linear main branch behind the port Gantry reads it through: compare lists the commits in head
 * that are not in base, as GitHub does.
 */
const T0 = Date.parse("2026-01-05T00:00:00Z");
const HOUR = 3_600_000;
const REPO = "acme/checkout-api";
const config = GantryConfig.parse({
  services: { "checkout-api": { repo: REPO, workflow: "deploy.yml", environments: { production: {} } } },
});

interface Planned {
  id: number;
  commit: number;
  createdAt: string;
  succeededAt: string;
}

const sha = (i: number): string => i.toString(16).padStart(40, "0");
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** GitHub behind Gantry's two ports; any other call is one Gantry should not make here. */
function gitHub(deployments: readonly Planned[]): { source: SourcePort; githubDeployments: DeploymentsApi } {
  const indexOf = (s: string): number => parseInt(s, 16);
  const commit = (i: number): CompareResult["commits"][number] => ({
    sha: sha(i),
    message: `change ${i}`,
    author: "ada",
    date: iso(T0 + i * HOUR),
  });
  const view = (d: Planned): DeploymentView => ({
    id: d.id,
    sha: sha(d.commit),
    ref: "main",
    environment: "production",
    creator: "octocat",
    createdAt: d.createdAt,
    payload: {},
    url: `https://api.github.com/repos/${REPO}/deployments/${d.id}`,
  });
  const newestFirst = [...deployments].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const githubDeployments: Partial<DeploymentsApi> = {
    listDeployments: async (_repo, _env, page) => (page === 1 ? newestFirst.map(view) : []),
    getDeployment: async (_repo, id) => {
      const d = deployments.find((x) => x.id === id);
      return d && view(d);
    },
    deploymentStatuses: async (_repo, id): Promise<DeploymentStatusView[]> => {
      const d = deployments.find((x) => x.id === id)!;
      return [{ state: "success", description: null, logUrl: null, environmentUrl: null, createdAt: d.succeededAt }];
    },
  };
  const source: Partial<SourcePort> = {
    compare: async (_repo, base, head) => {
      const list = Array.from({ length: Math.max(0, indexOf(head) - indexOf(base)) }, (_, k) =>
        commit(indexOf(base) + 1 + k),
      );
      return { total: list.length, commits: list };
    },
    commit: async (_repo, s) => commit(indexOf(s)),
    pullRequestOf: async () => null,
  };
  return { source: strict(source), githubDeployments: strict(githubDeployments) };
}

function strict<T extends object>(part: Partial<T>): T {
  return new Proxy(part as T, {
    get: (target, name: string) => target[name as keyof T] ?? (() => Promise.reject(new Error(name))),
  });
}

function portsFor(github: ReturnType<typeof gitHub>) {
  const store = openSqliteStore(":memory:");
  const clock = { now: () => new Date(T0 + 1_000 * HOUR) };
  const ports = { config, store, ...github, clock, log: pino({ level: "silent" }) };
  return { ports: ports as unknown as Ports, store };
}

/** What a deployment_status webhook says about one of them. */
function statusNews(d: Planned): OutsideNews {
  return {
    repo: REPO,
    deployment: { id: d.id, sha: sha(d.commit), environment: "production", created_at: d.createdAt },
    status: { state: "success", created_at: d.succeededAt },
  };
}

const TARGET = [{ service: "checkout-api", environment: "production" }];
const window = { from: "2026-01-05T00:00:00.000Z", to: "2026-03-02T00:00:00.000Z" };
const report = (ledger: Parameters<typeof prepareLedger>[0]) =>
  computeDora({ deployments: ledger, incidents: [], window, timezone: "UTC", scope: { team: null, services: [] } });

/** 2–6 deployments of commits 1–12, each created at a distinct hour and succeeding 1–30 hours later (distinct too). */
const histories = fc
  .array(
    fc.record({
      commit: fc.integer({ min: 1, max: 12 }),
      created: fc.nat(200),
      takes: fc.integer({ min: 1, max: 30 }),
    }),
    { minLength: 2, maxLength: 6 },
  )
  .map((xs) =>
    xs.map((x, i): Planned => ({
      id: 100 + i,
      commit: x.commit,
      // Distinct instants: creation on the hour, success at a minute of its own.
      createdAt: iso(T0 + 20 * HOUR + x.created * HOUR),
      succeededAt: iso(T0 + 20 * HOUR + (x.created + x.takes) * HOUR + (i + 1) * 60_000),
    })),
  );

describe("DORA ledger ordering", () => {
  it("property: backfill and webhooks in success order give the same ledger and figures, each change once", async () => {
    await fc.assert(
      fc.asyncProperty(histories, async (planned) => {
        const github = gitHub(planned);
        const viaBackfill = portsFor(github);
        await backfill(viaBackfill.ports, { since: "2026-01-01T00:00:00Z" });
        const viaWebhooks = portsFor(github);
        for (const d of [...planned].sort((a, b) => a.succeededAt.localeCompare(b.succeededAt))) {
          await recordOutsideDeployment(viaWebhooks.ports, statusNews(d));
        }
        await fillPullRequests(viaWebhooks.ports, 1_000); // what the job does every 15 minutes
        const a = await viaBackfill.store.ledger(TARGET, "2000-01-01T00:00:00Z");
        const b = await viaWebhooks.store.ledger(TARGET, "2000-01-01T00:00:00Z");
        await viaBackfill.store.close();
        await viaWebhooks.store.close();
        expect(a.length).toBeGreaterThan(0);
        expect(b).toEqual(a);
        expect(report(b)).toEqual(report(a));
        const counted = prepareLedger(a, []).all.flatMap((x) => x.commits.map((c) => c.sha));
        expect(new Set(counted).size).toBe(counted.length);
      }),
      { numRuns: 30 },
    );
  });
});
