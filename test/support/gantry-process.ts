/**
 * A Gantry child process (test/support/gantry-child.ts) seen from a test: its stdout lines (`READY`, `CHANGED`,
 * `LEADER`, `POLLING`) are events to await (its log lines too, when spawned with `wakeOnLogs`), each wait bounded;
 * SIGKILL and SIGTERM end it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHILD = join(ROOT, "test/support/gantry-child.ts");

export class GantryProcess {
  readonly lines: { line: string; at: number }[] = [];
  stderr = "";
  private waiters: (() => void)[] = [];
  private exited = false;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly url: Promise<string>,
  ) {}

  static spawn(name: string, env: Record<string, string>, opts: { wakeOnLogs?: boolean } = {}): GantryProcess {
    const proc = spawn(process.execPath, ["--import", "tsx", CHILD], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let ready!: (url: string) => void;
    let failed!: (err: Error) => void;
    const url = new Promise<string>((res, rej) => {
      ready = res;
      failed = rej;
    });
    const g = new GantryProcess(name, proc, url);
    let buffer = "";
    proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        g.lines.push({ line, at: Date.now() });
        if (line.startsWith("READY ")) ready(line.slice(6));
        g.wake();
      }
    });
    // Only the tail is kept: debug logs of a long run would otherwise pile up. With wakeOnLogs a log line is news too,
    // for waits on what no stdout line tells (a request reaching an emulator, say).
    proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      g.stderr = (g.stderr + chunk).slice(-20_000);
      if (opts.wakeOnLogs) g.wake();
    });
    proc.once("exit", (code, signal) => {
      g.exited = true;
      failed(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${g.stderr.slice(-3000)}`));
      g.wake();
    });
    return g;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** When this process printed a line matching `pred`, if it did. */
  printed(pred: (line: string) => boolean): number | undefined {
    return this.lines.find((l) => pred(l.line))?.at;
  }

  /** Settles at this process's next line or exit, or after `ms`. */
  next(ms: number): Promise<void> {
    if (this.exited) return new Promise((res) => setTimeout(res, Math.max(0, ms)).unref());
    return new Promise<void>((res) => {
      this.waiters.push(res);
      setTimeout(res, Math.max(0, ms)).unref();
    });
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    if (this.exited) return Promise.resolve();
    const gone = new Promise<void>((res) => this.proc.once("exit", () => res()));
    this.proc.kill(signal);
    return gone;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Resolves once `check` holds, re-checking after every line any of `procs` prints (each deploy change, lease taken or
 * lead gained prints one); fails after `timeoutMs` with the processes' last words.
 */
export async function untilAny<T>(
  procs: readonly GantryProcess[],
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    const next = Promise.race(procs.map((p) => p.next(left)));
    const value = await check();
    if (value !== undefined) return value;
    if (left <= 0) {
      const words = procs.map((p) => `--- ${p.name}:\n${p.stderr.slice(-1500)}`).join("\n");
      throw new Error(`timed out waiting for ${what}\n${words}`);
    }
    await next;
  }
}

/** The first of `procs` to print a line matching `pred`, and when it did. */
export function firstToPrint(
  procs: readonly GantryProcess[],
  pred: (line: string) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<{ proc: GantryProcess; at: number }> {
  return untilAny(
    procs,
    () => {
      for (const proc of procs) {
        const at = proc.printed(pred);
        if (at !== undefined) return { proc, at };
      }
      return undefined;
    },
    what,
    timeoutMs,
  );
}
