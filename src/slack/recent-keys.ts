/**
 * Remembers recently seen delivery keys, so a retried slash command (same trigger_id) or a repeated delivery of the
 * same click (same action_ts) is answered without doing the work twice. Bounded; the database's own conditional
 * updates and unique keys remain the guard across restarts.
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 5_000,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is offered within the TTL; false for a repeat. */
  firstTime(key: string): boolean {
    const t = this.now();
    const at = this.seen.get(key);
    if (at !== undefined && t - at < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, t);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
