/**
 * Deploy work a web replica (GANTRY_ROLE=web) hands over to the workers: a deploy's launch once it is recorded, or
 * its start once approved. The web replica only records; a worker takes each handoff once and does the work.
 */
export type HandoffStep = "launch" | "approved";

/** Whom to tell when the deploy's message cannot be posted: the asker, where they asked. */
export interface ReplyTo {
  user: string;
  channel?: string;
  /** Slack's response_url for the request: short-lived, kept only until a worker takes the handoff. */
  responseUrl?: string;
}

export interface Handoff {
  deploymentId: number;
  step: HandoffStep;
  /** Who approved, for `approved`. */
  actor: string | null;
  replyTo: ReplyTo | null;
  at: string;
}

/** The queue of handoffs, shared by every replica on the database. */
export interface HandoffQueue {
  /** Records a handoff; a second one of the same step for the same deploy is ignored. */
  handOver(h: Handoff): Promise<void>;
  /** Takes (and removes) up to `limit` of the oldest handoffs: each is taken by one caller only. */
  take(limit: number): Promise<Handoff[]>;
  /** Whether the deploy has a handoff nobody took yet. */
  waiting(deploymentId: number): Promise<boolean>;
  /** When the oldest handoff nobody took yet was handed over; undefined when there is none. */
  oldest(): Promise<string | undefined>;
}
