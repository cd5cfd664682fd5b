/**
 * (3b) `gantry backfill --since 90d` of past production deployments from the GitHub emulator, through the CLI's own
 * entry (runCli), into a fresh SQLite file. Spread over 10 repositories, each with one commit per deployment and a
 * success status on each.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../src/cli/gantry.js";
import { row, type Section } from "./report.js";
import { round, timed } from "./stats.js";
import { clearCalls, GITHUB_TOKEN, type Emulators } from "./world.js";

const REPOS = 10;

export async function backfillBench(em: Emulators, deployments: number): Promise<Section> {
  const names = Array.from({ length: REPOS }, (_, i) => `bf-${String(i).padStart(2, "0")}`);
  const config = {
    timezone: "UTC",
    services: Object.fromEntries(
      names.map((n) => [n, { repo: `bench/${n}`, workflow: "deploy.yml", environments: { production: {} } }]),
    ),
  };
  for (const n of names) em.gh.addRepo({ fullName: `bench/${n}`, workflows: ["deploy.yml"] });
  for (let i = 0; i < deployments; i++) {
    const repo = `bench/${names[i % REPOS]}`;
    const sha = em.gh.addCommit(repo, { message: `PAY-${i} change ${i}`, branch: "main" });
    const d = em.gh.addDeployment(repo, { ref: sha, environment: "production" });
    em.gh.addDeploymentStatus(repo, d.id, "success", { autoInactive: false });
  }
  const configPath = join(em.dir, "backfill.yml");
  writeFileSync(configPath, JSON.stringify(config));
  clearCalls(em);
  const out: string[] = [];
  const env = {
    GITHUB_TOKEN,
    GITHUB_API_URL: em.gh.url,
    GANTRY_DB: join(em.dir, "backfill.db"),
    GANTRY_CONFIG: configPath,
    LOG_LEVEL: "warn",
  };
  const run = await timed(() =>
    runCli(["backfill", "--since", "90d"], { out: (l) => out.push(l), err: (l) => out.push(l), env }),
  );
  const calls = em.gh.calls.length;
  clearCalls(em);
  const done = out.at(-1) ?? "";
  return {
    title: "3b. gantry backfill",
    rows: [
      row(`backfill of ${deployments} deployments`, round(run.ms / 1000), "s"),
      row("deployments imported per second", round((deployments * 1000) / run.ms)),
      row("GitHub calls", calls),
    ],
    notes: [`exit ${run.value}; ${done}`],
    details: { deployments, ms: run.ms, exit: run.value, calls, summary: done },
  };
}
