import type { DeliveryStore } from "../store/types.js";

/**
 * Remembers recently seen delivery keys, so a retried slash command (same trigger_id) or a repeated delivery of the
 * same click (same action_ts) is answered without doing the work twice. The memory answers repeats to this process
 * without a database round trip; the store's table answers for every replica (a retry may reach another one), with
 * one indexed insert per new key. Bounded; the database's conditional updates and unique keys remain the guard for
 * the work itself.
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly shared?: Pick<DeliveryStore, "firstDelivery">,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly max = 5_000,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is offered within the TTL, here or on any replica; false for a repeat. */
  async firstTime(key: string): Promise<boolean> {
    const t = this.now();
    const at = this.seen.get(key);
    if (at !== undefined && t - at < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, t);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    if (!this.shared) return true;
    try {
      return await this.shared.firstDelivery(key, new Date(t).toISOString());
    } catch (err) {
      // Doing the work is safer than dropping it: the store's conditional updates still stop a second dispatch.
      this.onError(err);
      return true;
    }
  }
}
