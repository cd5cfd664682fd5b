/**
 * Acknowledgements first: the deploy work an accepted command starts (launching, and what follows from it) waits
 * while Slack requests are being answered, so it does not queue in front of the next acknowledgement on the one
 * event loop. It starts once no Slack request has been in progress for `quietMs`, or at the latest `maxWaitMs` after
 * it was accepted, one piece per turn of the event loop, oldest first. Nothing waits longer than `maxWaitMs`; with
 * no traffic it starts at once. See BENCHMARKS.md, "Where deploy work runs (issue 18)".
 */
export interface AckFirstOptions {
  /** How long Slack must have been quiet (no request in progress or begun) for held work to start. */
  quietMs: number;
  /** The longest any work is held, however busy Slack keeps Gantry. */
  maxWaitMs: number;
  /** Milliseconds clock. */
  now?: () => number;
}

/** A burst of commands (more than ~20 a second) holds the work; it is never held past one second. */
export const ACK_FIRST_DEFAULTS: AckFirstOptions = { quietMs: 50, maxWaitMs: 1_000 };

/** GANTRY_ACK_FIRST=off: nothing is held, work starts as it is handed over. */
export const ACK_FIRST_OFF: AckFirstOptions = { quietMs: 0, maxWaitMs: 0 };

/** The gate GANTRY_ACK_FIRST asks for, with `tuning` (tests, the bench) over the defaults. */
export function ackFirstFor(setting: "on" | "off" | undefined, tuning?: Partial<AckFirstOptions>): AckFirst {
  return new AckFirst(setting === "off" ? ACK_FIRST_OFF : { ...ACK_FIRST_DEFAULTS, ...tuning });
}

interface Held {
  since: number;
  start: () => void;
}

export class AckFirst {
  private answering = 0;
  private lastActivity = -Infinity;
  private readonly held: Held[] = [];
  private timer: NodeJS.Timeout | undefined;
  private turn: NodeJS.Immediate | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: AckFirstOptions = ACK_FIRST_DEFAULTS) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** A Slack request is being answered; call the returned function once its response is done (or abandoned). */
  begin(): () => void {
    this.answering++;
    this.lastActivity = this.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.answering--;
      this.lastActivity = this.now();
      this.schedule();
    };
  }

  /** Runs `work` once Slack is quiet (see the class), and settles as it does. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.opts.maxWaitMs <= 0) return work();
    return new Promise<void>((start) => {
      this.held.push({ since: this.now(), start });
      this.schedule();
    }).then(work);
  }

  /** How many pieces of work are held. */
  get waiting(): number {
    return this.held.length;
  }

  /** Starts everything held now (shutdown: nothing more will be answered). */
  release(): void {
    for (const h of this.held.splice(0)) h.start();
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.turn) clearImmediate(this.turn);
    this.timer = undefined;
    this.turn = undefined;
  }

  private schedule(): void {
    this.clear();
    const first = this.held[0];
    if (!first) return;
    const now = this.now();
    const overdue = first.since + this.opts.maxWaitMs - now;
    const quietIn = this.answering > 0 ? Infinity : this.lastActivity + this.opts.quietMs - now;
    const wait = Math.min(overdue, quietIn);
    // One piece per turn: a request that arrives meanwhile is read before the next piece starts.
    if (wait <= 0) this.turn = setImmediate(() => this.startOne());
    else this.timer = setTimeout(() => this.schedule(), Math.ceil(wait));
  }

  private startOne(): void {
    this.turn = undefined;
    this.held.shift()?.start();
    this.schedule();
  }
}
