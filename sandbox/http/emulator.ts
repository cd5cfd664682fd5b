/** What both emulators share around their HTTP front: faults, recorded calls, start/stop, and waiting on events. */
import { EventEmitter } from "node:events";
import { FaultRegistry } from "./faults.js";
import { describeCalls, type RecordedCall } from "./recorder.js";

/** Every emulator emits each recorded call; subclasses add their own events. */
export interface CallEvents {
  call: [RecordedCall];
}

/** The part of an emulator's front the emulator drives. */
export interface Front {
  readonly url: string | undefined;
  listen(port: number): Promise<string>;
  close(): Promise<void>;
}

export abstract class HttpEmulator<E extends Record<keyof E, unknown[]> & CallEvents> extends EventEmitter<E> {
  readonly faults = new FaultRegistry();
  calls: RecordedCall[] = [];
  protected abstract readonly front: Front;

  /** `name` is the subclass's class name, for its error messages. */
  constructor(private readonly emulatorName: string) {
    super();
  }

  get url(): string {
    const url = this.front.url;
    if (!url) throw new Error(`${this.emulatorName} not started; await start() first`);
    return url;
  }

  /** Listens on 127.0.0.1 (an ephemeral port by default) and returns the base URL (Octokit's baseUrl, jira.js's host). */
  start(port = 0): Promise<string> {
    return this.front.listen(port);
  }

  /** Closes the server and its sockets, after settling every pending timer (see clearTimers). */
  async stop(): Promise<void> {
    this.clearTimers();
    await this.front.close();
  }

  unexpectedCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.unexpected);
  }

  /** Clears recorded calls and faults; subclasses clear their own switches on top. */
  reset(): void {
    this.calls = [];
    this.faults.clear();
  }

  waitForCall(predicate: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return this.waitFor(
      "call",
      () => this.calls.find(predicate),
      predicate,
      timeoutMs,
      () => `waitForCall: no matching call within ${timeoutMs}ms; recorded: ${describeCalls(this.calls)}`,
    );
  }

  /** Cancels or wakes the timers of simulated work and injected latency, so nothing fires after stop(). */
  protected abstract clearTimers(): void;

  /** Handed to the front, which calls it once per answered (or dropped) request. */
  protected record(call: RecordedCall): void {
    this.calls.push(call);
    this.events.emit("call", call);
  }

  /** Resolves with current() if it already holds, else with the first event value satisfying predicate. */
  protected waitFor<T>(
    event: keyof E & string,
    current: () => T | undefined,
    predicate: (v: T) => boolean,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> {
    const existing = current();
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const listener = (value: T): void => {
        if (!predicate(value)) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describe()));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off(event, listener);
      };
      this.events.on(event, listener);
    });
  }

  /** An untyped view: the event map E is generic here, which Node's typed emit/on cannot resolve. */
  private get events(): EventEmitter {
    return this as unknown as EventEmitter;
  }
}
