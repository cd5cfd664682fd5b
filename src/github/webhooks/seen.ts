/** The delivery ids seen lately, oldest forgotten first: enough to drop GitHub's redeliveries and retries. */
export class SeenDeliveries {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  /** Forgets a delivery whose processing failed, so that redelivering it tries again. */
  delete(id: string): void {
    this.ids.delete(id);
  }
}
