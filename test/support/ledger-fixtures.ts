import type { DeployKind } from "../../src/domain/deployment.js";
import type { Store } from "../../src/store/types.js";

export interface SeedDeploy {
  service?: string;
  environment?: string;
  /** Finish time. */
  at: Date;
  kind?: DeployKind;
  hotfix?: boolean;
  rolledBack?: boolean;
  /** Commit times. */
  commits?: Date[];
}

let n = 0;

/** Writes a succeeded production deployment through the store's own API, as a real deploy would. */
export async function seedDeploy(store: Store, s: SeedDeploy): Promise<number> {
  n++;
  const service = s.service ?? "checkout-api";
  const environment = s.environment ?? "production";
  const sha = n.toString(16).padStart(40, "a");
  const created = await store.createDeployment({
    key: `seed_${n}_${Math.random().toString(16).slice(2, 8)}`,
    service,
    environment,
    ref: `v${n}`,
    sha,
    requester: "U0ALICE",
    runner: "workflow",
    kind: s.kind ?? "deploy",
    hotfix: s.hotfix ?? false,
    slackChannel: null,
    at: new Date(s.at.getTime() - 60_000).toISOString(),
  });
  if (!created.ok) throw new Error("seed: busy");
  const id = created.deployment.id;
  const at = s.at.toISOString();
  await store.transition(
    id,
    ["requested"],
    "succeeded",
    { finishedAt: at },
    { actor: "gantry", action: "deploy.succeeded", at },
  );
  if (s.rolledBack)
    await store.transition(id, ["succeeded"], "rolled_back", {}, { actor: "gantry", action: "deploy.rolled_back", at });
  await store.recordCommits(
    id,
    (s.commits ?? []).map((c, i) => ({
      sha: `${n.toString(16).padStart(38, "c")}${i.toString().padStart(2, "0")}`, // each seeded change its own commit
      committedAt: c.toISOString(),
      author: "alice",
      message: `PAY-${n} change ${i}`,
    })),
  );
  return id;
}
