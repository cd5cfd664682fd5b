/**
 * Reads of deployments that both engines make alike, written with `?` placeholders (PostgreSQL's `sql()` numbers
 * them), so SQLite and PostgreSQL answer the same by construction.
 */

/** The newest succeeded deploy created before an id (args: service, environment, beforeId). */
export const LAST_SUCCEEDED_SQL =
  "SELECT * FROM deployments WHERE service = ? AND environment = ? AND state = 'succeeded' AND id < ? ORDER BY id DESC LIMIT 1";

/**
 * The newest succeeded deploy that was verified (or accepted by a person) created before an id (args: service,
 * environment, beforeId): where a rollback away from a failed verification goes first.
 */
export const LAST_VERIFIED_SQL =
  "SELECT * FROM deployments WHERE service = ? AND environment = ? AND state = 'succeeded' AND verified_at IS NOT NULL AND id < ? ORDER BY id DESC LIMIT 1";

/** The succeeded deploy that finished last at or before a time, but one (args: service, environment, at, exceptId). */
export const LAST_FINISHED_SQL =
  "SELECT * FROM deployments WHERE service = ? AND environment = ? AND state = 'succeeded' AND finished_at <= ? AND id <> ? ORDER BY finished_at DESC, id DESC LIMIT 1";

/** The newest succeeded deploy of a commit (args: service, environment, sha). */
export const SUCCEEDED_WITH_SHA_SQL =
  "SELECT * FROM deployments WHERE service = ? AND environment = ? AND sha = ? AND state = 'succeeded' ORDER BY id DESC LIMIT 1";

/** Approvals whose time ran out (args: now). */
export const EXPIRED_APPROVALS_SQL =
  "SELECT * FROM deployments WHERE state = 'pending_approval' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id";

export const TRANSITIONS_SQL = "SELECT state, at FROM deployment_transitions WHERE deployment_id = ? ORDER BY id";

export const VOTES_SQL = "SELECT voter, vote, sha, at FROM votes WHERE deployment_id = ? ORDER BY id";
