/** Timers for injected latency; unref'd so they never keep a process alive, and all cleared on stop(). */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(timer);
          resolve();
        },
        Math.max(0, ms),
      );
      timer.unref();
      this.pending.set(timer, resolve);
    });
  }

  /** Wakes every sleeper at once, so handlers waiting on latency can notice the server is gone and give up. */
  clearAll(): void {
    for (const [timer, wake] of this.pending) {
      clearTimeout(timer);
      wake();
    }
    this.pending.clear();
  }
}
