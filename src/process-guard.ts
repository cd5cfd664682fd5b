/**
 * How a Gantry process ends: on SIGTERM or SIGINT, by stopping within the shutdown deadline and exiting (0 when
 * nothing had to be abandoned). A backstop timer exits regardless a little after the deadline.
 *
 * The last resort, for what slipped past every handler (the root causes are fixed where they are; this only keeps a
 * future one from being fatal): an unhandled promise rejection is logged and Gantry keeps serving, since no
 * synchronous work was cut short by it. An uncaught exception may have left any state half-changed, so Gantry stops
 * as on SIGTERM, finishing what it can, and exits 1 for its supervisor to restart it.
 */
import type { Logger } from "./log.js";
import { SHUTDOWN_DEADLINE_MS } from "./shutdown.js";

export type Caught = "unhandledRejection" | "uncaughtException";

export interface ProcessGuardOptions {
  /** stop()'s own deadline, which the backstop waits a little beyond. */
  deadlineMs?: number;
  /** Told about each error the last resort caught (the test child prints it). */
  onCaught?: (kind: Caught, err: unknown) => void;
}

/** Time for the last log lines to be written after stop()'s deadline. */
const BACKSTOP_EXTRA_MS = 5_000;

export class ProcessGuard {
  private gantry: { stop(): Promise<{ abandoned: string[] }> } | undefined;
  private stopping = false;

  constructor(
    private readonly log: Logger,
    private readonly opts: ProcessGuardOptions = {},
  ) {
    process.on("unhandledRejection", (reason) => {
      log.error({ err: reason }, "unhandled promise rejection; Gantry keeps serving");
      opts.onCaught?.("unhandledRejection", reason);
    });
    process.on("uncaughtException", (err, origin) => {
      log.fatal({ err, origin }, "uncaught exception; Gantry stops");
      opts.onCaught?.("uncaughtException", err);
      this.end("uncaughtException", 1);
    });
  }

  /** From now on, signals stop this Gantry. */
  serve(gantry: { stop(): Promise<{ abandoned: string[] }> }): void {
    this.gantry = gantry;
    process.once("SIGTERM", () => this.end("SIGTERM"));
    process.once("SIGINT", () => this.end("SIGINT"));
  }

  /** Stops Gantry (once) and exits: with `code`, else 0 unless the shutdown had to abandon work. */
  end(reason: string, code?: number): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ reason }, "shutting down");
    if (!this.gantry) return process.exit(code ?? 1);
    setTimeout(
      () => {
        this.log.fatal({ reason }, "shutdown did not finish; exiting");
        process.exit(1);
      },
      (this.opts.deadlineMs ?? SHUTDOWN_DEADLINE_MS) + BACKSTOP_EXTRA_MS,
    );
    this.gantry.stop().then(
      ({ abandoned }) => process.exit(code ?? (abandoned.length ? 1 : 0)),
      (err: unknown) => {
        this.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  }
}
