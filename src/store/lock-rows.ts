import type { Lock } from "../domain/deployment.js";

/** A `locks` row, and the Lock it is, on either engine. */
export interface LockRow {
  service: string;
  environment: string;
  holder: string;
  reason: string;
  created_at: string;
  expires_at: string;
  warned: number;
}

export function toLock(row: LockRow): Lock {
  return {
    service: row.service,
    environment: row.environment,
    holder: row.holder,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    warned: Boolean(row.warned),
  };
}
