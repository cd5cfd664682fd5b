import { hostname } from "node:os";
import { z } from "zod";
import { GantryError } from "./errors.js";

/** A replica's name: letters, digits and `._:-`, as pod names and host names are. */
export const ReplicaId = z.string().regex(/^[\w.:-]{1,100}$/);
export type ReplicaId = z.infer<typeof ReplicaId>;

/**
 * Who this process is among Gantry's replicas: the holder written on every lease it takes. GANTRY_REPLICA_ID when set;
 * otherwise the host name (the pod name on Kubernetes). A process restarted on the same host (a container restart, a
 * single SQLite installation) is the same replica and picks its leases up at once instead of waiting for them to
 * expire; two processes on one host must each be given their own GANTRY_REPLICA_ID.
 */
export function replicaId(source: Readonly<Record<string, string | undefined>> = process.env): ReplicaId {
  const given = source.GANTRY_REPLICA_ID?.trim();
  if (!given) return ReplicaId.safeParse(hostname()).data ?? "gantry";
  const parsed = ReplicaId.safeParse(given);
  if (!parsed.success) {
    throw new GantryError(
      "env_invalid",
      "GANTRY_REPLICA_ID: invalid — set it to up to 100 letters, digits, dots, colons, dashes or underscores (such as the pod name), or unset it",
    );
  }
  return parsed.data;
}

/** How replicas share work. The defaults bound a takeover after a replica dies to under a minute (scheduler) and ttl + scan (polling). */
export interface ReplicaTuning {
  /** The scheduler lease's life without renewal. */
  schedulerTtlMs: number;
  /** How often the leader renews it and the others try for it. */
  schedulerRenewMs: number;
  /** A deploy's poll lease's life: longer than the longest pause between two polls. */
  pollTtlMs: number;
  /** How often each replica looks for live deploys nobody polls. */
  scanMs: number;
}

export function replicaTuning(maxPollIntervalMs: number, given: Partial<ReplicaTuning> = {}): ReplicaTuning {
  return {
    schedulerTtlMs: 30_000,
    schedulerRenewMs: 10_000,
    pollTtlMs: Math.max(2 * maxPollIntervalMs, 30_000),
    scanMs: 10_000,
    ...given,
  };
}
